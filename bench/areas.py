"""Which district holds a point: the selector against the bare SQL.

The floor is the same statement (the same columns) run on one cursor, the selector's result
read into an `Area`; the two are timed alternately so that the load of the machine hits both
alike. Target: within 2× (issue 16)."""

import random

from django.contrib.gis.geos import Point
from django.db import connection

from bench.timing import paired_median_seconds
from curim.areas.demo import DEMO_AREAS
from curim.areas.selectors import area_containing
from curim.areas.services import areas_load_file

POINTS = 500
SQL = (
    "SELECT id, code, level, parent_id, name_en, name_el, approximate, source, population, "
    "population_year FROM areas_area WHERE level = 'district' "
    "AND ST_Covers(geometry, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) ORDER BY code LIMIT 1"
)


def run() -> None:
    areas_load_file(path=DEMO_AREAS)
    rng = random.Random(42)  # noqa: S311 - not for security
    points = [(rng.uniform(23.60, 23.68), rng.uniform(37.925, 37.975)) for _ in range(POINTS)]

    def selector() -> None:
        for lon, lat in points:
            area_containing(Point(lon, lat, srid=4326))

    def floor() -> None:
        with connection.cursor() as cursor:
            for lon, lat in points:
                cursor.execute(SQL, [lon, lat])
                cursor.fetchall()

    ours, bare = paired_median_seconds(selector, floor, repeat=9)
    print(
        f"area_containing, {POINTS} points: ours {ours / POINTS * 1e6:.0f} µs a point, "
        f"floor {bare / POINTS * 1e6:.0f} µs, ratio {ours / bare:.2f} (target 2)"
    )
