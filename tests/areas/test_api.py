"""The public areas API serves boundaries as GeoJSON."""

import pytest
from django.test import Client

from curim.areas.demo import DEMO_AREAS
from curim.areas.services import areas_load_file

pytestmark = pytest.mark.django_db


def test_areas_are_a_public_feature_collection(client: Client) -> None:
    areas_load_file(path=DEMO_AREAS)
    body = client.get("/api/v1/areas/").json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 6
    district = next(f for f in body["features"] if f["id"] == "piraeus-2")
    assert district["properties"]["parent"] == "piraeus"
    assert district["geometry"]["type"] == "MultiPolygon"


def test_areas_filter_by_level(client: Client) -> None:
    areas_load_file(path=DEMO_AREAS)
    body = client.get("/api/v1/areas/?level=municipality").json()
    assert [f["id"] for f in body["features"]] == ["piraeus"]


def test_an_unknown_area_is_404(client: Client) -> None:
    assert client.get("/api/v1/areas/atlantis/").status_code == 404
