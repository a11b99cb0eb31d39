"""Where a report is: inside the municipality, in which district, and its public grid cell.

The grid is laid out in EPSG:2100 (Greek Grid, metres) by PostGIS; the public location is the
centre of the cell holding the exact point, so it can be shared without revealing the point.
The district is the one holding the cell centre, not the exact point, because the district is
public too: taken from the exact point it would tell which side of a border the point is on.
"""

from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db import connection

PLACEMENT_SQL = """
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS pt)
SELECT
  EXISTS (SELECT 1 FROM areas_area a
          WHERE a.level = 'municipality' AND ST_Covers(a.geometry, p.pt)),
  (SELECT a.id FROM areas_area a WHERE a.level = 'district' AND ST_Covers(a.geometry, cell.c)
   ORDER BY a.code LIMIT 1),
  ST_X(cell.c), ST_Y(cell.c)
FROM p CROSS JOIN LATERAL (
  SELECT ST_Transform(ST_SetSRID(ST_MakePoint(
    floor(ST_X(g) / %(size)s) * %(size)s + %(size)s / 2.0,
    floor(ST_Y(g) / %(size)s) * %(size)s + %(size)s / 2.0), 2100), 4326) AS c
  FROM (SELECT ST_Transform(p.pt, 2100) AS g) projected
) cell
"""


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
    # Six decimals (~0.1 m) are plenty for a cell centre and keep outputs stable.
    return Placement(bool(inside), area_id, Point(round(lon, 6), round(lat, 6), srid=4326))
