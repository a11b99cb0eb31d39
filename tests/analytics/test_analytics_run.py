"""`manage.py analytics_run --incidents FILE.csv --out DIR`, the contract: the files it writes,
their properties, and figures that an independent computation (pyproj, NumPy, esda) repeats."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from pyproj import Transformer

from curim.analytics.daylight import is_night

pytestmark = pytest.mark.django_db

CELL_PROPERTIES = {"cell", "x", "y", "count", "z", "p", "p_fdr", "class"}
BACKTEST_COLUMNS = [
    "method",
    "area_share",
    "periods",
    "hit_rate",
    "pai",
    "pei_star",
    "periods_without_events",
]
TO_GRID = Transformer.from_crs("EPSG:4326", "EPSG:2100", always_xy=True)
TO_WGS84 = Transformer.from_crs("EPSG:2100", "EPSG:4326", always_xy=True)


def _incident_file(
    path: Path, *, n: int = 400, seed: int = 5
) -> list[tuple[float, float, datetime]]:
    """Incidents in EPSG:2100 and WGS 84 around the demo map's centre, a cluster planted."""
    rng = np.random.default_rng(seed)
    centre_x, centre_y = TO_GRID.transform(23.6465, 37.9425)
    end = datetime(2026, 11, 1, tzinfo=UTC)
    rows = []
    for k in range(n):
        spread = 80 if k < n // 4 else 900
        x, y = rng.normal((centre_x, centre_y), spread)
        when = end - timedelta(hours=float(rng.uniform(0, 24 * 200)))
        rows.append((float(x), float(y), when))
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "x", "y", "crs", "occurred_at", "category"])
        for k, (x, y, when) in enumerate(rows):
            if k % 3:
                writer.writerow(
                    [f"A{k}", f"{x:.3f}", f"{y:.3f}", "EPSG:2100", when.isoformat(), "ΚΛΟΠΗ"]
                )
            else:
                lon, lat = TO_WGS84.transform(x, y)
                writer.writerow(
                    [f"A{k}", f"{lon:.8f}", f"{lat:.8f}", "EPSG:4326", when.isoformat(), "ΚΛΟΠΗ"]
                )
    return rows


def _run(tmp_path: Path, *options: str) -> dict[str, Any]:
    incidents = tmp_path / "police.csv"
    out = tmp_path / "out"
    rows = _incident_file(incidents)
    call_command("analytics_run", "--incidents", str(incidents), "--out", str(out), *options)
    return {
        "rows": rows,
        "cells": json.loads((out / "cells.geojson").read_text()),
        "method": json.loads((out / "method.json").read_text()),
        "backtest": (out / "backtest.csv").read_text(),
    }


def _independent_counts(
    features: list[dict[str, Any]], rows: list[tuple[float, float, datetime]], size: float
) -> np.ndarray:
    """Counts per cell by flooring the Greek Grid coordinates (squares), of the points inside
    the municipality (GEOS, not PostGIS), for the cells written."""
    from django.contrib.gis.geos import Point

    from curim.areas.models import Area

    boundary = Area.objects.get(level=Area.Level.MUNICIPALITY).geometry.transform(2100, clone=True)
    index = {}
    for k, feature in enumerate(features):
        column, row = str(feature["properties"]["cell"]).split(":")
        index[(int(column), int(row))] = k
    counts = np.zeros(len(features))
    for x, y, _ in rows:
        if not boundary.contains(Point(x, y, srid=2100)):
            continue
        key = (int(np.floor(x / size)), int(np.floor(y / size)))
        if key in index:
            counts[index[key]] += 1
    return counts


def test_it_writes_the_three_files_with_the_contract_s_fields(
    piraeus: None, tmp_path: Path
) -> None:
    from esda.getisord import G_Local
    from libpysal.weights import DistanceBand

    result = _run(tmp_path)
    features = result["cells"]["features"]
    assert {frozenset(f["properties"]) for f in features} == {frozenset(CELL_PROPERTIES)}
    counts = np.array([f["properties"]["count"] for f in features], dtype=float)
    independent = _independent_counts(features, result["rows"], 250)
    # Points outside the municipality are not counted; all others are, in the same cells.
    assert 0.5 * len(result["rows"]) < counts.sum() < len(result["rows"])
    np.testing.assert_array_equal(counts, independent)
    centres = np.array([[f["properties"]["x"], f["properties"]["y"]] for f in features])
    weights = DistanceBand(centres, threshold=500, binary=True, silence_warnings=True)
    reference = G_Local(counts, weights, transform="B", star=True, permutations=0)
    z = np.array([f["properties"]["z"] for f in features])
    assert np.max(np.abs(z - reference.Zs)) <= 1e-9
    assert any(f["properties"]["class"] == "hot-99" for f in features)
    method = result["method"]
    assert method["weights"] == {"type": "distance_band", "band_m": 500, "includes_self": True}
    assert method["cell_size_m"] == 250
    assert method["grid"]["crs"] == "EPSG:2100"
    assert method["fdr"] == {"method": "benjamini-hochberg", "q": 0.05}
    assert "police.csv" in method["sources"][0]
    table = list(csv.DictReader(io.StringIO(str(result["backtest"]))))
    assert list(table[0]) == BACKTEST_COLUMNS
    assert {row["method"] for row in table} == {"prospective", "last_period", "retrospective_kde"}
    assert {row["area_share"] for row in table} == {"0.01", "0.05", "0.1"}


def test_contiguity_and_the_night_are_what_method_json_says(piraeus: None, tmp_path: Path) -> None:
    result = _run(tmp_path, "--weights", "contiguity", "--time-of-day", "night", "--seed", "7")
    method = result["method"]
    assert method["weights"] == {"type": "contiguity", "contiguity": "queen", "includes_self": True}
    assert method["time_of_day"] == "night"
    assert method["seed"] == 7
    features = result["cells"]["features"]
    rows = result["rows"]
    night = is_night(
        np.array([when.replace(tzinfo=None) for _, _, when in rows], dtype="datetime64[us]")
    )
    night_rows = [row for row, dark in zip(rows, night, strict=True) if dark]
    counts = np.array([f["properties"]["count"] for f in features])
    independent = _independent_counts(features, night_rows, 250)
    assert counts.sum() < len(night_rows) < len(rows)
    np.testing.assert_array_equal(counts, independent)


def test_the_backtest_at_night_counts_the_night_s_incidents_only(
    piraeus: None, tmp_path: Path
) -> None:
    """`--time-of-day night` backtests the night's incidents: the same table as the whole day
    of a file holding only the night's rows, over the same period."""
    from curim.analytics.file_analysis import file_analyse, file_period
    from curim.analytics.incident_files import parse_incident_rows
    from curim.analytics.models import GridShape, RunAudience, Sources
    from curim.analytics.services.grid import grid_lay_out
    from curim.analytics.specs import HotspotSpec
    from curim.areas.models import Area

    path = tmp_path / "police.csv"
    _incident_file(path, n=600, seed=11)
    rows, errors = parse_incident_rows(path.read_bytes(), path.name)
    assert not errors
    night = is_night(
        np.array(
            [row.occurred_at.astimezone(UTC).replace(tzinfo=None) for row in rows],
            dtype="datetime64[us]",
        )
    )
    night_rows = [row for row, dark in zip(rows, night, strict=True) if dark]
    assert 0 < len(night_rows) < len(rows)
    start, end = file_period(rows)
    grid = grid_lay_out(
        municipality=Area.objects.get(level=Area.Level.MUNICIPALITY),
        shape=GridShape.SQUARE,
        cell_size_m=250,
    )

    def backtest(chosen: list[Any], time_of_day: Any) -> list[dict[str, Any]]:
        spec = HotspotSpec(
            audience=RunAudience.COUNCIL,
            sources=Sources.INCIDENTS,
            start=start,
            end=end,
            time_of_day=time_of_day,
        )
        analysis = file_analyse(grid, chosen, spec, backtest_weeks=8)
        assert analysis.backtest is not None
        return analysis.backtest.rows()

    at_night = backtest(rows, "night")
    assert at_night == backtest(night_rows, "all")
    assert at_night != backtest(rows, "all")


@pytest.mark.parametrize("q", ["0.01", "0.2"])
def test_fdr_is_the_level_cells_are_counted_significant_at(
    piraeus: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], q: str
) -> None:
    result = _run(tmp_path, "--fdr", q)
    adjusted = [f["properties"]["p_fdr"] for f in result["cells"]["features"]]
    significant = sum(1 for value in adjusted if value is not None and value <= float(q))
    assert significant > 0
    assert result["method"]["fdr"] == {"method": "benjamini-hochberg", "q": float(q)}
    assert f"{significant} cells significant at a false discovery rate of {q};" in (
        capsys.readouterr().out
    )


def test_a_false_discovery_rate_outside_0_1_is_refused(piraeus: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="between 0 and 1"):
        _run(tmp_path, "--fdr", "1.5")


PLANTED = [(23.6465, 37.9425), (23.6690, 37.9480), (23.6330, 37.9400)]


def test_planted_hotspots_are_recovered_at_fdr_5_percent_with_few_false_ones(
    piraeus: None, tmp_path: Path
) -> None:
    """A generated incident file: a uniform background over the municipality and three
    clusters planted. Each planted cluster's cell is hot at FDR 5%, and of the cells found hot
    at 5%, those too far from every cluster for it to be in their neighbourhood (the 500 m band
    plus half a cell's diagonal) are at most 5%: the false discovery rate asked for."""
    from django.contrib.gis.geos import Point

    from curim.areas.models import Area

    rng = np.random.default_rng(20261203)
    boundary = Area.objects.get(level=Area.Level.MUNICIPALITY).geometry
    west, south, east, north = boundary.extent
    when = datetime(2026, 10, 1, 12, tzinfo=UTC)
    rows: list[tuple[float, float]] = []
    while len(rows) < 500:
        lon, lat = rng.uniform((west, south), (east, north))
        if boundary.contains(Point(lon, lat, srid=4326)):
            rows.append(TO_GRID.transform(lon, lat))
    centres = [TO_GRID.transform(lon, lat) for lon, lat in PLANTED]
    for x, y in centres:
        rows += [(float(a), float(b)) for a, b in rng.normal((x, y), 60, size=(80, 2))]
    incidents = tmp_path / "planted.csv"
    with incidents.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "x", "y", "crs", "occurred_at", "category"])
        for k, (x, y) in enumerate(rows):
            stamp = (when - timedelta(hours=k)).isoformat()
            writer.writerow([f"P{k}", f"{x:.2f}", f"{y:.2f}", "EPSG:2100", stamp, "ΚΛΟΠΗ"])
    out = tmp_path / "out"
    call_command("analytics_run", "--incidents", str(incidents), "--out", str(out))
    cells = [f["properties"] for f in json.loads((out / "cells.geojson").read_text())["features"]]

    def hot(cell: dict[str, Any]) -> bool:
        return cell["p_fdr"] is not None and cell["p_fdr"] <= 0.05 and cell["z"] > 0

    def distance(cell: dict[str, Any], centre: tuple[float, float]) -> float:
        return float(np.hypot(cell["x"] - centre[0], cell["y"] - centre[1]))

    for centre in centres:
        nearest = min(cells, key=lambda cell: distance(cell, centre))
        assert hot(nearest), (centre, sorted(nearest.items()))
    found = [cell for cell in cells if hot(cell)]
    reach = 500 + 250 * np.sqrt(2) / 2
    false = [cell for cell in found if min(distance(cell, c) for c in centres) > reach]
    assert len(found) >= len(centres)
    assert len(false) <= 0.05 * len(found)


def test_a_bad_file_is_refused_with_its_row_and_column_and_nothing_is_written(
    piraeus: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    incidents = tmp_path / "bad.csv"
    incidents.write_text(
        "id,x,y,crs,occurred_at,category\n"
        "1,23.6465,37.9425,EPSG:4326,2026-03-01T10:00,ΚΛΟΠΗ\n"
        "2,23.6465,37.9425,EPSG:9999,2026-03-01T10:00,ΚΛΟΠΗ\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    with pytest.raises(CommandError, match="1 errors"):
        call_command("analytics_run", "--incidents", str(incidents), "--out", str(out))
    assert "row 3, crs" in capsys.readouterr().err
    assert not out.exists()
