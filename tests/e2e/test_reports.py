"""A citizen reports with a pin and a photo; a moderator publishes; the map shows it, coarsened."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import FilePayload, Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from curim.accounts.roles import Role
from curim.areas.demo import DEMO_AREAS
from curim.areas.services import areas_load_file
from curim.reports.models import Report
from tests.e2e.header import open_from_the_menu
from tests.factories import PASSWORD, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _offline_map(settings: SettingsWrapper) -> None:
    # No internet in tests: base-map tiles come from a blank image of our own.
    settings.MAP_TILE_URL = "/static/img/blank-tile.png?{z}{x}{y}"
    areas_load_file(path=DEMO_AREAS)


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (10, 120, 40)).save(out, format="JPEG")
    return out.getvalue()


def _log_in(page: Page, live_server: LiveServer, email: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="My account")).to_be_visible()


def test_a_report_goes_from_pin_to_public_map(page: Page, live_server: LiveServer) -> None:
    user_with_role(Role.MODERATOR, email="moderator@example.org")

    # An anonymous citizen places a pin, attaches a photo and submits.
    page.goto(live_server.url + "/reports/new/")
    page.get_by_label("What is it about?").select_option("broken-pavement")
    page.locator("#report-map").click()  # the centre of the map, in central Piraeus
    expect(page.locator("#location-readout")).to_contain_text("37.9")
    page.get_by_label("What happened?").fill("Large hole in the pavement by the bus stop")
    page.get_by_label("How serious is it?").select_option("4")
    page.get_by_label("How unsafe does it make you feel?").select_option("3")
    photo: FilePayload = {"name": "hole.jpg", "mimeType": "image/jpeg", "buffer": _photo()}
    page.get_by_label("Photos").set_input_files(files=[photo])
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you, your report has been sent"
    )
    report = Report.objects.get()
    assert report.photos.count() == 1
    assert report.reporter is None

    # A moderator publishes it.
    _log_in(page, live_server, "moderator@example.org")
    open_from_the_menu(page, "Moderation")
    page.get_by_role("cell").get_by_role("link").first.click()
    page.get_by_label("Publish", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    # The public map shows it; its location is the public cell, not the pin.
    anonymous = page.context.browser.new_context(viewport={"width": 390, "height": 844})
    visitor = anonymous.new_page()
    visitor.goto(live_server.url + "/map/")
    entry = visitor.locator("#reports-in-view").get_by_role("link")
    expect(entry).to_contain_text("Large hole in the pavement")
    expect(visitor.locator("#risk-map path.leaflet-interactive").first).to_be_attached()
    entry.click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Broken pavement")
    report.refresh_from_db()
    map_element = visitor.locator("#report-map")
    shown = float(map_element.get_attribute("data-lat") or "nan")
    assert shown == pytest.approx(report.public_location.y, abs=1e-6)
    assert shown != pytest.approx(report.location.y, abs=1e-6)
    assert re.search(r"/reports/photos/[0-9a-f-]+\.jpg", visitor.content())
    anonymous.close()


def test_a_wrong_report_shows_the_errors_next_to_the_fields(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/reports/new/")
    page.get_by_label("What is it about?").select_option("graffiti")
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator('[data-error-for="description"]')).not_to_be_empty()
    expect(page.locator('[data-error-for="severity"]')).not_to_be_empty()
    page.get_by_label("What happened?").fill("Tags everywhere")
    page.get_by_label("How serious is it?").select_option("2")
    page.get_by_label("How unsafe does it make you feel?").select_option("2")
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator('[data-error-for~="location"]')).to_contain_text("needs a location")
    expect(page.locator('[data-error-for="description"]')).to_be_empty()
    assert not Report.objects.exists()
