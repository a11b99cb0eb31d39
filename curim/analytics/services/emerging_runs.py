"""An emerging hot spot run: events counted per cell in each calendar month or week (local
time, Europe/Athens), Gi* per slice and a Mann-Kendall trend per cell (`emerging.py`), stored
as one snapshot keyed on its spec, as `hotspot_runs.py` stores Gi*."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

import numpy as np
from django.db import IntegrityError, transaction

from curim.analytics.emerging import (
    CATEGORY_CODES,
    DEFAULT_SIGNIFICANCE_LEVEL,
    DEFAULT_TREND_ALPHA,
    EmergingHotspots,
    emerging_hotspots,
    fewest_slices_for_a_trend,
)
from curim.analytics.local_time import ATHENS, local_midnight
from curim.analytics.models import AnalysisRun, CellResult, Grid, RunAudience, RunKind, Sources
from curim.analytics.run_keys import run_fingerprint, run_parameters
from curim.analytics.selectors.cells import cell_counts, grid_arrays
from curim.analytics.selectors.events import EventQuery
from curim.analytics.selectors.watermark import DataWatermark, data_watermark
from curim.analytics.services.grid import grid_is_nightly
from curim.analytics.services.stored_runs import stored_run_confirmed
from curim.analytics.specs import DEFAULT_BAND_M, WeightsKind

SliceKind = Literal["month", "week"]
DEFAULT_SLICES = 12


def slice_start_on_or_before(day: date, slice_kind: SliceKind) -> date:
    """The first of the month, or the Monday, of the slice holding `day`."""
    if slice_kind == "month":
        return day.replace(day=1)
    return day - timedelta(days=day.weekday())


def _month_before(day: date) -> date:
    return (day - timedelta(days=1)).replace(day=1)


@dataclass(frozen=True)
class EmergingSpec:
    audience: RunAudience
    sources: Sources
    # Exclusive: a local midnight starting a slice (the first of a month, or a Monday).
    end: datetime
    slice: SliceKind = "month"
    slices: int = DEFAULT_SLICES
    groups: tuple[str, ...] = field(default=())
    weights: WeightsKind = "distance_band"
    band_m: float | None = DEFAULT_BAND_M
    significance_level: float = DEFAULT_SIGNIFICANCE_LEVEL
    trend_alpha: float = DEFAULT_TREND_ALPHA

    def __post_init__(self) -> None:
        if self.slice not in ("month", "week"):
            raise ValueError("A slice is a month or a week.")
        local = self.end.astimezone(ATHENS)
        if local.time() != time.min or slice_start_on_or_before(local.date(), self.slice) != (
            local.date()
        ):
            raise ValueError(f"The end must be a local midnight starting a {self.slice}.")
        fewest = fewest_slices_for_a_trend(self.trend_alpha)
        if self.slices < fewest:
            raise ValueError(f"A trend needs at least {fewest} slices.")
        if self.weights == "distance_band" and not (self.band_m and self.band_m > 0):
            raise ValueError("A distance band needs its width in metres.")
        if self.weights == "contiguity" and self.band_m is not None:
            raise ValueError("Contiguity weights take no band.")

    def slice_starts(self) -> list[datetime]:
        """Each slice's first local midnight, oldest first (aware, Europe/Athens)."""
        last = self.end.astimezone(ATHENS).date()
        days: list[date] = []
        for _ in range(self.slices):
            last = _month_before(last) if self.slice == "month" else last - timedelta(days=7)
            days.append(last)
        return [local_midnight(day) for day in reversed(days)]

    def weights_description(self) -> dict[str, Any]:
        if self.weights == "contiguity":
            return {"type": "contiguity", "contiguity": "queen", "includes_self": True}
        return {"type": "distance_band", "band_m": self.band_m, "includes_self": True}

    def parameters(self) -> dict[str, Any]:
        return {
            "audience": str(self.audience),
            "sources": str(self.sources),
            "start": self.slice_starts()[0].isoformat(),
            "end": self.end.astimezone(ATHENS).isoformat(),
            "slice": self.slice,
            "slices": self.slices,
            "groups": sorted(self.groups),
            "weights": self.weights_description(),
            "significance_level": self.significance_level,
            "fdr_correction": True,
            "trend_alpha": self.trend_alpha,
        }

    def fingerprint(self, *, grid_id: int, watermark: DataWatermark) -> str:
        key = {"kind": str(RunKind.EMERGING), "grid": grid_id, **self.parameters()}
        return run_fingerprint(key, watermark)


def emerging_compute(grid: Grid, spec: EmergingSpec) -> tuple[np.ndarray, EmergingHotspots]:
    """The counts (slices × cells) and the emerging hot spot analysis of them."""
    starts = spec.slice_starts()
    query = EventQuery(
        audience=spec.audience,
        sources=spec.sources,
        start=starts[0],
        end=spec.end,
        groups=spec.groups,
    )
    counts = cell_counts(grid, query, slice_starts=starts)
    result = emerging_hotspots(
        counts,
        grid_arrays(grid).weights(spec.weights, spec.band_m),
        significance_level=spec.significance_level,
        trend_alpha=spec.trend_alpha,
    )
    return counts, result


def _summary(spec: EmergingSpec, counts: np.ndarray, result: EmergingHotspots) -> dict[str, Any]:
    found = dict(zip(*np.unique(result.categories, return_counts=True), strict=True))
    return {
        "cells": int(counts.shape[1]),
        "events": int(counts.sum()),
        "categories": {code: int(found.get(code, 0)) for code in CATEGORY_CODES},
        "slices": [start.date().isoformat() for start in spec.slice_starts()],
        "events_per_slice": [int(total) for total in counts.sum(axis=1)],
        "undefined_slices": [bool(flag) for flag in result.undefined_slices],
        "significance_level": result.significance_level,
        "fdr_correction": result.fdr_correction,
        "trend_alpha": result.trend_alpha,
    }


def emerging_run(*, grid: Grid, spec: EmergingSpec) -> AnalysisRun:
    """The stored run of the spec over the grid, computed and written once."""
    watermark = data_watermark(spec.audience, spec.sources)
    fingerprint = spec.fingerprint(grid_id=grid.pk, watermark=watermark)
    existing = stored_run_confirmed(fingerprint)
    if existing is not None:
        return existing
    counts, result = emerging_compute(grid, spec)
    cell_ids = dict(grid.cells.values_list("index", "pk"))
    totals = counts.sum(axis=0)
    hot_slices = (result.significance > 0).sum(axis=0)
    cold_slices = (result.significance < 0).sum(axis=0)
    trend = result.trend
    try:
        with transaction.atomic():
            run = AnalysisRun.objects.create(
                kind=RunKind.EMERGING,
                audience=spec.audience,
                sources=spec.sources,
                grid=grid,
                parameters=run_parameters(
                    spec.parameters(),
                    watermark=watermark,
                    nightly=grid_is_nightly(grid) and emerging_spec_is_nightly(spec),
                ),
                data_from=spec.slice_starts()[0],
                data_up_to=spec.end,
                fingerprint=fingerprint,
                summary=_summary(spec, counts, result),
            )
            # z is the last slice's Gi*; p is the Mann-Kendall p of the cell's z-series (no FDR
            # adjustment of trends, so p_fdr stays empty); label is the pattern's code.
            CellResult.objects.bulk_create(
                CellResult(
                    run=run,
                    cell_id=cell_ids[index],
                    count=int(totals[index]),
                    z=float(result.z_scores[-1, index]),
                    p=float(trend.p[index]),
                    p_fdr=None,
                    label=str(result.categories[index]),
                    extra={
                        "tau": float(trend.tau[index]),
                        "trend_z": float(trend.z[index]),
                        "trend_p": float(trend.p[index]),
                        "hot_slices": int(hot_slices[index]),
                        "cold_slices": int(cold_slices[index]),
                    },
                )
                for index in range(counts.shape[1])
            )
    except IntegrityError:
        # Another worker wrote the same snapshot first.
        return AnalysisRun.objects.get(fingerprint=fingerprint)
    return run


NIGHTLY_AUDIENCE_SOURCES = (
    (RunAudience.PUBLIC, Sources.REPORTS),
    (RunAudience.COUNCIL, Sources.BOTH),
)


def emerging_nightly_specs(today: date) -> list[EmergingSpec]:
    """The last twelve whole months, for the public and for the council: the same spec every
    night of a month, a new one on the first."""
    end = local_midnight(slice_start_on_or_before(today, "month"))
    return [
        EmergingSpec(audience=audience, sources=sources, end=end)
        for audience, sources in NIGHTLY_AUDIENCE_SOURCES
    ]


def emerging_spec_is_nightly(spec: EmergingSpec) -> bool:
    return spec in emerging_nightly_specs(spec.end.astimezone(ATHENS).date())


def emerging_nightly_runs(*, grid: Grid, today: date) -> list[AnalysisRun]:
    """The nightly specs' runs: a new snapshot on the first of a month, or when the data
    changed (its watermark), otherwise the stored one."""
    return [emerging_run(grid=grid, spec=spec) for spec in emerging_nightly_specs(today)]
