"""Where a report is: inside the municipality, in which district, and its public grid cell.

The grid is laid out in EPSG:2100 (Greek Grid, metres) by PostGIS; the public location is the
centre of the cell holding the exact point, so it can be shared without revealing the point.
The district is the one holding the cell centre, not the exact point, because the district is
public too: taken from the exact point it would tell which side of a border the point is on.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.gis.geos import Point
from django.db import connection

if TYPE_CHECKING:
    from curim.accounts.models import User
    from curim.reports.models import Report

# The placement of one point, as a CTE both queries below start from: is it inside the
# municipality, which is its public cell centre (six decimals, ~0.1 m), and which district
# holds that centre.
PLACED_CTE = """
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS pt),
placed AS (
  SELECT p.pt, cell.c,
    EXISTS (SELECT 1 FROM areas_area a
            WHERE a.level = 'municipality' AND ST_Covers(a.geometry, p.pt)) AS inside,
    (SELECT a.id FROM areas_area a WHERE a.level = 'district' AND ST_Covers(a.geometry, cell.c)
     ORDER BY a.code LIMIT 1) AS area_id
  FROM p CROSS JOIN LATERAL (
    SELECT ST_SetSRID(ST_MakePoint(round(ST_X(c)::numeric, 6), round(ST_Y(c)::numeric, 6)), 4326)
           AS c
    FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(
      floor(ST_X(g) / %(size)s) * %(size)s + %(size)s / 2.0,
      floor(ST_Y(g) / %(size)s) * %(size)s + %(size)s / 2.0), 2100), 4326) AS c
      FROM (SELECT ST_Transform(p.pt, 2100) AS g) projected) centre
  ) cell
)"""

PLACEMENT_SQL = (
    PLACED_CTE
    + """
SELECT inside, area_id, ST_X(c), ST_Y(c) FROM placed
"""
)


@dataclass(frozen=True)
class Placement:
    inside: bool
    area_id: int | None
    public_point: Point


def placement(point: Point, grid_size_m: int) -> Placement:
    """In one query: inside the municipality? which public cell centre? which district?"""
    with connection.cursor() as cursor:
        cursor.execute(PLACEMENT_SQL, {"lon": point.x, "lat": point.y, "size": grid_size_m})
        inside, area_id, lon, lat = cursor.fetchone()
    return Placement(bool(inside), area_id, Point(lon, lat, srid=4326))


INSERT_AFTER_PLACED = """,
inserted AS (
  INSERT INTO reports_report ({columns}) SELECT {values} FROM placed WHERE placed.inside
  RETURNING id, area_id, ST_X(public_location) AS x, ST_Y(public_location) AS y
),
event AS (
  INSERT INTO reports_reportevent
    (report_id, kind, actor_id, from_status, to_status, note, is_public, created_at)
  SELECT id, 'submitted', %(actor_id)s, '', %(status)s, '', true, %(created_at)s FROM inserted
)
SELECT placed.inside, inserted.id, inserted.area_id, inserted.x, inserted.y
FROM placed LEFT JOIN inserted ON true
"""
INSERT_PLACED_SQL = PLACED_CTE + INSERT_AFTER_PLACED
# Columns the statement computes itself instead of taking from the model instance.
PLACED_COLUMNS = {
    "location": "placed.pt",
    "public_location": "placed.c",
    "area_id": "placed.area_id",
}


def report_insert_placed(report: "Report", *, actor: "User | None") -> None:
    """Place and insert a located report, with its first history row, in one statement.

    Submission is the hot path of the platform: this does in one round trip what the ORM does
    in four (placement, the report, its history row), so a citizen's report is saved fast even
    under load. Raises ValidationError, having written nothing, when the point is outside.
    """
    from django.core.exceptions import ValidationError
    from django.utils import timezone
    from django.utils.translation import gettext as _

    location = report.location
    if location is None:
        raise ValueError("report_insert_placed needs a located report")
    now = timezone.now()
    report.created_at = report.updated_at = now
    columns, values = [], []
    params: dict[str, Any] = {
        "lon": location.x,
        "lat": location.y,
        "size": report.category.grid_size_m,
        "actor_id": actor.pk if actor is not None and actor.is_authenticated else None,
        "status": report.status,
        "created_at": now,
    }
    for field in type(report)._meta.concrete_fields:
        if field.primary_key or getattr(field, "generated", False):
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in PLACED_COLUMNS:
            values.append(PLACED_COLUMNS[field.column])
        else:
            name = f"f_{field.column}"
            params[name] = field.get_db_prep_save(getattr(report, field.attname), connection)
            values.append(f"%({name})s")
    sql = INSERT_PLACED_SQL.format(columns=", ".join(columns), values=", ".join(values))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inside, pk, area_id, lon, lat = cursor.fetchone()
    if not inside:
        raise ValidationError({"location": [_("The location is outside the municipality.")]})
    report.pk, report.area_id = pk, area_id
    report.public_location = Point(lon, lat, srid=4326)
    report._state.adding = False
    report._state.db = connection.alias
