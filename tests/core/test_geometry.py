"""User coordinates become GEOS geometries in EPSG:4326; nothing else is accepted."""

import pytest

from curim.core.geometry import GeometryError, multipolygon_from_geojson, point_from_lon_lat


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
