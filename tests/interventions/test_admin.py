"""The interventions in the Django admin: admins record them with the geometry drawn on the map
(GeoJSON, read by curim.core.geometry), sessions with their counts, proposals; photos are read
and deleted; evaluations only read. Analysts, whose admin opens for the surveys, see none."""

import json
from typing import Any

import pytest
from django.test import Client

from curim.accounts.models import User
from curim.areas.models import Area
from interventions.models import Evaluation, EvaluationStatus, Intervention, Session
from tests.factories import verified_client
from tests.interventions.conftest import intervention_made

pytestmark = pytest.mark.django_db

LINE = {"type": "LineString", "coordinates": [[23.640, 37.945], [23.645, 37.946]]}


def _add(client: Client, area: Area, geometry: str) -> Any:
    return client.post(
        "/admin/interventions/intervention/add/",
        {
            "title_en": "Lighting on the harbour road",
            "kind": "lighting",
            "organisation": "Municipality of Piraeus",
            "target_group": "everyone",
            "area": area.pk,
            "geometry": geometry,
        },
    )


def test_an_admin_records_an_intervention_drawn_on_the_map(
    admin_client: Client, district: Area, admin_user: User
) -> None:
    page = admin_client.get("/admin/interventions/intervention/add/").content.decode()
    assert "leaflet" in page.lower()
    response = _add(admin_client, district, json.dumps(LINE))
    assert response.status_code == 302, response.content.decode()[:3000]
    intervention = Intervention.objects.get()
    assert intervention.reference.startswith("INT-")  # through the service
    assert intervention.created_by == admin_user
    assert intervention.geometry.geom_type == "LineString"
    change = f"/admin/interventions/intervention/{intervention.pk}/change/"
    assert admin_client.get(change).status_code == 200


@pytest.mark.parametrize(
    "geometry",
    [
        json.dumps({**LINE, "crs": {"type": "name", "properties": {"name": "EPSG:2100"}}}),
        json.dumps({"type": "Point", "coordinates": [23.6, 137.9]}),
        "SRID=2100;POINT(471000 4198000)",
        "",
    ],
)
def test_the_admin_refuses_a_bad_geometry(
    admin_client: Client, district: Area, geometry: str
) -> None:
    response = _add(admin_client, district, geometry)
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert not Intervention.objects.exists()


def test_sessions_with_counts_and_the_read_only_pages(
    admin_client: Client, district: Area, admin_user: User
) -> None:
    intervention = intervention_made(by=admin_user, kind="awareness", geometry=None)
    response = admin_client.post(
        "/admin/interventions/session/add/",
        {
            "intervention": intervention.pk,
            "held_on": "2026-02-10",
            "place_kind": "school",
            "place_name": "3rd Gymnasium",
            "facilitator": "Cyber police",
            "participants-TOTAL_FORMS": "2",
            "participants-INITIAL_FORMS": "0",
            "participants-0-group": "students",
            "participants-0-school_year": "8",
            "participants-0-count": "24",
            "participants-1-group": "teachers",
            "participants-1-school_year": "3",
            "participants-1-count": "2",
        },
    )
    # A school year for teachers is refused, and nothing is saved.
    assert response.status_code == 200
    assert not Session.objects.exists()
    evaluation = Evaluation.objects.create(
        intervention=intervention,
        version=1,
        status=EvaluationStatus.DONE,
        requested_by=admin_user,
    )
    page = admin_client.get(f"/admin/interventions/evaluation/{evaluation.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.get("/admin/interventions/interventionphoto/add/").status_code == 403


def test_analysts_do_not_see_the_interventions_in_the_admin(client: Client, analyst: User) -> None:
    analyst.is_staff = True
    analyst.save()
    verified_client(analyst, client)
    assert client.get("/admin/interventions/intervention/").status_code == 403
