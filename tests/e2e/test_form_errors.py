"""Forms that post to the API say what is wrong in words: each error names its field by the
label on the page, in the page's language; a refusal that is not about the fields is shown
alone, as what it is."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from curim.areas.demo import DEMO_AREAS
from curim.areas.services import areas_load_file
from curim.reports.models import PlaceEvaluation, Report

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

API_WORDING = ["may not be null", "valid integer", "This field", "may not be blank"]


@pytest.fixture(autouse=True)
def _offline_map(settings: SettingsWrapper) -> None:
    # No internet in tests: base-map tiles come from a blank image of our own.
    settings.MAP_TILE_URL = "/static/img/blank-tile.png?{z}{x}{y}"
    areas_load_file(path=DEMO_AREAS)


@pytest.fixture
def greek_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="el-GR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _no_api_wording(page: Page) -> None:
    text = page.locator("main").inner_text()
    for phrase in API_WORDING:
        assert phrase not in text


def test_an_empty_report_names_each_field_by_its_label(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/reports/new/")
    page.get_by_role("button", name="Send the report").click()
    summary = page.locator("#form-errors")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Please correct the marked fields.")
    items = summary.get_by_role("listitem")
    expect(items).to_contain_text(
        [
            "What is it about? — Choose a category.",
            "What happened? — Describe what happened.",
            "How serious is it? (1 = minor, 5 = very serious) — "
            "Choose how serious it is, from 1 to 5.",
            "How unsafe does it make you feel? (1 = not at all, 5 = very) — "
            "Choose how unsafe it makes you feel, from 1 to 5.",
        ]
    )
    # Each message also stands under its field, and the summary links there.
    expect(page.locator('[data-error-for="category"]')).to_have_text("Choose a category.")
    expect(page.get_by_label("What is it about?")).to_have_attribute("aria-invalid", "true")
    expect(
        summary.get_by_role("link", name="What is it about? — Choose a category.")
    ).to_have_attribute("href", "#id_category")
    _no_api_wording(page)
    assert not Report.objects.exists()


def test_an_empty_report_names_each_field_in_greek(
    greek_page: Page, live_server: LiveServer
) -> None:
    page = greek_page
    page.goto(live_server.url + "/reports/new/")
    expect(page.locator("html")).to_have_attribute("lang", "el")
    page.get_by_role("button", name="Αποστολή της αναφοράς").click()
    summary = page.locator("#form-errors")
    expect(summary).to_contain_text("Τι αφορά; — Επιλέξτε κατηγορία.")
    expect(summary).to_contain_text("Περιγράψτε τι συνέβη.")
    expect(page.locator('[data-error-for="category"]')).to_have_text("Επιλέξτε κατηγορία.")
    _no_api_wording(page)


def test_too_many_reports_is_said_alone(
    page: Page, live_server: LiveServer, settings: SettingsWrapper
) -> None:
    settings.REPORTS_ANONYMOUS_PER_HOUR = 0  # this address has already sent its share
    page.goto(live_server.url + "/reports/new/")
    page.get_by_label("What is it about?").select_option("broken-pavement")
    page.locator("#report-map").click()
    expect(page.locator("#location-readout")).to_contain_text("37.9")
    page.get_by_label("What happened?").fill("Large hole in the pavement by the bus stop")
    page.get_by_label("How serious is it?").select_option("4")
    page.get_by_label("How unsafe does it make you feel?").select_option("3")
    page.get_by_role("button", name="Send the report").click()
    summary = page.locator("#form-errors")
    expect(summary).to_have_text("Too many reports from your address. Try again later.")
    for errors in page.locator("[data-error-for]").all():
        expect(errors).to_be_empty()
    assert not Report.objects.exists()


def test_an_evaluation_without_a_pin_asks_for_the_pin_once(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/places/evaluate/")
    page.get_by_role("button", name="Send the evaluation").click()
    summary = page.locator("#form-errors")
    expect(summary).to_contain_text("Where? — Place the pin on the map.")
    expect(summary).to_contain_text(
        "Overall, how safe does it feel? — Choose a rating from 1 to 5."
    )
    # Latitude and longitude are one pin: one message, under the map.
    expect(summary.get_by_text("Place the pin on the map.")).to_have_count(1)
    expect(page.locator('[data-error-for~="latitude"]')).to_have_text("Place the pin on the map.")
    _no_api_wording(page)
    assert not PlaceEvaluation.objects.exists()
