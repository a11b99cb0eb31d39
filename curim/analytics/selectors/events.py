"""The events an analysis counts, as one SQL source of Greek Grid points and times.

Who sees what follows the reports' privacy, here and nowhere else:

- the **public** audience counts public reports only (`reports_public()`: moderated, in a
  category that may be public, not merged away), at their public location (the centre of the
  category's privacy cell), never an official incident;
- the **council** audience counts every report a moderator accepted
  (`reports_counted_for_council()`) at its exact location, and, when the sources say so, every
  official incident.
"""

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt
from django.contrib.gis.db.models.functions import Transform
from django.db.models import QuerySet

from curim.analytics.models import OfficialIncident, RunAudience, Sources
from curim.core.replica import read_connection
from curim.reports.models import Report
from curim.reports.selectors import reports_counted_for_council, reports_public


@dataclass(frozen=True)
class EventQuery:
    audience: RunAudience
    sources: Sources
    start: datetime
    end: datetime  # exclusive
    # Category groups (`crime`, `incivility`, …); empty: every group.
    groups: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.audience == RunAudience.PUBLIC and self.sources != Sources.REPORTS:
            raise ValueError("The public audience counts citizen reports only.")
        if self.start >= self.end:
            raise ValueError("The period must end after it starts.")


def reports_for(audience: RunAudience) -> QuerySet[Report]:
    """The reports an audience counts, located or not (cyber reports usually have no place)."""
    if audience == RunAudience.PUBLIC:
        return reports_public()
    return reports_counted_for_council()


def _reports(query: EventQuery) -> QuerySet[Report]:
    point = "public_location" if query.audience == RunAudience.PUBLIC else "location"
    reports = reports_for(query.audience).filter(
        occurred_at__gte=query.start,
        occurred_at__lt=query.end,
        area__isnull=False,
        **{f"{point}__isnull": False},
    )
    if query.groups:
        reports = reports.filter(category__group__in=query.groups)
    return reports.annotate(point=Transform(point, 2100))


def _incidents(query: EventQuery) -> QuerySet[OfficialIncident]:
    incidents = OfficialIncident.objects.filter(
        occurred_at__gte=query.start, occurred_at__lt=query.end, area__isnull=False
    )
    if query.groups:
        incidents = incidents.filter(category__group__in=query.groups)
    return incidents


def events_sql(query: EventQuery) -> tuple[str, tuple[object, ...]]:
    """SQL yielding `(point geometry(Point, 2100), occurred_at timestamptz, category_group text,
    category_id, area_id)` for each event the query counts, and its parameters."""
    parts: list[tuple[str, tuple[object, ...]]] = []
    if query.sources in (Sources.REPORTS, Sources.BOTH):
        # No ORDER BY (the reports' default order would sort every event for nothing).
        reports = (
            _reports(query)
            .order_by()
            .values_list(  # type: ignore[misc]  # annotated
                "point", "occurred_at", "category__group", "category_id", "area_id"
            )
        )
        parts.append(reports.query.sql_with_params())
    if query.sources in (Sources.INCIDENTS, Sources.BOTH):
        incidents = (
            _incidents(query)
            .order_by()
            .values_list("point_2100", "occurred_at", "category__group", "category_id", "area_id")
        )
        parts.append(incidents.query.sql_with_params())
    sql = " UNION ALL ".join(f"({part})" for part, _ in parts)
    params = tuple(param for _, part_params in parts for param in part_params)
    columns = "point, occurred_at, category_group, category_id, area_id"
    select = f"SELECT * FROM ({sql}) AS events ({columns})"  # noqa: S608
    return select, params


EventPoints = tuple[
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.datetime64],
    npt.NDArray[np.str_],
]


def event_points(query: EventQuery) -> EventPoints:
    """The query's events as arrays `(x, y, t, groups)`: Greek Grid metres, times as UTC
    `datetime64[us]`, category groups; ordered by time, then place, so that a seeded analysis
    of the same events sees them in the same order. Times are whole microseconds (not float
    days) so that two events exactly 7 days apart are exactly 7 days apart. One query: the
    arrays are aggregated in SQL."""
    events, params = events_sql(query)
    sql = f"""
        SELECT coalesce(array_agg(ST_X(point) ORDER BY occurred_at, ST_X(point), ST_Y(point)),
                        '{{}}'),
               coalesce(array_agg(ST_Y(point) ORDER BY occurred_at, ST_X(point), ST_Y(point)),
                        '{{}}'),
               coalesce(array_agg((extract(epoch FROM occurred_at) * 1000000)::bigint
                                  ORDER BY occurred_at, ST_X(point), ST_Y(point)), '{{}}'),
               coalesce(array_agg(category_group::text
                                  ORDER BY occurred_at, ST_X(point), ST_Y(point)), '{{}}')
        FROM ({events}) AS events
    """  # noqa: S608  # the selector's own compiled SQL; values are parameters
    with read_connection(OfficialIncident).cursor() as cursor:
        cursor.execute(sql, list(params))  # type: ignore[arg-type]  # the compiler's values
        # An aggregate always returns its one row.
        x, y, microseconds, groups = cursor.fetchone() or ([], [], [], [])
    return (
        np.array(x, dtype=np.float64),
        np.array(y, dtype=np.float64),
        np.array(microseconds, dtype=np.int64).astype("datetime64[us]"),
        np.array(groups, dtype=np.str_),
    )
