"""The hotspot maps in a browser: an analyst opens /analytics/, the council's layer draws one
shape per cell of the stored run, "At night" loads the night run in place; the public risk
map's Hotspots toggle draws the public run. No page error, no policy violation; axe finds no
serious or critical WCAG problem on the page on a desktop and a phone, in English and Greek.
Screenshots at 1280 and 360 px go to test-results/."""

from collections.abc import Iterator
from datetime import timedelta

import numpy as np
import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.analytics.models import AnalysisRun, RunAudience
from curim.analytics.services.nightly import hotspots_nightly
from curim.areas.demo import DEMO_AREAS
from curim.areas.models import Area
from curim.areas.services import areas_load_file
from curim.reports.models import Category
from curim.reports.services.submission import ReportDraft, report_submit
from curim.reports.services.workflow import report_transition
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accessibility import problems_on
from tests.e2e.test_content_security_policy import WATCH
from tests.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOT = (23.6465, 37.9425)


@pytest.fixture(autouse=True)
def _offline_map(settings: SettingsWrapper) -> None:
    settings.MAP_TILE_URL = "/static/img/blank-tile.png?{z}{x}{y}"
    settings.MAP_CENTRE = (HOT[1], HOT[0])
    settings.MAP_ZOOM = 14
    areas_load_file(path=DEMO_AREAS)


def _report(at: tuple[float, float], *, category: str = "graffiti", hour: int = 12) -> None:
    moderator = User.objects.filter(email="moderator@example.org").first() or user_with_role(
        Role.MODERATOR, email="moderator@example.org"
    )
    when = timezone.localtime().replace(hour=hour, minute=0) - timedelta(days=5)
    draft = ReportDraft(
        category=Category.objects.get(slug=category),
        description="Something worth reporting",
        occurred_at=when,
        severity=3,
        feeling_unsafe=3,
        location=Point(*at, srid=4326),
    )
    report, _ = report_submit(draft=draft, reporter=None, client_address="192.0.2.44")
    report_transition(report=report, to_status="published", actor=moderator)


@pytest.fixture
def runs() -> list[AnalysisRun]:
    """A cluster by day and one at night, some scattered reports; then the night's runs."""
    rng = np.random.default_rng(14)
    for _ in range(10):
        dx, dy = rng.uniform(-4e-4, 4e-4, 2)
        _report((HOT[0] + dx, HOT[1] + dy), hour=13)
    for _ in range(8):
        dx, dy = rng.uniform(-4e-4, 4e-4, 2)
        _report((23.6300 + dx, 37.9500 + dy), hour=23)
    boundary = Area.objects.get(level=Area.Level.MUNICIPALITY).geometry
    placed = 0
    while placed < 8:
        lon, lat = rng.uniform((23.60, 37.92), (23.70, 37.97))
        if boundary.contains(Point(lon, lat, srid=4326)):
            _report((lon, lat), hour=int(rng.integers(0, 24)))
            placed += 1
    return hotspots_nightly(today=timezone.localdate() + timedelta(days=1))


def _context(
    browser: Browser, live_server: LiveServer, width: int, language: str = "en"
) -> BrowserContext:
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    return context


def _sign_in(context: BrowserContext, live_server: LiveServer, role: Role) -> None:
    client = Client()
    client.force_login(user_with_role(role, email=f"{role.value}-map@example.org"))
    name = settings.SESSION_COOKIE_NAME
    context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": live_server.url}]
    )


@pytest.fixture
def problems() -> list[str]:
    return []


def _watched(context: BrowserContext, problems: list[str]) -> Page:
    context.expose_binding("curimPolicyViolation", lambda source, text: problems.append(text))
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    return page


def _cells(runs: list[AnalysisRun], audience: str, time_of_day: str) -> int:
    run = next(
        r for r in runs if r.audience == audience and r.parameters["time_of_day"] == time_of_day
    )
    return run.cells.count()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def analyst_page(browser: Browser, live_server: LiveServer, problems: list[str]) -> Iterator[Page]:
    context = _context(browser, live_server, 1280)
    _sign_in(context, live_server, Role.ANALYST)
    yield _watched(context, problems)
    context.close()


def test_the_analyst_s_map_draws_the_council_s_cells_and_night_reloads_them(
    runs: list[AnalysisRun], analyst_page: Page, live_server: LiveServer, problems: list[str]
) -> None:
    page = analyst_page
    page.goto(live_server.url + "/analytics/")
    shapes = page.locator("#hotspot-map path.leaflet-interactive")
    expect(page.locator("#hotspot-map")).to_have_attribute("data-time-of-day", "all")
    expect(shapes).to_have_count(_cells(runs, RunAudience.COUNCIL, "all"))
    # The hot cells are red, as the legend's first swatch.
    hot_fill = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--hotspot-hot-99').trim()"
    )
    fills = shapes.evaluate_all("paths => paths.map(p => p.getAttribute('fill'))")
    assert hot_fill in fills
    expect(page.locator("#hotspot-map-status")).to_contain_text("The map shows all day")
    _shot(page, "analytics-map-1280")

    page.get_by_role("radio", name="At night").check()
    expect(page.locator("#hotspot-map")).to_have_attribute("data-time-of-day", "night")
    expect(shapes).to_have_count(_cells(runs, RunAudience.COUNCIL, "night"))
    expect(page.locator("#hotspot-map-status")).to_contain_text("The map shows at night")
    shapes.first.dispatch_event("click")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("reports and incidents in it")
    assert problems == []


def test_on_a_phone_the_page_fits_and_the_map_draws(
    runs: list[AnalysisRun], browser: Browser, live_server: LiveServer, problems: list[str]
) -> None:
    context = _context(browser, live_server, 360)
    _sign_in(context, live_server, Role.COUNCIL_MEMBER)
    page = _watched(context, problems)
    page.goto(live_server.url + "/analytics/")
    expect(page.locator("#hotspot-map path.leaflet-interactive")).to_have_count(
        _cells(runs, RunAudience.COUNCIL, "all")
    )
    _shot(page, "analytics-map-360")
    assert problems_on(page, phone=True) == []
    context.close()
    assert problems == []


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("el", 360), ("el", 1280)])
def test_axe_finds_no_serious_problem_on_the_page(
    runs: list[AnalysisRun],
    browser: Browser,
    live_server: LiveServer,
    problems: list[str],
    language: str,
    width: int,
) -> None:
    context = _context(browser, live_server, width, language)
    _sign_in(context, live_server, Role.ANALYST)
    page = _watched(context, problems)
    page.goto(live_server.url + "/analytics/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("#hotspot-map path.leaflet-interactive").first).to_be_attached()
    assert problems_on(page, phone=width == 360) == []
    context.close()
    assert problems == []


def test_the_public_map_s_hotspot_toggle_draws_the_public_layer(
    runs: list[AnalysisRun], browser: Browser, live_server: LiveServer, problems: list[str]
) -> None:
    context = _context(browser, live_server, 1280)
    page = _watched(context, problems)
    page.goto(live_server.url + "/map/")
    hotspots = page.locator("#risk-map .leaflet-hotspots-pane path.leaflet-interactive")
    expect(page.locator("#legend-hotspots")).to_be_hidden()
    assert hotspots.count() == 0  # off by default
    with page.expect_response(lambda r: "/api/v1/analytics/hotspots/" in r.url) as answer:
        page.get_by_role("checkbox", name="Hotspots", exact=True).check()
    assert "audience=public" in answer.value.url
    meta = answer.value.json()["meta"]
    assert meta["audience"] == "public"
    assert meta["sources"] == "reports"
    expect(hotspots).to_have_count(_cells(runs, RunAudience.PUBLIC, "all"))
    expect(page.locator("#legend-hotspots")).to_be_visible()
    _shot(page, "risk-map-hotspots-1280")
    page.get_by_role("checkbox", name="Hotspots", exact=True).uncheck()
    expect(hotspots).to_have_count(0)
    context.close()
    assert problems == []
