"""The interventions API: the GeoJSON list for the map (read by GDAL's ogrinfo too) and one
intervention's detail, each reading only what the caller may read."""

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import LineString, Point, Polygon
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from curim.accounts.roles import Role
from curim.reports.models import Category, Report
from curim.reports.services.submission import ReportDraft, report_submit
from curim.reports.services.workflow import report_transition
from interventions.models import (
    Evaluation,
    InterventionPhoto,
    Participants,
    Proposal,
    Session,
)
from tests.factories import user_with_role
from tests.interventions.evaluation_world import as_published
from tests.interventions.records_io import intervention_make, recorder

pytestmark = pytest.mark.django_db

LIST = "/api/v1/interventions/"
OGRINFO = shutil.which("ogrinfo") or "/usr/bin/ogrinfo"

# What an evaluation counted, in a result the public may read (citizen reports, a public category).
PUBLIC_DATA = {"sources": "reports", "categories": ["poor-lighting"]}


LINE = {"type": "LineString", "coordinates": [[23.62, 37.965], [23.63, 37.966]]}


def detail(reference: str) -> str:
    return f"/api/v1/interventions/{reference}/"


@pytest.fixture
def world(piraeus: None) -> dict[str, Any]:
    """A completed playground, an evaluated lighting line, a planned renovation (not public),
    a planned one marked public, and a social session without a place."""
    return {
        "playground": intervention_make(),
        "lighting": intervention_make(
            kind="lighting",
            status="evaluated",
            title_en="Lighting on Thivon Street",
            geometry=LineString((23.62, 37.965), (23.63, 37.966), srid=4326),
        ),
        "hidden": intervention_make(
            kind="renovation",
            status="planned",
            title_en="Square to renovate",
            starts_on=None,
            ends_on=None,
            geometry=Polygon(
                ((23.62, 37.965), (23.625, 37.965), (23.625, 37.968), (23.62, 37.965)), srid=4326
            ),
        ),
        "announced": intervention_make(
            kind="cctv", status="planned", public=True, starts_on=None, ends_on=None
        ),
        "social": intervention_make(kind="awareness", title_en="Cyber-bullying at school"),
    }


def features(client: Client, **params: Any) -> list[dict[str, Any]]:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    return list(body["features"])


def references(found: list[dict[str, Any]]) -> set[str]:
    return {f["properties"]["reference"] for f in found}


def test_the_public_reads_completed_evaluated_and_announced_ones(world: dict[str, Any]) -> None:
    found = references(features(Client()))
    assert found == {world[k].reference for k in ("playground", "lighting", "announced", "social")}
    assert world["hidden"].reference not in found


@pytest.mark.parametrize(
    "role", [Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY, Role.ANALYST, Role.ADMIN]
)
def test_the_council_analysts_and_admins_read_them_all(world: dict[str, Any], role: Role) -> None:
    client = Client()
    client.force_login(user_with_role(role))
    assert references(features(client)) == {i.reference for i in world.values()}


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.MODERATOR])
def test_other_accounts_read_what_the_public_reads(world: dict[str, Any], role: Role) -> None:
    client = Client()
    client.force_login(user_with_role(role))
    assert world["hidden"].reference not in references(features(client))


def test_a_feature_carries_the_public_fields_and_the_latest_finished_evaluation(
    world: dict[str, Any],
) -> None:
    lighting = world["lighting"]
    lighting.budget, lighting.funder = 12500, "Region of Attica"
    lighting.save()
    for version, status, estimate in [(1, "done", -0.3), (2, "done", -0.41), (3, "queued", None)]:
        Evaluation.objects.create(
            intervention=lighting,
            version=version,
            status=status,
            requested_by=recorder(),
            sms_level=3 if estimate else None,
            method="difference in differences",
            result=as_published(
                {"estimate": estimate, "ci_low": -0.6, "ci_high": -0.2, **PUBLIC_DATA}, level=3
            )
            if estimate
            else {},
        )
    by_reference = {f["properties"]["reference"]: f for f in features(Client())}
    feature = by_reference[lighting.reference]
    assert feature["geometry"] == {
        "type": "LineString",
        "coordinates": [[23.62, 37.965], [23.63, 37.966]],
    }
    assert feature["properties"] == {
        "reference": lighting.reference,
        "title_en": "Lighting on Thivon Street",
        "title_el": "Ανακαίνιση παιδικής χαράς",
        "kind": "lighting",
        "group": "spatial",
        "status": "evaluated",
        "starts_on": "2025-03-01",
        "ends_on": "2025-06-30",
        "area": "piraeus-5",
        "target_group": "everyone",
        "organisation": "Municipality of Piraeus",
        "budget": 12500.0,
        "funder": "Region of Attica",
        "url": f"http://testserver{detail(lighting.reference)}",
        "evaluation_version": 2,
        "estimate": -0.41,
        "ci_low": -0.6,
        "ci_high": -0.2,
        "sms_level": 3,
    }
    social = by_reference[world["social"].reference]
    assert social["geometry"] is None
    assert social["properties"]["group"] == "social"
    assert social["properties"]["estimate"] is None
    assert social["properties"]["evaluation_version"] is None


def test_gdal_s_ogrinfo_reads_the_list(world: dict[str, Any], tmp_path: Path) -> None:
    response = Client().get(LIST)
    path = tmp_path / "interventions.geojson"
    path.write_bytes(response.content)
    done = subprocess.run(
        [OGRINFO, "-ro", "-al", "-so", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"Feature Count: 4\b", done.stdout), done.stdout
    for field in ("reference", "kind", "status", "estimate", "sms_level", "budget"):
        assert re.search(rf"^{field}: ", done.stdout, re.MULTILINE), done.stdout


def test_the_list_filters_by_status_kind_group_area_and_box(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(user_with_role(Role.ANALYST))
    assert references(features(client, status="planned")) == {
        world["hidden"].reference,
        world["announced"].reference,
    }
    assert references(features(client, kind="lighting,cctv")) == {
        world["lighting"].reference,
        world["announced"].reference,
    }
    assert references(features(client, group="social")) == {world["social"].reference}
    assert len(features(client, group="spatial")) == 4
    assert len(features(client, area="piraeus")) == 5  # the municipality holds its districts
    assert features(client, area="piraeus-1") == []
    # The line from 23.62 to 23.63 and the triangle from 23.62 meet this box; the points at
    # 23.633 do not.
    assert references(features(client, bbox="23.60,37.96,23.626,37.97")) == {
        world["lighting"].reference,
        world["hidden"].reference,
    }


@pytest.mark.parametrize(
    "params",
    [
        {"status": "done"},
        {"kind": "moat"},
        {"group": "both"},
        {"bbox": "1,2,3"},
        {"bbox": "23.7,37.9,23.6,38.0"},
        {"limit": "0"},
        {"area": "piraeus\x00"},
        {"kind": "x" * 5000},
    ],
)
def test_bad_filters_are_refused_per_field(world: dict[str, Any], params: dict[str, str]) -> None:
    response = Client().get(LIST, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_a_filter_that_is_not_utf_8_is_refused() -> None:
    assert Client().get(f"{LIST}?status=%ED%A0%80").status_code == 400


def test_the_list_is_paged(world: dict[str, Any]) -> None:
    response = Client().get(LIST, {"limit": 3})
    body = response.json()
    assert len(body["features"]) == 3
    assert body["next"].endswith("limit=3&offset=3")
    rest = Client().get(body["next"]).json()
    assert len(rest["features"]) == 1
    assert rest["next"] is None
    assert references(body["features"]) | references(rest["features"]) == references(
        features(Client())
    )


def test_the_list_s_queries_do_not_grow_with_its_length(
    piraeus: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    def evaluated_one() -> None:
        intervention = intervention_make(status="evaluated")
        Evaluation.objects.create(
            intervention=intervention,
            version=1,
            status="done",
            requested_by=recorder(),
            result=as_published(
                {"estimate": -1.0, "ci_low": -2.0, "ci_high": -0.1, **PUBLIC_DATA}, level=3
            ),
            sms_level=3,
        )

    evaluated_one()
    client = Client()
    # The page, its latest evaluations, and the categories kept from the public.
    with django_assert_num_queries(3):
        assert len(features(client)) == 1
    for _ in range(19):
        evaluated_one()
    with django_assert_num_queries(3):
        assert len(features(client)) == 20


# --- Detail -----------------------------------------------------------------------------------
def _report(at: tuple[float, float], status: str) -> Report:
    draft = ReportDraft(
        category=Category.objects.get(slug="graffiti"),
        description="Tags on the playground's wall",
        occurred_at=timezone.now(),
        severity=2,
        feeling_unsafe=3,
        location=Point(*at, srid=4326),
    )
    report, _ = report_submit(draft=draft, reporter=None, client_address="192.0.2.9")
    if status != "submitted":
        report_transition(report=report, to_status=status, actor=user_with_role(Role.MODERATOR))
    return report


def test_the_detail_names_sessions_by_counts_and_published_reports_only(
    world: dict[str, Any],
) -> None:
    social = world["social"]
    social.categories.set(Category.objects.filter(slug__in=["graffiti", "vandalism"]))
    published, unmoderated = (
        _report((23.633, 37.967), "published"),
        _report((23.633, 37.967), "submitted"),
    )
    social.reports.set([published, unmoderated])
    session = Session.objects.create(
        intervention=social,
        held_on=date(2025, 4, 2),
        place_kind="school",
        place_name="3rd Gymnasium of Piraeus",
        facilitator="Eleni Papadopoulou",
        notes="The head teacher's mobile is 6900000000",
    )
    Participants.objects.create(session=session, group="students", school_year=8, count=24)
    Participants.objects.create(session=session, group="teachers", count=2)
    Proposal.objects.create(session=session, text="More lights at the back gate")
    Evaluation.objects.create(
        intervention=social, version=1, status="done", requested_by=recorder()
    )
    Evaluation.objects.create(
        intervention=social, version=2, status="queued", requested_by=recorder()
    )
    response = Client().get(detail(social.reference))
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == social.reference
    assert body["group"] == "social"
    assert body["geometry"] is None
    assert body["area"] == {
        "code": "piraeus-5",
        "name_en": "5th Municipal Community",
        "name_el": "5η Δημοτική Κοινότητα",
    }
    assert body["categories"] == ["graffiti", "vandalism"]
    assert body["reports"] == [str(published.public_id)]
    assert body["sessions"] == [
        {
            "held_on": "2025-04-02",
            "place_kind": "school",
            "place_name": "3rd Gymnasium of Piraeus",
            "area": None,
            "participants": [
                {"group": "students", "school_year": 8, "count": 24},
                {"group": "teachers", "school_year": None, "count": 2},
            ],
            "participants_total": 26,
            "questionnaire": False,
            "proposals": 1,
            # Added with the session questionnaires (test_session_questionnaires.py).
            "questionnaires_status": "none",
            "questionnaires": [],
        }
    ]
    text = response.content.decode()
    for private in ("Papadopoulou", "6900000000", "back gate", str(unmoderated.public_id)):
        assert private not in text
    # The public reads the finished evaluations; the council every request.
    assert [e["version"] for e in body["evaluations"]] == [1]
    assert body["evaluations"][0]["url"] == (
        f"http://testserver{detail(social.reference)}evaluation/?version=1"
    )
    staff = Client()
    staff.force_login(user_with_role(Role.COUNCIL_MEMBER))
    assert [e["version"] for e in staff.get(detail(social.reference)).json()["evaluations"]] == [
        2,
        1,
    ]


def test_the_detail_gives_the_geometry_and_the_photos(world: dict[str, Any]) -> None:
    lighting = world["lighting"]
    photo = InterventionPhoto(intervention=lighting, moment="after", width=1, height=1)
    photo.image.save("p.jpg", ContentFile(b"\xff\xd8\xff\xd9"), save=False)
    photo.save()
    body = Client().get(detail(lighting.reference)).json()
    assert body["geometry"] == {
        "type": "LineString",
        "coordinates": [[23.62, 37.965], [23.63, 37.966]],
    }
    (listed,) = body["photos"]
    assert listed["moment"] == "after"
    response = Client().get(listed["url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "sandbox" in response["Content-Security-Policy"]


def test_an_intervention_the_caller_may_not_read_is_not_found(world: dict[str, Any]) -> None:
    hidden = world["hidden"]
    photo = InterventionPhoto(intervention=hidden, moment="before", width=1, height=1)
    photo.image.save("p.jpg", ContentFile(b"\xff\xd8\xff\xd9"), save=False)
    photo.save()
    for client in (Client(), _logged_in(Role.CITIZEN), _logged_in(Role.MODERATOR)):
        assert client.get(detail(hidden.reference)).status_code == 404
        assert client.get(f"{LIST}photos/{photo.public_id}.jpg").status_code == 404
    reader = _logged_in(Role.COUNCIL_MEMBER)
    assert reader.get(detail(hidden.reference)).status_code == 200
    assert reader.get(f"{LIST}photos/{photo.public_id}.jpg").status_code == 200
    for missing in ("INT-1999-001", "INT%00", "%ED%A0%80"):
        assert Client().get(f"{LIST}{missing}/").status_code == 404


def _logged_in(role: Role) -> Client:
    client = Client()
    client.force_login(user_with_role(role))
    return client


def test_the_openapi_schema_describes_both_addresses(client: Client) -> None:
    schema = client.get("/api/schema/", {"format": "json"}).json()
    listing = schema["paths"]["/api/v1/interventions/"]["get"]
    assert "application/geo+json" in listing["responses"]["200"]["content"]
    assert {p["name"] for p in listing["parameters"]} >= {"status", "kind", "area", "bbox"}
    one = schema["paths"]["/api/v1/interventions/{reference}/"]["get"]
    shape = one["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    name = shape.rsplit("/", 1)[-1]
    assert {"sessions", "photos", "evaluations", "geometry", "reports"} <= set(
        schema["components"]["schemas"][name]["properties"]
    )
