"""The API of the cyber trends, forecasts and near repeats (`/api/v1/analytics/cyber/`,
`forecasts/`, `near-repeat/`): the stored runs as stored, the council's for its figure readers
only (401 anonymous, 403 others), a 404 without a run and for the public near repeats; the
public never sees a count of 1 or 2, nor what it could be worked out from; a private report,
one not moderated, or an official incident changes no public answer."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from curim.accounts.roles import Role
from curim.analytics.models import AnalysisRun, RunAudience, RunKind, Sources
from curim.analytics.selectors import run_tables
from curim.analytics.services.cyber_runs import CyberSpec, cyber_run
from curim.analytics.services.forecast_runs import ForecastSpec, forecasts_run, week_monday
from curim.analytics.services.grid import grid_lay_out
from curim.areas.models import Area
from curim.reports.models import Category, Report
from tests.analytics import stored_runs
from tests.analytics.factories import official_incident_create
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

ATHENS = ZoneInfo("Europe/Athens")
CYBER = "/api/v1/analytics/cyber/"
FORECASTS = "/api/v1/analytics/forecasts/"
NEAR_REPEAT = "/api/v1/analytics/near-repeat/"
URLS = [CYBER, FORECASTS, NEAR_REPEAT]
KINDS = {CYBER: RunKind.CYBER, FORECASTS: RunKind.FORECAST, NEAR_REPEAT: RunKind.NEAR_REPEAT}
READERS = [Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY, Role.ANALYST, Role.ADMIN]
OTHERS = [Role.CITIZEN, Role.MODERATOR, Role.VSU_STAFF, Role.VSU_SUPERVISOR]
CYBER_END = datetime(2026, 11, 30, tzinfo=ATHENS)
CENTRE = (23.6465, 37.9425)


def _as(client: Client, role: Role) -> Client:
    client.force_login(user_with_role(role, email=f"{role.value}-tables@example.org"))
    return client


def _get(client: Client, url: str, **query: str) -> dict[str, Any]:
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def stored() -> dict[str, AnalysisRun]:
    """Every kind for the council; cyber and forecasts for the public too."""
    counts = [1, 2, 1, 1, 0, 2, 1, 1, 1, 9, 4, 5]
    return {
        "cyber-council": stored_runs.stored_run(
            RunKind.CYBER,
            RunAudience.COUNCIL,
            stored_runs.cyber_summary(counts, alert_week=9),
            stored_runs.cyber_parameters(),
        ),
        "cyber-public": stored_runs.stored_run(
            RunKind.CYBER,
            RunAudience.PUBLIC,
            stored_runs.cyber_summary(counts, alert_week=9),
            stored_runs.cyber_parameters(),
            sources=Sources.REPORTS,
        ),
        "forecast-council": stored_runs.stored_run(
            RunKind.FORECAST,
            RunAudience.COUNCIL,
            {
                "series": [
                    stored_runs.forecast_series("d1", "crime", total=180, pooled=[]),
                    stored_runs.sparse_series("d2", "crime", 2),
                ],
                "pooled": [],
                "history_weeks": 40,
                "prospective_backtest": stored_runs.prospective_backtest(),
            },
            stored_runs.forecast_parameters(),
        ),
        "forecast-public": stored_runs.stored_run(
            RunKind.FORECAST,
            RunAudience.PUBLIC,
            {
                "series": [
                    stored_runs.forecast_series("d1", "crime", total=170, pooled=[]),
                    stored_runs.sparse_series("d2", "crime", 2),
                ],
                "pooled": [],
                "history_weeks": 40,
            },
            stored_runs.forecast_parameters(),
            sources=Sources.REPORTS,
        ),
        "near-repeat": stored_runs.stored_run(
            RunKind.NEAR_REPEAT,
            RunAudience.COUNCIL,
            stored_runs.knox_summary(),
            stored_runs.knox_parameters(),
            seed=stored_runs.SEED,
        ),
    }


# --- Who reads what ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", URLS)
def test_the_council_s_answer_needs_an_account_401_and_a_reader_s_role_403(
    stored: dict[str, AnalysisRun], client: Client, url: str
) -> None:
    assert client.get(url, {"audience": "council"}).status_code == 401
    for role in OTHERS:
        assert _as(client, role).get(url, {"audience": "council"}).status_code == 403


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize("url", URLS)
def test_the_council_s_readers_get_the_council_s_run(
    stored: dict[str, AnalysisRun], client: Client, url: str, role: Role
) -> None:
    body = _get(_as(client, role), url, audience="council")
    assert body["run"]["audience"] == "council"
    assert body["run"]["kind"] == KINDS[url]


@pytest.mark.parametrize("url", [CYBER, FORECASTS])
def test_without_an_audience_everybody_gets_the_public_run(
    stored: dict[str, AnalysisRun], client: Client, url: str
) -> None:
    assert _get(client, url)["run"]["audience"] == "public"
    assert _get(_as(client, Role.ANALYST), url)["run"]["audience"] == "public"


def test_near_repeats_have_no_public_answer_even_for_the_council(
    stored: dict[str, AnalysisRun], client: Client
) -> None:
    # Even a public run, which no service writes, is never read.
    stored_runs.stored_run(
        RunKind.NEAR_REPEAT,
        RunAudience.PUBLIC,
        stored_runs.knox_summary(),
        stored_runs.knox_parameters(),
    )
    assert client.get(NEAR_REPEAT).status_code == 404
    assert _as(client, Role.ANALYST).get(NEAR_REPEAT, {"audience": "public"}).status_code == 404


@pytest.mark.parametrize("url", URLS)
def test_without_a_run_the_answer_is_a_404(client: Client, url: str) -> None:
    assert _as(client, Role.ANALYST).get(url, {"audience": "council"}).status_code == 404
    assert client.get(url).status_code == 404


def test_an_unknown_audience_is_a_400(client: Client) -> None:
    assert client.get(CYBER, {"audience": "everybody"}).status_code == 400


# --- Shapes ------------------------------------------------------------------------------------


def test_the_council_s_cyber_answer_is_the_stored_run(
    stored: dict[str, AnalysisRun], client: Client
) -> None:
    body = _get(_as(client, Role.ANALYST), CYBER, audience="council")
    run = stored["cyber-council"]
    (series,) = body["series"]
    assert series["weeks"] == run.summary["series"][0]["weeks"]
    assert series["alerts"] == run.summary["series"][0]["alerts"]
    assert series["trend"] == run.summary["series"][0]["trend"]
    assert body["weeks"] == run.summary["weeks"]
    assert body["baseline_weeks"] == 8
    assert body["min_count_shown"] == 0
    assert body["run"]["id"] == str(run.public_id)


def test_the_forecasts_give_intervals_the_chosen_model_and_the_backtest_per_model(
    stored: dict[str, AnalysisRun], client: Client
) -> None:
    body = _get(_as(client, Role.COUNCIL_MEMBER), FORECASTS, audience="council")
    dense, sparse = body["series"]
    assert dense["chosen_model"] == "exponential_smoothing"
    assert set(dense["forecast"]) == {
        "week_starts",
        "mean",
        "lower_80",
        "upper_80",
        "lower_95",
        "upper_95",
    }
    by_model = {row["model"]: row["metrics"] for row in dense["backtest"]}
    assert set(by_model) == {"seasonal_naive", "exponential_smoothing", "negative_binomial"}
    assert by_model["exponential_smoothing"]["relative_mase"] == pytest.approx(0.7)
    assert by_model["exponential_smoothing"]["coverage_95"] == 0.93
    assert sparse["forecast"] is None
    assert sparse["not_forecast"] == "too sparse"
    assert sparse["total"] == 2  # the council sees small counts
    rows = body["prospective_backtest"]["rows"]
    assert {(r["method"], r["area_share"]) for r in rows} == {
        (m, s)
        for m in ("prospective", "last_period", "retrospective_kde")
        for s in (0.01, 0.05, 0.1)
    }
    assert body["horizon_weeks"] == 4
    assert body["levels"] == [0.8, 0.95]


def test_the_public_forecasts_have_no_prospective_backtest(
    stored: dict[str, AnalysisRun], client: Client
) -> None:
    assert _get(client, FORECASTS)["prospective_backtest"] is None


def test_the_knox_table_keeps_the_labels_computed_the_seed_and_reads_its_cluster(
    stored: dict[str, AnalysisRun], client: Client
) -> None:
    body = _get(_as(client, Role.ANALYST), NEAR_REPEAT, audience="council")
    summary = stored_runs.knox_summary()
    assert body["space_bands"] == summary["space_bands"]
    assert body["time_bands"] == summary["time_bands"]
    for name in ("observed", "expected", "ratio", "p"):
        assert body[name] == summary[name]
    assert body["seed"] == stored_runs.SEED
    assert body["n_permutations"] == 999
    assert body["closed"] == "left"
    # The top-left 2 × 2 block: (12 + 8 + 10 + 9) pairs against (4 + 4 + 5 + 5) expected.
    assert body["cluster"] == {
        "space_m": 200.0,
        "time_days": 14.0,
        "ratio": pytest.approx(39 / 18),
        "observed": 39,
        "expected": 18.0,
    }


def test_the_cluster_is_the_largest_block_from_the_origin_where_every_cell_is_clustered() -> None:
    summary = stored_runs.knox_summary()
    edges = (stored_runs.SPACE_EDGES, stored_runs.TIME_EDGES)
    # One cell of the block no longer significant: the largest block left is a row or column.
    summary["p"][1][1] = 0.2
    cluster = run_tables.near_repeat_cluster(summary, *edges)
    assert cluster is not None
    # [0, 100) × [0, 14): 12 + 8 = 20 pairs; [0, 200) × [0, 7): 12 + 10 = 22: the latter.
    assert (cluster.space_m, cluster.time_days, cluster.observed) == (200.0, 7.0, 22)
    summary["p"][0][0] = 0.2
    assert run_tables.near_repeat_cluster(summary, *edges) is None
    assert run_tables.near_repeat_cluster({"status": "too few events"}, *edges) is None


# --- The public's small counts -------------------------------------------------------------------


def test_the_public_never_sees_a_weekly_count_of_1_or_2_nor_the_figures_that_give_it_away(
    stored: dict[str, AnalysisRun], client: Client
) -> None:
    body = _get(client, CYBER)
    assert body["min_count_shown"] == 3
    (series,) = body["series"]
    shown = [week["count"] for week in series["weeks"]]
    assert shown == [None, None, None, None, 0, None, None, None, None, 9, 4, 5]
    # The alert (9) is shown; its baseline holds withheld weeks: no mean, no p-value.
    (alert,) = series["alerts"]
    assert (alert["count"], alert["baseline_mean"], alert["p"]) == (9, None, None)
    # The trend: 4 + 5 = 9 recent against 1 + 9 = 10 before: 10 beside the 9 shown would give
    # the withheld 1 back, so the trend's figures are withheld; so is the series' total.
    assert {key: series["trend"][key] for key in ("recent_total", "previous_total", "p")} == {
        "recent_total": None,
        "previous_total": None,
        "p": None,
    }
    assert series["total"] is None
    # No figure of the public answer gives a withheld week back: the sums shown are sums of
    # shown weeks only.
    assert sum(c for c in shown if c is not None) == 18
    # The council sees every count.
    council = _get(_as(client, Role.ANALYST), CYBER, audience="council")
    assert [w["count"] for w in council["series"][0]["weeks"]][:4] == [1, 2, 1, 1]


def test_a_public_trend_with_a_small_total_is_withheld_whole(client: Client) -> None:
    counts = [3, 3, 3, 3, 3, 3, 3, 3, 3, 9, 0, 2]
    stored_runs.stored_run(
        RunKind.CYBER,
        RunAudience.PUBLIC,
        stored_runs.cyber_summary(counts, alert_week=9),
        stored_runs.cyber_parameters(),
    )
    (series,) = _get(client, CYBER)["series"]
    assert series["trend"]["recent_total"] is None
    assert series["trend"]["rate_ratio"] is None
    assert series["trend"]["p"] is None
    assert series["trend"]["direction"] == "up"
    # The alert's baseline has no withheld week: its mean and p-value are shown.
    assert series["alerts"][0]["baseline_mean"] == 1.25


def test_the_public_forecasts_withhold_a_small_total(
    stored: dict[str, AnalysisRun], client: Client
) -> None:
    dense, sparse = _get(client, FORECASTS)["series"]
    assert (sparse["total"], sparse["mean_weekly"]) == (None, None)
    assert dense["total"] == 170


# --- Private things change no public answer ----------------------------------------------------


def _public(client: Client, url: str) -> dict[str, Any]:
    stored_runs.as_nightly()
    body = _get(client, url)
    del body["run"]
    return body


def _plant_private(make_report: Callable[..., Report], when: datetime) -> None:
    """A report in a category never public, one not moderated, and official incidents."""
    private = Category.objects.filter(may_be_public=False, group="cyber").first()
    assert private is not None
    make_report(category=private.slug, at=None, cyber_channel="email", occurred_at=when)
    make_report(category="phishing", at=None, cyber_channel="email", status="submitted")
    make_report(status="submitted", occurred_at=when)
    private_place = Category.objects.filter(may_be_public=False).exclude(group="cyber").first()
    assert private_place is not None
    make_report(category=private_place.slug, occurred_at=when)
    for category in ("phishing", "graffiti"):
        official_incident_create(category=Category.objects.get(slug=category), at=CENTRE, when=when)


def test_no_private_report_or_official_incident_changes_the_public_cyber_answer(
    make_report: Callable[..., Report], client: Client
) -> None:
    monday = datetime(2026, 11, 9, 10, tzinfo=ATHENS)
    for week in range(10):
        make_report(
            category="phishing",
            at=None,
            cyber_channel="email",
            occurred_at=monday - timedelta(weeks=week),
        )
    cyber_run(spec=CyberSpec(audience=RunAudience.PUBLIC, end=CYBER_END))
    before = _public(client, CYBER)
    AnalysisRun.objects.all().delete()

    _plant_private(make_report, monday)
    cyber_run(spec=CyberSpec(audience=RunAudience.PUBLIC, end=CYBER_END))
    council = cyber_run(spec=CyberSpec(audience=RunAudience.COUNCIL, end=CYBER_END))
    assert _public(client, CYBER) == before
    # The council's run did count them: more than the ten public reports.
    assert sum(s["total"] for s in council.summary["series"]) > 10


def test_no_private_report_or_official_incident_changes_the_public_forecasts(
    make_report: Callable[..., Report], client: Client
) -> None:
    grid = grid_lay_out(municipality=Area.objects.get(level=Area.Level.MUNICIPALITY))
    spec = ForecastSpec(
        audience=RunAudience.PUBLIC,
        sources=Sources.REPORTS,
        first_forecast_week=week_monday(timezone.localdate()),
        weeks=20,
        h=4,
        backtest_weeks=0,
    )
    when = timezone.now() - timedelta(weeks=2)
    for week in range(20):
        make_report(at=CENTRE, occurred_at=timezone.now() - timedelta(weeks=week, days=1))
    forecasts_run(grid=grid, spec=spec)
    before = _public(client, FORECASTS)
    AnalysisRun.objects.all().delete()

    _plant_private(make_report, when)
    forecasts_run(grid=grid, spec=spec)
    assert _public(client, FORECASTS) == before


# --- Queries -------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", URLS)
def test_an_answer_takes_a_fixed_number_of_queries(
    stored: dict[str, AnalysisRun],
    client: Client,
    url: str,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    reader = _as(client, Role.ANALYST)
    with django_assert_max_num_queries(8):
        reader.get(url, {"audience": "council"})
