"""The emerging hotspot and risk index layers in a browser: the public map's "Emerging hotspots"
and "Risk index" boxes draw the public runs' cells; on /analytics/ the council's emerging layer
lays over the hotspots; /analytics/risk/ draws the districts, then the squares, and shows the
table of every component beside the index. No page error, no policy violation; axe finds no
serious or critical WCAG problem on a desktop and a phone. Screenshots go to test-results/."""

from datetime import timedelta

import numpy as np
import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from playwright.sync_api import Browser, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.analytics.models import AnalysisRun, Grid, RunAudience, RunKind
from curim.analytics.services.emerging_runs import emerging_nightly_runs
from curim.analytics.services.grid import grid_lay_out
from curim.analytics.services.nightly import hotspots_nightly
from curim.analytics.services.risk_runs import risk_index_nightly
from curim.areas.demo import DEMO_AREAS
from curim.areas.models import Area
from curim.areas.services import areas_load_file
from curim.reports.models import Category
from curim.reports.services.submission import ReportDraft, report_submit
from curim.reports.services.workflow import report_transition
from tests.e2e.test_accessibility import problems_on
from tests.e2e.test_analytics_map import HOT, _context, _shot, _sign_in, _watched
from tests.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def offline_map(settings: SettingsWrapper) -> None:
    settings.MAP_TILE_URL = "/static/img/blank-tile.png?{z}{x}{y}"
    settings.MAP_CENTRE = (HOT[1], HOT[0])
    settings.MAP_ZOOM = 14
    areas_load_file(path=DEMO_AREAS)


@pytest.fixture
def problems() -> list[str]:
    return []


def _report(at: tuple[float, float], days: int) -> None:
    moderator = User.objects.filter(email="moderator@example.org").first() or user_with_role(
        Role.MODERATOR, email="moderator@example.org"
    )
    draft = ReportDraft(
        category=Category.objects.get(slug="graffiti"),
        description="Something worth reporting",
        occurred_at=timezone.now() - timedelta(days=days),
        severity=3,
        feeling_unsafe=3,
        location=Point(*at, srid=4326),
    )
    report, _ = report_submit(draft=draft, reporter=None, client_address="192.0.2.44")
    report_transition(report=report, to_status="published", actor=moderator)


@pytest.fixture
def grid(offline_map: None) -> Grid:
    """A cluster growing month by month and scattered reports; then the night's runs."""
    rng = np.random.default_rng(14)
    for month in range(1, 7):
        for _ in range(month * 2):
            dx, dy = rng.uniform(-4e-4, 4e-4, 2)
            _report((HOT[0] + dx, HOT[1] + dy), days=30 * month + 5)
    boundary = Area.objects.get(level=Area.Level.MUNICIPALITY).geometry
    placed = 0
    while placed < 10:
        lon, lat = rng.uniform((23.60, 37.92), (23.70, 37.97))
        if boundary.contains(Point(lon, lat, srid=4326)):
            _report((lon, lat), days=int(rng.integers(35, 300)))
            placed += 1
    today = timezone.localdate()
    hotspots_nightly(today=today + timedelta(days=1))
    found = grid_lay_out(municipality=Area.objects.get(level=Area.Level.MUNICIPALITY))
    emerging_nightly_runs(grid=found, today=today)
    risk_index_nightly(grid=found, today=today)
    return found


def test_the_public_map_s_emerging_and_risk_toggles_draw_the_public_runs(
    grid: Grid, browser: Browser, live_server: LiveServer, problems: list[str]
) -> None:
    context = _context(browser, live_server, 360)
    page = _watched(context, problems)
    page.goto(live_server.url + "/map/")
    emerging = page.locator("#risk-map .leaflet-emerging-pane path.leaflet-interactive")
    expect(page.locator("#legend-emerging")).to_be_hidden()
    assert emerging.count() == 0  # off by default
    with page.expect_response(lambda r: "/api/v1/analytics/emerging/" in r.url) as answer:
        page.get_by_role("checkbox", name="Emerging hotspots").check()
    assert "audience=public" in answer.value.url
    assert answer.value.json()["meta"]["audience"] == "public"
    expect(emerging).to_have_count(grid.cells.count())
    # On a phone the legend starts folded: open it to see the emerging block.
    page.locator("#map-legend").evaluate("legend => { legend.open = true; }")
    expect(page.locator("#legend-emerging")).to_be_visible()
    _shot(page, "risk-map-emerging-360")
    assert problems_on(page, phone=True) == []
    page.get_by_role("checkbox", name="Emerging hotspots").uncheck()
    expect(emerging).to_have_count(0)

    risk = page.locator("#risk-map .leaflet-risk-pane path.leaflet-interactive")
    with page.expect_response(lambda r: "/api/v1/analytics/risk/cells/" in r.url) as answer:
        page.get_by_role("checkbox", name="Risk index").check()
    assert answer.value.json()["meta"]["audience"] == "public"
    expect(risk).to_have_count(grid.cells.count())
    expect(page.locator("#legend-risk")).to_be_visible()
    # A square's popup says how many reports it holds (the risk cells count in "incidents").
    risk.first.dispatch_event("click")
    popup = page.locator("#risk-map .leaflet-popup-content")
    expect(popup).to_contain_text("published reports in it in the last year")
    expect(popup).not_to_contain_text("undefined")
    context.close()
    assert problems == []


def test_the_council_s_page_lays_its_emerging_layer_over_the_hotspots(
    grid: Grid, browser: Browser, live_server: LiveServer, problems: list[str]
) -> None:
    context = _context(browser, live_server, 1280)
    _sign_in(context, live_server, Role.ANALYST)
    page = _watched(context, problems)
    page.goto(live_server.url + "/analytics/")
    expect(page.locator("#hotspot-map .leaflet-overlay-pane path.leaflet-interactive").first)
    emerging = page.locator("#hotspot-map .leaflet-emerging-pane path.leaflet-interactive")
    assert emerging.count() == 0
    with page.expect_response(lambda r: "/api/v1/analytics/emerging/" in r.url) as answer:
        page.get_by_role("checkbox", name="Emerging hotspots").check()
    assert "audience=council" in answer.value.url
    expect(emerging).to_have_count(grid.cells.count())
    expect(page.locator("#emerging-legend")).to_be_visible()
    expect(page.locator("#emerging-map-status")).to_contain_text("Emerging hotspots:")
    _shot(page, "analytics-emerging-1280")
    assert problems_on(page, phone=False) == []
    page.get_by_role("checkbox", name="Emerging hotspots").uncheck()
    expect(emerging).to_have_count(0)
    expect(page.locator("#emerging-legend")).to_be_hidden()
    context.close()
    assert problems == []


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("en", 360), ("el", 360)])
def test_the_risk_page_draws_the_areas_then_the_squares_beside_its_table(
    grid: Grid,
    browser: Browser,
    live_server: LiveServer,
    problems: list[str],
    language: str,
    width: int,
) -> None:
    context = _context(browser, live_server, width, language)
    _sign_in(context, live_server, Role.COUNCIL_MEMBER)
    page = _watched(context, problems)
    page.goto(live_server.url + "/analytics/risk/")
    run = AnalysisRun.objects.get(kind=RunKind.RISK_INDEX, audience=RunAudience.COUNCIL)
    shapes = page.locator("#risk-index-map path.leaflet-interactive")
    expect(page.locator("#risk-index-map")).to_have_attribute("data-level", "district")
    expect(shapes).to_have_count(len(run.summary["districts"]))
    table = page.locator("#districts-heading + .curim-table-scroll table")
    expect(table.locator("tbody tr")).to_have_count(len(run.summary["districts"]))
    assert problems_on(page, phone=width == 360) == []
    if language == "en":
        expect(table.locator("thead")).to_contain_text("Rate, smoothed (likelihood)")
        expect(table.locator("thead")).to_contain_text("Weights used")
        page.get_by_role("radio", name="square of").check()
        expect(page.locator("#risk-index-map")).to_have_attribute("data-level", "cell")
        expect(shapes).to_have_count(grid.cells.count())
    _shot(page, f"analytics-risk-{language}-{width}")
    context.close()
    assert problems == []
