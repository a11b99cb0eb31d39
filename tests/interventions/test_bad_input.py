"""Bad input on the staff's forms: the form again with its errors (a 400), never a 500, and
nothing saved; and the geometry reader's refusals (curim.core.geometry)."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from curim.accounts.models import User
from curim.areas.models import Area
from curim.core.geometry import (
    GEOMETRY_MAX_POSITIONS,
    GeometryError,
    geometry_from_geojson,
    geometry_from_text,
)
from interventions.models import Intervention, InterventionKind, Participants, Session
from tests.interventions.conftest import intervention_made

pytestmark = pytest.mark.django_db

LINE = {"type": "LineString", "coordinates": [[23.640, 37.945], [23.645, 37.946]]}


def _form(place: Area, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title_en": "Lighting",
        "kind": InterventionKind.LIGHTING,
        "organisation": "Municipality of Piraeus",
        "target_group": "residents",
        "area": place.pk,
        "geometry": json.dumps(LINE),
    }
    data.update(changes)
    return data


def _refused(client: Client, data: dict[str, Any], field: str) -> str:
    response = client.post(reverse("interventions:manage_new"), data)
    assert response.status_code == 400, (field, response.status_code)
    page = response.content.decode()
    assert f'id="id_{field}-error"' in page or (
        field == "categories" and 'id="id_categories-error"' in page
    ), page[:3000]
    assert not Intervention.objects.exists()
    return page


SQUARE = [[[23.64, 37.94], [23.65, 37.94], [23.65, 37.95], [23.64, 37.94]]]
BAD_GEOMETRIES = {
    "not JSON": "POINT (23 37)",
    "crs member": json.dumps(
        {**LINE, "crs": {"type": "name", "properties": {"name": "EPSG:3857"}}}
    ),
    "feature with crs": json.dumps(
        {"type": "Feature", "geometry": LINE, "crs": {"type": "name"}, "properties": {}}
    ),
    "longitude out of range": json.dumps({"type": "Point", "coordinates": [200, 37]}),
    "latitude out of range": json.dumps({"type": "Point", "coordinates": [23, 95]}),
    "NaN": '{"type": "Point", "coordinates": [NaN, 37]}',
    "huge number": '{"type": "Point", "coordinates": [1e400, 37]}',
    "a string for a number": json.dumps({"type": "Point", "coordinates": ["x", 37]}),
    "a boolean for a number": json.dumps({"type": "Point", "coordinates": [True, 37]}),
    "open ring": json.dumps(
        {"type": "Polygon", "coordinates": [[[23.64, 37.94], [23.65, 37.94], [23.65, 37.95]]]}
    ),
    "unclosed ring": json.dumps(
        {
            "type": "Polygon",
            "coordinates": [[[23.64, 37.94], [23.65, 37.94], [23.65, 37.95], [23.6, 37.9]]],
        }
    ),
    "self-crossing polygon": json.dumps(
        {
            "type": "Polygon",
            "coordinates": [
                [[23.64, 37.94], [23.65, 37.95], [23.65, 37.94], [23.64, 37.95], [23.64, 37.94]]
            ],
        }
    ),
    "line of one position": json.dumps({"type": "LineString", "coordinates": [[23.64, 37.94]]}),
    "collection": json.dumps({"type": "GeometryCollection", "geometries": []}),
    "empty multi": json.dumps({"type": "MultiPoint", "coordinates": []}),
    "a list": json.dumps([LINE]),
    "NUL escape": '{"type": "Point\\u0000", "coordinates": [23, 37]}',
    "lone surrogate escape": '{"type": "Point", "coordinates": [23, 37], "x": "\\ud800"}',
    "deep nesting": '{"type": "Point", "coordinates": ' + "[" * 5000 + "]" * 5000 + "}",
    "too many positions": json.dumps(
        {
            "type": "LineString",
            "coordinates": [[23.6 + i * 1e-5, 37.9] for i in range(GEOMETRY_MAX_POSITIONS + 1)],
        }
    ),
}


@pytest.mark.parametrize("name", list(BAD_GEOMETRIES))
def test_a_bad_geometry_is_refused_on_its_field(
    analyst_client: Client, district: Area, name: str
) -> None:
    _refused(analyst_client, _form(district, geometry=BAD_GEOMETRIES[name]), "geometry")


@pytest.mark.parametrize("name", list(BAD_GEOMETRIES))
def test_the_geometry_reader_refuses_it(name: str) -> None:
    with pytest.raises(GeometryError):
        geometry_from_text(BAD_GEOMETRIES[name])


def test_the_geometry_reader_takes_every_kind() -> None:
    shapes = {
        "Point": [23.64, 37.94],
        "MultiPoint": [[23.64, 37.94], [23.65, 37.95]],
        "LineString": LINE["coordinates"],
        "MultiLineString": [LINE["coordinates"]],
        "Polygon": SQUARE,
        "MultiPolygon": [SQUARE],
    }
    for kind, coordinates in shapes.items():
        geometry = geometry_from_geojson({"type": kind, "coordinates": coordinates})
        assert geometry.geom_type == kind
        assert geometry.srid == 4326
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [23.6, 37.9]}}
    assert geometry_from_text(json.dumps(feature)).geom_type == "Point"


def test_a_spatial_intervention_needs_a_geometry(analyst_client: Client, district: Area) -> None:
    _refused(analyst_client, _form(district, geometry=""), "geometry")


BAD_FIELDS = {
    "title_en": "NUL \x00 in a title",
    "description_en": "x" * 20_001,
    "funder": "y" * 201,
    "budget": "-5",
    "starts_on": "2026-02-30",
    "indicator": "999999",
    "area": "not a number",
    "kind": "teleportation",
    "reports_given": "00000000-0000-0000-0000-000000000000",
}


@pytest.mark.parametrize("field", list(BAD_FIELDS))
def test_a_bad_field_is_refused_on_it(analyst_client: Client, district: Area, field: str) -> None:
    _refused(analyst_client, _form(district, **{field: BAD_FIELDS[field]}), field)


def test_a_huge_budget_and_an_end_before_the_start(analyst_client: Client, district: Area) -> None:
    _refused(analyst_client, _form(district, budget="1" * 40), "budget")
    _refused(
        analyst_client, _form(district, starts_on="2026-03-01", ends_on="2026-02-01"), "ends_on"
    )
    _refused(analyst_client, _form(district, title_en=""), "title_en")
    _refused(analyst_client, _form(district, reports_given="not-an-id"), "reports_given")


def test_a_lone_surrogate_in_raw_bytes_is_never_a_500(
    analyst_client: Client, district: Area
) -> None:
    body = (
        f"title_en=%ED%A0%80&kind=lighting&organisation=%00&target_group=residents"
        f"&area={district.pk}&geometry=%7B%7D"
    )
    response = analyst_client.post(
        reverse("interventions:manage_new"),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert not Intervention.objects.exists()


def test_a_bad_count_leaves_the_session_unsaved(
    client: Client, district: Area, secretary: User
) -> None:
    client.force_login(secretary)
    training = intervention_made(by=secretary, kind=InterventionKind.TRAINING, geometry=None)
    url = reverse("interventions:manage_session_new", args=[training.reference])
    good = {
        "held_on": "2026-02-10",
        "place_kind": "school",
        "place_name": "3rd Gymnasium",
        "facilitator": "Cyber police",
        "students_7": "20",
    }
    for bad in ({"students_8": "-1"}, {"group_parents": "abc"}, {"group_residents": "100001"}):
        response = client.post(url, {**good, **bad})
        assert response.status_code == 400
    response = client.post(url, {**good, "held_on": ""})
    assert response.status_code == 400
    response = client.post(url, {**good, "place_name": "\x00"})
    assert response.status_code == 400
    assert not Session.objects.exists()
    assert not Participants.objects.exists()


def test_a_proposal_too_long_leaves_nothing_saved(
    client: Client, district: Area, secretary: User
) -> None:
    client.force_login(secretary)
    advisory = intervention_made(by=secretary, kind=InterventionKind.ADVISORY, geometry=None)
    url = reverse("interventions:manage_session_new", args=[advisory.reference])
    response = client.post(
        url,
        {
            "held_on": "2026-02-10",
            "place_kind": "town_hall",
            "place_name": "Town hall",
            "facilitator": "The deputy mayor",
            "group_residents": "40",
            "proposals": "A short one\n" + "z" * 5_001,
        },
    )
    assert response.status_code == 400
    assert not Session.objects.exists()
    assert not Participants.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused(
    analyst_client: Client, district: Area, analyst: User
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    planned = intervention_made(by=analyst)
    url = reverse("interventions:manage_photos", args=[planned.reference])
    for upload in (
        SimpleUploadedFile("p.jpg", b"<script>alert(1)</script>", "image/jpeg"),
        SimpleUploadedFile("p.jpg", b"", "image/jpeg"),
    ):
        response = analyst_client.post(url, {"moment": "after", "photos": upload})
        assert response.status_code == 400
    response = analyst_client.post(url, {"moment": "sideways"})
    assert response.status_code == 400
    assert not planned.photos.exists()
