"""A forecast run end to end: weekly counts per district and group built here with pandas (Athens
weeks, districts by GEOS point-in-polygon), pooled and forecast by the pure module, equal the
stored series; the prospective backtest stored beside them equals `prospective.backtest` on
cells and events built here; a report late on Sunday night in Athens belongs to that week,
one just after midnight to the next; the same spec twice is one snapshot; the public run never
counts a private-category report or an official incident."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from curim.analytics import forecasting, prospective
from curim.analytics.models import (
    AnalysisRun,
    OfficialIncident,
    RunAudience,
    Sources,
)
from curim.analytics.selectors.event_counts import weekly_by_district_and_group
from curim.analytics.selectors.events import EventQuery
from curim.analytics.services.forecast_runs import ForecastSpec, forecasts_run, week_monday
from curim.analytics.services.grid import grid_lay_out
from curim.areas.models import Area
from curim.reports.models import Category, Report
from tests.analytics.factories import official_incident_create

pytestmark = pytest.mark.django_db

ATHENS = ZoneInfo("Europe/Athens")
CENTRE = (23.6465, 37.9425)
WEEKS = 40


def _spec(audience: RunAudience = RunAudience.COUNCIL) -> ForecastSpec:
    return ForecastSpec(
        audience=audience,
        sources=Sources.REPORTS if audience == RunAudience.PUBLIC else Sources.BOTH,
        first_forecast_week=week_monday(timezone.localdate()),
        weeks=WEEKS,
        h=4,
        backtest_weeks=4,
    )


def _spots(n: int, seed: int) -> list[tuple[float, float]]:
    boundary = Area.objects.get(level=Area.Level.MUNICIPALITY).geometry
    rng = np.random.default_rng(seed)
    found: list[tuple[float, float]] = []
    while len(found) < n:
        lon, lat = rng.uniform((23.60, 37.92), (23.70, 37.97))
        if boundary.contains(Point(lon, lat, srid=4326)):
            found.append((float(lon), float(lat)))
    return found


def _reports(make_report: Callable[..., Report]) -> list[Report]:
    """About two a week at the centre (a dense district), a few scattered (sparse districts),
    and more scattered over the last five weeks, so that the backtest's methods differ."""
    rng = np.random.default_rng(11)
    first = timezone.make_aware(
        datetime.combine(_spec().first_forecast_week - timedelta(weeks=WEEKS), datetime.min.time())
    )
    made = []
    for week in range(WEEKS):
        for _ in range(int(rng.poisson(2.0))):
            when = first + timedelta(weeks=week, hours=float(rng.uniform(0, 7 * 24)))
            made.append(make_report(at=CENTRE, occurred_at=when))
    for k, spot in enumerate(_spots(6, seed=4)):
        made.append(make_report(at=spot, occurred_at=first + timedelta(weeks=3 * k, days=2)))
    recent = first + timedelta(weeks=WEEKS - 5)
    for spot in _spots(30, seed=8):
        hours = float(rng.uniform(0, 5 * 7 * 24))
        made.append(make_report(at=spot, occurred_at=recent + timedelta(hours=hours)))
    return made


def _expected_series(reports: list[Report]) -> dict[tuple[str, str], np.ndarray]:
    districts = list(Area.objects.filter(level=Area.Level.DISTRICT).order_by("code"))
    rows = []
    for report in reports:
        assert report.location is not None
        (district,) = [d.code for d in districts if d.geometry.contains(report.location)]
        rows.append(
            {
                "district": district,
                "group": report.category.group,
                "local": pd.Timestamp(report.occurred_at).tz_convert(ATHENS).tz_localize(None),
            }
        )
    frame = pd.DataFrame(rows)
    frame["week"] = frame["local"].dt.to_period("W-SUN").dt.start_time.dt.date
    first = _spec().first_forecast_week - timedelta(weeks=WEEKS)
    weeks = [first + timedelta(weeks=k) for k in range(WEEKS)]
    counted = frame.groupby(["district", "group", "week"]).size()
    return {
        (d.code, group): np.array(
            [counted.get((d.code, group, week), 0) for week in weeks], dtype=float
        )
        for d in districts
        for group in sorted(frame["group"].unique())
    }


def test_stored_forecasts_equal_the_pure_module_on_weekly_counts_built_here(
    make_report: Callable[..., Report],
) -> None:
    reports = _reports(make_report)
    grid = grid_lay_out(municipality=Area.objects.get(level=Area.Level.MUNICIPALITY))
    run = forecasts_run(grid=grid, spec=_spec())

    pooled = forecasting.pool_sparse_districts(_expected_series(reports))
    stored = {(s["district"], s["group"]): s for s in run.summary["series"]}
    assert set(stored) == set(pooled.series)
    assert pooled.pooled, "the scattered districts are pooled"
    for (label, group), names in pooled.pooled.items():
        assert stored[(label, group)]["pooled_districts"] == list(names)
    forecast_some = False
    for key, y in pooled.series.items():
        entry = stored[key]
        assert entry["total"] == int(y.sum())
        if y.mean() < 1.0:
            assert entry["forecast"] is None
            continue
        forecast_some = True
        want = forecasting.forecast_counts(y, h=4)
        assert entry["chosen_model"] == want.chosen_model
        np.testing.assert_allclose(entry["forecast"]["mean"], want.forecast.mean, atol=1e-9)
        for level in (0.8, 0.95):
            lower, upper = want.forecast.interval(level)
            name = round(level * 100)
            np.testing.assert_allclose(entry["forecast"][f"lower_{name}"], lower, atol=1e-9)
            np.testing.assert_allclose(entry["forecast"][f"upper_{name}"], upper, atol=1e-9)
        assert entry["forecast"]["week_starts"][0] == _spec().first_forecast_week.isoformat()
        table = {(r["model"], r["metric"]): r["value"] for r in entry["backtest"]}
        for row in want.rows:
            if np.isfinite(row.value):
                assert table[(row.model, row.metric)] == pytest.approx(row.value, abs=1e-9)
            else:
                assert table[(row.model, row.metric)] is None
        assert ("negative_binomial", "dispersion_alpha") in table
    assert forecast_some

    # The prospective backtest, on cells and events built here (cells by GEOS).
    cells = list(grid.cells.order_by("index"))
    spec = _spec()
    inside = [r for r in reports if spec.start <= r.occurred_at < spec.end]
    located = [r.location.transform(2100, clone=True) for r in inside]
    analysis = prospective.analysis_cells(
        [c.centre.x for c in cells],
        [c.centre.y for c in cells],
        cell_size_m=grid.cell_size_m,
        area=[c.area_m2 for c in cells],
    )
    events = prospective.crime_events(
        analysis,
        cell=[next(c.index for c in cells if c.geometry.contains(p)) for p in located],
        x=[p.x for p in located],
        y=[p.y for p in located],
        day=[r.occurred_at.timestamp() / 86400.0 for r in inside],
    )
    want_rows = prospective.backtest(
        analysis, events, end_day=spec.end.timestamp() / 86400.0, periods=4
    ).rows()
    got_rows = run.summary["prospective_backtest"]["rows"]
    assert len(got_rows) == len(want_rows) == 9  # three methods × 1, 5, 10%
    for got, want_row in zip(got_rows, want_rows, strict=True):
        for column, value in want_row.items():
            if isinstance(value, float) and not np.isfinite(value):
                assert got[column] is None
            else:
                assert got[column] == pytest.approx(value, abs=1e-9), column
    assert run.summary["prospective_backtest"]["events"] == len(inside)
    assert len({row["pai"] for row in got_rows}) > 3  # the methods and shares differ
    coming = run.summary["prospective_backtest"]["coming_week"]
    assert set(coming["cells"]) == set(prospective.METHODS)

    assert forecasts_run(grid=grid, spec=_spec()).pk == run.pk
    assert AnalysisRun.objects.count() == 1


def test_weeks_are_athens_weeks_from_monday_midnight(make_report: Callable[..., Report]) -> None:
    monday = week_monday(timezone.localdate()) - timedelta(weeks=2)
    sunday_night = datetime.combine(monday - timedelta(days=1), datetime.min.time()).replace(
        hour=23, minute=30, tzinfo=ATHENS
    )
    monday_morning = datetime.combine(monday, datetime.min.time()).replace(minute=30, tzinfo=ATHENS)
    # In UTC both fall on the same Sunday: only Athens weeks tell them apart.
    assert sunday_night.astimezone(ZoneInfo("UTC")).date() == (
        monday_morning.astimezone(ZoneInfo("UTC")).date()
    )
    make_report(at=CENTRE, occurred_at=sunday_night)
    make_report(at=CENTRE, occurred_at=monday_morning)
    query = EventQuery(
        audience=RunAudience.COUNCIL,
        sources=Sources.REPORTS,
        start=timezone.now() - timedelta(weeks=5),
        end=timezone.now(),
    )
    weeks = sorted(row.week for row in weekly_by_district_and_group(query))
    assert weeks == [monday - timedelta(weeks=1), monday]


def _incident(category: Category, when: datetime) -> OfficialIncident:
    return official_incident_create(category=category, at=CENTRE, when=when)


def test_the_public_run_never_counts_a_private_report_or_an_official_incident(
    make_report: Callable[..., Report],
) -> None:
    private = Category.objects.filter(may_be_public=False).first()
    assert private is not None
    when = timezone.now() - timedelta(weeks=3)
    make_report(at=CENTRE, occurred_at=when)
    make_report(category=private.slug, at=CENTRE, occurred_at=when)
    _incident(Category.objects.get(slug="graffiti"), when)
    grid = grid_lay_out(municipality=Area.objects.get(level=Area.Level.MUNICIPALITY))

    public_run = forecasts_run(grid=grid, spec=_spec(RunAudience.PUBLIC))
    council_run = forecasts_run(grid=grid, spec=_spec(RunAudience.COUNCIL))

    def total(run: AnalysisRun) -> int:
        # Every district's events are in exactly one series or pool, except a whole-municipality
        # pool, which repeats the dense districts (there are none here).
        return sum(s["total"] for s in run.summary["series"])

    assert total(public_run) == 1
    assert total(council_run) == 3
    assert "prospective_backtest" not in public_run.summary
    assert council_run.summary["prospective_backtest"]["events"] == 3


def test_a_forecast_week_starts_on_a_monday() -> None:
    with pytest.raises(ValueError, match="Monday"):
        ForecastSpec(
            audience=RunAudience.PUBLIC,
            sources=Sources.REPORTS,
            first_forecast_week=date(2026, 12, 1),
        )


def test_a_series_that_began_late_is_forecast_without_the_negative_binomial() -> None:
    from curim.analytics.services.forecast_runs import _forecast_with_fallback

    y = np.zeros(156)
    y[110:] = np.random.default_rng(1).poisson(4, 46)
    with pytest.raises(np.linalg.LinAlgError):
        forecasting.forecast_counts(y, h=8)  # a training window of zeros
    found, dropped = _forecast_with_fallback(y, 8)
    assert dropped == ["negative_binomial"]
    assert found is not None
    want = forecasting.forecast_counts(
        y, h=8, models=(forecasting.SeasonalNaive(period=52), forecasting.ExponentialSmoothing())
    )
    assert found.chosen_model == want.chosen_model
    np.testing.assert_allclose(found.forecast.mean, want.forecast.mean, atol=1e-12)
