"""The admin's area form reads boundaries like every other input: WGS 84 only, in range, no crs."""

import json
from typing import Any

import pytest
from django.test import Client

from curim.areas.models import Area

pytestmark = pytest.mark.django_db

RING = [[23.60, 37.93], [23.65, 37.93], [23.65, 37.96], [23.60, 37.96], [23.60, 37.93]]
# The same square in EPSG:2100 (Greek Grid), as an EWKT or a GeoJSON crs would carry it.
GREEK_GRID_WKT = "POLYGON((471000 4198000, 476000 4198000, 476000 4201000, 471000 4198000))"


def _post(client: Client, geometry: str, **fields: str) -> Any:
    return client.post(
        "/admin/areas/area/add/",
        {
            "code": "piraeus",
            "level": "municipality",
            "name_en": "Piraeus",
            "name_el": "Πειραιάς",
            "geometry": geometry,
            "source": "test",
            **fields,
        },
    )


def test_a_geojson_polygon_from_the_map_is_saved_in_wgs84(admin_client: Client) -> None:
    response = _post(admin_client, json.dumps({"type": "Polygon", "coordinates": [RING]}))
    assert response.status_code == 302, response.content
    area = Area.objects.get(code="piraeus")
    assert area.geometry.srid == 4326
    assert area.geometry.coords[0][0][0] == (23.60, 37.93)


def test_wkt_with_srid_4326_is_saved(admin_client: Client) -> None:
    wkt = "SRID=4326;POLYGON((" + ", ".join(f"{x} {y}" for x, y in RING) + "))"
    assert _post(admin_client, wkt).status_code == 302
    assert Area.objects.get(code="piraeus").geometry.coords[0][0][2] == (23.65, 37.96)


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (
            json.dumps(
                {
                    "type": "Polygon",
                    "coordinates": [[[471000, 4198000], [476000, 4198000], [476000, 4201000]]],
                    "crs": {"type": "name", "properties": {"name": "EPSG:2100"}},
                }
            ),
            "a &#x27;crs&#x27; member is not accepted",
        ),
        ("SRID=2100;" + GREEK_GRID_WKT, "SRID=2100 is not accepted"),
        ("SRID=3857;POLYGON((0 0, 1 0, 1 1, 0 0))", "SRID=3857 is not accepted"),
        (GREEK_GRID_WKT, "longitude must be between -180 and 180"),
        (
            json.dumps(
                {
                    "type": "Polygon",
                    "coordinates": [[[23.6, 37.9], [23.7, 999], [23.7, 37.9], [23.6, 37.9]]],
                }
            ),
            "latitude must be between -90 and 90",
        ),
        ("POLYGON((23.6 37.9, 23.7 999, 23.7 37.9, 23.6 37.9))", "latitude must be between"),
        ("POINT(23.6 37.9)", "enter a Polygon or MultiPolygon"),
        ("0103000020E6100000", "enter a Polygon or MultiPolygon"),
        ("[" * 50_000 + "]" * 50_000, "enter a Polygon or MultiPolygon"),
        ('{"type": ' + "[" * 50_000 + "]" * 50_000 + "}", "nested more than 64 levels"),
        ('{"type": "Polygon\\u0000", "coordinates": []}', "NUL character"),
        ('{"type": "Polygon\\ud800", "coordinates": []}', "unpaired surrogate"),
        ("MULTIPOLYGON(" + "(" * 50_000 + ")" * 50_000 + ")", "nested deeper than a MultiPolygon"),
    ],
    ids=[
        "geojson-crs",
        "ewkt-greek-grid",
        "ewkt-web-mercator",
        "wkt-in-metres",
        "geojson-latitude-999",
        "wkt-latitude-999",
        "a-point",
        "hex-wkb",
        "deep-array",
        "deep-geojson",
        "nul",
        "lone-surrogate",
        "deep-wkt",
    ],
)
def test_the_form_refuses_what_is_not_a_wgs84_boundary(
    admin_client: Client, geometry: str, message: str
) -> None:
    response = _post(admin_client, geometry)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Area.objects.exists()


def test_the_form_saves_a_population_and_its_year(admin_client: Client) -> None:
    polygon = json.dumps({"type": "Polygon", "coordinates": [RING]})
    response = _post(admin_client, polygon, population="168151", population_year="2021")
    assert response.status_code == 302, response.content
    area = Area.objects.get(code="piraeus")
    assert (area.population, area.population_year) == (168_151, 2021)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"population": "-5"}, "greater than or equal to 0"),
        ({"population": "many"}, "Enter a whole number"),
        ({"population": "1000", "population_year": "21"}, "greater than or equal to 1800"),
        ({"population_year": "2021"}, "A population year needs a population."),
    ],
    ids=["negative", "not-a-number", "year-out-of-range", "year-without-population"],
)
def test_the_form_refuses_a_bad_population(
    admin_client: Client, fields: dict[str, str], message: str
) -> None:
    polygon = json.dumps({"type": "Polygon", "coordinates": [RING]})
    response = _post(admin_client, polygon, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Area.objects.exists()
