"""A council member walks through the risk analytics in a browser: from /analytics/ to the
cyber-threat trends (the chart drawn, the alert week in its table), the forecasts (the pooled
districts said, another series chosen and charted) and the near repeats (the Knox table read in
a sentence). No script error, no policy violation; axe finds no serious or critical WCAG
problem on the three pages, on a phone and a desktop, in English and Greek. Screenshots at
360 px go to test-results/."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from curim.accounts.roles import Role
from curim.analytics.models import AnalysisRun, RunAudience, RunKind
from curim.areas.demo import DEMO_AREAS
from curim.areas.services import areas_load_file
from tests.analytics import stored_runs
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accessibility import problems_on
from tests.e2e.test_content_security_policy import WATCH
from tests.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = ["/analytics/cyber/", "/analytics/forecasts/", "/analytics/near-repeat/"]


@pytest.fixture
def runs() -> list[AnalysisRun]:
    areas_load_file(path=DEMO_AREAS)
    pooled = ["piraeus-2", "piraeus-3", "piraeus-4", "piraeus-5"]
    return [
        stored_runs.stored_run(
            RunKind.CYBER,
            RunAudience.COUNCIL,
            stored_runs.cyber_summary([1, 2, 1, 1, 0, 2, 1, 1, 1, 9, 4, 5], alert_week=9),
            stored_runs.cyber_parameters(),
        ),
        stored_runs.stored_run(
            RunKind.FORECAST,
            RunAudience.COUNCIL,
            {
                "series": [
                    stored_runs.forecast_series("piraeus-1", "crime", total=180, pooled=[]),
                    stored_runs.forecast_series(
                        "other districts", "crime", total=60, pooled=pooled
                    ),
                ],
                "pooled": [{"label": "other districts", "group": "crime", "districts": pooled}],
                "history_weeks": 40,
                "prospective_backtest": stored_runs.prospective_backtest(),
            },
            stored_runs.forecast_parameters(),
        ),
        stored_runs.stored_run(
            RunKind.NEAR_REPEAT,
            RunAudience.COUNCIL,
            stored_runs.knox_summary(),
            stored_runs.knox_parameters(),
            seed=stored_runs.SEED,
        ),
    ]


@pytest.fixture
def problems() -> list[str]:
    return []


def _context(
    browser: Browser, live_server: LiveServer, width: int, language: str = "en"
) -> BrowserContext:
    context = browser.new_context(viewport={"width": width, "height": 900})
    client = Client()
    client.force_login(
        user_with_role(Role.COUNCIL_MEMBER, email=f"member-{width}-{language}@example.org")
    )
    context.add_cookies(
        [
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
        ]
    )
    return context


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


@pytest.fixture
def member_page(browser: Browser, live_server: LiveServer, problems: list[str]) -> Iterator[Page]:
    context = _context(browser, live_server, 360)
    yield _watched(context, problems)
    context.close()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _chart_drawn(page: Page, canvas: str) -> None:
    page.wait_for_function(
        "id => window.Chart && Chart.getChart(document.getElementById(id)) !== undefined",
        arg=canvas,
    )


def test_a_council_member_walks_through_the_three_pages(
    runs: list[AnalysisRun], member_page: Page, live_server: LiveServer, problems: list[str]
) -> None:
    page = member_page
    page.goto(live_server.url + "/analytics/")
    nav = page.get_by_role("navigation", name="Risk analytics")

    nav.get_by_role("link", name="Cyber-threat trends").click()
    expect(page).to_have_url(live_server.url + "/analytics/cyber/")
    _chart_drawn(page, "chart-cyber")
    alerts = page.get_by_role("table", name="Weeks with improbably many reports")
    expect(alerts).to_contain_text("9 Nov 2026")
    # The chart marks the alert week: the alert dataset holds one point, of 9 reports.
    marked = page.evaluate(
        "() => Chart.getChart(document.getElementById('chart-cyber')).data.datasets"
        ".filter(d => d.label === 'Alert')[0].data.map(p => p.y)"
    )
    assert marked == [9]
    _shot(page, "risk-cyber-360")

    page.get_by_role("navigation", name="Risk analytics").get_by_role(
        "link", name="Forecasts"
    ).click()
    expect(page.locator(".govuk-inset-text").first).to_contain_text(
        "too few incidents for a stable forecast: these districts are forecast together"
    )
    _chart_drawn(page, "chart-forecast")
    page.get_by_label("Forecast shown").select_option(
        label="Other districts, together: Crime witnessed"
    )
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#one-forecast")).to_contain_text("Other districts, together")
    _chart_drawn(page, "chart-forecast")
    expect(page.get_by_role("table", name="Hotspot maps for the coming week")).to_contain_text(
        "Retrospective kernel density"
    )
    _shot(page, "risk-forecasts-360")

    page.get_by_role("navigation", name="Risk analytics").get_by_role(
        "link", name="Near repeats"
    ).click()
    expect(page.locator("#near-repeat-reading")).to_contain_text(
        "cluster within less than 200 m and less than 14 days of each other: 2.2 times more pairs"
    )
    expect(page.get_by_role("table", name="Knox ratios")).to_contain_text("[0, 100) m")
    _shot(page, "risk-near-repeat-360")
    assert problems == []


@pytest.mark.parametrize(
    ("language", "width"), [("en", 360), ("el", 360), ("en", 1280), ("el", 1280)]
)
def test_axe_finds_no_serious_problem_on_the_three_pages(
    runs: list[AnalysisRun],
    browser: Browser,
    live_server: LiveServer,
    problems: list[str],
    language: str,
    width: int,
) -> None:
    context = _context(browser, live_server, width, language)
    page = _watched(context, problems)
    found = {}
    for path in PAGES:
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        if path != "/analytics/near-repeat/":
            _chart_drawn(page, "chart-cyber" if "cyber" in path else "chart-forecast")
        if width == 360 and language == "el":
            _shot(page, "risk" + path.replace("/analytics/", "-").rstrip("/") + "-360-el")
        if here := problems_on(page, phone=width == 360):
            found[path] = here
    context.close()
    assert found == {}
    assert problems == []
