"""User coordinates become GEOS geometries in EPSG:4326; nothing else is accepted."""

import pytest

from curim.core.geometry import (
    GeometryError,
    multipolygon_from_geojson,
    multipolygon_from_text,
    point_from_lon_lat,
)


def test_a_point_is_built_in_wgs84() -> None:
    point = point_from_lon_lat("23.64", 37.94)
    assert (point.x, point.y, point.srid) == (23.64, 37.94, 4326)


@pytest.mark.parametrize(
    ("lon", "lat", "message"),
    [
        (200, 0, "longitude"),
        (0, -91, "latitude"),
        ("abc", 0, "number"),
        (float("nan"), 0, "finite"),
        (True, 0, "number"),
        (None, 0, "number"),
    ],
)
def test_bad_coordinates_are_refused(lon: object, lat: object, message: str) -> None:
    with pytest.raises(GeometryError, match=message):
        point_from_lon_lat(lon, lat)


def test_a_polygon_becomes_a_multipolygon() -> None:
    ring = [[23.6, 37.9], [23.7, 37.9], [23.7, 38.0], [23.6, 37.9]]
    result = multipolygon_from_geojson({"type": "Polygon", "coordinates": [ring]})
    assert result.geom_type == "MultiPolygon"
    assert result.srid == 4326


@pytest.mark.parametrize(
    "geometry",
    [
        {
            "type": "Polygon",
            "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]],
            "crs": {"type": "name", "properties": {"name": "EPSG:2100"}},
        },
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]},
        {"type": "MultiPolygon", "coordinates": []},
        {"type": "Polygon", "coordinates": "nope"},
        "POLYGON((0 0, 1 0, 1 1, 0 0))",
    ],
)
def test_malformed_geometries_are_refused(geometry: object) -> None:
    with pytest.raises(GeometryError):
        multipolygon_from_geojson(geometry)


def test_text_from_a_form_may_be_geojson_or_wkt_in_wgs84() -> None:
    ring = "23.6 37.9, 23.7 37.9, 23.7 38, 23.6 37.9"
    from_wkt = multipolygon_from_text(f"SRID=4326;POLYGON(({ring}))")
    from_geojson = multipolygon_from_text(
        '{"type": "Polygon", "coordinates": '
        "[[[23.6, 37.9], [23.7, 37.9], [23.7, 38], [23.6, 37.9]]]}"
    )
    assert from_wkt.equals_exact(from_geojson)
    assert (from_wkt.geom_type, from_wkt.srid) == ("MultiPolygon", 4326)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SRID=2100;POLYGON((0 0, 1 0, 1 1, 0 0))", "SRID=2100 is not accepted"),
        ("POLYGON((0 0, 1 0, 1 999, 0 0))", "latitude must be between"),
        ("POLYGON((0 0, 181 0, 1 1, 0 0))", "longitude must be between"),
        ('{"type": "Polygon", "coordinates": [], "crs": {}}', "'crs'"),
        ("GEOMETRYCOLLECTION(POINT(1 2))", "enter a Polygon or MultiPolygon"),
        ("POLYGON" + "(" * 4 + "0 0" + ")" * 4, "nested deeper than a MultiPolygon"),
        ("POLYGON((0 0, 1 0, 1 1))", "not valid WKT"),
    ],
)
def test_text_that_is_not_a_wgs84_boundary_is_refused(text: str, message: str) -> None:
    with pytest.raises(GeometryError, match=message):
        multipolygon_from_text(text)
