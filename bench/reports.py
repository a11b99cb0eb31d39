"""Citizen reports with a million rows: vector tiles, the GeoJSON bbox list, submissions.

(a) the tile endpoint against the same ST_AsMVT SQL run directly (target ≤ 1.3×), all time and
    for the last year; and the last year's tile against the all-time tile (target ≤ 2×);
(b) the GeoJSON endpoint for a bbox (≤ 5,000 features) against the FeatureCollection built by
    one SQL statement (target ≤ 1.5×);
    Open311 requests.json and .xml against that GeoJSON list at the same page size (target
    ≤ 1.5×, that is ≥ 1/1.5 of its throughput);
(c) report submissions per second against raw INSERTs (target ≥ 0.25×): the submission service
    (placement, report and history row), and the whole HTTP API request, anonymous and signed
    in; a signed-in request also against its own database floor, the raw INSERT plus the
    session read with its account.
"""

import statistics
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from bench.database import dirty_pages_written
from bench.request_floor import URL as URL_EMPTY_POST
from bench.timing import median_seconds, paired_median_seconds, ratio_line
from curim.accounts.models import User
from curim.accounts.sessions import session_read_sql
from curim.areas.demo import DEMO_AREAS
from curim.areas.models import Area
from curim.areas.services import areas_load_file
from curim.core.prepared import prepared_cursor
from curim.reports.models import Category, Report
from curim.reports.selectors import (
    ReportFilter,
    public_cell_days,
    public_cells,
    reports_filter,
    reports_public,
)
from curim.reports.serialise import Located, tile_points_sql, tile_sql_around
from curim.reports.services.submission import ReportDraft, report_submit

SEED_SQL = """
INSERT INTO reports_report (
    public_id, category_id, description, occurred_at, location, public_location,
    severity, feeling_unsafe, cyber_channel, cyber_sender, contact_email, language,
    status, public_note, created_at, updated_at, published_at)
SELECT gen_random_uuid(), cats.ids[1 + (i %% array_length(cats.ids, 1))],
       'Benchmark report ' || i, now() - (i %% 700) * interval '1 day', p.pt,
       ST_Transform(ST_SetSRID(ST_MakePoint(
           floor(ST_X(p.g) / 100) * 100 + 50, floor(ST_Y(p.g) / 100) * 100 + 50), 2100), 4326),
       1 + i %% 5, 1 + i %% 5, '', '', '', 'en',
       CASE WHEN i %% 10 = 0 THEN 'submitted' ELSE 'published' END, '',
       now() - (i %% 700) * interval '1 day', now(), now()
FROM generate_series(%(start)s, %(stop)s) AS i
CROSS JOIN (SELECT array_agg(id) AS ids FROM reports_category
            WHERE may_be_public AND location_required) AS cats
CROSS JOIN LATERAL (
    SELECT pt, ST_Transform(pt, 2100) AS g FROM (
        SELECT ST_SetSRID(ST_MakePoint(23.605 + random() * 0.07 + i * 0,
                                       37.928 + random() * 0.044), 4326) AS pt) q) AS p
"""

NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# Tiles over Piraeus at several zooms: (z, x, y).
TILES = [
    (10, 579, 395),
    (11, 1158, 790),
    (12, 2317, 1580),
    (13, 4634, 3161),
    (14, 9268, 6323),
    (15, 18537, 12646),
    (16, 37074, 25293),
]
BBOX = (23.640, 37.940, 23.650, 37.946)  # about 900 m × 650 m in the centre

FLOOR_GEOJSON_SQL = """
SELECT json_build_object('type', 'FeatureCollection', 'features',
    coalesce(json_agg(json_build_object(
        'type', 'Feature', 'id', r.public_id,
        'geometry', ST_AsGeoJSON(r.public_location, 6)::json,
        'properties', json_build_object(
            'category', c.slug, 'group', c."group", 'status', r.status,
            'description', r.description,
            'occurred_on', to_char(r.occurred_at AT TIME ZONE %(zone)s, 'YYYY-MM-DD'),
            'submitted_on', to_char(r.created_at AT TIME ZONE %(zone)s, 'YYYY-MM-DD'),
            'area', a.code, 'severity', r.severity, 'feeling_unsafe', r.feeling_unsafe,
            'cyber_channel', nullif(r.cyber_channel, ''),
            'public_note', nullif(r.public_note, ''))
    ) ORDER BY r.created_at DESC, r.id DESC), '[]'::json))::text
FROM (
    SELECT * FROM reports_report r
    WHERE r.status IN ('published', 'forwarded', 'resolved', 'closed')
      AND r.duplicate_of_id IS NULL
      AND r.public_location && ST_MakeEnvelope(%(x1)s, %(y1)s, %(x2)s, %(y2)s, 4326)
      AND ST_Intersects(r.public_location, ST_MakeEnvelope(%(x1)s, %(y1)s, %(x2)s, %(y2)s, 4326))
      AND r.category_id IN (SELECT id FROM reports_category WHERE may_be_public)
    ORDER BY r.created_at DESC, r.id DESC
    LIMIT 5000
) r
JOIN reports_category c ON c.id = r.category_id
LEFT JOIN areas_area a ON a.id = r.area_id
"""

RAW_INSERT_SQL = """
INSERT INTO reports_report (
    public_id, category_id, description, occurred_at, location, public_location,
    severity, feeling_unsafe, cyber_channel, cyber_sender, contact_email, language,
    status, public_note, created_at, updated_at)
VALUES (gen_random_uuid(), %s, %s, now(), ST_SetSRID(ST_MakePoint(%s, %s), 4326),
        ST_SetSRID(ST_MakePoint(%s, %s), 4326), 3, 3, '', '', '', 'en', 'submitted', '',
        now(), now())
"""


def seed(total: int) -> None:
    have = Report.objects.count()
    if have >= total:
        print(f"reports: {have:,} in the database (seeded earlier)")
        return
    # The seeded reports get no district here (the analytics part places them, bench/analytics);
    # the districts are loaded first for the submissions of (c), which a point outside the
    # municipality would have refused, on a database where no other part has loaded them.
    if not Area.objects.filter(level=Area.Level.DISTRICT).exists():
        areas_load_file(path=DEMO_AREAS)
    print(f"reports: seeding {total - have:,} (once; later runs reuse them)...", flush=True)
    started = time.perf_counter()
    # The triggers keep the cell counts (and the council's monthly counts) row by row, each
    # report's UPDATE leaving the row's old version behind. In production one report is one
    # transaction, and PostgreSQL prunes the old versions on the page as it goes, autovacuum the
    # rest; a bulk load in a few large transactions can prune nothing and would leave the counts
    # four to five times their size (seen: 79 MB for 17 MB of rows). So the seed goes in batches
    # small against the 46,000 cells, each followed by the VACUUM autovacuum would run after so
    # many updates.
    step = 10_000
    with connection.cursor() as cursor:
        for start in range(have + 1, total + 1, step):
            stop = min(start + step - 1, total)
            cursor.execute(SEED_SQL, {"start": start, "stop": stop})
            cursor.execute(
                "VACUUM reports_publiccell, reports_publiccelldays, reports_councilmonthcount"
            )
        cursor.execute(
            "ANALYZE reports_report, reports_publiccell, reports_publiccelldays, "
            "reports_councilmonthcount"
        )
    dirty_pages_written()
    print(f"  seeded in {time.perf_counter() - started:.0f} s")


def bench_tiles(client: Client) -> None:
    # The endpoint against its SQL: without the tile cache, which would hide the work.
    with override_settings(CACHES=NO_CACHE):
        _bench_tiles(client)
    url = "/api/v1/tiles/reports/{}/{}/{}.pbf".format(*TILES[0])
    cached = median_seconds(lambda: client.get(url))
    print(f"    z{TILES[0][0]} from the tile cache: {cached * 1000:.1f} ms")


def _bench_tiles(client: Client) -> None:
    # All time (read from the public-cell counts), and two periods (read from the counts per
    # cell and day, as every tile with a period and no box is): the last year, and a month a
    # year ago. For reference, the same period tile's SQL on the reports themselves: what a
    # period cost before the day counts, and what a tile with a box still reads.
    today = timezone.localdate()
    periods = {
        "last year": ReportFilter(since=today - timedelta(days=365)),
        "a month a year ago": ReportFilter(
            since=today - timedelta(days=395), until=today - timedelta(days=365)
        ),
    }
    kinds: list[tuple[str, str, Located]] = [("all time", "", public_cells(ReportFilter()))]
    for label, period in periods.items():
        query = f"?since={period.since}" + (f"&until={period.until}" if period.until else "")
        kinds.append((label, query, public_cell_days(period)))
    ratios = []
    endpoint_seconds: dict[tuple[str, int], float] = {}
    # Zoom by zoom, the three kinds one after the other: a period tile and the all-time tile it
    # is compared with are measured moments apart, not a pass of seven tiles apart (seen: the
    # run just after seeding took 88 ms for the last year's z13 tile, the next run 60 ms).
    for z, x, y in TILES:
        for label, query, located in kinds:
            url = f"/api/v1/tiles/reports/{z}/{x}/{y}.pbf{query}"
            sql, params = _tile_sql(located, z, x, y)

            def endpoint(url: str = url) -> None:
                response = client.get(url)
                assert response.status_code == 200

            ours, bare = paired_median_seconds(endpoint, _sql_run(sql, params), repeat=7)
            endpoint_seconds[(label, z)] = ours
            ratios.append(ours / bare)
            print(ratio_line(f"tile z{z}, {label}", ours, bare, "≤ 1.3"))
    ratios.sort()
    print(f"(a) tiles: median ratio {ratios[len(ratios) // 2]:.2f} (target ≤ 1.3)")
    for label, period in periods.items():
        for z, x, y in TILES:
            from_reports = median_seconds(
                _sql_run(*_tile_sql(reports_filter(reports_public(), period), z, x, y)), repeat=5
            )
            ours, all_time = endpoint_seconds[(label, z)], endpoint_seconds[("all time", z)]
            print(
                f"    z{z}, {label}: {ours * 1000:.1f} ms / all time {all_time * 1000:.1f} ms, "
                f"ratio {ours / all_time:.2f} (target ≤ 2); the same tile's SQL on the reports "
                f"{from_reports * 1000:.1f} ms"
            )


def _tile_sql(located: Located, z: int, x: int, y: int) -> tuple[str, list[Any]]:
    """The statement the tile view sends for one tile of these rows: the floor of a tile."""
    return tile_sql_around(tile_points_sql(located), z, x, y)


def _sql_run(sql: str, params: list[Any]) -> Callable[[], None]:
    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchone()

    return run


def bench_geojson(client: Client) -> None:
    x1, y1, x2, y2 = BBOX
    url = f"/api/v1/reports/?bbox={x1},{y1},{x2},{y2}&limit=5000"
    params = {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "zone": settings.TIME_ZONE}
    count = len(client.get(url).json()["features"])

    def endpoint() -> None:
        response = client.get(url)
        assert response.status_code == 200

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_GEOJSON_SQL, params)
            cursor.fetchone()

    ours, bare = paired_median_seconds(endpoint, floor, repeat=9)
    print(ratio_line(f"(b) GeoJSON bbox, {count} features", ours, bare, "≤ 1.5"))


def bench_open311(client: Client, batch: int = 5) -> None:
    """Open311 requests (JSON and XML) against the GeoJSON list at the same page size, each a
    batch of requests through the test client; target ≤ 1.5× (throughput ≥ 1/1.5)."""
    n = len(client.get("/open311/v2/requests.json").json())
    geojson_url = f"/api/v1/reports/?limit={n}"
    assert len(client.get(geojson_url).json()["features"]) == n

    def requests_of(url: str) -> Callable[[], None]:
        def run() -> None:
            for _ in range(batch):
                assert client.get(url).status_code == 200

        return run

    for fmt in ("json", "xml"):
        ours, geojson = paired_median_seconds(
            requests_of(f"/open311/v2/requests.{fmt}"), requests_of(geojson_url), repeat=9
        )
        name = f"(b) Open311 requests.{fmt} vs the GeoJSON list, {n} each"
        print(
            ratio_line(name, ours, geojson, "≤ 1.5")
            + f"; {batch / ours:.0f} against {batch / geojson:.0f} requests/s"
        )


def bench_submissions(client: Client, n: int = 300) -> None:
    category = Category.objects.get(slug="graffiti")
    body = {
        "category": "graffiti",
        "description": "Benchmark submission",
        "severity": 3,
        "feeling_unsafe": 3,
        "latitude": 37.9425,
        "longitude": 23.6465,
    }
    anonymous = Client(HTTP_HOST="localhost")

    def api(client: Client) -> Callable[[], None]:
        def post() -> None:
            for _ in range(n):
                response = client.post("/api/v1/reports/", body, content_type="application/json")
                assert response.status_code == 201, response.content

        return post

    def service() -> None:
        for _ in range(n):
            draft = ReportDraft(
                category=category,
                description="Benchmark submission",
                occurred_at=timezone.now(),
                severity=3,
                feeling_unsafe=3,
                location=Point(23.6465, 37.9425, srid=4326),
            )
            report_submit(draft=draft, reporter=None, client_address="127.0.0.1")

    def floor() -> None:
        with connection.cursor() as cursor:
            for _ in range(n):
                cursor.execute(
                    RAW_INSERT_SQL,
                    [category.pk, "Benchmark submission", 23.6465, 37.9425, 23.6465, 37.9425],
                )

    # What a submission cannot go below, for the record: its one statement alone, as the
    # service sends it (a new public id each time), and a POST through the same middleware and
    # DRF to a view that does nothing (bench/request_floor.py).
    statement, params = _placed_statement(anonymous, body)

    def statement_alone() -> None:
        with prepared_cursor(connection) as cursor:
            for _ in range(n):
                cursor.execute(statement, {**params, "r_public_id": uuid.uuid4()})

    # What a signed-in request reads before any view runs: its session with the account and
    # its roles, one prepared statement (curim/accounts/sessions.py), bare.
    session_key = client.session.session_key
    session_sql = session_read_sql()

    with prepared_cursor(connection) as cursor:  # the very session the signed-in POSTs send
        cursor.execute(session_sql, [session_key, timezone.now()])
        row = cursor.fetchone()
    assert row is not None, "the signed-in client's session was not found"
    assert row[2] is not None, "its session names no account"  # data, expiry, the account's id

    def session_alone() -> None:
        with prepared_cursor(connection) as cursor:
            for _ in range(n):
                cursor.execute(session_sql, [session_key, timezone.now()])
                cursor.fetchone()

    def empty_post(client: Client) -> Callable[[], None]:
        def post() -> None:
            with override_settings(ROOT_URLCONF="bench.request_floor"):
                for _ in range(n):
                    response = client.post(URL_EMPTY_POST, body, content_type="application/json")
                    assert response.status_code == 201

        return post

    # Interleaved rounds, so that a slow moment of the disk (checkpoints) hits all alike.
    runs = {
        "floor": floor,
        "statement": statement_alone,
        "session read": session_alone,
        "empty POST": empty_post(anonymous),
        "empty POST signed in": empty_post(client),
        "service": service,
        "anonymous": api(anonymous),
        "signed in": api(client),
    }
    timings: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(5):
        for name, run in runs.items():
            timings[name].append(median_seconds(run, repeat=1, warmup=0))
    seconds = {name: statistics.median(times) for name, times in timings.items()}
    bare = seconds["floor"]
    print(
        f"(c) submissions: service {n / seconds['service']:.0f}/s, raw INSERTs {n / bare:.0f}/s, "
        f"ratio {bare / seconds['service']:.2f} (target ≥ 0.25)"
    )
    for name in ("anonymous", "signed in"):
        print(
            f"    through the HTTP API, {name}: {n / seconds[name]:.0f}/s, "
            f"ratio {bare / seconds[name]:.2f}"
        )
    # The database's own floor of a signed-in submission: the raw INSERT and the session read
    # it cannot do without (docs/performance.md, "Signed-in submissions and their floor").
    signed_floor = bare + seconds["session read"]
    print(
        f"    signed in, against its database floor (raw INSERT + the session read): ratio "
        f"{signed_floor / seconds['signed in']:.2f}"
    )
    # The submissions lie in the GeoJSON part's box: left there, each run would make the next
    # one's box denser (seen: its floor from 68 to 138 ms over three runs).
    Report.objects.filter(description="Benchmark submission").delete()
    with connection.cursor() as cursor:  # as autovacuum would (it may be off: bench/__main__)
        cursor.execute("VACUUM ANALYZE reports_report, reports_reportevent, reports_follow")
    each = {name: seconds[name] / n * 1000 for name in seconds}
    print(
        f"    a submission's floors: raw INSERT {each['floor']:.2f} ms; its statement alone "
        f"{each['statement']:.2f} ms; the session read alone {each['session read']:.2f} ms; "
        "an empty POST through the middleware and DRF "
        f"{each['empty POST']:.2f} ms anonymous, {each['empty POST signed in']:.2f} ms signed in "
        "(the session read with its account); with no Python of the submission's own, the ratio "
        f"could be at most {each['floor'] / (each['statement'] + each['empty POST']):.2f} "
        "anonymous and "
        f"{each['floor'] / (each['statement'] + each['empty POST signed in']):.2f} signed in; "
        f"the submissions take {each['anonymous']:.2f} and {each['signed in']:.2f} ms"
    )


def _placed_statement(client: Client, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The statement and parameters of one anonymous submission, as the service sends them."""
    sent: list[tuple[str, dict[str, Any]]] = []

    def keep(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "INSERT INTO" in sql and isinstance(params, dict) and "r_public_id" in params:
            sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        response = client.post("/api/v1/reports/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    (statement,) = sent
    return statement


def run(*, total: int) -> None:
    seed(total)
    client = Client(HTTP_HOST="localhost")
    citizen, _ = User.objects.get_or_create(email="bench@example.org")
    client.force_login(citizen)  # the signed-in path (its limit is lifted in bench/__main__.py)
    bench_tiles(client)
    bench_geojson(client)
    bench_open311(client)
    bench_submissions(client)
