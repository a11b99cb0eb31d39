"""JSON from users: deep nesting, NUL characters and lone surrogates are a 400, never a 500.

The walk takes every URL whose view parses a JSON body (the DRF views with a POST, PUT or PATCH
handler) from the URLconf, so a new one is covered the day it is added; each is sent the bad
bodies anonymously and by a user of every role, with real objects behind the URL.
"""

import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper
from rest_framework.views import APIView

from councils.models import Position
from curim.accounts.roles import Role
from curim.core.json_input import JSONInputError, json_parse
from curim.reports.models import Category
from curim.reports.services.submission import ReportDraft, report_submit
from curim.reports.services.workflow import report_transition
from surveys.models import Survey
from tests.councils.factories import council_create, meeting_planned, member_create
from tests.factories import user_with_role
from tests.permissions.walk import endpoints as urlconf_endpoints
from tests.victims.clients import case_create, verified_client

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_UUID = str(uuid.UUID(int=1))


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    view: Any


def _sample_path(route: str) -> str:
    """The route with every converter filled by a sample value (replaced by real objects in
    `_path` where the view looks the object up)."""
    samples = {"uuid": SAMPLE_UUID, "int": "1", "open311format": "json"}
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: samples.get(m.group(1) or "", "sample"), route)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "sample", path)
    return "/" + path.replace("^", "").replace("$", "")


# One per URL pattern (the matrix's samples of one URL share its view).
ENDPOINTS = list(
    {
        e.name: Endpoint(e.name, _sample_path(e.route), e.callback) for e in urlconf_endpoints()
    }.values()
)

BAD_BODIES = {
    "deep-array": "[" * 50_000 + "]" * 50_000,
    "deep-object": '{"a":' * 50_000 + "1" + "}" * 50_000,
    "lone-surrogate": '{"description": "x\\ud800", "\\udfff": "x", "name": "\\udc00"}',
    "nul": '{"description": "a\\u0000b", "a\\u0000": 1, "email": "\\u0000"}',
}
MESSAGES = {
    "deep-array": "nested more than 64 levels",
    "deep-object": "nested more than 64 levels",
    "lone-surrogate": "unpaired surrogate",
    "nul": "NUL character",
}
# JSON endpoints whose view never reads the body, and why.
BODY_NOT_READ = {"api:token_revoke": "revokes the token it was called with (knox)"}


def _json_endpoints() -> list[tuple[Endpoint, str]]:
    found = []
    for endpoint in ENDPOINTS:
        view = endpoint.view
        cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
        if cls is not None and issubclass(cls, APIView):
            found += [(endpoint, m) for m in ("post", "put", "patch") if hasattr(cls, m)]
    return found


JSON_ENDPOINTS = _json_endpoints()


def test_the_walk_finds_the_json_endpoints() -> None:
    names = {endpoint.name for endpoint, _method in JSON_ENDPOINTS}
    assert {"api:report_list", "api:report_comments", "api:vsu_session_create"} <= names


@pytest.fixture
def world(piraeus: None, settings: SettingsWrapper) -> dict[str, Any]:
    """Clients of every role and the objects that the sample URLs stand for."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clients: dict[str, Client] = {"anonymous": Client()}
    for role in Role:
        user = user_with_role(role)
        if role in (Role.VSU_STAFF, Role.VSU_SUPERVISOR):
            clients[role.value] = verified_client(user)
        else:
            clients[role.value] = Client()
            clients[role.value].force_login(user)
    staff = user_with_role(Role.VSU_STAFF)
    clients["vsu_staff_on_the_case"] = verified_client(staff)
    case = case_create(staff)
    moderator = user_with_role(Role.MODERATOR)
    report, _ = report_submit(
        draft=ReportDraft(
            category=Category.objects.get(slug="graffiti"),
            description="Tags on the school wall",
            occurred_at=timezone.now(),
            severity=2,
            feeling_unsafe=2,
            location=Point(23.6465, 37.9425, srid=4326),
        ),
        reporter=None,
        client_address=None,
    )
    report_transition(report=report, to_status="published", actor=moderator)
    survey = Survey.objects.create(
        code="walk", title_en="Walk", title_el="Βόλτα", status=Survey.Status.OPEN
    )
    # The council's API reads the body only for a secretary who sits on the council.
    council = council_create()
    seated = member_create(council, position=Position.SECRETARY, role=Role.COUNCIL_SECRETARY).person
    clients["council_secretary_seated"] = Client()
    clients["council_secretary_seated"].force_login(seated)
    meeting = meeting_planned(council)
    objects = {
        "api:report_comments": str(report.public_id),
        "api:vsu_session_create": str(case.pk),
        "api:survey_response": survey.code,
        "api:council_agenda_item_create": str(meeting.pk),
    }
    return {"clients": clients, "objects": objects}


def _path(endpoint: Endpoint, objects: dict[str, str]) -> str:
    real = objects.get(endpoint.name)
    if real is None:
        return endpoint.path
    return re.sub(f"{SAMPLE_UUID}|sample", real, endpoint.path)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("endpoint", "method"), JSON_ENDPOINTS, ids=[f"{e.name}-{m}" for e, m in JSON_ENDPOINTS]
)
def test_bad_json_is_a_400_for_every_role(
    world: dict[str, Any], endpoint: Endpoint, method: str
) -> None:
    path = _path(endpoint, world["objects"])
    refused_with_a_reason = set()
    for who, client in world["clients"].items():
        for kind, body in BAD_BODIES.items():
            response = getattr(client, method)(path, body, content_type="application/json")
            assert response.status_code < 500, f"{who} {method.upper()} {path} {kind}"
            if response.status_code == 400 and MESSAGES[kind] in str(response.json()):
                refused_with_a_reason.add(kind)
    if endpoint.name not in BODY_NOT_READ:
        # Someone reached the parser, so the body was really checked there.
        assert refused_with_a_reason == set(BAD_BODIES), path


def test_json_from_requests_is_parsed_only_by_the_guard() -> None:
    """No view reads a request body with json.loads itself; DRF's parser is the guarded one."""
    pattern = re.compile(r"json\.loads?\((?:self\.)?request|request\.body|JSONParser\b")
    for package in ("curim", "surveys", "victims", "councils", "interventions"):
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "json_input.py":
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                if "GuardedJSONParser" in line:
                    continue
                assert not pattern.search(line), f"{path}: {line.strip()}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 65 + "]" * 65, "nested more than 64 levels"),
        ('{"a": "\\ud800"}', "unpaired surrogate"),
        ('{"a": "\\udc00\\ud800"}', "unpaired surrogate"),
        ('{"\\u0000": 1}', "NUL character"),
        ("[NaN]", "not valid"),
        ('"open', "not valid"),
        (b"\xff", "not valid utf-8"),
    ],
)
def test_the_parser_refuses(text: str | bytes, message: str) -> None:
    with pytest.raises(JSONInputError, match=message):
        json_parse(text)


@pytest.mark.django_db
def test_the_api_names_the_field_that_holds_the_bad_text(client: Client, piraeus: None) -> None:
    body = '{"category": "graffiti", "description": "dark\\u0000 corner", "severity": 2}'
    response = client.post("/api/v1/reports/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"description": ["The JSON contains a NUL character (\\u0000)."]}
    response = client.post("/api/v1/reports/", '{"\\ud800": 1}', content_type="application/json")
    assert response.status_code == 400
    assert "unpaired surrogate" in response.json()["detail"]


def test_the_parser_accepts_what_is_sane() -> None:
    assert json_parse("[" * 64 + "]" * 64) is not None
    assert json_parse('{"a": "[[[[[[[[ not brackets \\" ]"}') == {"a": '[[[[[[[[ not brackets " ]'}
    assert json_parse('["\\ud83d\\ude00", "Πειραιάς"]') == ["😀", "Πειραιάς"]
