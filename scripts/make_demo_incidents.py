"""Writes curim/analytics/data/demo_incidents.csv: invented police records over the demo map of
Piraeus, for `make run` and for trying `manage.py analytics_run`. Nothing in it is real.

Two years of incidents ending on 30 November 2026: a background spread evenly over the
municipality, three planted hotspots (a square, a station, a street of bars at night), summer a
little busier than winter, and burglaries that repeat near each other within days (a near-
repeat pattern). Seeded: running it again writes the same file.

    .venv/bin/python scripts/make_demo_incidents.py
"""

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import GEOSGeometry, MultiPoint, Point

ROOT = Path(__file__).resolve().parents[1]
AREAS = ROOT / "curim/areas/data/piraeus_demo.geojson"
OUT = ROOT / "curim/analytics/data/demo_incidents.csv"
SEED = 2026
END = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)  # midnight in Athens
DAYS = 730

# Their categories (as the police write them) and how often each comes.
CATEGORIES = {
    "ΚΛΟΠΗ": 0.40,  # theft
    "ΔΙΑΡΡΗΞΗ ΟΙΚΙΑΣ": 0.20,  # burglary
    "ΛΗΣΤΕΙΑ": 0.08,  # robbery
    "ΣΩΜΑΤΙΚΕΣ ΒΛΑΒΕΣ": 0.12,  # assault
    "ΦΘΟΡΑ ΞΕΝΗΣ ΙΔΙΟΚΤΗΣΙΑΣ": 0.20,  # vandalism
}
# Planted hotspots, in WGS 84, with their spread (m), their share of incidents, and whether
# they happen mostly at night.
HOTSPOTS = [
    ((23.6465, 37.9425), 120.0, 0.10, False),  # the centre
    ((23.6430, 37.9480), 100.0, 0.06, False),  # near the station
    ((23.6560, 37.9360), 90.0, 0.06, True),  # a street of bars
]
BACKGROUND = 1500
REPEATS = 120  # burglaries followed by another within 200 m and 7 days


def municipality() -> GEOSGeometry:
    features = json.loads(AREAS.read_text())["features"]
    for feature in features:
        if feature["properties"].get("level") == "municipality":
            return GEOSGeometry(json.dumps(feature["geometry"]), srid=4326)
    raise SystemExit("no municipality in the demo areas")


def main() -> None:
    rng = np.random.default_rng(SEED)
    boundary = municipality()
    to_grid = CoordTransform(SpatialReference(4326), SpatialReference(2100))
    boundary_2100 = boundary.transform(to_grid, clone=True)
    xmin, ymin, xmax, ymax = boundary_2100.extent

    def inside(x: float, y: float) -> bool:
        return bool(boundary_2100.contains(Point(x, y, srid=2100)))

    points: list[tuple[float, float, bool]] = []
    while len(points) < BACKGROUND:
        x, y = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
        if inside(x, y):
            points.append((x, y, False))
    for (lon, lat), spread, share, night in HOTSPOTS:
        centre = Point(lon, lat, srid=4326)
        centre.transform(to_grid)
        wanted = int(share * BACKGROUND / (1 - sum(h[2] for h in HOTSPOTS)))
        placed = 0
        while placed < wanted:
            x, y = rng.normal((centre.x, centre.y), spread)
            if inside(x, y):
                points.append((x, y, night))
                placed += 1

    names = list(CATEGORIES)
    weights = np.array(list(CATEGORIES.values()))
    rows: list[tuple[float, float, datetime, str]] = []
    for x, y, night in points:
        # Summer a little busier: accept a day with probability by season.
        while True:
            day = int(rng.integers(0, DAYS))
            when = END - timedelta(days=day)
            if rng.random() < 0.75 + 0.25 * np.cos((when.timetuple().tm_yday - 200) / 58.1):
                break
        hour = int(rng.choice([20, 21, 22, 23, 0, 1, 2])) if night else int(rng.integers(0, 24))
        when = when.replace(hour=hour % 24, minute=int(rng.integers(0, 60)))
        rows.append((x, y, when, str(rng.choice(names, p=weights / weights.sum()))))
    # Near repeats: a burglary, then another close by within a week.
    burglaries = [row for row in rows if row[3] == "ΔΙΑΡΡΗΞΗ ΟΙΚΙΑΣ"]
    for index in rng.choice(len(burglaries), REPEATS, replace=False):
        x, y, when, _ = burglaries[int(index)]
        for _attempt in range(20):
            dx, dy = rng.uniform(-150, 150, 2)
            if inside(x + dx, y + dy):
                later = when + timedelta(days=float(rng.uniform(0.5, 7)))
                if later < END:
                    rows.append((x + dx, y + dy, later, "ΔΙΑΡΡΗΞΗ ΟΙΚΙΑΣ"))
                break
    rows.sort(key=lambda row: row[2])

    # Most records in the Greek Grid, as the police keep them; some in WGS 84.
    to_wgs84 = CoordTransform(SpatialReference(2100), SpatialReference(4326))
    wgs84 = MultiPoint([Point(x, y, srid=2100) for x, y, *_ in rows], srid=2100)
    wgs84.transform(to_wgs84)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "x", "y", "crs", "occurred_at", "category"])
        for n, (x, y, when, category) in enumerate(rows):
            point = wgs84[n]
            if n % 5 == 4:
                writer.writerow(
                    [
                        f"PIR-{n + 1:05d}",
                        f"{point.x:.6f}",
                        f"{point.y:.6f}",
                        "EPSG:4326",
                        when.isoformat(timespec="minutes"),
                        category,
                    ]
                )
            else:
                writer.writerow(
                    [
                        f"PIR-{n + 1:05d}",
                        f"{x:.1f}",
                        f"{y:.1f}",
                        "EPSG:2100",
                        when.isoformat(timespec="minutes"),
                        category,
                    ]
                )
    print(f"{len(rows)} incidents written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
