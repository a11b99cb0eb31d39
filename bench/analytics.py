"""(g)–(i) The analytics over the million bench reports.

(g) binning the events into the default grid's cells (`cell_counts`, 250 m squares over the
    demo municipality) against one bare `SELECT count(*) … GROUP BY` of the same rows (the
    events selector's own SQL as its FROM, grouped by a trivial key: ⌊x/250⌋, ⌊y/250⌋), target
    ≤ 1.5×; hexagons of side 250 m against the same floor, reported;
(h) Gi* over every cell (`hotspots.gi_star`) against `esda.G_Local(permutations=0)` on the same
    weights, best of several runs each, target ≥ 10× faster: the grid's cells with a 500 m band,
    and a synthetic 200 × 200 grid of 250 m squares (40,000 cells) with a 600 m band;
(i) the whole nightly run (`analytics_nightly`), stored runs deleted first, and again with
    every run already stored.

The seeded reports are inserted by bare SQL (bench/reports.py) without a district; the events
selector counts only reports with one (a stored report has one when it is inside the
municipality), so they are placed first, once, as a submission places them: the district
holding the public location, for reports inside the municipality (the others keep none, as a
submission outside is refused). The public cells are rebuilt after.
"""

import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from bench.timing import best_seconds, paired_median_seconds, ratio_line
from curim.analytics.hotspots import distance_band_weights, gi_star
from curim.analytics.models import AnalysisRun, Grid, GridShape, RunAudience, Sources
from curim.analytics.selectors.cells import cell_counts, grid_arrays
from curim.analytics.selectors.events import EventQuery, events_sql
from curim.analytics.services.grid import grid_lay_out
from curim.analytics.services.nightly import analytics_nightly
from curim.areas.demo import DEMO_AREAS
from curim.areas.models import Area
from curim.areas.services import areas_load_file

CELL_M = 250
WHOLE_PERIOD = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
# The synthetic grid: 200 × 200 squares of 250 m from a corner near Piraeus, in EPSG:2100.
SYNTHETIC_SIDE, SYNTHETIC_CORNER = 200, (450_000.0, 4_180_000.0)
SYNTHETIC_BAND_M = 600.0
GRID_BAND_M = 500.0
SEED = 20261203

# One spatial join (each district's polygon against the points its box holds, by the index).
# The public-cell trigger is switched off for it: it would move every report's count from the
# cell without a district to the one with, row by row; the cells are rebuilt once afterwards.
PLACE_SQL = """
UPDATE reports_report AS r SET area_id = d.id
FROM areas_area AS d, areas_area AS m
WHERE r.area_id IS NULL
  AND d.level = 'district' AND ST_Covers(d.geometry, r.public_location)
  AND m.level = 'municipality' AND ST_Covers(m.geometry, r.location)
"""
# The all-time cells and the cells per day alike (migrations reports/0011 and 0017), and the
# council's monthly counts (0021), whose districts the placing changed.
REBUILD_PUBLIC_CELLS_SQL = (
    "SELECT reports_public_cell_rebuild(id), reports_public_cell_day_rebuild(id) "
    "FROM reports_category; SELECT reports_council_month_rebuild()"
)

FLOOR_SQL = """
SELECT floor(ST_X(events.point) / {size})::int, floor(ST_Y(events.point) / {size})::int, count(*)
FROM ({events}) AS events
GROUP BY 1, 2
"""


def place_reports() -> None:
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # no triggers
        cursor.execute(PLACE_SQL)
        placed = cursor.rowcount
        cursor.execute("SET LOCAL session_replication_role = origin")
        if placed:
            cursor.execute(REBUILD_PUBLIC_CELLS_SQL)
    if placed:
        with connection.cursor() as cursor:
            # As autovacuum would after so many updates: the old versions of the placed rows
            # slowed the GeoJSON box under load by half (seen: 17 → 8.5 requests/s).
            cursor.execute("VACUUM ANALYZE reports_report")
            # The rebuild deleted and wrote every cell again: give the count tables back their
            # size, as docs/operations.md says after a bulk import (the tiles read them).
            cursor.execute(
                "VACUUM FULL ANALYZE reports_publiccell, reports_publiccelldays, "
                "reports_councilmonthcount"
            )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(area_id) FROM reports_report WHERE location IS NOT NULL"
        )
        located, with_district = cursor.fetchone()
    if placed:
        print(f"  placed {placed:,} seeded reports in {time.perf_counter() - started:.0f} s")
    print(f"  {located:,} located reports, {with_district:,} inside the municipality")


def bench_binning(grid: Grid, query: EventQuery, label: str, target: str) -> None:
    events, events_params = events_sql(query)
    params: list[Any] = list(events_params)
    floor_sql = FLOOR_SQL.format(size=float(CELL_M), events=events)

    def ours() -> None:
        cell_counts(grid, query)

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, params)
            cursor.fetchall()

    counted = int(cell_counts(grid, query).sum())
    ours_s, floor_s = paired_median_seconds(ours, floor, repeat=7)
    print(f"    {counted:,} events into {grid.cells.count():,} cells")
    print(ratio_line(f"(g) binning, {label}", ours_s, floor_s, target))


def bench_gi_star(
    label: str, x: np.ndarray, y: np.ndarray, counts: np.ndarray, band_m: float
) -> None:
    import esda
    import libpysal

    weights = distance_band_weights(x, y, band_m=band_m)
    w = libpysal.weights.WSP(weights).to_W(silence_warnings=True)
    # The same statistic: our z-scores are esda's to 1e-9 (tests/analytics/test_hotspots.py).
    reference = esda.G_Local(counts, w, transform="B", star=True, permutations=0)
    assert np.abs(gi_star(counts, weights).z_scores - reference.Zs).max() <= 1e-9

    ours = best_seconds(lambda: gi_star(counts, weights), repeat=7)
    theirs = best_seconds(
        lambda: esda.G_Local(counts, w, transform="B", star=True, permutations=0), repeat=5
    )
    neighbours = weights.nnz / len(counts)
    print(
        f"  (h) Gi*, {label} ({len(counts):,} cells, {band_m:.0f} m band, "
        f"{neighbours:.1f} cells a neighbourhood): ours {ours * 1000:.2f} ms, "
        f"esda {theirs * 1000:.1f} ms, {theirs / ours:.0f}× faster (target ≥ 10×)"
    )


def synthetic_grid() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cell centres of the 200 × 200 grid and counts: Poisson around a few planted clusters."""
    rng = np.random.default_rng(SEED)
    columns, rows = np.meshgrid(np.arange(SYNTHETIC_SIDE), np.arange(SYNTHETIC_SIDE))
    x = SYNTHETIC_CORNER[0] + (columns.ravel() + 0.5) * CELL_M
    y = SYNTHETIC_CORNER[1] + (rows.ravel() + 0.5) * CELL_M
    rate = np.full(x.shape, 2.0)
    for cx, cy in rng.uniform(0, SYNTHETIC_SIDE * CELL_M, size=(12, 2)):
        distance2 = (x - SYNTHETIC_CORNER[0] - cx) ** 2 + (y - SYNTHETIC_CORNER[1] - cy) ** 2
        rate += 20.0 * np.exp(-distance2 / (2 * 600.0**2))
    return x, y, rng.poisson(rate).astype(np.float64)


def bench_nightly() -> None:
    AnalysisRun.objects.all().delete()  # the bench's own database: every run is recomputed
    began = timezone.now()
    started = time.perf_counter()
    runs = analytics_nightly()
    fresh = time.perf_counter() - started
    kinds = Counter(run.kind for run in runs)
    started = time.perf_counter()
    analytics_nightly()
    stored = time.perf_counter() - started
    events = sorted({run.summary.get("events", 0) for run in runs})
    print(
        f"  (i) nightly run: {len(runs)} runs ({', '.join(f'{n} {k}' for k, n in kinds.items())}),"
        f" {fresh:.2f} s from scratch (grid laid out already), {stored:.2f} s with every run"
        f" stored; events per run {events}"
    )
    # Each run's share: the time from the previous run's insert to its own (computed_at is set
    # when a run is written, at the end of its computation).
    previous = began
    for run in sorted(runs, key=lambda run: run.computed_at):
        took = (run.computed_at - previous).total_seconds()
        previous = run.computed_at
        print(
            f"      {run.kind} ({run.audience}, {run.parameters.get('time_of_day', 'all')}):"
            f" {took:.1f} s"
        )


def run() -> None:
    print("analytics")
    areas_load_file(path=DEMO_AREAS)
    place_reports()
    municipality = Area.objects.get(code="piraeus", level=Area.Level.MUNICIPALITY)
    started = time.perf_counter()
    squares = grid_lay_out(municipality=municipality, shape=GridShape.SQUARE, cell_size_m=CELL_M)
    hexagons = grid_lay_out(municipality=municipality, shape=GridShape.HEXAGON, cell_size_m=CELL_M)
    print(f"  grids ready in {time.perf_counter() - started:.1f} s")
    query = EventQuery(
        audience=RunAudience.COUNCIL,
        sources=Sources.REPORTS,
        start=WHOLE_PERIOD[0],
        end=WHOLE_PERIOD[1],
    )
    bench_binning(squares, query, "250 m squares, council, whole period", "≤ 1.5")
    bench_binning(hexagons, query, "hexagons of side 250 m, council, whole period", "none")

    arrays = grid_arrays(squares)
    counts = cell_counts(squares, query).astype(np.float64)
    bench_gi_star("the 250 m squares", arrays.x, arrays.y, counts, GRID_BAND_M)
    bench_gi_star("synthetic 200 × 200 squares", *synthetic_grid(), SYNTHETIC_BAND_M)

    bench_nightly()
