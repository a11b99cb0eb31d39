"""The nightly analytics: for each municipality, the default grid (laid out the first time),
then the hotspots of the last year, all day and at night, for the public (public reports) and
for the council (every moderated report and every official incident); the emerging hot spots
of the last twelve months, the risk index and the forecasts (with, for the council, the
prospective hotspot backtest) for both; the near repeats of crime (the council's) and the
cyber-threat weeks (both audiences). Each is a snapshot keyed on its spec and the watermark
of the data it reads (`run_keys.py`), so running the night again over the same data, after a
killed worker for example, writes nothing new for what was done and finishes the rest; over
changed data (an incident file imported, a report moderated or edited since) it writes the
runs whose data changed anew, the same day included. `analytics_nightly` is also what an
analyst's "Run now" queues (`tasks.py`)."""

from datetime import date

from django.utils import timezone

from curim.analytics.models import AnalysisRun, Grid
from curim.analytics.services.cyber_runs import cyber_nightly_runs
from curim.analytics.services.emerging_runs import emerging_nightly_runs
from curim.analytics.services.forecast_runs import forecasts_nightly
from curim.analytics.services.grid import NIGHTLY_CELL_SIZE_M, NIGHTLY_SHAPE, grid_lay_out
from curim.analytics.services.hotspot_runs import hotspots_run
from curim.analytics.services.near_repeat_runs import near_repeat_nightly_runs
from curim.analytics.services.risk_runs import risk_index_nightly
from curim.analytics.specs import HotspotSpec, hotspot_nightly_specs
from curim.areas.models import Area


def nightly_specs(today: date) -> list[HotspotSpec]:
    return hotspot_nightly_specs(today)


def _default_grids() -> list[Grid]:
    """Each municipality's default grid, laid out the first time."""
    return [
        grid_lay_out(
            municipality=municipality, shape=NIGHTLY_SHAPE, cell_size_m=NIGHTLY_CELL_SIZE_M
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
