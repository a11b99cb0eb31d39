"""Turning user-supplied coordinates into GEOS geometries without ever involving a user's SRS.

GeoJSON is read as plain numbers and built with GEOS in EPSG:4326. A "crs" member is refused,
not parsed: GDAL < 3.9 could be made to open files or URLs while parsing a spatial reference
(Django's gis.W001), and this is where that door stays shut.
"""

import math
from typing import Any

from django.contrib.gis.geos import LinearRing, MultiPolygon, Point, Polygon

STORAGE_SRID = 4326


class GeometryError(ValueError):
    """The input is not a geometry we accept; the message says why, for the user."""


def point_from_lon_lat(longitude: Any, latitude: Any) -> Point:
    lon, lat = _number(longitude, "longitude"), _number(latitude, "latitude")
    if not -180 <= lon <= 180:
        raise GeometryError("longitude must be between -180 and 180")
    if not -90 <= lat <= 90:
        raise GeometryError("latitude must be between -90 and 90")
    return Point(lon, lat, srid=STORAGE_SRID)


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
