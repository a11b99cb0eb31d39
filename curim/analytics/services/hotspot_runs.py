"""A hotspot run: events counted into the grid's cells, Getis-Ord Gi* with the spec's weights,
stored as one snapshot. Idempotent: the same spec over the same grid and the same data (its
watermark, `run_keys.py`) finds the stored run (a run cut short by a killed worker left
nothing, as it writes in one transaction)."""

from datetime import UTC, timedelta

import numpy as np
from django.db import IntegrityError, transaction

from curim.analytics.daylight import dawn_and_dusk
from curim.analytics.hotspots import CLASS_LABELS, GiStarHotspots, gi_star
from curim.analytics.models import AnalysisRun, CellResult, Grid, RunKind
from curim.analytics.run_keys import run_parameters
from curim.analytics.selectors.cells import Daylight, GridArrays, cell_counts, grid_arrays
from curim.analytics.selectors.events import EventQuery
from curim.analytics.selectors.watermark import data_watermark
from curim.analytics.services.grid import grid_is_nightly
from curim.analytics.services.stored_runs import stored_run_confirmed
from curim.analytics.specs import HotspotSpec, hotspot_spec_is_nightly


def daylight_for(spec: HotspotSpec) -> Daylight | None:
    """Dawn and dusk at Piraeus for each local date of the spec's period (None: all day)."""
    if spec.time_of_day == "all":
        return None
    first = spec.start.date() - timedelta(days=1)
    days = (spec.end.date() - first).days + 2
    dates = [first + timedelta(days=offset) for offset in range(days)]
    dawns, dusks = dawn_and_dusk(np.array(dates, dtype="datetime64[D]"))
    # Aware (UTC) instants, so that PostgreSQL does not read them in its session's zone.
    return Daylight(
        dates=dates,
        dawns=[value.item().replace(tzinfo=UTC) for value in dawns.astype("datetime64[us]")],
        dusks=[value.item().replace(tzinfo=UTC) for value in dusks.astype("datetime64[us]")],
        night=spec.time_of_day == "night",
    )


def hotspots_compute(
    grid: Grid, spec: HotspotSpec
) -> tuple[GridArrays, np.ndarray, GiStarHotspots | None]:
    """The counts and Gi* (None when every cell has the same count: Gi* is undefined)."""
    arrays = grid_arrays(grid)
    query = EventQuery(
        audience=spec.audience,
        sources=spec.sources,
        start=spec.start,
        end=spec.end,
        groups=spec.groups,
    )
    counts = cell_counts(grid, query, daylight=daylight_for(spec))
    if np.ptp(counts) == 0:
        return arrays, counts, None
    return arrays, counts, gi_star(counts, arrays.weights(spec.weights, spec.band_m))


def hotspots_run(*, grid: Grid, spec: HotspotSpec) -> AnalysisRun:
    watermark = data_watermark(spec.audience, spec.sources)
    fingerprint = spec.fingerprint(kind=RunKind.HOTSPOTS, grid_id=grid.pk, watermark=watermark)
    existing = stored_run_confirmed(fingerprint)
    if existing is not None:
        return existing
    arrays, counts, result = hotspots_compute(grid, spec)
    cell_ids = dict(grid.cells.values_list("index", "pk"))
    try:
        with transaction.atomic():
            run = AnalysisRun.objects.create(
                kind=RunKind.HOTSPOTS,
                audience=spec.audience,
                sources=spec.sources,
                grid=grid,
                parameters=run_parameters(
                    spec.parameters(),
                    watermark=watermark,
                    nightly=grid_is_nightly(grid) and hotspot_spec_is_nightly(spec),
                ),
                data_from=spec.start,
                data_up_to=spec.end,
                fingerprint=fingerprint,
                summary={
                    "cells": arrays.n,
                    "events": int(counts.sum()),
                    "undefined": result is None,
                    "hot": 0 if result is None else int((result.classes > 0).sum()),
                    "cold": 0 if result is None else int((result.classes < 0).sum()),
                    # Cells whose adjusted p-value is at most the spec's false discovery rate.
                    "significant": 0
                    if result is None
                    else int((result.p_values_fdr <= spec.fdr_q).sum()),
                },
            )
            CellResult.objects.bulk_create(
                CellResult(
                    run=run,
                    cell_id=cell_ids[index],
                    count=int(counts[index]),
                    z=None if result is None else float(result.z_scores[index]),
                    p=None if result is None else float(result.p_values[index]),
                    p_fdr=None if result is None else float(result.p_values_fdr[index]),
                    label="none" if result is None else CLASS_LABELS[int(result.classes[index])],
                )
                for index in range(arrays.n)
            )
    except IntegrityError:
        # Another worker wrote the same snapshot first.
        return AnalysisRun.objects.get(fingerprint=fingerprint)
    return run
