"""The nightly analytics: for each municipality, the default grid (laid out the first time),
then the hotspots of the last year, all day and at night, for the public (public reports) and
for the council (every moderated report and every official incident); the emerging hot spots
of the last twelve months, the risk index and the forecasts (with, for the council, the
prospective hotspot backtest) for both; the near repeats of crime (the council's) and the
cyber-threat weeks (both audiences). Each is a snapshot keyed on its spec, so running the
night again, after a killed worker for example, writes nothing new for what was done and
finishes the rest."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from curim.analytics.local_time import local_midnight
from curim.analytics.models import AnalysisRun, Grid, GridShape, RunAudience, Sources
from curim.analytics.services.cyber_runs import cyber_nightly_runs
from curim.analytics.services.emerging_runs import emerging_nightly_runs
from curim.analytics.services.forecast_runs import forecasts_nightly
from curim.analytics.services.grid import grid_lay_out
from curim.analytics.services.hotspot_runs import hotspots_run
from curim.analytics.services.near_repeat_runs import near_repeat_nightly_runs
from curim.analytics.services.risk_runs import risk_index_nightly
from curim.analytics.specs import HotspotSpec, TimeOfDay
from curim.areas.models import Area

DEFAULT_SHAPE = GridShape.SQUARE
DEFAULT_CELL_SIZE_M = 250
LOOKBACK_DAYS = 365

AUDIENCE_SOURCES = ((RunAudience.PUBLIC, Sources.REPORTS), (RunAudience.COUNCIL, Sources.BOTH))
# The public sees the whole day only: a report's date is public, its time of day is not, and a
# night layer beside the all-day one would tell it for the cells with one report.
TIMES_OF_DAY: dict[RunAudience, tuple[TimeOfDay, ...]] = {
    RunAudience.PUBLIC: ("all",),
    RunAudience.COUNCIL: ("all", "night"),
}


def _local_midnight(day: date) -> datetime:
    return local_midnight(day)


def nightly_specs(today: date) -> list[HotspotSpec]:
    end = _local_midnight(today)
    start = _local_midnight(today - timedelta(days=LOOKBACK_DAYS))
    return [
        HotspotSpec(
            audience=audience, sources=sources, start=start, end=end, time_of_day=time_of_day
        )
        for audience, sources in AUDIENCE_SOURCES
        for time_of_day in TIMES_OF_DAY[audience]
    ]


def _default_grids() -> list[Grid]:
    """Each municipality's default grid, laid out the first time."""
    return [
        grid_lay_out(
            municipality=municipality, shape=DEFAULT_SHAPE, cell_size_m=DEFAULT_CELL_SIZE_M
        )
        for municipality in Area.objects.filter(level=Area.Level.MUNICIPALITY).order_by("code")
    ]


def hotspots_nightly(*, today: date | None = None) -> list[AnalysisRun]:
    """The night's hotspot runs alone (the others take longer)."""
    today = today or timezone.localdate()
    return [
        hotspots_run(grid=grid, spec=spec)
        for grid in _default_grids()
        for spec in nightly_specs(today)
    ]


def analytics_nightly(*, today: date | None = None) -> list[AnalysisRun]:
    today = today or timezone.localdate()
    runs = []
    for grid in _default_grids():
        runs += [hotspots_run(grid=grid, spec=spec) for spec in nightly_specs(today)]
        runs += emerging_nightly_runs(grid=grid, today=today)
        runs += risk_index_nightly(grid=grid, today=today)
        runs += forecasts_nightly(grid=grid, today=today)
    # Not per cell, so once for every municipality's events.
    runs += near_repeat_nightly_runs(today=today)
    runs += cyber_nightly_runs(today=today)
    return runs
