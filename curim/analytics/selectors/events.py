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

from django.contrib.gis.db.models.functions import Transform
from django.db.models import QuerySet

from curim.analytics.models import OfficialIncident, RunAudience, Sources
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


def _reports(query: EventQuery) -> QuerySet[Report]:
    if query.audience == RunAudience.PUBLIC:
        reports, point = reports_public(), "public_location"
    else:
        reports, point = reports_counted_for_council(), "location"
    reports = reports.filter(
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
        reports = _reports(query).values_list(  # type: ignore[misc]  # an annotation
            "point", "occurred_at", "category__group", "category_id", "area_id"
        )
        parts.append(reports.query.sql_with_params())
    if query.sources in (Sources.INCIDENTS, Sources.BOTH):
        incidents = _incidents(query).values_list(
            "point_2100", "occurred_at", "category__group", "category_id", "area_id"
        )
        parts.append(incidents.query.sql_with_params())
    sql = " UNION ALL ".join(f"({part})" for part, _ in parts)
    params = tuple(param for _, part_params in parts for param in part_params)
    columns = "point, occurred_at, category_group, category_id, area_id"
    select = f"SELECT * FROM ({sql}) AS events ({columns})"  # noqa: S608
    return select, params
