"""Reads of the stored emerging hot spot and risk index runs, as the API and the pages show
them: an emerging run's cells as GeoJSON, a risk run's areas with every component and weight,
and its cells as GeoJSON. They read what the runs stored; they never compute.

The public's figures (a public run: public reports only) hide small counts: an area's or a
cell's count from 1 to PUBLIC_MIN_COUNT − 1 is shown as null, and so is the raw rate it would
give back (count = raw rate × residents), the smoothed rate and its shrinkage weight. The
council's figures are shown whole."""

import json
from typing import Any

from django.contrib.gis.db.models.functions import AsGeoJSON

from curim.analytics.models import AnalysisRun, RunAudience
from curim.analytics.services.risk_runs import index_band
from curim.areas.models import Area
from curim.core.replica import read_connection
from curim.reports.models import Category

# The smallest count shown in a public output; 1 and 2 are shown as null (0 reveals nothing).
PUBLIC_MIN_COUNT = 3


def shown_count(count: int, audience: str) -> int | None:
    """The count as the audience sees it: None where the public would see 1 … k − 1."""
    if audience == RunAudience.PUBLIC and 0 < count < PUBLIC_MIN_COUNT:
        return None
    return count


# One query whatever the number of cells: each result with its cell's geometry and centre.
_CELLS_SQL = """
SELECT ST_AsGeoJSON(ST_Transform(c.geometry, 4326), 6), c."column", c."row",
       ST_X(c.centre), ST_Y(c.centre), r.count, r.z, r.p, r.label, r.extra
FROM analytics_cellresult r JOIN analytics_gridcell c ON c.id = r.cell_id
WHERE r.run_id = %s
ORDER BY c.index
"""


def _cell_rows(run: AnalysisRun) -> list[tuple[Any, ...]]:
    with read_connection(AnalysisRun).cursor() as cursor:
        cursor.execute(_CELLS_SQL, [run.pk])
        return list(cursor.fetchall())


def _extra(value: Any) -> dict[str, Any]:
    found = json.loads(value) if isinstance(value, str) else value
    return dict(found or {})


def emerging_cells_geojson(run: AnalysisRun) -> dict[str, Any]:
    """Every cell of an emerging hot spot run, `category` "none" where no pattern was found."""
    features = []
    for geometry, column, row, x, y, count, z, p, label, extra in _cell_rows(run):
        found = _extra(extra)
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(geometry),
                "properties": {
                    "cell": f"{column}:{row}",
                    "x": float(x),
                    "y": float(y),
                    "count": shown_count(int(count), run.audience),
                    "category": label,
                    "z_last_slice": z,
                    "tau": found.get("tau"),
                    "trend_z": found.get("trend_z"),
                    "trend_p": p,
                    "hot_slices": found.get("hot_slices"),
                    "cold_slices": found.get("cold_slices"),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# The figures that would give a hidden count back: the raw rate (count = raw rate × residents),
# and the smoothed rate with its shrinkage weight (smoothed = w × raw + (1 − w) × the
# municipality's mean, which the areas shown give away).
_COUNT_FIGURES = ("raw_rate", "likelihood", "shrinkage_weight")


def _area_shown(area: dict[str, Any], audience: str) -> dict[str, Any]:
    shown = dict(area)
    count = int(area.get("incidents") or 0)
    shown["incidents"] = shown_count(count, audience)
    shown["suppressed"] = shown["incidents"] is None
    if shown["suppressed"]:
        for name in _COUNT_FIGURES:
            shown[name] = None
    return shown


def harm_weights_shown(run: AnalysisRun) -> list[dict[str, Any]]:
    """The harm weights the run's impact was computed with, by category, with their names."""
    weights: dict[str, float] = run.parameters.get("harm_weights", {})
    names = {
        category.slug: str(category.name)
        for category in Category.objects.filter(slug__in=list(weights))
    }
    return [
        {"category": code, "name": names.get(code, code), "weight": weight}
        for code, weight in sorted(weights.items())
    ]


def risk_areas(run: AnalysisRun) -> dict[str, Any]:
    """A risk index run's districts and neighbourhoods, every component beside the index, with
    the component weights and harm weights used; small public counts hidden."""
    return {
        "component_weights": dict(run.parameters.get("component_weights", {})),
        "harm_weights": harm_weights_shown(run),
        "min_count_shown": PUBLIC_MIN_COUNT if run.audience == RunAudience.PUBLIC else 1,
        "districts": [_area_shown(a, run.audience) for a in run.summary.get("districts", [])],
        "neighbourhoods": [
            _area_shown(a, run.audience) for a in run.summary.get("neighbourhoods", [])
        ],
    }


def risk_cells_geojson(run: AnalysisRun) -> dict[str, Any]:
    """Every cell of a risk index run: its band, index and every component, as GeoJSON."""
    features = []
    for geometry, column, row, x, y, _count, _z, _p, label, extra in _cell_rows(run):
        figures = _area_shown(_extra(extra), run.audience)
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(geometry),
                "properties": {
                    "cell": f"{column}:{row}",
                    "x": float(x),
                    "y": float(y),
                    "band": label,
                    **figures,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def risk_area_geometries(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The districts' and the neighbourhoods' boundaries (WGS 84, about 1 m) as GeoJSON, each
    with its code, name, index and band, for a choropleth: {"district": …, "neighbourhood": …}.
    One query."""
    levels = {"district": figures["districts"], "neighbourhood": figures["neighbourhoods"]}
    codes = [area["area"] for areas in levels.values() for area in areas]
    shapes = dict(
        Area.objects.filter(code__in=codes)
        .annotate(shape=AsGeoJSON("geometry", precision=5))
        .values_list("code", "shape")
    )
    return {
        level: {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": json.loads(shapes[area["area"]]),
                    "properties": {
                        "area": area["area"],
                        "name": area.get("name", area["area"]),
                        "index": area.get("index"),
                        "band": index_band(area.get("index")),
                    },
                }
                for area in areas
                if area["area"] in shapes
            ],
        }
        for level, areas in levels.items()
    }
