"""A hotspot run end to end: reports counted into the grid, Gi* stored per cell, equal to
PySAL's on the same weights; the same spec twice is one snapshot; the nightly task through a
real worker; the `cells.geojson` properties."""

from collections.abc import Callable
from datetime import timedelta

import numpy as np
import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from curim.analytics.models import AnalysisRun, CellResult, RunAudience, RunKind, Sources
from curim.analytics.outputs import cells_feature_collection
from curim.analytics.selectors.cells import grid_arrays
from curim.analytics.services.grid import grid_lay_out
from curim.analytics.services.hotspot_runs import hotspots_compute, hotspots_run
from curim.analytics.specs import HotspotSpec
from curim.areas.models import Area
from curim.reports.models import Report

pytestmark = pytest.mark.django_db

HOT = (23.6465, 37.9425)


def _spec(**fields: object) -> HotspotSpec:
    now = timezone.now()
    values: dict[str, object] = {
        "audience": RunAudience.COUNCIL,
        "sources": Sources.REPORTS,
        "start": now - timedelta(days=30),
        "end": now + timedelta(days=1),
    }
    values.update(fields)
    return HotspotSpec(**values)  # type: ignore[arg-type]


def _planted(make_report: Callable[..., Report]) -> None:
    rng = np.random.default_rng(3)
    for _ in range(12):
        dx, dy = rng.uniform(-0.0004, 0.0004, 2)
        make_report(at=(HOT[0] + dx, HOT[1] + dy))
    boundary = Area.objects.get(level=Area.Level.MUNICIPALITY).geometry
    scattered = 0
    while scattered < 8:
        lon, lat = rng.uniform((23.60, 37.92), (23.70, 37.97))
        if boundary.contains(Point(lon, lat, srid=4326)):
            make_report(at=(lon, lat))
            scattered += 1


def test_a_planted_hotspot_is_hot_and_every_z_is_pysal_s(
    make_report: Callable[..., Report],
) -> None:
    from esda.getisord import G_Local
    from libpysal.weights import DistanceBand

    _planted(make_report)
    municipality = Area.objects.get(level=Area.Level.MUNICIPALITY)
    grid = grid_lay_out(municipality=municipality)
    run = hotspots_run(grid=grid, spec=_spec(band_m=500))
    results = list(CellResult.objects.filter(run=run).order_by("cell__index"))
    arrays = grid_arrays(grid)
    counts = np.array([r.count for r in results], dtype=float)
    assert counts.sum() == 20
    weights = DistanceBand(np.column_stack([arrays.x, arrays.y]), threshold=500, binary=True)
    reference = G_Local(counts, weights, transform="B", star=True, permutations=0)
    z = np.array([r.z for r in results])
    assert np.max(np.abs(z - reference.Zs)) <= 1e-9
    hottest = results[int(np.argmax(counts))]
    assert hottest.count >= 10
    assert hottest.label == "hot-99"
    assert run.summary["events"] == 20
    significant = sum(1 for r in results if r.p_fdr is not None and r.p_fdr <= 0.05)
    assert run.summary["significant"] == significant > 0
    assert run.parameters["weights"] == {
        "type": "distance_band",
        "band_m": 500,
        "includes_self": True,
    }


def test_the_same_spec_twice_is_one_snapshot(make_report: Callable[..., Report]) -> None:
    _planted(make_report)
    grid = grid_lay_out(municipality=Area.objects.get(level=Area.Level.MUNICIPALITY))
    spec = _spec()
    first = hotspots_run(grid=grid, spec=spec)
    cells = CellResult.objects.count()
    assert hotspots_run(grid=grid, spec=spec) == first
    assert CellResult.objects.count() == cells
    # Another spec is another snapshot.
    assert hotspots_run(grid=grid, spec=_spec(weights="contiguity", band_m=None)) != first


def test_cells_geojson_has_the_contract_s_properties(make_report: Callable[..., Report]) -> None:
    _planted(make_report)
    grid = grid_lay_out(municipality=Area.objects.get(level=Area.Level.MUNICIPALITY))
    arrays, counts, result = hotspots_compute(grid, _spec())
    collection = cells_feature_collection(grid, arrays, counts, result)
    assert len(collection["features"]) == arrays.n
    feature = collection["features"][0]
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert set(feature["properties"]) == {"cell", "x", "y", "count", "z", "p", "p_fdr", "class"}
    lon, lat = feature["geometry"]["coordinates"][0][0][0]
    assert 23 < lon < 24  # WGS 84, longitude first
    assert 37 < lat < 38
    assert sum(f["properties"]["count"] for f in collection["features"]) == 20


@pytest.mark.django_db(transaction=True)
def test_the_nightly_task_runs_in_a_worker_and_a_second_night_adds_nothing(
    celery_worker: str, piraeus: None
) -> None:
    from curim.analytics.tasks import nightly_run

    # Hotspots: public all day, council all day and at night; emerging, risk index, forecasts
    # and cyber: public and council; near repeat: the council's only.
    assert nightly_run.delay().get(timeout=300) == 12
    runs = AnalysisRun.objects.count()
    assert runs == 12
    assert sorted(AnalysisRun.objects.values_list("kind", "audience")) == sorted(
        [(RunKind.HOTSPOTS, audience) for audience in ("public", "council", "council")]
        + [
            (kind, audience)
            for kind in (RunKind.EMERGING, RunKind.RISK_INDEX, RunKind.FORECAST, RunKind.CYBER)
            for audience in ("public", "council")
        ]
        + [(RunKind.NEAR_REPEAT, "council")]
    )
    assert nightly_run.delay().get(timeout=300) == 12
    assert AnalysisRun.objects.count() == runs
