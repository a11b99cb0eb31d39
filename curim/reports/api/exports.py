"""Open data: the CSV export and the vector tiles of published reports."""

import csv
import functools
from itertools import chain
from typing import Any

from django.db import router
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from curim.core.spreadsheet import formula_defused
from curim.reports.api.common import (
    ReportQuerySerializer,
    errors_response,
)
from curim.reports.selectors import (
    ReportFilter,
    public_cell_days,
    public_cells,
    reports_filter,
    reports_public,
)
from curim.reports.serialise import (
    CSV_COLUMNS,
    Located,
    csv_rows,
    tile_bytes,
    tile_bytes_around,
    tile_exists,
    tile_points_sql,
)
from curim.reports.tilecache import tile_cached


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value: object) -> object:
    return formula_defused(value) if isinstance(value, str) else value


@require_safe
def reports_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Open data: published reports as CSV, public columns only, with the list's filters."""
    query = ReportQuerySerializer(data=request.GET)
    if not query.is_valid():
        return errors_response(query.errors)
    reports = reports_filter(reports_public(), query.criteria()).order_by("-created_at", "-id")
    writer = csv.writer(_Echo())
    rows = ([_csv_cell(value) for value in row] for row in csv_rows(reports))
    lines = chain([writer.writerow(CSV_COLUMNS)], (writer.writerow(row) for row in rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="curim-reports.csv"'
    return response


@require_safe
def report_tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    """A Mapbox Vector Tile of public report locations, counted per category and cluster."""
    if not tile_exists(z, x, y):
        raise Http404("No such tile")
    query = ReportQuerySerializer(data=request.GET)
    if not query.is_valid():
        return errors_response(query.errors)
    criteria = query.criteria()
    key = f"{z}/{x}/{y}?{request.GET.urlencode()}"
    tile = tile_cached(key, lambda: _tile_built(criteria, z, x, y))
    response = HttpResponse(tile, content_type="application/vnd.mapbox-vector-tile")
    response["Cache-Control"] = "public, max-age=60"
    return response


def _tile_built(criteria: ReportFilter, z: int, x: int, y: int) -> bytes:
    if criteria.bbox is not None:
        # A box needs the reports (the cells know none).
        return tile_bytes(reports_filter(reports_public(), criteria), z, x, y)
    points, model = _tile_points(criteria)
    return tile_bytes_around(points, router.db_for_read(model), z, x, y)


@functools.lru_cache(maxsize=256)
def _tile_points(criteria: ReportFilter) -> tuple[tuple[str, tuple[Any, ...]], type[Model]]:
    """What the tiles of these criteria count (without a box), compiled once per criteria: a map
    asks for a dozen tiles of the same criteria at a time, and building and compiling the
    queryset cost more than a high zoom's tile itself (docs/performance.md). The SQL holds the
    criteria's values only; what is public is decided by the tables when it runs."""
    located: Located
    if criteria.since is None and criteria.until is None:
        located = public_cells(criteria)  # all time
    else:
        located = public_cell_days(criteria)  # per day
    return tile_points_sql(located), located.model
