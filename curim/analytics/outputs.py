"""The files a hotspot analysis writes, a contract with analysts and outside reviewers:

- `cells.geojson`: one polygon feature per cell, in WGS 84, with the properties `cell` (its id,
  `column:row` in PostGIS's grid), `x` and `y` (the whole cell's centre, EPSG:2100 metres),
  `count`, `z`, `p`, `p_fdr` (null where Gi* is undefined) and `class` (`hot-99`, `hot-95`,
  `hot-90`, `none`, `cold-90`, `cold-95`, `cold-99`);
- `method.json`: the grid, the cell size, the weights exactly, the FDR level, the seed and the
  sources.

`/api/v1/analytics/hotspots/` serves the same features from a stored run
(`curim.analytics.selectors.runs.hotspot_cells_geojson`), through the same `cell_feature`."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection

from curim.analytics.hotspots import CLASS_LABELS, GiStarHotspots
from curim.analytics.models import Grid
from curim.analytics.selectors.cells import GridArrays
from curim.analytics.specs import HotspotSpec

FORMAT_VERSION = 1


def cell_geometries_wgs84(grid: Grid) -> list[dict[str, Any]]:
    """Each cell's clipped polygon as GeoJSON in WGS 84 (6 decimals, about 0.1 m), by index."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_AsGeoJSON(ST_Transform(geometry, 4326), 6) FROM analytics_gridcell "
            "WHERE grid_id = %s ORDER BY index",
            [grid.pk],
        )
        return [json.loads(geometry) for (geometry,) in cursor.fetchall()]


def json_number(value: float | None) -> float | None:
    """A figure as JSON can hold it: NaN and infinities (no expected count, an undefined
    statistic) become null, which JSON has; NumPy scalars become floats."""
    return None if value is None or not np.isfinite(value) else float(value)


@dataclass(frozen=True)
class CellRow:
    """One cell's line of `cells.geojson`, from a computation or from a stored run."""

    geometry: dict[str, Any]  # GeoJSON, WGS 84
    code: str
    x: float
    y: float
    count: int
    z: float | None
    p: float | None
    p_fdr: float | None
    label: str


def cell_feature(row: CellRow) -> dict[str, Any]:
    """THE writer of a cell's feature: the command's file and the API both go through it."""
    return {
        "type": "Feature",
        "geometry": row.geometry,
        "properties": {
            "cell": row.code,
            "x": float(row.x),
            "y": float(row.y),
            "count": int(row.count),
            "z": json_number(row.z),
            "p": json_number(row.p),
            "p_fdr": json_number(row.p_fdr),
            "class": row.label,
        },
    }


def cells_geojson(rows: Iterable[CellRow]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [cell_feature(row) for row in rows]}


def cells_feature_collection(
    grid: Grid,
    arrays: GridArrays,
    counts: np.ndarray,
    result: GiStarHotspots | None,
) -> dict[str, Any]:
    """`cells.geojson` of a computation that has not been stored."""
    geometries = cell_geometries_wgs84(grid)
    return cells_geojson(
        CellRow(
            geometry=geometries[index],
            code=arrays.codes[index],
            x=float(arrays.x[index]),
            y=float(arrays.y[index]),
            count=int(counts[index]),
            z=None if result is None else float(result.z_scores[index]),
            p=None if result is None else float(result.p_values[index]),
            p_fdr=None if result is None else float(result.p_values_fdr[index]),
            label="none" if result is None else CLASS_LABELS[int(result.classes[index])],
        )
        for index in range(arrays.n)
    )


def method_description(
    grid: Grid, spec: HotspotSpec, *, seed: int | None, sources: list[str]
) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "statistic": "Getis-Ord Gi* (esda.G_Local(y, w, transform='B', star=True) Zs)",
        "grid": {
            "crs": "EPSG:2100",
            "shape": grid.shape,
            "cell_size_m": grid.cell_size_m,
            "municipality": grid.municipality.code,
        },
        "cell_size_m": grid.cell_size_m,
        "weights": spec.weights_description(),
        "p_values": "two-sided, standard normal",
        "fdr": {"method": "benjamini-hochberg", "q": spec.fdr_q},
        "classes": "hot/cold at 99/95/90% from FDR-adjusted p ≤ 0.01/0.05/0.10 and the sign of z",
        "period": {"start": spec.start.isoformat(), "end": spec.end.isoformat()},
        "groups": sorted(spec.groups),
        "time_of_day": spec.time_of_day,
        "seed": seed,
        "sources": sources,
    }
