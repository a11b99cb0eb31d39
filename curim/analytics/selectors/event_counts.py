"""Events counted the ways the risk index, the forecasts and the prospective backtest need, each
in one SQL `GROUP BY` over the events selector's `events_sql` (so each audience's privacy
holds): per district / neighbourhood and category, per cell and category, per district, group
and Athens week, and each event's cell, point and time as arrays.

An event's district is found through its area's parent chain: an event filed on a
neighbourhood belongs to that neighbourhood's district; one filed on a district to the district
(and no neighbourhood); one filed on the whole municipality to no district."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from curim.analytics.models import Grid
from curim.analytics.selectors.cells import _cell_of_event_sql
from curim.analytics.selectors.events import EventQuery, events_sql
from curim.core.replica import read_connection

ATHENS = "Europe/Athens"

_DISTRICT_OF_AREA = (
    "CASE area.level WHEN 'district' THEN area.id WHEN 'neighbourhood' THEN area.parent_id END"
)
_NEIGHBOURHOOD_OF_AREA = "CASE area.level WHEN 'neighbourhood' THEN area.id END"


@dataclass(frozen=True)
class AreaCategoryCount:
    district_id: int | None
    neighbourhood_id: int | None
    category_id: int
    count: int


def events_by_area_and_category(query: EventQuery) -> list[AreaCategoryCount]:
    """Events per (district, neighbourhood, category); a district's total is the sum of its
    rows (with and without a neighbourhood)."""
    events, params = events_sql(query)
    sql = f"""
        SELECT {_DISTRICT_OF_AREA} AS district_id, {_NEIGHBOURHOOD_OF_AREA} AS neighbourhood_id,
               events.category_id, count(*)
        FROM ({events}) AS events JOIN areas_area AS area ON area.id = events.area_id
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    """  # noqa: S608
    with read_connection(Grid).cursor() as cursor:
        cursor.execute(sql, list[Any](params))
        return [AreaCategoryCount(*row) for row in cursor.fetchall()]


def _binned_events_sql(grid: Grid, events: str, columns: str) -> str:
    """Each event's cell index (`cell_index`) beside the events' `columns`, as in `cell_counts`
    (arithmetic on the Greek Grid coordinates, then the grid's cells)."""
    return f"""
        SELECT cell.index AS cell_index, binned.* FROM (
            SELECT {_cell_of_event_sql(grid)}, located.* FROM (
                SELECT ST_X(events.point) AS x, ST_Y(events.point) AS y, {columns}
                FROM ({events}) AS events
            ) AS located
        ) AS binned
        JOIN analytics_gridcell AS cell
          ON cell.grid_id = %s AND cell."column" = binned.col AND cell."row" = binned.row_
    """  # noqa: S608


def cells_by_category(
    grid: Grid, query: EventQuery, category_ids: list[int]
) -> npt.NDArray[np.int64]:
    """Events per cell and category: shape (cells, len(category_ids)); events of a category
    not listed are not counted."""
    events, params = events_sql(query)
    sql = f"""
        SELECT cell_index, category_id, count(*)
        FROM ({_binned_events_sql(grid, events, "events.category_id")}) AS counted
        GROUP BY 1, 2
    """  # noqa: S608
    column = {category_id: k for k, category_id in enumerate(category_ids)}
    counts = np.zeros((grid.cells.count(), len(category_ids)), dtype=np.int64)
    with read_connection(Grid).cursor() as cursor:
        cursor.execute(sql, [*list[Any](params), grid.pk])
        for index, category_id, count in cursor.fetchall():
            if category_id in column:
                counts[index, column[category_id]] = count
    return counts


@dataclass(frozen=True)
class WeeklyCount:
    district_id: int | None
    category_group: str
    week: date  # the Monday, in Athens time, the week starts on
    count: int


def weekly_by_district_and_group(query: EventQuery) -> list[WeeklyCount]:
    """Events per district, category group and week (Monday 00:00 to Monday 00:00, Athens
    time); weeks without events have no row."""
    events, params = events_sql(query)
    sql = f"""
        SELECT {_DISTRICT_OF_AREA} AS district_id, events.category_group,
               date_trunc('week', events.occurred_at AT TIME ZONE %s)::date AS week, count(*)
        FROM ({events}) AS events JOIN areas_area AS area ON area.id = events.area_id
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    """  # noqa: S608
    with read_connection(Grid).cursor() as cursor:
        cursor.execute(sql, [ATHENS, *list[Any](params)])
        return [WeeklyCount(*row) for row in cursor.fetchall()]
