"""Reading a file of official incidents (CSV or GeoJSON) into checked rows, without a database.

`parse_incident_rows` is shared by the import (`services/incident_import.py`, which then maps
the categories, checks the municipality and writes) and by `manage.py analytics_run
--incidents FILE.csv`, which reads a file without storing it. docs/analytics/official-incidents.md
describes the formats and the rules.

Errors come as (row, column, message): row 0 is the file as a whole; in a CSV row 1 is the
header and the data start on row 2 (as a spreadsheet numbers them); in GeoJSON row n is the
n-th feature. Coordinates in EPSG:2100 (Greek Grid) are turned into WGS 84 by GDAL.
"""

import csv
import io
import json
import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import Point
from django.utils import timezone
from django.utils.translation import gettext as _

CSV = "csv"
GEOJSON = "geojson"
COLUMNS = ("id", "x", "y", "crs", "occurred_at", "category")  # the contract with analytics_run
PROPERTIES = ("id", "occurred_at", "category")
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_TEXT = 200  # the longest id and category the records hold
WGS84 = "EPSG:4326"
GREEK_GRID = "EPSG:2100"
# Names a GeoJSON file's `crs` may give, and what they mean (ogr2ogr and QGIS write the URNs).
CRS_NAMES = {
    "epsg:4326": WGS84,
    "urn:ogc:def:crs:epsg::4326": WGS84,
    "urn:ogc:def:crs:ogc:1.3:crs84": WGS84,
    "epsg:2100": GREEK_GRID,
    "urn:ogc:def:crs:epsg::2100": GREEK_GRID,
}
# A coarse box around Greece, islands included (WGS 84); the municipality's boundary is the
# real test, in the database.
GREECE = (19.0, 34.5, 30.0, 42.0)  # west, south, east, north
ATHENS = ZoneInfo("Europe/Athens")
SURROGATE = re.compile("[\ud800-\udfff]")
TIME_GIVEN = re.compile(r"\d[T ]\d")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class IncidentRow:
    """One incident as the file gives it, its point in WGS 84 and its time zone-aware."""

    number: int
    external_id: str
    longitude: float
    latitude: float
    occurred_at: datetime
    their_category: str


class _FileError(ValueError):
    """The file cannot be read as a table of incidents at all."""


def file_format(file_name: str, content: bytes) -> str:
    """GeoJSON when the name says so or the text starts with `{`; CSV otherwise."""
    name = file_name.lower()
    if name.endswith((".xlsx", ".xls", ".ods")):
        raise _FileError(_("Save the sheet as “CSV UTF-8” and import the CSV file."))
    if name.endswith((".geojson", ".json")):
        return GEOJSON
    if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return GEOJSON
    return CSV


def parse_incident_rows(
    content: bytes, file_name: str, *, now: datetime | None = None
) -> tuple[list[IncidentRow], list[RowError]]:
    """The file's incidents and its errors, by row then column. A row with an error is not
    among the incidents; the import takes a file only when the errors are none."""
    errors: list[RowError] = []
    try:
        if len(content) > MAX_BYTES:
            raise _FileError(
                _("The file is larger than %(n)d MB.") % {"n": MAX_BYTES // (1024 * 1024)}
            )
        text = _text(content)
        if file_format(file_name, content) == GEOJSON:
            records = _geojson_records(text)
        else:
            records = _csv_records(text, errors)
    except _FileError as error:
        return [], [RowError(0, "", str(error))]
    if not records and not errors:
        return [], [RowError(0, "", _("The file has no incidents."))]
    if len(records) > MAX_ROWS:
        return [], [RowError(0, "", _("The file has more than %(n)d rows.") % {"n": MAX_ROWS})]
    to_wgs84 = CoordTransform(SpatialReference(2100), SpatialReference(4326))
    moment = now or timezone.now()
    rows: list[IncidentRow] = []
    first_of: dict[str, int] = {}
    for number, values in records:
        row = _row(number, values, to_wgs84, moment, errors)
        if row is None:
            continue
        if row.external_id in first_of:
            errors.append(
                RowError(
                    number,
                    "id",
                    _("Row %(n)d has the same id.") % {"n": first_of[row.external_id]},
                )
            )
            continue
        first_of[row.external_id] = number
        rows.append(row)
    order = {name: index for index, name in enumerate(COLUMNS)}
    errors.sort(key=lambda e: (e.row, order.get(e.column, len(order))))
    return rows, errors


# --- Text -------------------------------------------------------------------------------------
def _text(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise _FileError(
            _("The file is not UTF-8 text (line %(n)d): save it as “CSV UTF-8” or UTF-8 GeoJSON.")
            % {"n": line}
        ) from None


# --- CSV --------------------------------------------------------------------------------------
def _csv_records(text: str, errors: list[RowError]) -> list[tuple[int, dict[str, Any]]]:
    first = text.lstrip("\r\n").split("\n", 1)[0]
    # The header decides the separator: a spreadsheet set to Greek writes ";".
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise _FileError(
            _("The CSV file cannot be read: %(e)s") % {"e": str(error)[:200]}
        ) from None
    numbered = [
        (n, cells) for n, cells in enumerate(table, start=1) if any(c.strip() for c in cells)
    ]
    if not numbered:
        raise _FileError(_("The file is empty."))
    header_number, header_cells = numbered[0]
    header = [cell.strip().lower() for cell in header_cells]
    _header_check(header_number, header, errors)
    if errors:
        return []
    if len(numbered) - 1 > MAX_ROWS:
        raise _FileError(_("The file has more than %(n)d rows.") % {"n": MAX_ROWS})
    records: list[tuple[int, dict[str, Any]]] = []
    for number, cells in numbered[1:]:
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            errors.append(RowError(number, "", _("The row has cells without a column.")))
            continue
        padded = [*cells, *[""] * (len(header) - len(cells))]
        records.append((number, dict(zip(header, padded, strict=False))))
    return records


def _header_check(number: int, header: list[str], errors: list[RowError]) -> None:
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        errors.append(
            RowError(
                number,
                "",
                _("Columns missing: %(names)s. The columns are: %(all)s.")
                % {"names": ", ".join(missing), "all": ", ".join(COLUMNS)},
            )
        )
    for name in sorted({name for name in header if name not in COLUMNS}):
        errors.append(RowError(number, name[:60], _("Not a column of this file.")))
    if len(set(header)) != len(header):
        errors.append(RowError(number, "", _("A column name appears twice.")))


# --- GeoJSON ----------------------------------------------------------------------------------
def _geojson_records(text: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise _FileError(_("The file is not valid JSON.")) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise _FileError(_("The GeoJSON must be a FeatureCollection."))
    features = document.get("features")
    if not isinstance(features, list):
        raise _FileError(_("The FeatureCollection has no list of features."))
    if len(features) > MAX_ROWS:
        raise _FileError(_("The file has more than %(n)d rows.") % {"n": MAX_ROWS})
    file_crs = _crs_given(document.get("crs"))
    if file_crs is None:
        raise _FileError(_("The file's crs is neither EPSG:4326 nor EPSG:2100."))
    return [
        (number, _feature_values(feature, file_crs))
        for number, feature in enumerate(features, start=1)
    ]


def _crs_given(value: Any) -> str | None:
    """The CRS a GeoJSON `crs` names (a string, or the 2008 spec's named object); WGS 84 when
    none is given, None when it is not one of ours."""
    if value is None:
        return WGS84
    if isinstance(value, dict):
        properties = value.get("properties")
        value = properties.get("name") if isinstance(properties, dict) else None
    if not isinstance(value, str):
        return None
    return CRS_NAMES.get(value.strip().lower())


def _feature_values(feature: Any, file_crs: str) -> dict[str, Any]:
    """The feature's values under the CSV's column names, numbers and all kept as JSON gave
    them (the row check says what is wrong); `_error` for what is no Point feature."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return {"_error": ("", _("This is not a GeoJSON Feature."))}
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        properties = {}
    values: dict[str, Any] = {name: properties.get(name) for name in PROPERTIES}
    crs = properties.get("crs")
    values["crs"] = file_crs if crs is None else crs
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        values["_error"] = ("geometry", _("The geometry must be a Point."))
        return values
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) not in (2, 3):
        values["_error"] = ("geometry", _("A Point has two coordinates: [x, y]."))
        return values
    if not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates):
        values["_error"] = ("geometry", _("The coordinates must be numbers."))
        return values
    values["x"], values["y"] = coordinates[0], coordinates[1]
    return values


# --- A row ------------------------------------------------------------------------------------
def _row(
    number: int,
    values: dict[str, Any],
    to_wgs84: CoordTransform,
    now: datetime,
    errors: list[RowError],
) -> IncidentRow | None:
    before = len(errors)

    def add(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    if "_error" in values:
        column, message = values.pop("_error")
        add(column, message)
    for column, value in values.items():
        if isinstance(value, str) and "\x00" in value:
            add(column, _("The cell holds a NUL character."))
        elif isinstance(value, str) and SURROGATE.search(value):
            add(column, _("The cell holds a character that is not valid text."))
    if len(errors) > before:
        return None
    external_id = _text_value(values.get("id"), "id", add, allow_integer=True)
    their_category = _text_value(values.get("category"), "category", add)
    crs = _crs_value(values.get("crs"), add)
    x = _number(values.get("x"), "x", add)
    y = _number(values.get("y"), "y", add)
    occurred_at = _moment(values.get("occurred_at"), now, add)
    point = None
    if crs is not None and x is not None and y is not None:
        point = _wgs84_point(x, y, crs, to_wgs84, add)
    if len(errors) > before or point is None or occurred_at is None:
        return None
    return IncidentRow(
        number=number,
        external_id=str(external_id),
        longitude=point[0],
        latitude=point[1],
        occurred_at=occurred_at,
        their_category=str(their_category),
    )


def _text_value(value: Any, column: str, add: Any, *, allow_integer: bool = False) -> str | None:
    if allow_integer and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        add(column, _("Give a value."))
        return None
    if not isinstance(value, str):
        add(column, _("Write this as text."))
        return None
    if len(value.strip()) > MAX_TEXT:
        add(column, _("At most %(n)d characters.") % {"n": MAX_TEXT})
        return None
    return value.strip()


def _crs_value(value: Any, add: Any) -> str | None:
    name = CRS_NAMES.get(value.strip().lower()) if isinstance(value, str) else None
    if name is None:
        add("crs", _("Unknown coordinate system: write EPSG:4326 or EPSG:2100."))
    return name


def _number(value: Any, column: str, add: Any) -> float | None:
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        add(column, _("Give a number."))
        return None
    if isinstance(value, str):
        if not NUMBER.fullmatch(value.strip()):
            add(column, _("Not a number: write it with a decimal point, e.g. 23.6475."))
            return None
        value = float(value)
    if not isinstance(value, int | float) or not math.isfinite(value):
        add(column, _("Not a number: write it with a decimal point, e.g. 23.6475."))
        return None
    return float(value)


def _moment(value: Any, now: datetime, add: Any) -> datetime | None:
    text = value.strip() if isinstance(value, str) else ""
    try:
        if not TIME_GIVEN.search(text):  # a date alone, or nothing: the time of day is needed
            raise ValueError
        moment = datetime.fromisoformat(text)
    except ValueError:
        add(
            "occurred_at",
            _(
                "Write the date and time as ISO 8601, e.g. 2026-03-14T22:30 (Athens time) or "
                "2026-03-14T20:30Z."
            ),
        )
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ATHENS)
    if moment > now:
        add("occurred_at", _("The time is in the future."))
        return None
    return moment


def _wgs84_point(
    x: float, y: float, crs: str, to_wgs84: CoordTransform, add: Any
) -> tuple[float, float] | None:
    """Longitude and latitude; a Greek Grid point is turned by GDAL (only those: a GEOS point
    per row costs more than the rest of the row's checks)."""
    if crs == WGS84:
        if not (-180 <= x <= 180 and -90 <= y <= 90):
            add("x", _("Not a longitude and latitude: is the crs EPSG:2100?"))
            return None
        longitude, latitude = x, y
    else:
        if abs(x) <= 180 and abs(y) <= 90:
            add("x", _("Not Greek Grid metres: is the crs EPSG:4326?"))
            return None
        point = Point(x, y, srid=2100)
        point.transform(to_wgs84)
        longitude, latitude = point.x, point.y
    west, south, east, north = GREECE
    if not (west <= longitude <= east and south <= latitude <= north):
        if crs == WGS84 and west <= y <= east and south <= x <= north:
            add("x", _("x and y look swapped: x is the longitude, y the latitude."))
        else:
            add("x", _("The point is outside Greece."))
        return None
    return longitude, latitude
