"""The council's pages of the cyber trends, forecasts and near repeats: their figure readers
see the chart (from the vendored Chart.js) and the tables with the same numbers, in the page's
language; everybody else gets a 404; a page without a run says so; the forecasts page says
which districts were pooled; the near-repeat page reads its Knox table in a sentence."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.utils import timezone

from curim.accounts.roles import Role
from curim.analytics.local_time import local_midnight
from curim.analytics.models import AnalysisRun, RunAudience, RunKind, Sources
from curim.analytics.services.cyber_runs import CyberSpec, cyber_run
from curim.analytics.services.forecast_runs import ForecastSpec, forecasts_run, week_monday
from curim.analytics.services.grid import grid_lay_out
from curim.analytics.services.near_repeat_runs import NearRepeatSpec, near_repeat_run
from curim.areas.models import Area
from curim.reports.models import Report
from tests.analytics import stored_runs
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

CYBER = "/analytics/cyber/"
FORECASTS = "/analytics/forecasts/"
NEAR_REPEAT = "/analytics/near-repeat/"
PAGES = [CYBER, FORECASTS, NEAR_REPEAT]
READERS = [Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY, Role.ANALYST, Role.ADMIN]
OTHERS = [Role.CITIZEN, Role.MODERATOR, Role.VSU_STAFF, Role.VSU_SUPERVISOR]


@pytest.fixture
def council_runs(piraeus: None) -> list[AnalysisRun]:
    districts = ["d1", "d2", "d3"]
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
                    stored_runs.forecast_series(districts[0], "crime", total=180, pooled=[]),
                    stored_runs.forecast_series(
                        "other districts", "crime", total=60, pooled=districts[1:]
                    ),
                ],
                "pooled": [
                    {"label": "other districts", "group": "crime", "districts": districts[1:]}
                ],
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


def _as(client: Client, role: Role) -> Client:
    client.force_login(user_with_role(role, email=f"{role.value}-risk-page@example.org"))
    return client


def _html(client: Client, url: str, **query: str) -> str:
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize("url", PAGES)
def test_the_council_s_figure_readers_open_the_pages(
    council_runs: list[AnalysisRun], client: Client, url: str, role: Role
) -> None:
    html = _html(_as(client, role), url)
    assert 'id="method"' in html
    # Each page leads to the others and back to the hotspots.
    for other in ["/analytics/", *PAGES]:
        assert f'href="{other}"' in html
    assert 'aria-current="page"' in html


@pytest.mark.parametrize("role", OTHERS)
@pytest.mark.parametrize("url", PAGES)
def test_everybody_else_gets_a_404(
    council_runs: list[AnalysisRun], client: Client, url: str, role: Role
) -> None:
    assert _as(client, role).get(url).status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_asked_to_log_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", PAGES)
def test_without_a_run_the_page_says_it_runs_every_night(
    piraeus: None, client: Client, url: str
) -> None:
    html = _html(_as(client, Role.ANALYST), url)
    assert "It runs every night." in html
    assert "<canvas" not in html


def test_the_overview_links_to_the_three_pages(piraeus: None, client: Client) -> None:
    html = _html(_as(client, Role.COUNCIL_MEMBER), "/analytics/")
    for url in PAGES:
        assert f'href="{url}"' in html


def test_the_cyber_page_charts_the_weeks_and_tables_the_alert_and_trend(
    council_runs: list[AnalysisRun], client: Client
) -> None:
    html = _html(_as(client, Role.ANALYST), CYBER)
    assert 'id="chart-cyber"' in html
    assert "/static/vendor/chartjs/chart.umd.min.js" in html
    assert "cdn" not in html.lower()
    assert 'id="cyber-chart-data"' in html
    assert "by E-mail" in html
    # The alert week (9 November 2026), its count, baseline mean and p-value.
    assert "9 Nov 2026" in html
    assert re.search(r">9</td>\s*<td[^>]*>1\.3</td>\s*<td[^>]*>0\.0004</td>", html)
    assert "Rising" in html


def test_the_forecasts_page_says_which_districts_are_forecast_together(
    council_runs: list[AnalysisRun], client: Client
) -> None:
    html = _html(_as(client, Role.ANALYST), FORECASTS)
    assert "too few incidents for a stable forecast: these districts are forecast together" in html
    assert 'id="chart-forecast"' in html
    assert "Exponential smoothing (chosen)" in html
    # 0.84 / 1.2 = 0.70 relative MASE; 93% of the weeks inside the 95% interval.
    assert "0.70" in html
    assert "93%" in html
    # The prospective backtest: PAI and PEI* of each method at 1, 5 and 10% of the area.
    assert "Retrospective kernel density" in html
    assert "Last week&#x27;s counts" in html or "Last week's counts" in html
    assert ">6.00<" in html


def test_the_forecasts_page_shows_the_series_asked_for(
    council_runs: list[AnalysisRun], client: Client
) -> None:
    reader = _as(client, Role.ANALYST)
    html = _html(reader, FORECASTS, series="1")
    assert re.search(r'<h2[^>]*id="one-forecast"[^>]*>Other districts, together', html)
    bad = reader.get(FORECASTS, {"series": "99"})
    assert bad.status_code == 200  # an unknown series: the form says so, the page still shows
    assert "govuk-error-summary" in bad.content.decode()


def test_the_near_repeat_page_reads_the_knox_table_in_a_sentence(
    council_runs: list[AnalysisRun], client: Client
) -> None:
    html = _html(_as(client, Role.ANALYST), NEAR_REPEAT)
    assert (
        "Events in “Crime witnessed” cluster within less than 200 m and less than 14 days of "
        "each other: 2.2 times more pairs than expected"
    ) in html
    # The bands as computed, and the seed.
    for label in ("[0, 100) m", "[100, 200) m", "[0, 7) days", "[14, 21) days"):
        assert label in html
    assert str(stored_runs.SEED) in html
    assert "3.00 (p\u00a0=\u00a00.001), more than chance" in html


def test_the_near_repeat_page_says_when_it_tested_a_sample(
    council_runs: list[AnalysisRun], client: Client
) -> None:
    reader = _as(client, Role.ANALYST)
    assert "drawn at random" not in _html(reader, NEAR_REPEAT)
    run = next(run for run in council_runs if run.kind == RunKind.NEAR_REPEAT)
    run.summary = {**run.summary, "n_events": 9500, "n_events_analysed": 4000}
    run.save(update_fields=["summary"])
    html = _html(reader, NEAR_REPEAT)
    assert "the test ran on 4,000 of the 9,500 events, drawn at random" in html
    assert "Every pair of the 4,000 events" in html or "Every pair of the 4000 events" in html


def test_numbers_and_dates_follow_the_language(
    council_runs: list[AnalysisRun], client: Client
) -> None:
    reader = _as(client, Role.ANALYST)
    greek = reader.get(NEAR_REPEAT, HTTP_ACCEPT_LANGUAGE="el").content.decode()
    assert "3,00" in greek
    assert "3.00" not in greek
    assert "9/11/2026" in reader.get(CYBER, HTTP_ACCEPT_LANGUAGE="el").content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_a_page_takes_a_fixed_number_of_queries(
    council_runs: list[AnalysisRun],
    client: Client,
    url: str,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    reader = _as(client, Role.ANALYST)
    with django_assert_max_num_queries(12):
        reader.get(url)


def test_the_pages_read_runs_as_the_services_write_them(
    make_report: Callable[..., Report], client: Client
) -> None:
    """Runs computed by the services themselves (not written by hand): every page shows its
    tables, so the pages read the summaries' real shape."""
    now = timezone.now()
    rng = np.random.default_rng(5)
    for _ in range(30):
        dx, dy = rng.uniform(-5e-4, 5e-4, 2)
        make_report(
            category="burglary",
            at=(23.6465 + dx, 37.9425 + dy),
            occurred_at=now - timedelta(days=int(rng.integers(1, 120))),
        )
    for week in range(12):
        make_report(
            category="phishing",
            at=None,
            cyber_channel="email",
            occurred_at=now - timedelta(weeks=week, days=1),
        )
    today = timezone.localdate()
    cyber_run(
        spec=CyberSpec(
            audience=RunAudience.COUNCIL,
            end=local_midnight(today - timedelta(days=today.weekday())),
        )
    )
    forecasts_run(
        grid=grid_lay_out(municipality=Area.objects.get(level=Area.Level.MUNICIPALITY)),
        spec=ForecastSpec(
            audience=RunAudience.COUNCIL,
            sources=Sources.BOTH,
            first_forecast_week=week_monday(today),
            weeks=20,
            h=4,
            backtest_weeks=2,
        ),
    )
    near_repeat_run(
        spec=NearRepeatSpec(
            start=now - timedelta(days=200), end=now, group="crime", n_permutations=19
        )
    )
    stored_runs.as_nightly()
    reader = _as(client, Role.ANALYST)
    assert "Phishing" in _html(reader, CYBER)
    forecasts = _html(reader, FORECASTS)
    assert 'id="all-forecasts"' in forecasts
    assert 'id="prospective"' in forecasts
    near = _html(reader, NEAR_REPEAT)
    assert "[0, 100) m" in near
    assert 'id="near-repeat-reading"' in near
