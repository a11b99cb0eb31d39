"""Reads of areas: the public list, and which area a point falls in (done by PostGIS)."""

from functools import cache
from typing import Any

from django.contrib.gis.geos import Point
from django.db import connection, connections, router
from django.db.models import Field, QuerySet

from curim.areas.models import Area
from curim.core.prepared import prepared_cursor


def areas_public() -> QuerySet[Area]:
    return Area.objects.select_related("parent").order_by("level", "code")


def area_containing(point: Point, *, level: str = Area.Level.DISTRICT) -> Area | None:
    """The area of this level that covers the point (ST_Covers keeps a point on a shared
    border in one area: the first by code), without its boundary (callers want the area, and
    parsing a polygon costs more than the lookup).

    One fixed statement, the instance built by `Area.from_db` as the ORM builds it: compiling
    the equivalent queryset cost four times the lookup itself (docs/performance.md)."""
    if point.srid not in (None, 4326):
        point = Point(point.x, point.y, srid=point.srid)
        point.transform(4326)
    if level not in Area.Level.values:
        return None  # no area has that level
    x, y = point.coords[:2]  # one call into GEOS, not two
    database = router.db_for_read(Area)
    with prepared_cursor(connections[database]) as cursor:
        cursor.execute(_containing_sql(Area.Level(level)), [x, y])
        row = cursor.fetchone()
    if row is None:
        return None
    return Area.from_db(database, _non_geometry_fields(), row)


@cache
def _non_geometry_fields() -> list[str]:
    return [field.attname for field in _non_geometry_columns()]


@cache
def _non_geometry_columns() -> list[Field[Any, Any]]:
    return [field for field in Area._meta.concrete_fields if field.name != "geometry"]


@cache
def _containing_sql(level: Area.Level) -> str:
    """The statement for one level, the level written into it: one of the model's own choices
    (a parameter sent each time cost a tenth of the lookup)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in _non_geometry_columns())
    return (
        f"SELECT {columns} FROM {quote(Area._meta.db_table)} WHERE level = '{level.value}' "  # noqa: S608 - the model's own names and choices
        "AND ST_Covers(geometry, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) ORDER BY code LIMIT 1"
    )


def areas_without_boundaries(*levels: str) -> QuerySet[Area]:
    """Areas of these levels by level and code, for tables: their boundaries are not fetched."""
    return Area.objects.filter(level__in=levels).defer("geometry").order_by("level", "code")
