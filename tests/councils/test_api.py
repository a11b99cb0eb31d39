"""The council API (/api/v1/council/): its addresses and fields are a contract with outside
clients; the public reads the public record, a member also their council's meetings and
closed items, the secretary adds meetings and agenda items; bad input is a 400 per field with
nothing saved; Popolo JSON; the OpenAPI document describes it."""

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from councils.models import (
    AgendaItem,
    AgendaItemKind,
    Council,
    Meeting,
    MeetingStatus,
    Position,
    Visibility,
)
from curim.accounts.models import User
from curim.accounts.roles import Role
from tests.councils.factories import (
    action_item_with,
    council_create,
    meeting_held,
    meeting_planned,
    member_create,
    recommendation_adopted,
    recommendation_proposed,
    secretary_of,
)
from tests.councils.test_public import SECRET, SHOWN, _world
from tests.factories import user_create, user_with_role

pytestmark = pytest.mark.django_db

MEETINGS = "/api/v1/council/meetings/"
CONTRACT = {
    "api:council_meeting_list": ((), MEETINGS),
    "api:council_recommendation_list": ((), "/api/v1/council/recommendations/"),
    "api:council_action_item_list": ((), "/api/v1/council/action-items/"),
    "api:council_strategy_list": ((), "/api/v1/council/strategies/"),
    "api:council_popolo": ((), "/api/v1/council/popolo.json"),
}
MEETING_FIELDS = {"id", "title", "kind", "starts_at", "ends_at", "visibility"}


def _meeting_body(**changes: Any) -> dict[str, Any]:
    starts = timezone.now() + timedelta(days=10)
    body: dict[str, Any] = {
        "title": "Plenary on lighting",
        "kind": "plenary",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "visibility": "split",
    }
    body.update(changes)
    return body


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(User.objects.get(pk=user.pk))
    return client


def _post(client: Client, url: str, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data, content_type="application/json")


# --- The contract ------------------------------------------------------------------------------
def test_the_contract_addresses_are_kept() -> None:
    for name, (args, path) in CONTRACT.items():
        assert reverse(name, args=args) == path
    meeting_id = uuid.uuid4()
    assert reverse("api:council_meeting_detail", args=[meeting_id]) == f"{MEETINGS}{meeting_id}/"
    assert reverse("api:council_agenda_item_create", args=[meeting_id]) == (
        f"{MEETINGS}{meeting_id}/agenda-items/"
    )
    assert reverse("councils:feed") == "/council/feed/"
    assert reverse("councils:open_data") == "/council/open-data.zip"


def test_the_public_reads_public_meetings_with_the_contract_fields() -> None:
    council = _world()
    answer = _client().get(MEETINGS)
    assert answer.status_code == 200
    meetings = answer.json()
    assert meetings
    assert all(set(m) >= MEETING_FIELDS for m in meetings)
    public_ids = set(
        council.meetings.exclude(visibility="closed")
        .exclude(status="planned")
        .values_list("pk", flat=True)
    )
    assert {uuid.UUID(m["id"]) for m in meetings} == public_ids
    detail = _client().get(f"{MEETINGS}{meetings[0]['id']}/").json()
    assert set(detail) >= MEETING_FIELDS
    assert all(item["public"] for item in detail["agenda_items"])
    text = json.dumps(meetings) + json.dumps(detail)
    assert SECRET["planned meeting"] not in text
    assert SECRET["closed meeting"] not in text


def test_a_member_reads_every_meeting_of_their_council_and_its_closed_items() -> None:
    council = _world()
    member = member_create(council).person
    answer = _client(member).get(MEETINGS).json()
    assert {uuid.UUID(m["id"]) for m in answer} == set(
        council.meetings.values_list("pk", flat=True)
    )
    split = council.meetings.get(agenda_items__title=SECRET["closed item"])
    detail = _client(member).get(f"{MEETINGS}{split.pk}/").json()
    titles = {item["title"]: item["public"] for item in detail["agenda_items"]}
    assert titles[SECRET["closed item"]] is False
    assert SECRET["closed item text"] in json.dumps(detail)


@pytest.mark.parametrize("who", ["anonymous", "citizen", "member elsewhere", "admin"])
def test_others_get_404_for_a_meeting_that_is_not_public(who: str) -> None:
    council = _world()
    users = {
        "anonymous": None,
        "citizen": user_create(),
        "member elsewhere": member_create(council_create()).person,
        "admin": user_with_role(Role.ADMIN),
    }
    client = _client(users[who])
    for meeting in council.meetings.filter(visibility=Visibility.CLOSED):
        assert client.get(f"{MEETINGS}{meeting.pk}/").status_code == 404
    planned = council.meetings.get(title_en=SECRET["planned meeting"])
    assert client.get(f"{MEETINGS}{planned.pk}/").status_code == 404
    assert client.get(f"{MEETINGS}{uuid.uuid4()}/").status_code == 404


# --- Writing: the secretary ---------------------------------------------------------------------
def test_the_secretary_adds_a_meeting_and_an_agenda_item() -> None:
    council = council_create()
    client = _client(secretary_of(council))
    answer = _post(client, MEETINGS, _meeting_body(place="Town hall"))
    assert answer.status_code == 201, answer.json()
    created = answer.json()
    meeting = Meeting.objects.get(pk=uuid.UUID(created["id"]))
    assert meeting.council == council
    assert meeting.status == MeetingStatus.PLANNED
    assert (meeting.title_en, meeting.kind, meeting.visibility) == (
        "Plenary on lighting",
        "plenary",
        "split",
    )
    assert created["title"] == "Plenary on lighting"
    assert created["agenda_items"] == []

    url = f"{MEETINGS}{meeting.pk}/agenda-items/"
    item = {"title": "Closed briefing", "text": "Patrols", "kind": "information", "public": False}
    answer = _post(client, url, item)
    assert answer.status_code == 201, answer.json()
    assert answer.json() == {**item, "order": 1}
    answer = _post(client, url, {"title": "Lighting", "kind": "decision", "public": True})
    assert answer.json()["order"] == 2
    stored = list(meeting.agenda_items.order_by("order").values_list("title", "public", "kind"))
    assert stored == [("Closed briefing", False, "information"), ("Lighting", True, "decision")]
    detail = client.get(f"{MEETINGS}{meeting.pk}/").json()
    assert [i["title"] for i in detail["agenda_items"]] == ["Closed briefing", "Lighting"]


def test_a_secretary_of_several_councils_names_the_council() -> None:
    first = council_create(slug="first")
    second = council_create(slug="second")
    secretary = secretary_of(first)
    member_create(second, person=secretary, position=Position.SECRETARY)
    client = _client(secretary)
    answer = _post(client, MEETINGS, _meeting_body())
    assert answer.status_code == 400
    assert "first, second" in answer.json()["council"][0]
    assert _post(client, MEETINGS, _meeting_body(council="elsewhere")).status_code == 400
    assert not Meeting.objects.exists()
    answer = _post(client, MEETINGS, _meeting_body(council="second"))
    assert answer.status_code == 201
    assert Meeting.objects.get().council == second


def test_only_the_secretary_writes() -> None:
    council = council_create()
    meeting = meeting_planned(council)
    item_url = f"{MEETINGS}{meeting.pk}/agenda-items/"
    item = {"title": "Anything", "public": True}
    member = member_create(council).person
    other_secretary = secretary_of(council_create())
    assert _post(_client(), MEETINGS, _meeting_body()).status_code == 401
    assert _post(_client(), item_url, item).status_code == 401
    for user in (member, user_create(), user_with_role(Role.ADMIN)):
        assert _post(_client(user), MEETINGS, _meeting_body()).status_code == 403
    assert _post(_client(member), item_url, item).status_code == 403  # they may see it
    assert _post(_client(user_create()), item_url, item).status_code == 404
    assert _post(_client(other_secretary), item_url, item).status_code == 404
    assert Meeting.objects.count() == 1
    assert not AgendaItem.objects.exists()


# --- Bad input ----------------------------------------------------------------------------------
RAW_NUL = json.dumps(_meeting_body()).replace('"Plenary on lighting"', '"Plenary\\u0000"')
RAW_SURROGATE = json.dumps(_meeting_body()).replace('"Plenary on lighting"', '"Plenary\\ud800"')


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (RAW_NUL, "title"),
        (RAW_SURROGATE, "title"),
        (_meeting_body(title=""), "title"),
        (_meeting_body(title=["a list"]), "title"),
        (_meeting_body(title="x" * 201), "title"),
        (_meeting_body(kind="banquet"), "kind"),
        (_meeting_body(kind="\x00"), "kind"),
        (_meeting_body(kind=None), "kind"),
        (_meeting_body(visibility="secret"), "visibility"),
        (_meeting_body(starts_at="yesterday"), "starts_at"),
        (_meeting_body(starts_at="99999-01-01T00:00"), "starts_at"),
        (_meeting_body(ends_at=12), "ends_at"),
        (_meeting_body(ends_at=(timezone.now() - timedelta(days=400)).isoformat()), "ends_at"),
        (_meeting_body(online_url="javascript:alert(1)"), "online_url"),
        (_meeting_body(council="bad slug!"), "council"),
        ('{"title": ' * 200 + "1" + "}" * 200, None),
        ("[1, 2]", "non_field_errors"),
        ("not json", None),
    ],
)
def test_a_bad_meeting_is_a_400_per_field_and_nothing_is_saved(body: Any, field: str) -> None:
    council = council_create()
    answer = _post(_client(secretary_of(council)), MEETINGS, body)
    assert answer.status_code == 400
    errors = answer.json()
    if field is None:
        assert "detail" in errors
    else:
        assert field in errors, errors
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"title": "Item\\u0000", "public": false}', "title"),
        ('{"title": "Item", "text": "\\udc00", "public": false}', "text"),
        ({"title": "Item", "kind": "vote", "public": False}, "kind"),
        ({"title": "Item", "public": "perhaps"}, "public"),
        ({"title": {"en": "Item"}}, "title"),
        ({"title": "Item", "text": "x" * 20_001}, "text"),
        # A split meeting's item may be closed; a closed meeting has no public items.
        ({"title": "Item", "public": True}, "public"),
    ],
)
def test_a_bad_agenda_item_is_a_400_per_field_and_nothing_is_saved(body: Any, field: str) -> None:
    council = council_create()
    meeting = meeting_planned(council, visibility=Visibility.CLOSED)
    answer = _post(_client(secretary_of(council)), f"{MEETINGS}{meeting.pk}/agenda-items/", body)
    assert answer.status_code == 400
    assert field in answer.json(), answer.json()
    assert not AgendaItem.objects.exists()


def test_the_agenda_of_a_held_meeting_is_fixed() -> None:
    council = council_create()
    held = meeting_held(council)
    answer = _post(
        _client(secretary_of(council)),
        f"{MEETINGS}{held.pk}/agenda-items/",
        {"title": "Late item", "public": True, "kind": AgendaItemKind.INFORMATION},
    )
    assert answer.status_code == 400
    assert "meeting" in answer.json()
    assert not held.agenda_items.filter(title="Late item").exists()


# --- The public record ---------------------------------------------------------------------------
def test_recommendations_action_items_and_strategies_are_the_public_record() -> None:
    _world()
    client = _client()
    recommendations = client.get("/api/v1/council/recommendations/").json()
    assert [r["title_en"] for r in recommendations] == [SHOWN["recommendation"]]
    assert recommendations[0]["progress"] == 40.0
    items = client.get("/api/v1/council/action-items/").json()
    assert [(i["recommendation"], i["updates"][-1]["percent"]) for i in items] == [
        (recommendations[0]["reference"], 40)
    ]
    strategies = client.get("/api/v1/council/strategies/").json()
    assert [s["title_en"] for s in strategies] == [SHOWN["strategy"]]
    measure = strategies[0]["priorities"][0]["objectives"][0]["measures"][0]
    assert measure["recommendations"] == [recommendations[0]["reference"]]


@pytest.mark.parametrize("who", ["member", "anonymous", "member elsewhere", "admin"])
def test_only_the_council_s_members_read_its_proposals_and_closed_adoptions(who: str) -> None:
    council = _world()
    users = {
        "member": member_create(council).person,
        "anonymous": None,
        "member elsewhere": member_create(council_create()).person,
        "admin": user_with_role(Role.ADMIN),
    }
    client = _client(users[who])
    recommendations = client.get("/api/v1/council/recommendations/").json()
    titles = {r["title_en"]: r["adopted_in_meeting"] for r in recommendations}
    items = client.get("/api/v1/council/action-items/").json()
    references = {r["reference"]: r["title_en"] for r in recommendations}
    if who == "member":
        assert set(titles) == {
            SHOWN["recommendation"],
            SECRET["proposal"],
            SECRET["closed adoption"],
        }
        assert titles[SECRET["proposal"]] is None
        assert titles[SECRET["closed adoption"]] is not None
    else:
        assert set(titles) == {SHOWN["recommendation"]}
    assert {references[i["recommendation"]] for i in items} <= set(titles)
    text = json.dumps(recommendations) + json.dumps(items)
    for secret in ("owner name", "owner e-mail", "update text", "closed decision"):
        assert SECRET[secret] not in text


def test_popolo_names_only_members_who_agreed_and_links_every_id() -> None:
    council = _world()
    document = _client().get("/api/v1/council/popolo.json").json()
    assert set(document) == {"persons", "organizations", "memberships"}
    assert [p["name"] for p in document["persons"]] == [SHOWN["public member"]]
    organisations = {o["id"] for o in document["organizations"]}
    persons = {p["id"] for p in document["persons"]}
    assert f"council/{council.slug}" in organisations
    memberships = document["memberships"]
    assert len(memberships) == council.memberships.count()
    for membership in memberships:
        assert membership["organization_id"] in organisations
        assert membership["on_behalf_of_id"] in organisations
        assert membership.get("person_id", next(iter(persons))) in persons
        assert membership["role"] in {"chair", "vice-chair", "secretary", "member", "observer"}
        assert membership["start_date"]
    assert sum("person_id" in m for m in memberships) == 1
    assert SECRET["private member"] not in json.dumps(document)


def test_the_openapi_document_describes_the_council_api() -> None:
    document = _client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = document.json()["paths"]
    for path in (
        MEETINGS,
        "/api/v1/council/meetings/{meeting_id}/",
        "/api/v1/council/meetings/{meeting_id}/agenda-items/",
        "/api/v1/council/recommendations/",
        "/api/v1/council/action-items/",
        "/api/v1/council/strategies/",
        "/api/v1/council/popolo.json",
    ):
        assert path in paths
    create = paths[MEETINGS]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert create["$ref"].endswith("/MeetingCreate")
    # A null wave code has two meanings; the reference says which is which.
    objective = document.json()["components"]["schemas"]["Objective"]["properties"]
    for field in ("baseline_survey_code", "target_survey_code"):
        assert "a survey wave still being prepared" in objective[field]["description"]


def test_a_council_without_a_secretary_is_no_one_s_to_write(db: None) -> None:
    council: Council = council_create()
    assert not council.memberships.exists()
    # A member with the secretary role who does not sit on the council keeps nothing.
    stranger = user_with_role(Role.COUNCIL_SECRETARY)
    assert _post(_client(stranger), MEETINGS, _meeting_body()).status_code == 403


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_the_lists_take_a_fixed_number_of_queries(who: str) -> None:
    council = _world()
    client = _client(member_create(council).person if who == "member" else None)
    urls = [*(path for _args, path in CONTRACT.values())]
    split = council.meetings.get(agenda_items__title=SECRET["closed item"])
    urls.append(f"{MEETINGS}{split.pk}/")
    before = {url: _queries(client, url) for url in urls}
    for _ in range(3):
        recommendation = recommendation_adopted(council)
        action_item_with(recommendation, weight="2", percents=(10, 60))
        recommendation_proposed(council)
    meeting_held(
        council,
        visibility=Visibility.PUBLIC,
        items=tuple((f"More {n}", True, AgendaItemKind.DECISION) for n in range(4)),
    )
    member_create(council, name_public=True, display_name="Another named member")
    after = {url: _queries(client, url) for url in urls}
    assert after == before
