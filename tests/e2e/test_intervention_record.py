"""An intervention recorded in a real browser, on a phone-sized screen: an analyst draws where
it is on the map (Leaflet.draw), saves, and reads its page with the shape drawn; the public
reads it once it is public. axe finds no serious or critical WCAG problem on the new pages at
360 px, no page is wider than the screen, and no script error or policy violation occurs."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.areas.demo import DEMO_AREAS
from curim.areas.services import areas_load_file
from interventions.models import Intervention, InterventionStatus
from interventions.services.interventions import intervention_status_advance
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accessibility import problems_on
from tests.e2e.test_content_security_policy import WATCH
from tests.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CENTRE = (37.9425, 23.6465)  # latitude, longitude


@pytest.fixture(autouse=True)
def _offline_map(settings: SettingsWrapper) -> None:
    settings.MAP_TILE_URL = "/static/img/blank-tile.png?{z}{x}{y}"
    settings.MAP_CENTRE = CENTRE
    settings.MAP_ZOOM = 16
    areas_load_file(path=DEMO_AREAS)


@pytest.fixture
def problems() -> list[str]:
    return []


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    yield context
    context.close()


def _sign_in(context: BrowserContext, live_server: LiveServer, user: User) -> None:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    context.clear_cookies()
    context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": live_server.url}]
    )


def _watched(context: BrowserContext, problems: list[str]) -> Page:
    context.expose_binding("curimPolicyViolation", lambda source, text: problems.append(text))
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    # A form with errors answers 400 by design, which the console reports; anything else is
    # a problem.
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "status of 400" not in message.text
            else None
        ),
    )
    return page


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _click_map(page: Page, x: float, y: float) -> None:
    """A click at (x, y) of the map's box, as a finger or mouse gives it."""
    box = page.locator("#intervention-draw-map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + x * box["width"], box["y"] + y * box["height"])


def test_an_analyst_draws_an_intervention_on_the_map_and_reads_it(
    phone: BrowserContext, live_server: LiveServer, problems: list[str]
) -> None:
    analyst = user_with_role(Role.ANALYST, email="analyst-draws@example.org")
    _sign_in(phone, live_server, analyst)
    page = _watched(phone, problems)

    page.goto(live_server.url + "/interventions/manage/")
    assert problems_on(page, phone=True) == []
    page.get_by_role("button", name="Record an intervention").click()
    expect(page.locator("#intervention-draw-map .leaflet-draw-draw-polygon")).to_be_visible()
    assert problems_on(page, phone=True) == []

    # Saved without a drawing: the form says where, and nothing is saved.
    page.get_by_label("Title (English)").fill("Renovated square of Kastella")
    page.get_by_label("Kind").select_option(label="Renovation of a public space")
    page.get_by_label("Responsible organisation").fill("Municipality of Piraeus")
    page.get_by_label("District or neighbourhood").select_option(index=1)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert not Intervention.objects.exists()
    assert problems_on(page, phone=True) == []

    # The square, drawn: three corners, then the first again to close it.
    page.locator("#intervention-draw-map").scroll_into_view_if_needed()
    page.get_by_role("link", name="Draw an area").click()
    vertices = page.locator("#intervention-draw-map .leaflet-editing-icon")
    for count, (x, y) in enumerate(((0.3, 0.3), (0.7, 0.3), (0.7, 0.7)), 1):
        _click_map(page, x, y)
        expect(vertices).to_have_count(count)
        page.wait_for_timeout(400)  # a click, not a double click
    _click_map(page, 0.3, 0.3)
    expect(page.locator("#intervention-draw-map path.leaflet-interactive")).to_have_count(1)
    geojson = page.locator("#id_geometry").input_value()
    assert '"type":"Polygon"' in geojson, geojson
    _shot(page, "intervention-drawn-360")
    page.get_by_role("button", name="Save").click()

    page.get_by_role("heading", name="Renovated square of Kastella").wait_for()
    intervention = Intervention.objects.get()
    assert intervention.geometry.geom_type == "Polygon"
    assert intervention.geometry.contains(intervention.geometry.centroid)
    expect(page.locator("#intervention-map path.leaflet-interactive")).to_have_count(1)
    assert problems_on(page, phone=True) == []

    # A session form on the phone.
    page.get_by_role("button", name="Add a session").click()
    expect(page.get_by_label("Students, school year 7")).to_be_visible()
    assert problems_on(page, phone=True) == []

    # The public reads it once it is completed: the list, its map, and its page.
    intervention.starts_on = intervention.ends_on = intervention.created_at.date()
    intervention.save()
    for step in (InterventionStatus.IN_PROGRESS, InterventionStatus.COMPLETED):
        intervention = intervention_status_advance(intervention=intervention, to=step)
    phone.clear_cookies()
    page.goto(live_server.url + "/interventions/")
    expect(page.locator("#interventions-map path.leaflet-interactive")).to_have_count(1)
    assert problems_on(page, phone=True) == []
    page.get_by_role("link", name=f"{intervention.reference}: Renovated square").click()
    expect(page.locator("#intervention-map path.leaflet-interactive")).to_have_count(1)
    assert problems_on(page, phone=True) == []
    _shot(page, "intervention-public-360")
    assert problems == []
