"""The grid as arrays, and events counted into its cells in one SQL `GROUP BY`.

An event's cell is found by arithmetic on its Greek Grid coordinates, as PostGIS lays the grid
out (both grids are aligned on the projection's origin): for squares of side *s* the cell is
(⌊x/s⌋, ⌊y/s⌋); for flat-topped hexagons of side *s*, column *i* has centres at x = 1.5 s i and
y = √3 s (j + ½ when *i* is odd), and the event belongs to the nearer of the two candidate
centres in columns ⌊x / 1.5 s⌋ and the next. No spatial join: the count is one pass over the
events, grouped, then matched to the grid's few cells. Events in a whole cell's part outside
the municipality are not counted (the clipped cell is where the grid is defined; the cell's
part outside is dropped with the events in it: `ST_Intersects` with the clipped geometry)."""

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from curim.analytics.hotspots import contiguity_weights, distance_band_weights
from curim.analytics.models import Grid, GridShape
from curim.analytics.selectors.events import EventQuery, events_sql
from curim.core.replica import read_connection

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class GridArrays:
    """A grid's cells in index order: what the NumPy analyses take."""

    grid: Grid
    codes: list[str]
    x: FloatArray  # centres, EPSG:2100 metres
    y: FloatArray
    area_m2: FloatArray
    population: FloatArray  # nan where unknown
    district_ids: list[int | None]
    neighbourhood_ids: list[int | None]

    @property
    def n(self) -> int:
        return len(self.codes)

    def queen_neighbours(self) -> list[list[int]]:
        """Each cell's neighbours sharing an edge or a corner (for hexagons, an edge: the two
        are the same). On a regular lattice these are the cells whose centres are one lattice
        step away: √2 s for squares (the diagonal), √3 s for hexagons; the next ring is farther
        (2 s, 3 s), so a band a little above the step finds exactly them."""
        from scipy.spatial import cKDTree

        size = self.grid.cell_size_m
        step = math.sqrt(2) * size if self.grid.shape == GridShape.SQUARE else math.sqrt(3) * size
        pairs = cKDTree(np.column_stack([self.x, self.y])).query_pairs(r=step * 1.01)
        neighbours: list[list[int]] = [[] for _ in range(self.n)]
        for i, j in pairs:
            neighbours[i].append(j)
            neighbours[j].append(i)
        return [sorted(found) for found in neighbours]

    def contiguity(self) -> sparse.csr_array:
        return contiguity_weights(self.queen_neighbours())

    def weights(self, kind: str, band_m: float | None) -> sparse.csr_array:
        """The binary weights an analysis names: queen contiguity, or a distance band."""
        if kind == "contiguity" or band_m is None:
            return self.contiguity()
        return distance_band_weights(self.x, self.y, band_m=band_m)


def grid_arrays(grid: Grid) -> GridArrays:
    rows = list(
        grid.cells.order_by("index").values_list(
            "index", "column", "row", "centre", "area_m2", "population", "district", "neighbourhood"
        )
    )
    return GridArrays(
        grid=grid,
        codes=[f"{column}:{row}" for _, column, row, *_ in rows],
        x=np.array([r[3].x for r in rows], dtype=float),
        y=np.array([r[3].y for r in rows], dtype=float),
        area_m2=np.array([r[4] for r in rows], dtype=float),
        population=np.array([np.nan if r[5] is None else r[5] for r in rows], dtype=float),
        district_ids=[r[6] for r in rows],
        neighbourhood_ids=[r[7] for r in rows],
    )


def _cell_of_event_sql(grid: Grid) -> str:
    """SQL expressions `col, row_` of the cell holding `ST_X(point), ST_Y(point)` (as `x`, `y`).

    Every constant is a float8: a bare `0.5` is `numeric` in PostgreSQL, and mixed with the
    integer column it made the hexagon arithmetic `numeric` (twice as slow)."""
    s = float(grid.cell_size_m)
    if grid.shape == GridShape.SQUARE:
        return f"floor(x / {s}::float8)::int AS col, floor(y / {s}::float8)::int AS row_"
    h = math.sqrt(3) * s
    # Candidate columns i0 and i0 + 1; in each the nearest centre row; then the nearer centre.
    a = f"floor(x / {1.5 * s}::float8)::int"
    b = f"({a} + 1)"

    def row_in(column: str) -> str:
        return f"floor(y / {h}::float8 - ({column} & 1) * 0.5::float8 + 0.5::float8)::int"

    def dist2(column: str) -> str:
        return (
            f"power(x - {1.5 * s}::float8 * {column}, 2)"
            f" + power(y - {h}::float8 * ({row_in(column)} + ({column} & 1) * 0.5::float8), 2)"
        )

    nearer_a = f"({dist2(a)}) <= ({dist2(b)})"
    return (
        f"CASE WHEN {nearer_a} THEN {a} ELSE {b} END AS col, "
        f"CASE WHEN {nearer_a} THEN {row_in(a)} ELSE {row_in(b)} END AS row_"
    )


@dataclass(frozen=True)
class Daylight:
    """Dawn and dusk (UTC) for each local date of a period: which events are at night."""

    dates: list[date]
    dawns: list[datetime]
    dusks: list[datetime]
    night: bool  # count the events at night (True) or by day (False)


def _daylight_sql(daylight: Daylight | None) -> tuple[str, str, list[Any]]:
    """The join and filter that keep the events by day or at night (dawn and dusk of each
    event's local date), and their parameters; nothing for the whole day."""
    if daylight is None:
        return "", "", []
    join = (
        " JOIN unnest(%s::date[], %s::timestamptz[], %s::timestamptz[])"
        " AS day (day, dawn, dusk)"
        " ON day.day = (events.occurred_at AT TIME ZONE %s)::date"
    )
    where = (
        " WHERE events.occurred_at < day.dawn OR events.occurred_at >= day.dusk"
        if daylight.night
        else " WHERE events.occurred_at >= day.dawn AND events.occurred_at < day.dusk"
    )
    return join, where, [daylight.dates, daylight.dawns, daylight.dusks, "Europe/Athens"]


def cell_counts(
    grid: Grid,
    query: EventQuery,
    *,
    daylight: Daylight | None = None,
    slice_starts: list[datetime] | None = None,
) -> IntArray:
    """Events per cell, as an array in cell index order; with `slice_starts` (ascending, the
    first at or before the query's start), one row per slice: shape (slices, cells). Stored
    events are inside the municipality when they have an area, and only those are counted."""
    events, params = events_sql(query)
    return cell_counts_of(
        grid, events, params, daylight=daylight, slice_starts=slice_starts, clip=False
    )


def cell_counts_of(
    grid: Grid,
    events: str,
    params: tuple[object, ...],
    *,
    daylight: Daylight | None = None,
    slice_starts: list[datetime] | None = None,
    clip: bool,
) -> IntArray:
    """`cell_counts` over any SQL source of `(point, occurred_at, category_group)`; with `clip`,
    events outside the municipality (outside every clipped cell) are dropped by a spatial test,
    for sources not already limited to it (a file read by `analytics_run`)."""
    # Parameters in the order their placeholders appear: the slice edges (in the select
    # list), the events' own, then dawn and dusk, then the grid.
    slice_params: list[Any] = []
    join, where, day_params = _daylight_sql(daylight)
    slice_sql = "0"
    if slice_starts is not None:
        slice_sql = "(width_bucket(events.occurred_at, %s::timestamptz[]) - 1)"
        slice_params = [slice_starts]
    # The interpolated parts are this module's own SQL and the events selector's compiled
    # queryset; every value is a parameter.
    # Without `clip` the events are grouped by cell first and only the grouped rows (a few
    # hundred) are matched to the grid's cells; with it, each event is tested against its
    # clipped cell's geometry, so the events are matched one by one.
    located = f"""
        SELECT {_cell_of_event_sql(grid)}, slice, point FROM (
            SELECT ST_X(events.point) AS x, ST_Y(events.point) AS y, events.point,
                   {slice_sql} AS slice
            FROM ({events}) AS events{join}{where}
        ) AS located
    """  # noqa: S608
    if clip:
        sql = f"""
            SELECT cell.index, binned.slice, count(*)
            FROM ({located}) AS binned JOIN analytics_gridcell AS cell
              ON cell.grid_id = %s AND cell."column" = binned.col AND cell."row" = binned.row_
            WHERE ST_Intersects(cell.geometry, binned.point)
            GROUP BY cell.index, binned.slice
        """  # noqa: S608
    else:
        sql = f"""
            SELECT cell.index, grouped.slice, grouped.n
            FROM (SELECT col, row_, slice, count(*) AS n FROM ({located}) AS binned
                  GROUP BY col, row_, slice) AS grouped
            JOIN analytics_gridcell AS cell
              ON cell.grid_id = %s AND cell."column" = grouped.col AND cell."row" = grouped.row_
        """  # noqa: S608
    sql_params = [*slice_params, *params, *day_params, grid.pk]
    n = grid.cells.count()
    slices = 1 if slice_starts is None else len(slice_starts)
    counts = np.zeros((slices, n), dtype=np.int64)
    with read_connection(Grid).cursor() as cursor:
        cursor.execute(sql, sql_params)
        for index, slice_, count in cursor.fetchall():
            counts[slice_, index] = count
    return counts[0] if slice_starts is None else counts


@dataclass(frozen=True)
class LocatedEvents:
    """Each counted event: its cell's index, its point (EPSG:2100 metres), its time in days
    since 1970-01-01 UTC, and its category group."""

    cell: IntArray
    x: FloatArray
    y: FloatArray
    day: FloatArray
    group: list[str]


def located_events_of(
    grid: Grid,
    events: str,
    params: tuple[object, ...],
    *,
    clip: bool,
    daylight: Daylight | None = None,
) -> LocatedEvents:
    """Every event of an SQL source of `(point, occurred_at, category_group)` that falls in a
    cell, with that cell, in one query, ordered by time (as `cell_counts_of` finds cells); with
    `daylight`, only the events by day or at night, as `cell_counts_of` counts them."""
    join, where, day_params = _daylight_sql(daylight)
    sql = f"""
        WITH located AS (
            SELECT {_cell_of_event_sql(grid)}, x, y, occurred_at, category_group, point FROM (
                SELECT ST_X(events.point) AS x, ST_Y(events.point) AS y, events.point,
                       events.occurred_at, events.category_group
                FROM ({events}) AS events{join}{where}
            ) AS located
        )
        SELECT cell.index, located.x, located.y,
               extract(epoch FROM located.occurred_at) / 86400.0, located.category_group
        FROM located JOIN analytics_gridcell AS cell
          ON cell.grid_id = %s AND cell."column" = located.col AND cell."row" = located.row_
        {"WHERE ST_Intersects(cell.geometry, located.point)" if clip else ""}
        ORDER BY located.occurred_at, cell.index, located.x, located.y
    """  # noqa: S608
    with read_connection(Grid).cursor() as cursor:
        located_params: list[Any] = [*params, *day_params, grid.pk]
        cursor.execute(sql, located_params)
        rows = cursor.fetchall()
    return LocatedEvents(
        cell=np.array([row[0] for row in rows], dtype=np.int64),
        x=np.array([row[1] for row in rows], dtype=np.float64),
        y=np.array([row[2] for row in rows], dtype=np.float64),
        day=np.array([float(row[3]) for row in rows], dtype=np.float64),
        group=[row[4] for row in rows],
    )


def located_events(grid: Grid, query: EventQuery) -> LocatedEvents:
    events, params = events_sql(query)
    return located_events_of(grid, events, params, clip=False)
