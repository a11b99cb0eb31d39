"""Reads of areas: the public list, and which area a point falls in (done by PostGIS)."""

from django.contrib.gis.geos import Point
from django.db.models import QuerySet

from curim.areas.models import Area


def areas_public() -> QuerySet[Area]:
    return Area.objects.select_related("parent").order_by("level", "code")


def area_containing(point: Point, *, level: str = Area.Level.DISTRICT) -> Area | None:
    # ST_Covers keeps a point on a shared border in one area: the first by code.
    return Area.objects.filter(level=level, geometry__covers=point).order_by("code").first()
