"""Input an anonymous client can send to every field and filter of reports: a NUL byte (which
PostgreSQL cannot store), a lone surrogate (which UTF-8 cannot encode), odd JSON types, a
megabyte of text. Each is refused with a 400 naming the field (or a form message), never a 500,
and nothing is saved."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from curim.accounts.models import User
from curim.reports.api.evaluations import EvaluationCreateSerializer, EvaluationQuerySerializer
from curim.reports.api.reports import NearbyQuerySerializer, ReportCreateSerializer
from curim.reports.models import (
    AUDIT_PARAMETERS,
    Comment,
    CommentFlag,
    PlaceEvaluation,
    Report,
    ReportEvent,
)
from curim.reports.services.open311 import api_key_issue
from tests.reports.conftest import CENTRE, report_body

MakeReport = Callable[..., Report]
NUL = "a\x00b"
SURROGATE = "a\ud800b"
MEGABYTE = "x" * 1_000_000
TILE = "/api/v1/tiles/reports/14/9268/6323.pbf"


def _post_json(client: Client, url: str, body: Any) -> Any:
    # json.dumps writes a lone surrogate as the escape "\ud800", as a hostile client would.
    return client.post(url, json.dumps(body), content_type="application/json")


def _refused(response: Any, field: str) -> dict[str, Any]:
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert field in body, body
    return body


def _evaluation(**overrides: Any) -> dict[str, Any]:
    return {
        "latitude": CENTRE[1],
        "longitude": CENTRE[0],
        "time_of_day": "night",
        **dict.fromkeys(AUDIT_PARAMETERS, 3),
        "feeling": 3,
        **overrides,
    }


# --- The serializers: fields that look a value up or echo it in their error ------------------
@pytest.mark.parametrize("value", [NUL, SURROGATE], ids=["nul", "surrogate"])
@pytest.mark.parametrize(
    ("serializer", "valid", "field"),
    [
        (ReportCreateSerializer, report_body(), "category"),
        (ReportCreateSerializer, report_body(), "cyber_channel"),
        (NearbyQuerySerializer, {"latitude": CENTRE[1], "longitude": CENTRE[0]}, "category"),
        (EvaluationCreateSerializer, _evaluation(), "time_of_day"),
        (EvaluationQuerySerializer, {}, "time_of_day"),
    ],
)
def test_a_field_refuses_an_unstorable_character_without_echoing_it(
    piraeus: None,
    serializer: type[serializers.Serializer[Any]],
    valid: dict[str, Any],
    field: str,
    value: str,
) -> None:
    # Whatever the JSON parser lets through, the field itself refuses it, readably.
    data = serializer(data={**valid, field: value})
    assert not data.is_valid()
    assert list(data.errors) == [field]
    message = str(data.errors[field][0])
    assert "\x00" not in message
    assert "\ud800" not in message
    JSONRenderer().render(data.errors)  # UTF-8 can encode the answer


# --- Reports through the API -----------------------------------------------------------------
REPORT_TEXT_FIELDS = [
    "category",
    "description",
    "occurred_at",
    "cyber_channel",
    "cyber_sender",
    "contact_email",
    "idempotency_key",
    "latitude",
    "longitude",
    "severity",
    "feeling_unsafe",
]


@pytest.mark.parametrize("field", REPORT_TEXT_FIELDS)
def test_a_nul_byte_in_any_field_of_a_report_is_refused_per_field(
    client: Client, piraeus: None, field: str
) -> None:
    _refused(_post_json(client, "/api/v1/reports/", report_body(**{field: NUL})), field)
    assert not Report.objects.exists()


@pytest.mark.parametrize("field", REPORT_TEXT_FIELDS)
def test_a_lone_surrogate_in_any_field_of_a_report_is_refused(
    client: Client, piraeus: None, field: str
) -> None:
    response = _post_json(client, "/api/v1/reports/", report_body(**{field: SURROGATE}))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    # Refused by the field (or earlier, by a parser that refuses lone surrogates outright).
    assert field in response.json() or set(response.json()) == {"detail"}
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("category", ["graffiti"]),
        ("category", {"slug": "graffiti"}),
        ("category", True),
        ("category", "g" * 100_000),
        ("cyber_channel", ["sms"]),
        ("description", {"text": "x"}),
        ("description", MEGABYTE),
        ("cyber_sender", MEGABYTE),
        ("contact_email", MEGABYTE + "@example.org"),
        ("idempotency_key", MEGABYTE),
        ("severity", "9" * 1000),
        ("latitude", 1e308),
        ("occurred_at", ["2026-01-01"]),
        ("photos", "not a file"),
    ],
)
def test_odd_types_and_huge_texts_in_a_report_are_refused_per_field(
    client: Client, piraeus: None, field: str, value: object
) -> None:
    body = _refused(_post_json(client, "/api/v1/reports/", report_body(**{field: value})), field)
    assert len(json.dumps(body)) < 2000  # the answer does not echo a megabyte back
    assert not Report.objects.exists()


@pytest.mark.parametrize("value", [NUL, "\ud800", "k" * 256, "caf\u00e9"])
def test_an_idempotency_key_header_that_is_not_printable_ascii_is_refused(
    client: Client, piraeus: None, value: str
) -> None:
    response = client.post(
        "/api/v1/reports/",
        report_body(),
        content_type="application/json",
        headers={"Idempotency-Key": value},
    )
    _refused(response, "idempotency_key")
    assert not Report.objects.exists()


@pytest.mark.parametrize("value", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_a_comment_with_an_unstorable_character_is_refused(
    client: Client, make_report: MakeReport, citizen: User, value: str
) -> None:
    report = make_report()
    client.force_login(citizen)
    response = _post_json(client, f"/api/v1/reports/{report.public_id}/comments/", {"body": value})
    assert response.status_code == 400
    assert "body" in response.json() or set(response.json()) == {"detail"}
    if value == NUL:  # a form's bytes cannot hold a lone surrogate at all
        response = client.post(f"/reports/{report.public_id}/comments/", {"body": value})
        assert response.status_code == 302
    assert not Comment.objects.exists()


@pytest.mark.parametrize("field", ["time_of_day", "feeling", "latitude"])
@pytest.mark.parametrize("value", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_an_evaluation_with_an_unstorable_character_is_refused(
    client: Client, piraeus: None, field: str, value: str
) -> None:
    response = _post_json(client, "/api/v1/evaluations/", _evaluation(**{field: value}))
    assert response.status_code == 400
    assert field in response.json() or set(response.json()) == {"detail"}
    assert not PlaceEvaluation.objects.exists()


# --- Filters of the public outputs ------------------------------------------------------------
LIST_FILTERS = ["bbox", "category", "group", "since", "until", "area", "limit", "offset"]


@pytest.mark.parametrize("path", ["/api/v1/reports/", "/api/v1/reports/export.csv", TILE])
@pytest.mark.parametrize("name", LIST_FILTERS)
def test_a_nul_byte_in_a_filter_of_the_list_the_csv_or_a_tile_is_a_json_400(
    client: Client, make_report: MakeReport, path: str, name: str
) -> None:
    make_report()
    _refused(client.get(f"{path}?{name}=a%00b"), name)


@pytest.mark.parametrize("path", ["/api/v1/reports/", "/api/v1/reports/export.csv", TILE])
@pytest.mark.parametrize("name", ["category", "group", "area"])
def test_a_surrogate_sent_in_a_filter_is_no_error(
    client: Client, make_report: MakeReport, path: str, name: str
) -> None:
    # A query string carries bytes; a surrogate encoded in them arrives as U+FFFD, which is
    # refused (area) or matches nothing (category, group).
    make_report()
    response = client.get(f"{path}?{name}=a%ED%A0%80b")
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        _refused(response, name)


@pytest.mark.parametrize("name", ["category", "latitude", "longitude"])
def test_a_nul_byte_in_the_duplicate_hint_is_refused_per_field(
    client: Client, piraeus: None, name: str
) -> None:
    query = {"category": "graffiti", "latitude": str(CENTRE[1]), "longitude": str(CENTRE[0])}
    query[name] = NUL
    _refused(client.get("/api/v1/reports/nearby/", query), name)


@pytest.mark.parametrize("name", ["time_of_day", "since"])
def test_a_nul_byte_in_a_filter_of_the_evaluations_is_refused(
    client: Client, db: None, name: str
) -> None:
    _refused(client.get("/api/v1/evaluations/", {name: NUL}), name)


# --- Open311 ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name", ["service_code", "status", "start_date", "end_date", "service_request_id"]
)
def test_a_nul_byte_in_an_open311_parameter_is_an_open311_error(
    client: Client, db: None, name: str
) -> None:
    response = client.get("/open311/v2/requests.json", {name: NUL})
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400


@pytest.mark.parametrize("name", ["api_key", "service_code", "description", "email", "lat", "long"])
def test_a_nul_byte_in_an_open311_post_is_refused(client: Client, piraeus: None, name: str) -> None:
    _, key = api_key_issue(name="bridge")
    body = {
        "api_key": key,
        "service_code": "graffiti",
        "lat": str(CENTRE[1]),
        "long": str(CENTRE[0]),
        "description": "Tags",
        name: NUL,
    }
    response = client.post("/open311/v2/requests.json", body)
    assert response.status_code == 400
    assert not Report.objects.exists()


# --- Pages --------------------------------------------------------------------------------------
@pytest.mark.parametrize("reason", [NUL, "x" * 501])
def test_a_flag_with_a_bad_reason_is_refused_with_a_message_not_cut(
    client: Client, make_report: MakeReport, citizen: User, reason: str
) -> None:
    from curim.reports.services.conversation import comment_post

    comment = comment_post(report=make_report(), author=citizen, body="Words")
    client.force_login(citizen)
    response = client.post(f"/comments/{comment.public_id}/flag/", {"reason": reason}, follow=True)
    assert response.status_code == 200
    assert not CommentFlag.objects.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("note", NUL, "Internal note"),
        ("note", MEGABYTE, "Internal note"),
        ("public_note", "x" * 2001, "Public note"),
    ],
)
def test_a_moderation_note_that_is_refused_says_which_field(
    client: Client, make_report: MakeReport, moderator: User, field: str, value: str, label: str
) -> None:
    report = make_report(status="submitted")
    client.force_login(moderator)
    response = client.post(
        f"/moderation/{report.public_id}/act/", {"action": "publish", field: value}
    )
    # The page again, the error on its field and in the summary that links to it.
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    page = response.content.decode()
    assert f'<a href="#id_{field}">{label} (optional): ' in page
    assert f'id="id_{field}-error"' in page
    report.refresh_from_db()
    assert report.status == "submitted"
    assert not ReportEvent.objects.filter(report=report, kind="status").exists()


@pytest.mark.parametrize(
    "path",
    [
        "/moderation/?status=a%00b&page=a%00b",
        "/moderation/comments/?page=a%00b",
        "/reports/mine/?page=a%00b",
        "/reports/submitted/?support=a%00b",
        "/reports/submitted/?support=a%ED%A0%80b",
    ],
)
def test_a_nul_byte_in_a_page_parameter_is_ignored(
    client: Client, moderator: User, path: str
) -> None:
    client.force_login(moderator)
    assert client.get(path).status_code == 200
