"""The analysis of an incident file outside the stored data, as `manage.py analytics_run` runs
it: the same grid, counting, Gi* and backtest as the stored runs, on the file's rows only.
Nothing is saved but the grid (reference data, laid out once)."""

import csv
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from curim.analytics import prospective
from curim.analytics.hotspots import GiStarHotspots, gi_star
from curim.analytics.incident_files import IncidentRow
from curim.analytics.models import Grid
from curim.analytics.outputs import cells_feature_collection, method_description
from curim.analytics.selectors.cells import (
    GridArrays,
    cell_counts_of,
    grid_arrays,
    located_events_of,
)
from curim.analytics.services.hotspot_runs import daylight_for
from curim.analytics.specs import HotspotSpec

# The file's rows as an SQL source of (point in EPSG:2100, time, their category).
FILE_EVENTS_SQL = (
    "SELECT ST_Transform(ST_SetSRID(ST_MakePoint(e.lon, e.lat), 4326), 2100) AS point, "
    "e.at AS occurred_at, e.category AS category_group "
    "FROM unnest(%s::float8[], %s::float8[], %s::timestamptz[], %s::text[]) "
    "AS e (lon, lat, at, category) WHERE e.at >= %s AND e.at < %s"
)
BACKTEST_COLUMNS = (
    "method",
    "area_share",
    "periods",
    "hit_rate",
    "pai",
    "pei_star",
    "periods_without_events",
)
DEFAULT_BACKTEST_WEEKS = 12


@dataclass(frozen=True)
class FileAnalysis:
    arrays: GridArrays
    counts: np.ndarray
    result: GiStarHotspots | None
    backtest: prospective.Backtest | None


def file_period(rows: list[IncidentRow]) -> tuple[datetime, datetime]:
    """From the first row's time to just after the last one's."""
    times = [row.occurred_at for row in rows]
    return min(times), max(times) + timedelta(microseconds=1)


def _events(rows: list[IncidentRow], spec: HotspotSpec) -> tuple[str, tuple[object, ...]]:
    chosen = [row for row in rows if not spec.groups or row.their_category in spec.groups]
    return FILE_EVENTS_SQL, (
        [row.longitude for row in chosen],
        [row.latitude for row in chosen],
        [row.occurred_at for row in chosen],
        [row.their_category for row in chosen],
        spec.start,
        spec.end,
    )


def file_analyse(
    grid: Grid, rows: list[IncidentRow], spec: HotspotSpec, *, backtest_weeks: int
) -> FileAnalysis:
    arrays = grid_arrays(grid)
    events, params = _events(rows, spec)
    daylight = daylight_for(spec)
    counts = cell_counts_of(grid, events, params, daylight=daylight, clip=True)
    result = (
        None if np.ptp(counts) == 0 else gi_star(counts, arrays.weights(spec.weights, spec.band_m))
    )
    # The backtest counts the same events as the hotspots: by day or at night when asked.
    located = located_events_of(grid, events, params, clip=True, daylight=daylight)
    backtest = None
    if backtest_weeks > 0 and len(located.cell):
        cells = prospective.analysis_cells(
            arrays.x, arrays.y, cell_size_m=grid.cell_size_m, area=arrays.area_m2
        )
        events_in_cells = prospective.crime_events(
            cells, cell=located.cell, x=located.x, y=located.y, day=located.day
        )
        end_day = spec.end.timestamp() / 86_400.0
        backtest = prospective.backtest(
            cells, events_in_cells, end_day=end_day, periods=backtest_weeks
        )
    return FileAnalysis(arrays=arrays, counts=counts, result=result, backtest=backtest)


def file_analysis_write(
    out: Path,
    grid: Grid,
    spec: HotspotSpec,
    analysis: FileAnalysis,
    *,
    file_name: str,
    content: bytes,
    seed: int | None,
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    source = f"official incidents from {file_name} (sha256 {hashlib.sha256(content).hexdigest()})"
    written = []
    cells = out / "cells.geojson"
    collection = cells_feature_collection(grid, analysis.arrays, analysis.counts, analysis.result)
    cells.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    written.append(cells)
    method = out / "method.json"
    description: dict[str, Any] = method_description(grid, spec, seed=seed, sources=[source])
    if analysis.backtest is not None:
        description["backtest"] = {
            "file": "backtest.csv",
            "method": "prospective hotspots against last period's counts and a retrospective "
            "kernel density, PAI and PEI* at 1, 5 and 10% of the area, weekly",
        }
    method.write_text(json.dumps(description, ensure_ascii=False, indent=2), encoding="utf-8")
    written.append(method)
    backtest = out / "backtest.csv"
    with backtest.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=BACKTEST_COLUMNS)
        writer.writeheader()
        for row in analysis.backtest.rows() if analysis.backtest else []:
            writer.writerow(row)
    written.append(backtest)
    return written
