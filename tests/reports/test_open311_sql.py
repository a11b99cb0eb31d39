"""Open311 requests built by one SQL statement: the same bytes as the renderer they replaced,
for every filter and both languages, in a constant number of queries."""

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from curim.accounts.models import User
from curim.reports.models import Category, Report, ReportPhoto
from curim.reports.open311.rendering import render
from curim.reports.selectors import OPEN311_CLOSED, Open311Query, open311_requests
from curim.reports.services.workflow import report_transition
from tests.reports.conftest import CENTRE, FALIRO, connections_recorded

MakeReport = Callable[..., Report]
BASE = "/open311/v2"
ATHENS = ZoneInfo("Europe/Athens")


def day(value: datetime | None) -> str | None:
    if value is None:
        return None
    midnight = timezone.localtime(value).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.isoformat(timespec="seconds")


def legacy_request(report: Report, base: str) -> dict[str, Any]:
    """A request as the Python renderer built it before the SQL statement: the reference."""
    photo = next(iter(report.photos.all()), None)
    location = report.public_location
    return {
        "service_request_id": str(report.public_id),
        "status": "closed" if report.status in OPEN311_CLOSED else "open",
        "status_notes": report.public_note or None,
        "service_name": report.category.name,
        "service_code": report.category.slug,
        "description": report.description,
        "agency_responsible": report.category.get_forward_to_display() or None,
        "service_notice": None,
        "requested_datetime": day(report.created_at),
        "updated_datetime": day(report.updated_at),
        "expected_datetime": None,
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": round(location.y, 6) if location else None,
        "long": round(location.x, 6) if location else None,
        "media_url": base + reverse("reports:photo", args=[photo.public_id]) if photo else None,
    }


def legacy_bytes(fmt: str, query: Open311Query, language: str) -> bytes:
    with translation.override(language):
        items = [legacy_request(r, "http://testserver") for r in open311_requests(query)]
        return bytes(render(fmt, "service_requests", items).content)


def _photo(report: Report) -> None:
    out = BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="JPEG")
    ReportPhoto.objects.create(
        report=report, image=ContentFile(out.getvalue(), "p.jpg"), width=8, height=8
    )


@pytest.fixture
def varied(make_report: MakeReport, moderator: User) -> list[Report]:
    Category.objects.filter(slug="noise").update(forward_to="police", name_el="Θόρυβος <&>")
    Category.objects.filter(slug="graffiti").update(forward_to="municipality")
    texts = [
        "Quotes \" and \\ backslash, <tags> & ampersands, 'apostrophes'",
        "Ελληνικά: γκράφιτι στον τοίχο του σχολείου — «εισαγωγικά» 🚧",
        "Lines\nand\ttabs\r\nand a DEL \x7f and a bell \x07 char",
        "]]> <![CDATA[ x ]]> &amp; &#65; \u2028 \ufeff",
        "plain",
    ]
    reports = []
    for i, (category, text) in enumerate(
        zip(["graffiti", "noise", "graffiti", "noise", "graffiti"], texts, strict=True)
    ):
        at = (CENTRE if i % 2 else FALIRO)[0] + i * 0.0004, (CENTRE if i % 2 else FALIRO)[1]
        reports.append(make_report(category=category, description=text, at=at))
    report_transition(
        report=reports[1], to_status="closed", actor=moderator, public_note='Κλειστό <ok> & "done"'
    )
    report_transition(report=reports[2], to_status="resolved", actor=moderator, public_note="")
    _photo(reports[0])
    _photo(reports[0])
    _photo(reports[3])
    # Summer (+03:00) and winter (+02:00) days, and one just before midnight in Athens (a UTC
    # day earlier than the local day).
    moments = [
        datetime(2026, 9, 20, 12, tzinfo=ATHENS),
        datetime(2026, 10, 25, 23, 30, tzinfo=ATHENS),
        datetime(2026, 11, 14, 0, 10, tzinfo=ATHENS),
        timezone.now() - timedelta(days=200),  # outside the default window
        timezone.now(),
    ]
    for report, moment in zip(reports, moments, strict=True):
        Report.objects.filter(pk=report.pk).update(
            created_at=moment, updated_at=moment + timedelta(days=3, hours=5)
        )
    return reports


QUERIES = [
    "",
    "status=open",
    "status=closed",
    "status=open,closed",
    "service_code=noise",
    "service_code=graffiti,noise",
    "start_date=2026-10-01T00:00:00Z",
    "end_date=2026-10-30T00:00:00%2B02:00",
    "start_date=2020-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z&status=open",
    "start_date=2999-01-01T00:00:00Z",
]


def _parsed(query: str) -> Open311Query:
    """The same parameters as the view parses them (the reference reads the same selection)."""
    from django.http import QueryDict
    from django.utils.dateparse import parse_datetime

    params = QueryDict(query)
    status = None
    if params.get("status"):
        wanted = set(params["status"].split(","))
        status = wanted.pop() if len(wanted) == 1 else None
    codes = params.get("service_code")
    start, end = params.get("start_date"), params.get("end_date")
    return Open311Query(
        service_codes=tuple(codes.split(",")) if codes else (),
        start=parse_datetime(start) if start else None,
        end=parse_datetime(end) if end else None,
        status=status,
    )


def _cases() -> Iterator[tuple[str, str, str]]:
    for fmt in ("json", "xml"):
        for language in ("en", "el"):
            for query in QUERIES:
                yield fmt, language, query


@pytest.mark.parametrize(("fmt", "language", "query"), list(_cases()))
def test_requests_are_byte_for_byte_the_reference(
    client: Client, varied: list[Report], fmt: str, language: str, query: str
) -> None:
    response = client.get(f"{BASE}/requests.{fmt}?{query}", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response.content == legacy_bytes(fmt, _parsed(query), language)


def test_the_fixture_holds_what_needs_escaping(client: Client, varied: list[Report]) -> None:
    body = client.get(f"{BASE}/requests.json?start_date=2020-01-01T00:00:00Z").content
    for escaped in (b"\\ud83d\\udea7", b"\\u007f", b"\\u0007", b"\\u0395", b'\\"', b"\\\\"):
        assert escaped in body, escaped
    assert b"+03:00" in body
    assert b"+02:00" in body
    assert body.count(b"/reports/photos/") == 2
    xml = client.get(f"{BASE}/requests.xml?start_date=2020-01-01T00:00:00Z").content
    for escaped in (b"&#128679;", b"&lt;tags&gt; &amp;", b"<status_notes />", b"&amp;amp;"):
        assert escaped in xml, escaped
    assert b"\x07" not in xml


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_requests_by_id_and_one_request_are_the_reference(
    client: Client, varied: list[Report], fmt: str
) -> None:
    ids = (varied[0].public_id, varied[3].public_id)
    query = ",".join(str(i) for i in ids)
    response = client.get(f"{BASE}/requests.{fmt}?service_request_id={query}")
    assert response.content == legacy_bytes(fmt, Open311Query(ids=ids), "en")
    one = client.get(f"{BASE}/requests/{varied[1].public_id}.{fmt}", HTTP_ACCEPT_LANGUAGE="el")
    assert one.content == legacy_bytes(fmt, Open311Query(ids=(varied[1].public_id,)), "el")


def test_no_requests_is_the_reference(client: Client, piraeus: None) -> None:
    for fmt in ("json", "xml"):
        response = client.get(f"{BASE}/requests.{fmt}")
        assert response.content == legacy_bytes(fmt, Open311Query(), "en")


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_requests_take_the_same_number_of_queries_for_3_or_30_reports(
    client: Client, make_report: MakeReport, fmt: str
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            _photo(make_report(category="noise" if i % 2 else "graffiti"))

    add(3)
    few = _queries(client, f"{BASE}/requests.{fmt}")
    add(27)
    assert len(client.get(f"{BASE}/requests.json").json()) == 30
    assert _queries(client, f"{BASE}/requests.{fmt}") == few == 1  # one statement


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_coordinates_are_written_as_python_writes_floats(
    client: Client, varied: list[Report], fmt: str
) -> None:
    from django.contrib.gis.geos import Point

    places = [
        Point(23.0, 37.0, srid=4326),  # whole numbers: "23.0"
        Point(-0.0000001, 0.00004, srid=4326),  # "-0.0" and an exponent: "4e-05"
        Point(-23.64651249, 37.1234564999, srid=4326),
        Point(179.9999996, -89.9999994, srid=4326),
        None,  # no location at all
    ]
    for report, place in zip(varied, places, strict=True):
        Report.objects.filter(pk=report.pk).update(
            public_location=place, location=place and Point(23.6465, 37.9425, srid=4326)
        )
    query = "start_date=2020-01-01T00:00:00Z"
    response = client.get(f"{BASE}/requests.{fmt}?{query}")
    assert response.content == legacy_bytes(fmt, _parsed(query), "en")
    if fmt == "json":
        body = response.content
        for written in (b'"lat": 37.0', b'"long": -0.0', b'"lat": 4e-05', b'"long": 180.0'):
            assert written in body, written


def test_the_statement_runs_on_the_database_the_queryset_is_routed_to(
    varied: list[Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    from curim.reports.open311 import serialise

    asked = connections_recorded(monkeypatch, serialise)
    requests = open311_requests(Open311Query()).using("replica")
    _, count = serialise.open311_requests_body(requests, "json", base="http://testserver")
    assert asked == ["replica"]
    assert count == 4
