"""The public risk map in a browser: a dot opens what it holds, the legend names the colours, the
list of reports in view goes past 20, the ratings' colours are the legend's; and the report
form's duplicate hint lists a published report nearby. No page error on the way."""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.areas.demo import DEMO_AREAS
from curim.areas.services import areas_load_file
from curim.reports.models import Category, Report
from curim.reports.services.evaluations import EvaluationDraft, evaluation_submit
from curim.reports.services.submission import ReportDraft, report_submit
from curim.reports.services.workflow import report_transition
from tests.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Central Piraeus, inside the 1st municipal community of the demo map and in the map's view.
HERE = (23.6465, 37.9425)


@pytest.fixture(autouse=True)
def _offline_map(settings: SettingsWrapper) -> None:
    # No internet in tests: base-map tiles come from a blank image of our own.
    settings.MAP_TILE_URL = "/static/img/blank-tile.png?{z}{x}{y}"
    settings.MAP_CENTRE = (HERE[1], HERE[0])
    settings.MAP_ZOOM = 15
    areas_load_file(path=DEMO_AREAS)


@pytest.fixture
def errors() -> list[str]:
    """Every uncaught exception and console error of the pages watched."""
    return []


def _watch(page: Page, errors: list[str]) -> None:
    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text}")

    def on_error(error: Error) -> None:
        errors.append(f"pageerror: {error.message}")

    page.on("console", on_console)
    page.on("pageerror", on_error)


@pytest.fixture
def phone(page: Page, errors: list[str]) -> Page:
    page.set_viewport_size({"width": 360, "height": 740})
    _watch(page, errors)
    return page


@pytest.fixture
def desktop(browser: Browser, errors: list[str]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    _watch(page, errors)
    yield page
    context.close()


def _published(
    category: str = "graffiti",
    at: tuple[float, float] = HERE,
    description: str = "Tags sprayed on the school wall",
    days_ago: int = 0,
) -> Report:
    moderator = User.objects.filter(email="moderator@example.org").first() or user_with_role(
        Role.MODERATOR, email="moderator@example.org"
    )
    draft = ReportDraft(
        category=Category.objects.get(slug=category),
        description=description,
        occurred_at=timezone.now() - timedelta(days=days_ago),
        severity=3,
        feeling_unsafe=3,
        location=Point(*at, srid=4326),
    )
    report, _ = report_submit(draft=draft, reporter=None, client_address="192.0.2.44")
    report_transition(report=report, to_status="published", actor=moderator)
    return report


def _click_a_dot(page: Page) -> None:
    # Dots of one cluster lie on top of each other: click where the first is drawn, as a
    # person would, whichever of them is on top there.
    dot = page.locator("#risk-map path.leaflet-interactive").first
    expect(dot).to_be_attached()
    dot.scroll_into_view_if_needed()
    box = dot.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_a_click_on_a_dot_opens_what_its_cell_holds_with_working_links(
    desktop: Page, live_server: LiveServer, errors: list[str]
) -> None:
    page = desktop
    _published(description="Tags sprayed on the school wall", days_ago=2)
    _published(description="New tags on the kiosk", days_ago=1)
    noise = _published(category="noise", description="Music until 4 am every night")

    page.goto(live_server.url + "/map/")
    _click_a_dot(page)

    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("3 reports here")
    expect(popup).to_contain_text("Incivility: 3 (Graffiti 2, Noise 1)")
    expect(popup).to_contain_text("Period: Any time")
    expect(popup).to_contain_text(f"When they happened: {_day(2)} – {_day(0)}")
    expect(popup).to_contain_text("approximate")
    links = popup.locator(".cell-reports a")
    expect(links).to_have_count(3)
    expect(links.first).to_contain_text("Music until 4 am every night")  # the newest first
    # Followed by keyboard: the popup pans into view once its content has come, and a pointer
    # click that meets the pan lands on the map, which closes the popup (seen under load).
    links.first.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/reports/{noise.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Noise")

    page.go_back()
    _click_a_dot(page)
    everything = page.locator(".leaflet-popup-content .cell-all")
    expect(everything).to_be_visible()
    everything.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Published reports")
    expect(page.locator("#list-summary")).to_contain_text("3 reports in the chosen part of the map")
    expect(page.locator(".report-list-full > li")).to_have_count(3)
    assert errors == []


def test_in_greek_the_popup_and_the_legend_speak_greek(
    browser: Browser, live_server: LiveServer, errors: list[str]
) -> None:
    _published(description="Γκράφιτι στον τοίχο")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="el-GR")
    context.add_cookies([{"name": "django_language", "value": "el", "url": live_server.url}])
    page = context.new_page()
    _watch(page, errors)
    page.goto(live_server.url + "/map/")
    expect(page.locator("#map-legend summary")).to_have_text("Υπόμνημα")
    _click_a_dot(page)
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("1 αναφορά εδώ")  # from the scripts' catalogue, /jsi18n/
    expect(popup).to_contain_text("Περίοδος: Οποτεδήποτε")
    day = timezone.localdate()
    expect(popup.locator(".cell-reports a")).to_have_text(
        f"Γκράφιτι, {day.day}/{day.month}/{day.year}: Γκράφιτι στον τοίχο"
    )
    context.close()
    assert errors == []


def test_a_period_chosen_on_the_map_is_what_the_popup_counts(
    desktop: Page, live_server: LiveServer, errors: list[str]
) -> None:
    page = desktop
    _published(description="Old tags", days_ago=200)
    _published(description="Fresh tags", days_ago=3)

    page.goto(live_server.url + "/map/")
    page.get_by_label("Period").select_option("30")
    _click_a_dot(page)
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("1 report here")
    expect(popup).to_contain_text("Period: Last 30 days")
    expect(popup.locator(".cell-reports a")).to_have_text([f"Graffiti, {_day(3)}: Fresh tags"])
    assert errors == []


def _day(days_ago: int) -> str:
    day = timezone.localdate() - timedelta(days=days_ago)
    return f"{day.day} {day:%b %Y}"


def _rgb(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def test_the_legend_names_the_colours_of_the_dots_and_says_locations_are_approximate(
    desktop: Page, live_server: LiveServer, errors: list[str]
) -> None:
    page = desktop
    _published(category="graffiti")
    page.goto(live_server.url + "/map/")
    legend = page.locator("#risk-map #map-legend")  # on the map itself
    expect(legend).to_have_attribute("open", "")
    for group in ("Incivility", "Crime witnessed", "Urban risk", "Cyber threat"):
        expect(legend.get_by_text(group, exact=True)).to_be_visible()
    expect(legend).to_contain_text("Locations are approximate")
    expect(legend).to_contain_text("at least 50 m wide")

    # The colour the legend gives "Incivility" is the colour of a graffiti dot.
    dot = page.locator("#risk-map path.leaflet-interactive").first
    expect(dot).to_be_attached()
    swatch = legend.locator(".swatch.group-incivility")
    legend_colour = swatch.evaluate("node => getComputedStyle(node).backgroundColor")
    assert _rgb(dot.get_attribute("fill") or "") == legend_colour
    assert errors == []


def test_on_a_phone_the_legend_is_folded_away_until_asked_for(
    phone: Page, live_server: LiveServer, errors: list[str]
) -> None:
    page = phone
    _published(description="Tags sprayed on the school wall")
    page.goto(live_server.url + "/map/")
    legend = page.locator("#risk-map #map-legend")
    expect(legend).not_to_have_attribute("open", "")
    map_box = page.locator("#risk-map").bounding_box()
    folded = legend.bounding_box()
    assert map_box is not None
    assert folded is not None
    assert folded["height"] * folded["width"] < 0.1 * map_box["height"] * map_box["width"]
    legend.get_by_text("Legend").click()
    expect(legend.get_by_text("Crime witnessed", exact=True)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360

    # Folded again, it leaves the dots to click; a dot's popup fits the phone's width.
    legend.get_by_text("Legend").click()
    expect(legend).not_to_have_attribute("open", "")
    _click_a_dot(page)
    popup = page.locator(".leaflet-popup")
    expect(popup.locator(".cell-reports a")).to_have_count(1)
    shown = popup.bounding_box()
    assert shown is not None
    assert shown["x"] >= 0
    assert shown["x"] + shown["width"] <= 360
    assert errors == []


def test_the_ratings_are_coloured_as_the_legend_says_and_a_poor_rating_is_not_blue(
    desktop: Page, live_server: LiveServer, errors: list[str]
) -> None:
    page = desktop
    for _ in range(3):  # a cell is shown from three ratings on
        evaluation_submit(
            draft=EvaluationDraft(
                location=Point(*HERE, srid=4326),
                time_of_day="night",
                feeling=2,
                lighting=2,
                visibility=3,
                people=2,
                security=2,
                walk_path=3,
            ),
            evaluator=None,
            client_address="192.0.2.50",
        )
    page.goto(live_server.url + "/map/")
    page.get_by_label("How safe places feel").select_option("night")
    cell = page.locator("#risk-map .rating-cell")
    expect(cell).to_have_count(1)
    expect(cell).to_have_class(re.compile(r"\brating-2\b"))  # the average, 2, rounded
    legend = page.locator("#legend-ratings")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("How safe places feel: By night")
    expect(legend).to_contain_text("1: poor, feels unsafe")
    expect(legend).to_contain_text("5: good, feels safe")
    on_map = cell.evaluate("node => getComputedStyle(node).backgroundColor")
    in_legend = legend.locator(".swatch.rating-2").evaluate(
        "node => getComputedStyle(node).backgroundColor"
    )
    assert on_map == in_legend
    red, _green, blue = (int(n) for n in on_map[4:-1].split(","))
    assert red > 200, on_map  # warm, never a calm blue
    assert blue < 100, on_map
    assert errors == []


def test_more_loads_the_reports_in_view_past_the_first_20(
    desktop: Page, live_server: LiveServer, errors: list[str]
) -> None:
    page = desktop
    for n in range(21):
        _published(description=f"Report number {n}")
    page.goto(live_server.url + "/map/")
    items = page.locator("#reports-in-view > li")
    expect(items).to_have_count(20)
    expect(page.locator("#reports-in-view-status")).to_contain_text("20 reports shown")
    page.get_by_role("button", name="Show more reports").click()
    expect(items).to_have_count(21)
    expect(items.last).to_contain_text("Report number 0")  # the oldest, the 21st
    expect(page.get_by_role("button", name="Show more reports")).to_be_hidden()
    expect(page.locator("#reports-in-view-status")).to_contain_text("21 reports shown")
    assert errors == []


def test_placing_a_pin_near_a_published_report_shows_the_duplicate_hint_listing_it(
    phone: Page, live_server: LiveServer, errors: list[str]
) -> None:
    page = phone
    page.goto(live_server.url + "/reports/new/")
    # The pin first, then the category, as people often do.
    page.locator("#report-map").click(position={"x": 120, "y": 100})
    latitude = float(page.locator("#id_latitude").input_value())
    longitude = float(page.locator("#id_longitude").input_value())
    # The hint asks about the point rounded to ~100 m; the report lies there.
    near = _published(at=(round(longitude, 3), round(latitude, 3)), description="Tags on the wall")
    _published(category="noise", at=(round(longitude, 3), round(latitude, 3)))  # another kind

    page.get_by_label("What is it about?").select_option("graffiti")
    hint = page.locator("#duplicates")
    expect(hint).to_be_visible()
    links = hint.get_by_role("link")
    expect(links).to_have_count(1)
    expect(links).to_contain_text("Tags on the wall")
    expect(links).to_have_attribute("href", f"/reports/{near.public_id}/")
    assert errors == []
