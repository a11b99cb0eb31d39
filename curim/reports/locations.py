"""Where a report is: inside the municipality, in which district, and its public grid cell.

The grid is laid out in EPSG:2100 (Greek Grid, metres) by PostGIS; the public location is the
centre of the cell holding the exact point, so it can be shared without revealing the point.
The district is the one holding the cell centre, not the exact point, because the district is
public too: taken from the exact point it would tell which side of a border the point is on.
"""

from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db import connection

# The placement of one point, as a CTE that both this read and the placed insert of a submission
# (services/submission.py) start from: is it inside the municipality, which is its public cell
# centre (six decimals, ~0.1 m), and which district holds that centre.
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
