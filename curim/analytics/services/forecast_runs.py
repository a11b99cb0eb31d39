"""A forecast run: weekly event counts per district and category group, pooled where sparse,
forecast h weeks ahead by the model the rolling-origin backtest chose; for the council, the
prospective hotspot backtest over the grid and the coming week's hotspot map beside them. One
snapshot per audience (docs/analytics/forecasting.md and prospective-hotspots.md, "Stored
runs").

Weeks run Monday 00:00 to Monday 00:00, Athens time; the run ends at the Monday that starts the
current week, so the last week counted is whole. A series whose mean weekly count is below
`min_mean_weekly` even after pooling is listed as not forecast (too sparse to fit).

Idempotent as the hotspot runs: the same spec over the same grid finds the stored run."""

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction

from curim.analytics import forecasting, prospective
from curim.analytics.local_time import local_midnight
from curim.analytics.models import AnalysisRun, Grid, RunAudience, RunKind, Sources
from curim.analytics.outputs import json_number
from curim.analytics.run_keys import run_fingerprint, run_parameters
from curim.analytics.selectors.cells import grid_arrays, located_events
from curim.analytics.selectors.event_counts import weekly_by_district_and_group
from curim.analytics.selectors.events import EventQuery
from curim.analytics.selectors.watermark import DataWatermark, data_watermark
from curim.analytics.services.grid import grid_is_nightly
from curim.analytics.services.stored_runs import stored_run_confirmed
from curim.areas.models import Area

DEFAULT_WEEKS = 156
DEFAULT_HORIZON = 8
DEFAULT_BACKTEST_WEEKS = 12


@dataclass(frozen=True)
class ForecastSpec:
    audience: RunAudience
    sources: Sources
    # The Monday (Athens) the forecast week T+1 starts on; the series end the day before.
    first_forecast_week: date
    weeks: int = DEFAULT_WEEKS
    h: int = DEFAULT_HORIZON
    min_mean_weekly: float = 1.0
    # The prospective backtest's test weeks (council only; 0: none).
    backtest_weeks: int = DEFAULT_BACKTEST_WEEKS

    def __post_init__(self) -> None:
        if self.first_forecast_week.weekday() != 0:
            raise ValueError("Forecast weeks start on a Monday.")

    @property
    def start(self) -> datetime:
        return _athens_midnight(self.first_forecast_week - timedelta(weeks=self.weeks))

    @property
    def end(self) -> datetime:
        return _athens_midnight(self.first_forecast_week)

    def parameters(self) -> dict[str, Any]:
        found = asdict(self)
        found["audience"] = str(self.audience)
        found["sources"] = str(self.sources)
        found["first_forecast_week"] = self.first_forecast_week.isoformat()
        found["levels"] = list(forecasting.DEFAULT_LEVELS)
        found["week_time_zone"] = "Europe/Athens"
        return found

    def fingerprint(self, *, grid_id: int, watermark: DataWatermark) -> str:
        key = {"kind": str(RunKind.FORECAST), "grid": grid_id, **self.parameters()}
        return run_fingerprint(key, watermark)


def _athens_midnight(day: date) -> datetime:
    return local_midnight(day)


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_series(spec: ForecastSpec, municipality: Area) -> dict[tuple[str, str], np.ndarray]:
    """(district code, group) → counts of the spec's weeks, oldest first, for every district
    of the municipality and every group with an event in the period."""
    query = EventQuery(audience=spec.audience, sources=spec.sources, start=spec.start, end=spec.end)
    districts = dict(
        Area.objects.filter(level=Area.Level.DISTRICT, parent=municipality).values_list(
            "pk", "code"
        )
    )
    first = spec.first_forecast_week - timedelta(weeks=spec.weeks)
    rows = [row for row in weekly_by_district_and_group(query) if row.district_id in districts]
    groups = sorted({row.category_group for row in rows})
    series = {
        (code, group): np.zeros(spec.weeks) for code in districts.values() for group in groups
    }
    for row in rows:
        series[(districts[row.district_id or 0], row.category_group)][
            (row.week - first).days // 7
        ] += row.count
    return series


def _forecast_with_fallback(
    y: np.ndarray, h: int
) -> tuple[forecasting.CountForecast | None, list[str]]:
    """The three candidates; where the negative binomial cannot be fitted at some backtest
    origin (a training window of zeros makes its Poisson start singular, as when reports
    began after the series starts), the other two, and the drop is stored."""
    try:
        return forecasting.forecast_counts(y, h=h), []
    except (np.linalg.LinAlgError, ValueError, FloatingPointError):
        pass
    period = forecasting.default_seasonal_period(len(y))
    simpler = (forecasting.SeasonalNaive(period=period), forecasting.ExponentialSmoothing())
    try:
        found = forecasting.forecast_counts(y, h=h, models=simpler)
    except (np.linalg.LinAlgError, ValueError, FloatingPointError):
        return None, [forecasting.NEGATIVE_BINOMIAL]
    return found, [forecasting.NEGATIVE_BINOMIAL]


def _forecast_entry(
    spec: ForecastSpec, key: tuple[str, str], y: np.ndarray, pooled: tuple[str, ...]
) -> dict[str, Any]:
    area, group = key
    entry: dict[str, Any] = {
        "district": area,
        "group": group,
        "pooled_districts": list(pooled),
        "mean_weekly": float(y.mean()),
        "total": int(y.sum()),
    }
    if y.mean() < spec.min_mean_weekly:
        return {**entry, "forecast": None, "not_forecast": "too sparse"}
    found, dropped = _forecast_with_fallback(y, spec.h)
    if found is None:
        return {**entry, "forecast": None, "not_forecast": "fit failed"}
    weeks = [spec.first_forecast_week + timedelta(weeks=k) for k in range(spec.h)]
    forecast: dict[str, Any] = {
        "week_starts": [week.isoformat() for week in weeks],
        "mean": [float(v) for v in found.forecast.mean],
    }
    for level in found.forecast.levels:
        lower, upper = found.forecast.interval(level)
        forecast[f"lower_{round(level * 100)}"] = [float(v) for v in lower]
        forecast[f"upper_{round(level * 100)}"] = [float(v) for v in upper]
    return {
        **entry,
        "chosen_model": found.chosen_model,
        "models_dropped": dropped,
        "seasonal_period": found.seasonal_period,
        "nb_dispersion": json_number(found.nb_dispersion),
        "forecast": forecast,
        "backtest": [
            {"model": row.model, "metric": row.metric, "value": json_number(row.value)}
            for row in found.rows
        ],
    }


def prospective_summary(grid: Grid, spec: ForecastSpec) -> dict[str, Any]:
    """The backtest's rows (PAI, PEI*, hit rate per method and area share) over the last
    `backtest_weeks` weeks, and the coming week's map: per method and area share, the codes
    of the cells selected, best first."""
    arrays = grid_arrays(grid)
    cells = prospective.analysis_cells(
        arrays.x, arrays.y, cell_size_m=float(grid.cell_size_m), area=arrays.area_m2
    )
    query = EventQuery(audience=spec.audience, sources=spec.sources, start=spec.start, end=spec.end)
    found = located_events(grid, query)
    events = prospective.crime_events(cells, cell=found.cell, x=found.x, y=found.y, day=found.day)
    end_day = spec.end.timestamp() / 86_400.0
    rows = prospective.backtest(cells, events, end_day=end_day, periods=spec.backtest_weeks).rows()
    coming = {
        method: {
            str(selection.area_share): [arrays.codes[int(i)] for i in selection.cells]
            for selection in prospective.hotspot_map(method, cells, events, cutoff_day=end_day)
        }
        for method in prospective.METHODS
    }
    return {
        "rows": [
            {k: (json_number(v) if isinstance(v, float) else v) for k, v in row.items()}
            for row in rows
        ],
        "events": len(found.day),
        "end_day": end_day,
        "coming_week": {"week_start": spec.first_forecast_week.isoformat(), "cells": coming},
    }


def forecasts_compute(grid: Grid, spec: ForecastSpec) -> dict[str, Any]:
    series = weekly_series(spec, grid.municipality)
    pooled = forecasting.pool_sparse_districts(series, min_mean_weekly=spec.min_mean_weekly)
    summary: dict[str, Any] = {
        "series": [
            _forecast_entry(spec, key, y, pooled.pooled.get(key, ()))
            for key, y in sorted(pooled.series.items())
        ],
        "pooled": [
            {"label": label, "group": group, "districts": list(names)}
            for (label, group), names in sorted(pooled.pooled.items())
        ],
        "history_weeks": spec.weeks,
    }
    if spec.audience == RunAudience.COUNCIL and spec.backtest_weeks > 0:
        summary["prospective_backtest"] = prospective_summary(grid, spec)
    return summary


def forecasts_run(*, grid: Grid, spec: ForecastSpec) -> AnalysisRun:
    watermark = data_watermark(spec.audience, spec.sources)
    fingerprint = spec.fingerprint(grid_id=grid.pk, watermark=watermark)
    existing = stored_run_confirmed(fingerprint)
    if existing is not None:
        return existing
    summary = forecasts_compute(grid, spec)
    try:
        with transaction.atomic():
            return AnalysisRun.objects.create(
                kind=RunKind.FORECAST,
                audience=spec.audience,
                sources=spec.sources,
                grid=grid,
                parameters=run_parameters(
                    spec.parameters(),
                    watermark=watermark,
                    nightly=grid_is_nightly(grid) and forecast_spec_is_nightly(spec),
                ),
                data_from=spec.start,
                data_up_to=spec.end,
                fingerprint=fingerprint,
                summary=summary,
            )
    except IntegrityError:
        return AnalysisRun.objects.get(fingerprint=fingerprint)


AUDIENCE_SOURCES = ((RunAudience.PUBLIC, Sources.REPORTS), (RunAudience.COUNCIL, Sources.BOTH))


def forecast_nightly_specs(today: date) -> list[ForecastSpec]:
    """Forecasts from the Monday starting today's week, for the public and the council (the
    council's with the prospective backtest)."""
    return [
        ForecastSpec(audience=audience, sources=sources, first_forecast_week=week_monday(today))
        for audience, sources in AUDIENCE_SOURCES
    ]


def forecast_spec_is_nightly(spec: ForecastSpec) -> bool:
    return spec in forecast_nightly_specs(spec.first_forecast_week)


def forecasts_nightly(*, grid: Grid, today: date) -> list[AnalysisRun]:
    return [forecasts_run(grid=grid, spec=spec) for spec in forecast_nightly_specs(today)]
