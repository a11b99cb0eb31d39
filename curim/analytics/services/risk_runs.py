"""A risk index run: the transparent index (likelihood, impact, perception) of every district,
neighbourhood and grid cell over a period, stored as one snapshot with every component beside
the index (docs/analytics/risk-index.md, "Stored runs").

Inputs, each read through its owner's selector: events per area and category and per cell and
category (`selectors/event_counts.py`, over the events selector, so the audience's privacy
holds), the harm weights admins set (`CategoryHarm`), populations (areas; cells: areal
weighting), night-time place evaluations (`reports.selectors.night_feeling_by_area`) and the
latest survey wave's fear-of-crime estimate per district (`surveys.selectors`; published waves
only for the public). A neighbourhood, and a cell, takes its district's fear of crime; a cell
takes its district's night-time rating too (a 250 m cell rarely has five evaluations).

Idempotent as the hotspot runs: the fingerprint covers the audience, period, grid, component
weights and harm weights, and the watermark of the events (`run_keys.py`), so changing a harm
weight, or the events, makes a new run and running again finds it. (The perception inputs,
night-time evaluations and survey waves, are not in the watermark: the evaluations of a period
that has ended do not change, and a new survey wave shows from the next night's period.)"""

import math
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from django.contrib.gis.db.models.functions import Area as AreaOf
from django.contrib.gis.db.models.functions import Transform
from django.db import IntegrityError, transaction

from curim.analytics.local_time import ATHENS, local_midnight
from curim.analytics.models import AnalysisRun, CellResult, Grid, RunAudience, RunKind, Sources
from curim.analytics.risk_index import DEFAULT_WEIGHTS, AreaRisk, risk_index
from curim.analytics.run_keys import run_fingerprint, run_parameters
from curim.analytics.selectors.cells import grid_arrays
from curim.analytics.selectors.event_counts import cells_by_category, events_by_area_and_category
from curim.analytics.selectors.events import EventQuery
from curim.analytics.selectors.harm import harm_weights
from curim.analytics.selectors.watermark import DataWatermark, data_watermark
from curim.analytics.services.grid import grid_is_nightly
from curim.analytics.services.stored_runs import stored_run_confirmed
from curim.areas.models import Area
from curim.reports.selectors import night_feeling_by_area
from surveys.selectors import latest_indicator_by_district

FEAR_OF_CRIME_INDICATOR = "fear"
# A cell's class: the band of its index, q1 (0 ≤ index < 20) … q5 (80 ≤ index ≤ 100).
BANDS = ("q1", "q2", "q3", "q4", "q5")
NO_INDEX = "none"


@dataclass(frozen=True)
class RiskSpec:
    audience: RunAudience
    sources: Sources
    start: datetime
    end: datetime  # exclusive
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def parameters(self, harm: dict[str, float]) -> dict[str, Any]:
        return {
            "audience": str(self.audience),
            "sources": str(self.sources),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "component_weights": dict(sorted(self.weights.items())),
            "harm_weights": dict(sorted(harm.items())),
            "fear_indicator": FEAR_OF_CRIME_INDICATOR,
        }

    def fingerprint(self, *, grid_id: int, harm: dict[str, float], watermark: DataWatermark) -> str:
        key = {"kind": str(RunKind.RISK_INDEX), "grid": grid_id, **self.parameters(harm)}
        return run_fingerprint(key, watermark)


def index_band(index: float | None) -> str:
    if index is None:
        return NO_INDEX
    return BANDS[min(int(index // 20), len(BANDS) - 1)]


@dataclass(frozen=True)
class RiskInputs:
    """The index's inputs for one level of areas, in the order of `codes`."""

    codes: list[str]
    names: list[str]
    counts: np.ndarray  # areas × categories
    population: np.ndarray
    area_km2: np.ndarray
    unsafe_mean: np.ndarray
    unsafe_n: np.ndarray
    fear_share: np.ndarray
    fear_n: np.ndarray


@dataclass(frozen=True)
class RiskResult:
    districts: list[AreaRisk]
    neighbourhoods: list[AreaRisk]
    cells: list[AreaRisk]
    cell_inputs: RiskInputs


def _area_rows(municipality: Area) -> tuple[list[Area], list[Area]]:
    areas = Area.objects.annotate(m2=AreaOf(Transform("geometry", 2100))).order_by("code")
    districts: list[Area] = list(areas.filter(level=Area.Level.DISTRICT, parent=municipality))
    neighbourhoods: list[Area] = list(
        areas.filter(level=Area.Level.NEIGHBOURHOOD, parent__parent=municipality)
    )
    return districts, neighbourhoods


def _perception(
    spec: RiskSpec,
) -> tuple[dict[int, tuple[int, int]], dict[int, tuple[float, int]]]:
    """Per area id (districts and neighbourhoods): (night evaluations, sum of "how safe it
    feels"), a district's including its neighbourhoods'; per district id: (fear share 0–1, n)."""
    parents = dict(
        Area.objects.filter(level=Area.Level.NEIGHBOURHOOD).values_list("pk", "parent_id")
    )
    night: dict[int, tuple[int, int]] = {}
    for area_id, n, feeling_sum in night_feeling_by_area(start=spec.start, end=spec.end):
        for target in (area_id, parents.get(area_id)):
            if target is not None:
                before = night.get(target, (0, 0))
                night[target] = (before[0] + n, before[1] + feeling_sum)
    fear = {
        area_id: (estimate / 100.0, n)
        for area_id, (estimate, n) in latest_indicator_by_district(
            FEAR_OF_CRIME_INDICATOR, published_only=spec.audience == RunAudience.PUBLIC
        ).items()
    }
    return night, fear


def _unsafe(night: tuple[int, int] | None) -> tuple[float, int]:
    """The mean "feeling unsafe" 1–5 of evaluations rating "how safe it feels" 1 (poor) … 5
    (good): 6 − the mean feeling."""
    if night is None or night[0] == 0:
        return math.nan, 0
    return 6.0 - night[1] / night[0], night[0]


def _level_inputs(
    areas: list[Area],
    counts_of: dict[int, np.ndarray],
    n_categories: int,
    night: dict[int, tuple[int, int]],
    fear: dict[int, tuple[float, int]],
    district_of: dict[int, int],
) -> RiskInputs:
    unsafe = [_unsafe(night.get(area.pk)) for area in areas]
    fears = [fear.get(district_of.get(area.pk, area.pk), (math.nan, 0)) for area in areas]
    return RiskInputs(
        codes=[area.code for area in areas],
        names=[area.name for area in areas],
        counts=np.array(
            [counts_of.get(area.pk, np.zeros(n_categories)) for area in areas], dtype=float
        ).reshape(len(areas), n_categories),
        population=np.array(
            [math.nan if area.population is None else area.population for area in areas]
        ),
        area_km2=np.array([area.m2.sq_m / 1e6 for area in areas]),  # type: ignore[attr-defined]
        unsafe_mean=np.array([u for u, _ in unsafe]),
        unsafe_n=np.array([n for _, n in unsafe], dtype=float),
        fear_share=np.array([f for f, _ in fears]),
        fear_n=np.array([n for _, n in fears], dtype=float),
    )


def _index(inputs: RiskInputs, harm: list[float], spec: RiskSpec) -> list[AreaRisk]:
    if not inputs.codes:
        return []
    return risk_index(
        areas=inputs.codes,
        counts_by_category=inputs.counts,
        harm_weights=harm,
        population=inputs.population,
        area_km2=inputs.area_km2,
        night_unsafe_mean=inputs.unsafe_mean,
        night_unsafe_n=inputs.unsafe_n,
        fear_share=inputs.fear_share,
        fear_n=inputs.fear_n,
        weights=spec.weights,
    )


HarmTable = tuple[list[int], list[str], list[float]]


def risk_compute(grid: Grid, spec: RiskSpec, harm_table: HarmTable | None = None) -> RiskResult:
    """The index; `harm_table` is `harm_weights()` as the run's fingerprint read it (read once,
    so the stored weights are the ones the impact was computed with)."""
    category_ids, _, harm = harm_table or harm_weights()
    column = {pk: k for k, pk in enumerate(category_ids)}
    query = EventQuery(audience=spec.audience, sources=spec.sources, start=spec.start, end=spec.end)
    by_district: dict[int, np.ndarray] = {}
    by_neighbourhood: dict[int, np.ndarray] = {}
    for row in events_by_area_and_category(query):
        for area_id, table in (
            (row.district_id, by_district),
            (row.neighbourhood_id, by_neighbourhood),
        ):
            if area_id is not None:
                table.setdefault(area_id, np.zeros(len(category_ids)))[column[row.category_id]] += (
                    row.count
                )
    districts, neighbourhoods = _area_rows(grid.municipality)
    night, fear = _perception(spec)
    district_of = {area.pk: area.parent_id for area in neighbourhoods if area.parent_id}
    n_categories = len(category_ids)
    district_inputs = _level_inputs(districts, by_district, n_categories, night, fear, {})
    neighbourhood_inputs = _level_inputs(
        neighbourhoods, by_neighbourhood, n_categories, night, fear, district_of
    )

    arrays = grid_arrays(grid)
    cell_unsafe = [_unsafe(night.get(d)) if d else (math.nan, 0) for d in arrays.district_ids]
    cell_fear = [fear.get(d, (math.nan, 0)) if d else (math.nan, 0) for d in arrays.district_ids]
    cell_inputs = RiskInputs(
        codes=arrays.codes,
        names=arrays.codes,
        counts=cells_by_category(grid, query, category_ids).astype(float),
        population=arrays.population,
        area_km2=arrays.area_m2 / 1e6,
        unsafe_mean=np.array([u for u, _ in cell_unsafe]),
        unsafe_n=np.array([n for _, n in cell_unsafe], dtype=float),
        fear_share=np.array([f for f, _ in cell_fear]),
        fear_n=np.array([n for _, n in cell_fear], dtype=float),
    )
    return RiskResult(
        districts=_index(district_inputs, harm, spec),
        neighbourhoods=_index(neighbourhood_inputs, harm, spec),
        cells=_index(cell_inputs, harm, spec),
        cell_inputs=cell_inputs,
    )


def _as_json(risk: AreaRisk) -> dict[str, Any]:
    found = asdict(risk)
    found["weights_used"] = dict(risk.weights_used)
    found["components_used"] = list(risk.components_used)
    return found


def risk_index_run(*, grid: Grid, spec: RiskSpec) -> AnalysisRun:
    harm_table = harm_weights()
    _, codes, weights = harm_table
    harm = dict(zip(codes, weights, strict=True))
    watermark = data_watermark(spec.audience, spec.sources)
    fingerprint = spec.fingerprint(grid_id=grid.pk, harm=harm, watermark=watermark)
    existing = stored_run_confirmed(fingerprint)
    if existing is not None:
        return existing
    result = risk_compute(grid, spec, harm_table)
    cell_ids = dict(grid.cells.values_list("index", "pk"))
    names = dict(Area.objects.values_list("code", "name_en"))
    try:
        with transaction.atomic():
            run = AnalysisRun.objects.create(
                kind=RunKind.RISK_INDEX,
                audience=spec.audience,
                sources=spec.sources,
                grid=grid,
                parameters=run_parameters(
                    spec.parameters(harm),
                    watermark=watermark,
                    nightly=grid_is_nightly(grid) and risk_spec_is_nightly(spec),
                ),
                data_from=spec.start,
                data_up_to=spec.end,
                fingerprint=fingerprint,
                summary={
                    "districts": [
                        {**_as_json(r), "name": names.get(r.area, r.area)} for r in result.districts
                    ],
                    "neighbourhoods": [
                        {**_as_json(r), "name": names.get(r.area, r.area)}
                        for r in result.neighbourhoods
                    ],
                    "cells": len(result.cells),
                    "bands": list(BANDS),
                },
            )
            CellResult.objects.bulk_create(
                CellResult(
                    run=run,
                    cell_id=cell_ids[index],
                    count=risk.incidents,
                    label=index_band(risk.index),
                    extra={key: value for key, value in _as_json(risk).items() if key != "area"},
                )
                for index, risk in enumerate(result.cells)
            )
    except IntegrityError:
        return AnalysisRun.objects.get(fingerprint=fingerprint)
    return run


RISK_LOOKBACK_DAYS = 365
AUDIENCE_SOURCES = ((RunAudience.PUBLIC, Sources.REPORTS), (RunAudience.COUNCIL, Sources.BOTH))


def risk_nightly_specs(today: date) -> list[RiskSpec]:
    """The index over the 365 days before today's local midnight, for the public and the
    council."""
    end = local_midnight(today)
    start = local_midnight(today - timedelta(days=RISK_LOOKBACK_DAYS))
    return [
        RiskSpec(audience=audience, sources=sources, start=start, end=end)
        for audience, sources in AUDIENCE_SOURCES
    ]


def risk_spec_is_nightly(spec: RiskSpec) -> bool:
    return spec in risk_nightly_specs(spec.end.astimezone(ATHENS).date())


def risk_index_nightly(*, grid: Grid, today: date) -> list[AnalysisRun]:
    return [risk_index_run(grid=grid, spec=spec) for spec in risk_nightly_specs(today)]
