"""Turning user-supplied coordinates into GEOS geometries without ever involving a user's SRS.

GeoJSON is read as plain numbers and built with GEOS in EPSG:4326. A "crs" member is refused,
not parsed: GDAL < 3.9 could be made to open files or URLs while parsing a spatial reference
(Django's gis.W001), and this is where that door stays shut. WKT is read by GEOS alone, and an
EWKT SRID other than 4326 is refused rather than re-projected.
"""

import json
import math
import re
from itertools import accumulate
from typing import Any, cast

from django.contrib.gis.geos import (
    GEOSException,
    GEOSGeometry,
    LinearRing,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
    WKTReader,
)
from django.utils.translation import gettext as _

from curim.core.json_input import JSONInputError, json_parse

STORAGE_SRID = 4326

# (E)WKT of a polygon or multipolygon: only the characters WKT uses (no NUL, no JSON).
_EWKT = re.compile(
    r"(?:SRID=(?P<srid>[^;]{0,12});)?\s*"
    r"(?P<wkt>(?P<type>(?:MULTI)?POLYGON)\s*(?:ZM|Z|M)?\s*\((?P<body>[0-9eE,.+() \t\r\n-]*)\))",
    re.IGNORECASE,
)
# A MultiPolygon's positions sit three parentheses deep; GEOS need never read deeper nesting.
_WKT_MAX_DEPTH = 3
_PAREN_STEP = {"(": 1, ")": -1}


class GeometryError(ValueError):
    """The input is not a geometry we accept; the message says why, for the user."""


def point_from_lon_lat(longitude: Any, latitude: Any) -> Point:
    lon, lat = _number(longitude, "longitude"), _number(latitude, "latitude")
    if not -180 <= lon <= 180:
        raise GeometryError("longitude must be between -180 and 180")
    if not -90 <= lat <= 90:
        raise GeometryError("latitude must be between -90 and 90")
    return Point(lon, lat, srid=STORAGE_SRID)


def bbox_from_text(text: str) -> Polygon:
    """A box as the map and the lists of reports send it: "minlon,minlat,maxlon,maxlat"."""
    try:
        minlon, minlat, maxlon, maxlat = (float(part) for part in text.split(","))
    except ValueError:
        raise GeometryError(_("Give four numbers: minlon,minlat,maxlon,maxlat.")) from None
    if not (-180 <= minlon < maxlon <= 180 and -90 <= minlat < maxlat <= 90):
        raise GeometryError(
            _("The box must have min < max, longitudes within ±180 and latitudes within ±90.")
        )
    box = Polygon.from_bbox((minlon, minlat, maxlon, maxlat))
    box.srid = STORAGE_SRID
    return box


def multipolygon_from_geojson(geometry: Any) -> MultiPolygon:
    if not isinstance(geometry, dict):
        raise GeometryError("geometry must be a GeoJSON object")
    if "crs" in geometry:
        raise GeometryError("a 'crs' member is not accepted: coordinates are WGS 84 (EPSG:4326)")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [_polygon(coordinates)]
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise GeometryError("a MultiPolygon needs at least one polygon")
        polygons = [_polygon(part) for part in coordinates]
    else:
        raise GeometryError(f"expected a Polygon or MultiPolygon, got {kind!r}")
    result = MultiPolygon(*polygons, srid=STORAGE_SRID)
    if not result.valid:
        raise GeometryError(f"invalid geometry: {result.valid_reason}")
    return result


def multipolygon_from_text(text: str) -> MultiPolygon:
    """A boundary as a form sends it: GeoJSON (as the map widget writes it) or WKT in EPSG:4326."""
    text = text.strip()
    if text.startswith("{"):
        try:
            geometry = json_parse(text)
        except JSONInputError as exc:
            raise GeometryError(str(exc)) from None
        return multipolygon_from_geojson(geometry)
    match = _EWKT.fullmatch(text)
    if match is None:
        raise GeometryError(
            "enter a Polygon or MultiPolygon as GeoJSON or WKT, in WGS 84 (EPSG:4326)"
        )
    parens = "(" + "".join(c for c in match["body"] if c in "()") + ")"
    if max(accumulate(map(_PAREN_STEP.__getitem__, parens))) > _WKT_MAX_DEPTH:
        raise GeometryError("this WKT is nested deeper than a MultiPolygon")
    if match["srid"] is not None and match["srid"].strip() != str(STORAGE_SRID):
        raise GeometryError(
            f"SRID={match['srid']} is not accepted: coordinates are WGS 84 (EPSG:{STORAGE_SRID})"
        )
    try:
        parsed = WKTReader().read(match["wkt"])
    except (GEOSException, ValueError):
        raise GeometryError("this is not valid WKT") from None
    if not isinstance(parsed, Polygon | MultiPolygon):
        raise GeometryError(f"expected a Polygon or MultiPolygon, got {parsed.geom_type!r}")
    # Through the GeoJSON path, so that WKT gets the same range and validity checks (the dump
    # and load turn GEOS's nested tuples into lists; GEOSGeometry.json would call GDAL).
    coordinates = json.loads(json.dumps(parsed.coords))
    return multipolygon_from_geojson({"type": parsed.geom_type, "coordinates": coordinates})


def _polygon(rings: Any) -> Polygon:
    if not isinstance(rings, list) or not rings:
        raise GeometryError("a polygon needs at least one ring")
    return Polygon(*[_ring(ring) for ring in rings])


def _ring(positions: Any) -> LinearRing:
    if not isinstance(positions, list) or len(positions) < 4:
        raise GeometryError("a ring needs at least four positions")
    coords = []
    for position in positions:
        if not isinstance(position, list | tuple) or len(position) < 2:
            raise GeometryError("a position is a [longitude, latitude] pair")
        point = point_from_lon_lat(position[0], position[1])
        coords.append((point.x, point.y))
    if coords[0] != coords[-1]:
        raise GeometryError("a ring must end where it starts")
    return LinearRing(coords)


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise GeometryError(f"{name} must be a number")
    try:
        number = float(value)
    except ValueError:
        raise GeometryError(f"{name} must be a number") from None
    if not math.isfinite(number):
        raise GeometryError(f"{name} must be a finite number")
    return number


# A drawn intervention or place: a point, a line or an area, or several of one kind. Enough
# positions for a street traced on the map, bounded so that a pasted file cannot make GEOS work
# for long.
GEOMETRY_MAX_POSITIONS = 5_000
GEOMETRY_TEXT_MAX = 500_000
_GEOMETRY_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
)


def geometry_from_geojson(geometry: Any) -> GEOSGeometry:
    """A GeoJSON Point, LineString or Polygon (or a Multi* of one of them) in EPSG:4326, with
    the same refusals as the boundaries: no "crs" member, longitudes within ±180 and latitudes
    within ±90, finite numbers, valid shapes, and at most GEOMETRY_MAX_POSITIONS positions."""
    if not isinstance(geometry, dict):
        raise GeometryError(_("The geometry must be a GeoJSON object."))
    if "crs" in geometry:
        raise GeometryError(
            _("A “crs” member is not accepted: coordinates are WGS 84 (EPSG:4326).")
        )
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind not in _GEOMETRY_TYPES:
        raise GeometryError(
            _("Expected a point, line or polygon (or several of one kind), not %(kind)s.")
            % {"kind": str(kind)[:40]}
        )
    counter = [0]
    result: GEOSGeometry
    if kind == "Point":
        result = _position(coordinates, counter)
    elif kind == "LineString":
        result = _line(coordinates, counter)
    elif kind == "Polygon":
        result = _polygon_counted(coordinates, counter)
    else:
        if not isinstance(coordinates, list) or not coordinates:
            raise GeometryError(_("A %(kind)s needs at least one part.") % {"kind": kind})
        part = {
            "MultiPoint": _position,
            "MultiLineString": _line,
            "MultiPolygon": _polygon_counted,
        }[kind]
        parts = [part(item, counter) for item in coordinates]
        collection = {
            "MultiPoint": MultiPoint,
            "MultiLineString": MultiLineString,
            "MultiPolygon": MultiPolygon,
        }[kind]
        result = collection(*parts)
    result.srid = STORAGE_SRID
    if not result.valid:
        raise GeometryError(
            _("The shape is not valid: %(reason)s") % {"reason": result.valid_reason}
        )
    return result


def geometry_from_text(text: str) -> GEOSGeometry:
    """A geometry as a form sends it: GeoJSON text, a geometry or a Feature holding one."""
    if len(text) > GEOMETRY_TEXT_MAX:
        raise GeometryError(_("The geometry is too large."))
    try:
        data = json_parse(text.strip())
    except JSONInputError as exc:
        raise GeometryError(str(exc)) from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        if "crs" in data:
            raise GeometryError(
                _("A “crs” member is not accepted: coordinates are WGS 84 (EPSG:4326).")
            )
        data = data.get("geometry")
    return geometry_from_geojson(data)


_EWKT_ANY = re.compile(
    r"(?:SRID=(?P<srid>[^;]{0,12});)?\s*"
    r"(?P<wkt>(?P<type>(?:MULTI)?(?:POINT|LINESTRING|POLYGON))\s*(?:ZM|Z|M)?\s*"
    r"\((?P<body>[0-9eE,.+() \t\r\n-]*)\))",
    re.IGNORECASE,
)


def geometry_any_from_text(text: str) -> GEOSGeometry:
    """A point, line or area as a file gives it: GeoJSON (`geometry_from_text`) or (E)WKT in
    EPSG:4326, which goes through the GeoJSON reader for the same range and validity checks."""
    text = text.strip()
    if len(text) > GEOMETRY_TEXT_MAX:
        raise GeometryError(_("The geometry is too large."))
    if text.startswith("{"):
        return geometry_from_text(text)
    match = _EWKT_ANY.fullmatch(text)
    if match is None:
        raise GeometryError(
            _(
                "Give a Point, LineString or Polygon (or a Multi one) as GeoJSON or WKT, in "
                "WGS 84 (EPSG:4326)."
            )
        )
    parens = "(" + "".join(c for c in match["body"] if c in "()") + ")"
    if max(accumulate(map(_PAREN_STEP.__getitem__, parens))) > _WKT_MAX_DEPTH:
        raise GeometryError(_("This WKT is nested deeper than a MultiPolygon."))
    if match["srid"] is not None and match["srid"].strip() != str(STORAGE_SRID):
        raise GeometryError(
            _("This SRID is not accepted: coordinates are WGS 84 (EPSG:%(srid)d).")
            % {"srid": STORAGE_SRID}
        )
    if match["body"].count(",") + 1 > GEOMETRY_MAX_POSITIONS:
        raise GeometryError(
            _("The geometry has more than %(max)d positions.") % {"max": GEOMETRY_MAX_POSITIONS}
        )
    try:
        parsed = WKTReader().read(match["wkt"])
    except (GEOSException, ValueError):
        raise GeometryError(_("This is not valid WKT.")) from None
    if parsed.empty:
        raise GeometryError(_("The geometry is empty."))
    coordinates = json.loads(json.dumps(cast(Any, parsed).coords))
    if parsed.geom_type == "MultiPoint":
        coordinates = [list(p) for p in coordinates]
    return geometry_from_geojson({"type": parsed.geom_type, "coordinates": coordinates})


def _counted(counter: list[int], count: int) -> None:
    counter[0] += count
    if counter[0] > GEOMETRY_MAX_POSITIONS:
        raise GeometryError(
            _("The geometry has more than %(max)d positions.") % {"max": GEOMETRY_MAX_POSITIONS}
        )


def _position(position: Any, counter: list[int]) -> Point:
    if not isinstance(position, list | tuple) or len(position) < 2:
        raise GeometryError(_("A position is a [longitude, latitude] pair."))
    _counted(counter, 1)
    return point_from_lon_lat(position[0], position[1])


def _line(positions: Any, counter: list[int]) -> LineString:
    if not isinstance(positions, list) or len(positions) < 2:
        raise GeometryError(_("A line needs at least two positions."))
    return LineString([_position(position, counter).coords for position in positions])


def _polygon_counted(rings: Any, counter: list[int]) -> Polygon:
    if not isinstance(rings, list) or not rings:
        raise GeometryError(_("A polygon needs at least one ring."))
    for ring in rings:
        _counted(counter, len(ring) if isinstance(ring, list) else 0)
    return _polygon(rings)
