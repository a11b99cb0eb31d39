"""The main pages work in a real browser under the Content-Security-Policy: no violation is
reported (`securitypolicyviolation` or a console "Refused to …") while maps, tiles, charts,
the API's reference and the admin's map widget do their work; the Permissions-Policy lets the report
form use the visitor's location and nothing else."""

import leaflet
import pytest
from django.conf import settings as django_settings
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.areas.demo import DEMO_AREAS
from curim.areas.models import Area
from curim.areas.services import areas_load_file
from curim.reports.models import Category, Report
from curim.reports.services.submission import ReportDraft, report_submit
from curim.reports.services.workflow import report_transition
from surveys.answers import Definition, answers_parse
from surveys.models import Indicator, IndicatorItem, Question, Section, Survey
from surveys.services.refresh import estimates_refresh
from surveys.services.responses import responses_import
from tests.factories import user_with_role
from tests.victims.clients import case_create, member, verified_client

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WATCH = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.curimPolicyViolation(event.violatedDirective + " blocked " + event.blockedURI +
    " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


@pytest.fixture(autouse=True)
def _tiles_from_another_origin(
    settings: SettingsWrapper, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pages come from localhost, the base map from 127.0.0.1: another origin, as a real tile
    # server is, so the tiles load only if the policy names the host of MAP_TILE_URL.
    tile_origin = live_server.url.replace("localhost", "127.0.0.1")
    assert tile_origin != live_server.url
    settings.MAP_TILE_URL = tile_origin + "/static/img/blank-tile.png?{z}{x}{y}"
    # django-leaflet (the admin's widget) read its tiles from LEAFLET_CONFIG when imported;
    # settings.py builds both from the one MAP_TILE_URL.
    tiles = [("OpenStreetMap", settings.MAP_TILE_URL, {"attribution": "test"})]
    monkeypatch.setitem(leaflet.app_settings, "TILES", tiles)
    settings.VSU_QUICK_EXIT_URL = live_server.url + "/?left"
    areas_load_file(path=DEMO_AREAS)


@pytest.fixture
def violations(page: Page) -> list[str]:
    """Every policy violation any page of this browser context reports."""
    found: list[str] = []
    context = page.context
    context.expose_binding("curimPolicyViolation", lambda source, text: found.append(text))
    context.add_init_script(WATCH)

    def on_console(message: object) -> None:
        text = getattr(message, "text", "")
        # Chromium also says here when it cannot parse the Permissions-Policy.
        if any(s in text for s in ("Refused to", "Content Security Policy", "Permissions-Policy")):
            found.append(text)

    context.on("console", on_console)
    return found


def _sign_in(context: BrowserContext, live_server: LiveServer, client: Client) -> None:
    """Hand the browser the session of a Django test client (faster than the login form)."""
    name = django_settings.SESSION_COOKIE_NAME
    context.clear_cookies()
    context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": live_server.url}]
    )


def _client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _published_report() -> Report:
    moderator = user_with_role(Role.MODERATOR)
    draft = ReportDraft(
        category=Category.objects.get(slug="graffiti"),
        description="Tags sprayed on the school wall",
        occurred_at=timezone.now(),
        severity=3,
        feeling_unsafe=3,
        location=Point(23.6465, 37.9425, srid=4326),
        cyber_channel="",
        contact_email="",
    )
    report, _ = report_submit(draft=draft, reporter=None, client_address="192.0.2.44")
    report_transition(report=report, to_status="published", actor=moderator)
    return report


def _wave_with_estimates() -> None:
    survey = Survey.objects.create(
        code="baseline", title_en="Baseline", title_el="Αφετηρία", status=Survey.Status.OPEN
    )
    section = Section.objects.create(survey=survey, title_en="Safety", title_el="Ασφάλεια")
    Question.objects.create(
        survey=survey,
        section=section,
        code="safe_day",
        kind="likert",
        text_en="How safe do you feel by day?",
        text_el="Πόσο ασφαλής νιώθετε τη μέρα;",
    )
    indicator = Indicator.objects.create(
        code="perception", name_en="Perception", name_el="Αντίληψη", method="mean"
    )
    IndicatorItem.objects.create(indicator=indicator, question_code="safe_day")
    analyst = user_with_role(Role.ANALYST)
    definition = Definition.load(survey)
    answers = {"group": "resident", "district": "piraeus-1", "safe_day": "2"}
    rows = [answers_parse(definition, answers, complete=True, unknown_allowed=False)] * 12
    responses_import(survey=survey, rows=rows, filename="paper.csv", imported_by=analyst)
    estimates_refresh(survey=survey)


def test_the_main_pages_run_without_a_policy_violation(
    page: Page, live_server: LiveServer, violations: list[str]
) -> None:
    report = _published_report()
    _wave_with_estimates()
    context = page.context
    url = live_server.url

    # Home; the language switcher (a form posting to our own origin) still works.
    page.goto(url + "/")
    page.get_by_role("button", name="Ελληνικά").click()
    expect(page.locator("html")).to_have_attribute("lang", "el")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # GOV.UK Frontend's module ran (it marks the body), and its menu works.
    expect(page.locator("body.govuk-frontend-supported")).to_be_attached()

    # The report form, its map and "use my location" (allowed by the Permissions-Policy).
    context.grant_permissions(["geolocation"], origin=url)
    context.set_geolocation({"latitude": 37.9425, "longitude": 23.6465})
    page.goto(url + "/reports/new/")
    expect(page.locator("#report-map img.leaflet-tile-loaded").first).to_be_attached()
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("#location-readout")).to_contain_text("37.9425")
    allowed = page.evaluate(
        "['geolocation', 'camera', 'microphone', 'payment', 'usb']"
        ".map(f => document.featurePolicy.allowsFeature(f))"
    )
    assert allowed == [True, False, False, False, False]

    # The risk map: base tiles from the tile host, vector tiles, a dot's popup (the scripts'
    # translations from /jsi18n/), the layer of place ratings.
    page.goto(url + "/map/")
    expect(page.locator("#risk-map img.leaflet-tile-loaded").first).to_be_attached()
    expect(page.locator("#risk-map path.leaflet-interactive").first).to_be_attached()
    page.locator("#risk-map path.leaflet-interactive").first.dispatch_event("click")
    expect(page.locator(".leaflet-popup-content .cell-reports a")).to_have_count(1)
    page.get_by_label("How safe places feel").select_option("day")
    expect(page.locator("#legend-ratings")).not_to_have_attribute("hidden", "")

    # Rating a place, and a published report with its map.
    page.goto(url + "/places/evaluate/")
    expect(page.locator("#evaluation-map img.leaflet-tile-loaded").first).to_be_attached()
    page.goto(url + f"/reports/{report.public_id}/")
    expect(
        page.locator("#report-map .leaflet-marker-icon, #report-map path").first
    ).to_be_attached()

    # The API's reference, drawn from the schema.
    page.goto(url + "/api/docs/")
    expect(page.locator("main h1")).to_have_text("API reference")
    expect(page.locator("#op-v1_reports_create")).to_be_visible()

    # The survey dashboard: Chart.js and the choropleth.
    _sign_in(context, live_server, _client_of(user_with_role(Role.COUNCIL_MEMBER)))
    page.goto(url + "/surveys/dashboard/")
    expect(page.locator("#choropleth path.leaflet-interactive").first).to_be_attached()
    assert page.evaluate("document.querySelector('canvas#chart-district').width") > 0
    assert page.evaluate("Chart.getChart('chart-district') !== undefined")

    # The Django admin: an area's change page with django-leaflet's map widget.
    _sign_in(context, live_server, verified_client(user_with_role(Role.ADMIN)))
    area = Area.objects.get(code="piraeus-1")
    page.goto(url + f"/admin/areas/area/{area.pk}/change/")
    expect(page.locator(".leaflet-container path.leaflet-interactive").first).to_be_attached()
    expect(page.locator(".leaflet-draw-toolbar").first).to_be_visible()

    # A unit member's case page, after the second factor.
    staff = member(Role.VSU_STAFF)
    case = case_create(staff)
    _sign_in(context, live_server, verified_client(staff))
    page.goto(url + f"/vsu/cases/{case.pk}/")
    expect(page.get_by_role("heading", name=case.reference)).to_be_visible()

    # The help page; its quick-exit button still leaves at once.
    context.clear_cookies()
    page.goto(url + "/support/")
    page.locator("#quick-exit").click()
    expect(page).to_have_url(url + "/?left")

    assert violations == [], "\n".join(violations)


def test_the_watch_sees_a_planted_inline_script(
    page: Page, live_server: LiveServer, violations: list[str]
) -> None:
    # Proves the test above can fail: an inline script on one of our pages is refused and seen.
    page.goto(live_server.url + "/")
    page.evaluate(
        "var s = document.createElement('script'); s.textContent = 'window.ran = true';"
        "document.body.appendChild(s);"
    )
    expect(page.locator("body")).to_be_visible()
    page.wait_for_timeout(200)
    assert page.evaluate("window.ran === undefined")
    assert any("script-src" in v for v in violations), violations
