"""Reads of reports. Public reads go through `reports_public`, which knows what may be shown."""

from dataclasses import dataclass
from datetime import date

from django.contrib.gis.geos import Polygon
from django.db.models import Q, QuerySet

from curim.reports.models import PUBLIC_STATUSES, Category, Report


def categories_public() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True, may_be_public=True)


def reports_public() -> QuerySet[Report]:
    """Reports anyone may see: moderated, in a category that may be public, not merged away."""
    return Report.objects.filter(
        status__in=PUBLIC_STATUSES, category__may_be_public=True, duplicate_of__isnull=True
    )


@dataclass(frozen=True)
class ReportFilter:
    bbox: Polygon | None = None
    categories: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    area: str | None = None


def reports_filter(reports: QuerySet[Report], criteria: ReportFilter) -> QuerySet[Report]:
    if criteria.bbox is not None:
        reports = reports.filter(public_location__bboverlaps=criteria.bbox).filter(
            public_location__intersects=criteria.bbox
        )
    if criteria.categories:
        reports = reports.filter(category__slug__in=criteria.categories)
    if criteria.groups:
        reports = reports.filter(category__group__in=criteria.groups)
    if criteria.since is not None:
        reports = reports.filter(occurred_at__date__gte=criteria.since)
    if criteria.until is not None:
        reports = reports.filter(occurred_at__date__lte=criteria.until)
    if criteria.area:
        code = criteria.area
        reports = reports.filter(
            Q(area__code=code) | Q(area__parent__code=code) | Q(area__parent__parent__code=code)
        )
    return reports
