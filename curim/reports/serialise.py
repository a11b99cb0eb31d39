"""Public outputs of reports built by PostGIS: GeoJSON FeatureCollections, the open-data CSV,
vector tiles, and the averaged map of place evaluations.

They read only the public columns listed here; the exact location, reporter, contact e-mail and
client address are never selected, so they cannot leak through these outputs.
"""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import F, QuerySet, Value

from curim.core.replica import read_connection
from curim.reports.models import (
    EVALUATIONS_PER_CELL_MIN,
    PlaceEvaluation,
    PublicCell,
    PublicCellDays,
    Report,
)

PUBLIC_PROPERTIES = """json_build_object(
    'category', c.slug,
    'group', c."group",
    'status', r.status,
    'description', r.description,
    'occurred_on', to_char(r.occurred_at AT TIME ZONE %s, 'YYYY-MM-DD'),
    'submitted_on', to_char(r.created_at AT TIME ZONE %s, 'YYYY-MM-DD'),
    'area', a.code,
    'severity', r.severity,
    'feeling_unsafe', r.feeling_unsafe,
    'cyber_channel', nullif(r.cyber_channel, ''),
    'public_note', nullif(r.public_note, '')
)"""

FEATURE = f"""json_build_object(
    'type', 'Feature',
    'id', r.public_id,
    'geometry', ST_AsGeoJSON(r.public_location, 6)::json,
    'properties', {PUBLIC_PROPERTIES}
)"""


def _public_rows(reports: QuerySet[Report]) -> QuerySet[Report, Any]:
    # The report's own public columns; category and district are joined by the caller after
    # any LIMIT (see PAGE_JOINS), so that a page joins only its own rows. No internal id: the
    # public outputs read public columns only.
    return reports.values(
        "public_id",
        "category_id",
        "area_id",
        "status",
        "description",
        "occurred_at",
        "created_at",
        "severity",
        "feeling_unsafe",
        "cyber_channel",
        "public_note",
        "public_location",
    )


# Joined to a selection of _public_rows aliased "r": the category (c) and district (a).
PAGE_JOINS = (
    "JOIN reports_category c ON c.id = r.category_id LEFT JOIN areas_area a ON a.id = r.area_id"
)


def features_page_json(reports: QuerySet[Report], *, offset: int, limit: int) -> tuple[str, bool]:
    """One page of GeoJSON features and whether another page follows, in a single query."""
    page = reports[offset : offset + limit + 1]  # one extra row says whether there is more
    inner, params = _public_rows(page).query.sql_with_params()
    sql = (
        f"SELECT coalesce(json_agg({FEATURE} ORDER BY r.ordinal) "  # noqa: S608
        "FILTER (WHERE r.ordinal <= %s), '[]'::json)::text, count(*) > %s "
        f"FROM (SELECT q.*, row_number() OVER () AS ordinal FROM ({inner}) q) r {PAGE_JOINS}"
    )
    zone = settings.TIME_ZONE
    with connections[reports.db].cursor() as cursor:
        cursor.execute(sql, [zone, zone, limit, limit, *params])
        features, more = cursor.fetchone()
    return str(features), bool(more)


CSV_COLUMNS = [
    "id",
    "category",
    "group",
    "status",
    "occurred_on",
    "submitted_on",
    "area",
    "severity",
    "feeling_unsafe",
    "cyber_channel",
    "longitude",
    "latitude",
    "description",
    "public_note",
]


def csv_rows(reports: QuerySet[Report]) -> Iterator[list[object]]:
    """Public reports as CSV rows (public columns only), read in batches from the database."""
    inner, params = _public_rows(reports).query.sql_with_params()
    sql = (
        'SELECT r.public_id, c.slug, c."group", r.status, '  # noqa: S608
        "to_char(r.occurred_at AT TIME ZONE %s, 'YYYY-MM-DD'), "
        "to_char(r.created_at AT TIME ZONE %s, 'YYYY-MM-DD'), a.code, r.severity, "
        "r.feeling_unsafe, r.cyber_channel, round(ST_X(r.public_location)::numeric, 6), "
        "round(ST_Y(r.public_location)::numeric, 6), r.description, r.public_note "
        f"FROM (SELECT q.*, row_number() OVER () AS ordinal FROM ({inner}) q) r {PAGE_JOINS} "
        "ORDER BY r.ordinal"
    )
    zone = settings.TIME_ZONE
    with connections[reports.db].cursor() as cursor:
        cursor.execute(sql, [zone, zone, *params])
        while rows := cursor.fetchmany(2000):
            yield from (list(row) for row in rows)


def feature_json(report: QuerySet[Report]) -> str | None:
    """One public report as a GeoJSON Feature, or None."""
    inner, params = _public_rows(report[:1]).query.sql_with_params()
    zone = settings.TIME_ZONE
    with connections[report.db].cursor() as cursor:
        sql = f"SELECT {FEATURE}::text FROM ({inner}) r {PAGE_JOINS}"  # noqa: S608
        cursor.execute(sql, [zone, zone, *params])
        row = cursor.fetchone()
    return str(row[0]) if row else None


# --- Vector tiles -----------------------------------------------------------------------------
WORLD = 20037508.342789244  # half the width of the Web Mercator square, in metres
MAX_ZOOM = 22
CLUSTERS_PER_TILE_EDGE = 64
# A dot is drawn up to 24 px (6 clusters) from its centre (static/js/risk-map.js), and each tile
# is drawn on its own: a tile also carries the whole clusters within this margin outside it, so
# that a dot on a tile's edge is drawn by both tiles rather than cut in half.
MARGIN_CLUSTERS = 6


def tile_exists(z: int, x: int, y: int) -> bool:
    return 0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z


# What a tile counts: public reports (each counts one), or public cells of all time or per day
# (each counts its reports), already filtered.
Located = QuerySet[Report] | QuerySet[PublicCell] | QuerySet[PublicCellDays]


def tile_points_sql(located: Located) -> tuple[str, tuple[Any, ...]]:
    """What a tile counts, as rows of (category_id, point in EPSG:3857, weight): the ORM's part
    of every tile of the same criteria, so that it can be compiled once for all their tiles
    (the tile view keeps it per criteria); `tile_sql_around` puts each tile's square around it.

    `located` is either public reports (each counts one) or public cells, all time or per day
    (each counts its reports), already filtered.
    """
    points: QuerySet[Any, Any]
    if located.model is PublicCell:
        points = located.values("category_id", point=F("point_3857"), weight=F("count"))
    elif located.model is PublicCellDays:
        # Counted within the period by public_cell_days.
        points = located.values("category_id", point=F("point_3857"), weight=F("count_in_period"))
    else:
        points = located.values("category_id", point=F("public_point_3857"), weight=Value(1))
    # .order_by(): an ordering would sort every point for nothing, and keep PostgreSQL from
    # merging this query into the tile's (where the square's test must reach the index).
    sql, params = points.order_by().query.sql_with_params()
    return sql, tuple(params)


def tile_sql_around(
    points: tuple[str, tuple[Any, ...]], z: int, x: int, y: int
) -> tuple[str, list[Any]]:
    """The ST_AsMVT query for one tile of the rows `points` (from `tile_points_sql`)."""
    inner, params = points
    size = 2 * WORLD / 2**z  # the tile's edge in EPSG:3857 metres
    cell = size / CLUSTERS_PER_TILE_EDGE
    # Tile edges are cluster edges, so a margin of whole clusters holds whole clusters only.
    margin = MARGIN_CLUSTERS * cell
    minx, maxy = -WORLD + x * size, WORLD - y * size
    square = [minx - margin, maxy - size - margin, minx + size + margin, maxy + margin]
    # Clusters are counted on integer grid indices, which PostgreSQL hashes cheaply; the grid's
    # origin is half a cell off the tile edges, so that no cluster straddles two tiles and gets
    # drawn twice with partial counts. The category's code is joined to the few clusters only.
    # The square's test applies to the table itself (a plain subquery is merged into this one):
    # its GiST index finds the points. Composed only from constants and Django's own compiled
    # (parameterised) SQL.
    sql = f"""
        WITH grid AS (SELECT %s::float8 AS size, %s::float8 AS origin),
        cells AS (
            SELECT p.category_id, sum(p.weight) AS count,
                   round((ST_X(p.point) - grid.origin) / grid.size) AS i,
                   round((ST_Y(p.point) - grid.origin) / grid.size) AS j
            FROM ({inner}) p, grid
            WHERE p.point && ST_MakeEnvelope(%s, %s, %s, %s, 3857)
            GROUP BY 1, 3, 4
        )
        SELECT ST_AsMVT(t, 'reports', 4096, 'geom') FROM (
            SELECT category.slug AS category, c.count,
                   ST_AsMVTGeom(
                       ST_SetSRID(ST_MakePoint(grid.origin + c.i * grid.size,
                                               grid.origin + c.j * grid.size), 3857),
                       ST_TileEnvelope(%s, %s, %s), 4096, %s, true) AS geom
            FROM cells c JOIN reports_category category ON category.id = c.category_id, grid
        ) t
    """  # noqa: S608
    buffer = 4096 // CLUSTERS_PER_TILE_EDGE * MARGIN_CLUSTERS  # the margin in tile units
    return sql, [cell, cell / 2, *params, *square, z, x, y, buffer]


def tile_bytes(located: Located, z: int, x: int, y: int) -> bytes:
    return tile_bytes_around(tile_points_sql(located), located.db, z, x, y)


def tile_bytes_around(
    points: tuple[str, tuple[Any, ...]], database: str, z: int, x: int, y: int
) -> bytes:
    """The tile of the rows `points` (from `tile_points_sql`), read from `database`."""
    sql, params = tile_sql_around(points, z, x, y)
    with connections[database].cursor() as cursor:
        cursor.execute(sql, params)
        (tile,) = cursor.fetchone()
    return bytes(tile or b"")


# --- Place evaluations ----------------------------------------------------------------------
# The ratings of a cell count only by (cell, time of day) groups of at least the minimum, in
# every answer: a cell's count over both times of day, less its count by day, would otherwise
# give the one night rating of a cell that shows three by day.
CELLS_SQL = """
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(
  json_build_object(
    'type', 'Feature',
    'geometry', ST_AsGeoJSON(cell.public_location, 6)::json,
    'properties', json_build_object(
      'count', cell.n, 'feeling', cell.feeling, 'lighting', cell.lighting,
      'visibility', cell.visibility, 'people', cell.people, 'security', cell.security,
      'walk_path', cell.walk_path
    )
  )), '[]'::json))::text
FROM (
  SELECT public_location, sum(n) AS n,
         round(sum(feeling) / sum(n), 2) AS feeling,
         round(sum(lighting) / sum(n), 2) AS lighting,
         round(sum(visibility) / sum(n), 2) AS visibility,
         round(sum(people) / sum(n), 2) AS people,
         round(sum(security) / sum(n), 2) AS security,
         round(sum(walk_path) / sum(n), 2) AS walk_path
  FROM (
    SELECT public_location, count(*) AS n, sum(feeling) AS feeling, sum(lighting) AS lighting,
           sum(visibility) AS visibility, sum(people) AS people, sum(security) AS security,
           sum(walk_path) AS walk_path
    FROM reports_placeevaluation
    WHERE (%(time_of_day)s::text IS NULL OR time_of_day = %(time_of_day)s)
    GROUP BY public_location, time_of_day
    HAVING count(*) >= %(minimum)s
  ) shown_group
  GROUP BY public_location
) cell
"""


def evaluation_cells_geojson(*, time_of_day: str | None) -> str:
    """Average ratings per public 50 m cell over all time, as a GeoJSON FeatureCollection made
    by PostGIS; only (cell, time of day) groups of at least EVALUATIONS_PER_CELL_MIN ratings
    count, in any answer."""
    with read_connection(PlaceEvaluation).cursor() as cursor:
        cursor.execute(CELLS_SQL, {"time_of_day": time_of_day, "minimum": EVALUATIONS_PER_CELL_MIN})
        (body,) = cursor.fetchone()
    return str(body)
