"""Reads of areas: the public list, and which area a point falls in (done by PostGIS)."""

from django.contrib.gis.geos import Point
from django.db.models import QuerySet

from curim.areas.models import Area


def areas_public() -> QuerySet[Area]:
    return Area.objects.select_related("parent").order_by("level", "code")


def area_containing(point: Point, *, level: str = Area.Level.DISTRICT) -> Area | None:
    # ST_Covers keeps a point on a shared border in one area: the first by code. The boundary
    # itself is not fetched: callers want the area, and parsing a polygon costs more than the
    # lookup.
    return (
        Area.objects.filter(level=level, geometry__covers=point)
        .defer("geometry")
        .order_by("code")
        .first()
    )


def areas_without_boundaries(*levels: str) -> QuerySet[Area]:
    """Areas of these levels by level and code, for tables: their boundaries are not fetched."""
    return Area.objects.filter(level__in=levels).defer("geometry").order_by("level", "code")
