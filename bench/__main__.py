"""Run the benchmarks and print each as a ratio to the bare SQL doing the same work.

Absolute times depend on the machine; the ratio shows what our code adds over PostgreSQL.
"""

import os
import random
import time
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curim.settings")
django.setup()

from django.contrib.gis.geos import Point  # noqa: E402
from django.db import connection  # noqa: E402

from curim.areas.selectors import area_containing  # noqa: E402
from curim.areas.services import areas_load_file  # noqa: E402
from curim.core.management.commands.demo_load import DEMO_AREAS  # noqa: E402

POINTS = 2000
ROUNDS = 5


def _best(run: Callable[[], None]) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_area_containing() -> tuple[float, float]:
    areas_load_file(path=DEMO_AREAS)
    rng = random.Random(42)  # noqa: S311 - not for security
    points = [(rng.uniform(23.60, 23.68), rng.uniform(37.925, 37.975)) for _ in range(POINTS)]

    def selector() -> None:
        for lon, lat in points:
            area_containing(Point(lon, lat, srid=4326))

    sql = (
        "SELECT id, code, level, parent_id, name_en, name_el, approximate, source "
        "FROM areas_area WHERE level = 'district' "
        "AND ST_Covers(geometry, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) ORDER BY code LIMIT 1"
    )

    def floor() -> None:
        with connection.cursor() as cursor:
            for lon, lat in points:
                cursor.execute(sql, [lon, lat])
                cursor.fetchall()

    return _best(selector), _best(floor)


def main() -> None:
    ours, floor = bench_area_containing()
    print(f"area_containing, {POINTS} points, best of {ROUNDS}:")
    print(
        f"  selector {ours * 1000:.1f} ms, bare SQL {floor * 1000:.1f} ms, ratio {ours / floor:.2f}"
    )
    print(f"  per point: selector {ours / POINTS * 1e6:.0f} µs, SQL {floor / POINTS * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
