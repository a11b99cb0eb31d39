"""Open data: the CSV export and the vector tiles of published reports."""

import csv
from itertools import chain

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from curim.core.spreadsheet import formula_defused
from curim.reports.api.common import (
    ReportQuerySerializer,
    errors_response,
)
from curim.reports.selectors import (
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
    tile_exists,
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
    # The counts per cell answer: all time without a period, per day with one; a box needs
    # the reports (the cells know none).
    located: Located
    if criteria.bbox is not None:
        located = reports_filter(reports_public(), criteria)
    elif criteria.since is None and criteria.until is None:
        located = public_cells(criteria)
    else:
        located = public_cell_days(criteria)
    tile = tile_cached(key, lambda: tile_bytes(located, z, x, y))
    response = HttpResponse(tile, content_type="application/vnd.mapbox-vector-tile")
    response["Cache-Control"] = "public, max-age=60"
    return response
