"""Submitting a report through the API: what is stored, and every bad input refused whole."""

import io
import re
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper
from rest_framework.renderers import JSONRenderer

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.reports.locations import placement
from curim.reports.models import Category, Follow, Report, ReportEvent
from curim.reports.services.submission import ReportDraft, report_submit
from tests.factories import user_with_role
from tests.reports.conftest import CENTRE, report_body

pytestmark = pytest.mark.usefixtures("piraeus")
URL = "/api/v1/reports/"


def _post(client: Client, **overrides: object) -> tuple[int, dict[str, object]]:
    response = client.post(URL, report_body(**overrides), content_type="application/json")
    return response.status_code, response.json()


def test_an_anonymous_citizen_submits_a_report(client: Client) -> None:
    status, body = _post(client)
    assert status == 201
    assert body["status"] == "submitted"
    report = Report.objects.get(public_id=body["id"])
    assert report.reporter is None
    assert (report.location.x, report.location.y) == CENTRE
    assert report.area is not None
    assert report.area.code == "piraeus-1"
    assert report.client_address == "127.0.0.1"
    assert list(report.events.values_list("kind", flat=True)) == [ReportEvent.Kind.SUBMITTED]


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/json; indent=4"])
@pytest.mark.parametrize("category", ["graffiti", "sexual-harassment"])  # the second: a token
def test_the_answer_is_written_as_drfs_json_renderer_writes_it(
    client: Client, category: str, accept: str | None
) -> None:
    # The view writes its answer itself (curim.reports.api.common.json_answer) where DRF's
    # Response would write the same: the same bytes and headers, for a new report (201) and a
    # replay (200), however the client asked (an indent through DRF itself).
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    media_type = "application/json" if accept in (None, "*/*") else accept
    keys = {"id", "status", "support"} if category != "graffiti" else {"id", "status"}
    for expected in (201, 200):
        response = client.post(
            URL,
            report_body(category=category),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="the-same-key",
            **headers,  # type: ignore[arg-type]
        )
        assert response.status_code == expected
        body = response.json()
        assert set(body) == keys
        assert response.content == JSONRenderer().render(body, media_type)
        assert response["Content-Type"] == "application/json"
        assert response["Vary"] == "Accept-Language, Cookie"
        assert response["Allow"] == "GET, POST, HEAD, OPTIONS"


def test_a_registered_citizen_is_recorded_as_the_reporter(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    status, body = _post(client)
    assert status == 201
    assert Report.objects.get(public_id=body["id"]).reporter == citizen


def test_the_public_location_is_the_centre_of_the_category_grid_cell(client: Client) -> None:
    _, body = _post(client)
    report = Report.objects.get(public_id=body["id"])
    assert report.public_location != report.location
    exact = report.location.transform(2100, clone=True)
    public = report.public_location.transform(2100, clone=True)
    grid = report.category.grid_size_m
    # The cell centre is at most half a diagonal away, and on the grid's half-steps.
    assert exact.distance(public) <= grid * 2**0.5 / 2 + 0.5
    assert abs((public.x - grid / 2) / grid - round((public.x - grid / 2) / grid)) < 0.01


def test_the_submitted_report_reads_its_public_location_as_stored() -> None:
    # The placed insert leaves the public point deferred (read on access, one query): the
    # report handed back must never show another point than the one stored.
    report, created = report_submit(
        draft=ReportDraft(
            category=Category.objects.get(slug="graffiti"),
            description="Deferred",
            occurred_at=timezone.now(),
            severity=2,
            feeling_unsafe=3,
            location=Point(*CENTRE, srid=4326),
        ),
        reporter=None,
        client_address="192.0.2.1",
    )
    assert created
    # (the generated column, public_point_3857, is never read back by an insert either)
    assert report.get_deferred_fields() == {"public_location", "public_point_3857"}
    with CaptureQueriesContext(connection) as queries:
        shown = report.public_location
    assert len(queries.captured_queries) == 1
    stored = Report.objects.values_list("public_location", flat=True).get(pk=report.pk)
    assert shown is not None
    assert stored is not None
    assert shown.equals_exact(stored, 0)
    assert shown.srid == 4326
    cell = placement(Point(*CENTRE, srid=4326), report.category.grid_size_m).public_point
    assert shown.equals_exact(cell, 1e-12)


def test_points_in_the_same_cell_share_one_public_location() -> None:
    a = placement(Point(23.64650, 37.94250, srid=4326), 250).public_point
    b = placement(Point(23.64655, 37.94255, srid=4326), 250).public_point
    c = placement(Point(23.64650 + 0.004, 37.94250, srid=4326), 250).public_point  # ~350 m east
    assert a == b  # the exact point cannot be recovered from what is shown
    assert a != c
    assert 249 <= a.transform(2100, clone=True).distance(c.transform(2100, clone=True)) <= 501


def test_the_district_is_the_one_of_the_public_cell(piraeus: None) -> None:
    # Across a fine grid of exact points, every public cell maps to one district, so the
    # district shown cannot tell which side of a border the exact point lies.
    districts: dict[tuple[float, float], set[int | None]] = {}
    for i in range(25):
        for j in range(20):
            point = Point(23.615 + i * 0.002, 37.930 + j * 0.002, srid=4326)
            placed = placement(point, 250)
            if placed.inside:
                key = (placed.public_point.x, placed.public_point.y)
                districts.setdefault(key, set()).add(placed.area_id)
    assert len(districts) > 50
    assert all(len(found) == 1 for found in districts.values())


def test_a_cyber_threat_needs_no_location_but_a_channel(client: Client) -> None:
    status, body = _post(
        client,
        category="phishing",
        latitude=None,
        longitude=None,
        cyber_channel="email",
        cyber_sender="bank@phish.example",
    )
    assert status == 201
    report = Report.objects.get(public_id=body["id"])
    assert report.location is None
    assert report.public_location is None
    status, body = _post(client, category="phishing", latitude=None, longitude=None)
    assert status == 400
    assert "cyber_channel" in body


def test_a_retry_with_the_same_idempotency_key_returns_the_first_report(client: Client) -> None:
    first = client.post(
        URL,
        report_body(),
        content_type="application/json",
        headers={"Idempotency-Key": "7c1f7f58-retry"},
    )
    again = client.post(
        URL,
        report_body(),
        content_type="application/json",
        headers={"Idempotency-Key": "7c1f7f58-retry"},
    )
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Report.objects.count() == 1


def _with_key(client: Client, body: Any, key: str = "4f0c-key", **extra: Any) -> Any:
    return client.post(URL, body, headers={"Idempotency-Key": key}, **extra)


def test_an_idempotency_key_reused_with_other_content_is_refused_with_422(client: Client) -> None:
    first = _with_key(client, report_body(), content_type="application/json")
    other = _with_key(
        client, report_body(description="Something else entirely"), content_type="application/json"
    )
    assert first.status_code == 201
    assert other.status_code == 422
    assert "idempotency key" in other.json()["detail"]
    assert Report.objects.count() == 1
    assert Report.objects.get().description == report_body()["description"]
    # The first content is still answered with the first report.
    again = _with_key(client, report_body(), content_type="application/json")
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])


def test_the_same_content_in_another_order_or_encoding_is_the_same_request(client: Client) -> None:
    import json

    body = report_body()
    first = _with_key(client, json.dumps(body), content_type="application/json")
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)
    again = _with_key(client, reordered, content_type="application/json")
    assert first.status_code == 201
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])


def test_a_retried_multipart_report_replays_and_another_photo_is_refused(client: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    def photo(colour: str) -> SimpleUploadedFile:
        out = io.BytesIO()
        Image.new("RGB", (16, 16), colour).save(out, format="PNG")
        return SimpleUploadedFile("p.png", out.getvalue(), "image/png")

    first = _with_key(client, {**report_body(), "photos": [photo("red")]})
    again = _with_key(client, {**report_body(), "photos": [photo("red")]})
    other = _with_key(client, {**report_body(), "photos": [photo("blue")]})
    assert first.status_code == 201
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    assert other.status_code == 422
    assert Report.objects.count() == 1


@pytest.mark.parametrize("accept", ["*/*", "application/json; indent=2"])
def test_the_honeypot_accepts_nothing_and_answers_as_a_real_report_does(
    client: Client, accept: str
) -> None:
    def answer(**overrides: object) -> tuple[int, str, str]:
        response = client.post(
            URL, report_body(**overrides), content_type="application/json", HTTP_ACCEPT=accept
        )
        # The same shape and writing, a new id aside.
        text = re.sub(r'"id":\s*"[0-9a-f-]{36}"', '"id":"…"', response.content.decode())
        return response.status_code, text, response["Content-Type"]

    trapped = answer(website="http://spam.example")
    assert not Report.objects.exists()
    assert trapped == answer()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"latitude": 91}, "latitude"),
        ({"longitude": -181}, "longitude"),
        ({"latitude": "north"}, "latitude"),
        ({"longitude": None}, "longitude"),
        ({"latitude": 48.8584, "longitude": 2.2945}, "location"),  # Paris: outside Piraeus
        ({"latitude": None, "longitude": None}, "location"),  # graffiti needs a place
        ({"category": "no-such-thing"}, "category"),
        ({"description": "x" * 5001}, "description"),
        ({"description": ""}, "description"),
        ({"severity": 0}, "severity"),
        ({"feeling_unsafe": 6}, "feeling_unsafe"),
        ({"occurred_at": "2999-01-01T00:00:00Z"}, "occurred_at"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"cyber_channel": "email"}, "cyber_channel"),  # not a cyber category
        ({"contact_email": "not an address"}, "contact_email"),
    ],
)
def test_bad_input_is_refused_per_field_and_nothing_is_saved(
    client: Client, overrides: dict[str, object], field: str
) -> None:
    status, body = _post(client, **overrides)
    assert status == 400
    assert field in body, body
    assert not Report.objects.exists()


def test_anonymous_submissions_are_limited_per_address(
    client: Client, settings: SettingsWrapper, citizen: User
) -> None:
    settings.REPORTS_ANONYMOUS_PER_HOUR = 2
    assert _post(client)[0] == 201
    assert _post(client)[0] == 201
    status, body = _post(client)
    assert status == 429
    assert "detail" in body
    other = Client(REMOTE_ADDR="198.51.100.20")
    assert _post(other)[0] == 201
    client.force_login(citizen)
    assert _post(client)[0] == 201  # registered citizens are limited per account instead


def test_registered_citizens_are_limited_per_account(
    client: Client, settings: SettingsWrapper, citizen: User
) -> None:
    settings.REPORTS_SIGNED_IN_PER_HOUR = 2
    settings.REPORTS_ANONYMOUS_PER_HOUR = 100
    client.force_login(citizen)
    assert _post(client)[0] == 201
    assert _post(client)[0] == 201
    status, body = _post(client)
    assert status == 429
    assert "account" in str(body["detail"])
    # Another address does not help; another account and anonymous visitors are not affected.
    elsewhere = Client(REMOTE_ADDR="198.51.100.30")
    elsewhere.force_login(citizen)
    assert _post(elsewhere)[0] == 429
    neighbour = Client()
    neighbour.force_login(user_with_role(Role.CITIZEN, email="neighbour@example.org"))
    assert _post(neighbour)[0] == 201
    assert _post(Client())[0] == 201
    assert Report.objects.count() == 4


def _inserted_columns(sql: str, table: str) -> set[str]:
    match = re.search(rf'INSERT INTO "{table}" \(([^)]*)\)', sql)
    assert match, sql
    return {column.strip().strip('"') for column in match.group(1).split(",")}


def _columns(model: type[Model]) -> set[str]:
    return {
        field.column
        for field in model._meta.concrete_fields
        if not field.primary_key and not field.generated
    }


def test_the_placed_insert_writes_every_column_of_the_report_and_its_history_line(
    citizen: User,
) -> None:
    # The one-statement insert of a located report must write what the ORM would: every column
    # of the three models (a new field included), with the same values as the ORM's own insert.
    when = timezone.now()

    def draft(category: str, **fields: Any) -> ReportDraft:
        return ReportDraft(
            category=Category.objects.get(slug=category),
            description="Same",
            occurred_at=when,
            severity=2,
            feeling_unsafe=3,
            **fields,
        )

    with CaptureQueriesContext(connection) as queries:
        placed, _ = report_submit(
            draft=draft("graffiti", location=Point(*CENTRE, srid=4326)),
            reporter=citizen,
            client_address="192.0.2.1",
        )
    sql = next(q["sql"] for q in queries.captured_queries if "reports_reportevent" in q["sql"])
    assert _inserted_columns(sql, "reports_report") == _columns(Report)
    assert _inserted_columns(sql, "reports_reportevent") == _columns(ReportEvent)
    assert _inserted_columns(sql, "reports_follow") == _columns(Follow)

    unplaced, _ = report_submit(
        draft=draft("phishing", cyber_channel="sms"), reporter=citizen, client_address="192.0.2.1"
    )
    different = {"id", "report_id", "created_at"}

    def event_row(report: Report) -> dict[str, object]:
        row = ReportEvent.objects.filter(report=report).values().get()
        return {key: value for key, value in row.items() if key not in different}

    assert event_row(placed) == event_row(unplaced)
    # The reporter follows both, as the ORM's insert of the unplaced report's follow row says.
    assert list(Follow.objects.filter(report=placed).values_list("user", flat=True)) == [citizen.pk]
    assert list(Follow.objects.filter(report=unplaced).values_list("user", flat=True)) == [
        citizen.pk
    ]
    stored = dict(Report.objects.filter(pk=placed.pk).values().get())
    for field in Report._meta.concrete_fields:
        if field.column not in {"public_point_3857", "location", "public_location"}:
            assert stored[field.attname] == getattr(placed, field.attname), field.name


def test_the_limit_answers_first_whatever_the_body(
    client: Client, settings: SettingsWrapper
) -> None:
    # The hit is counted while the body is validated (curim.reports.api.common): the answer is
    # still as if the limit came first, and every refused attempt counts.
    settings.REPORTS_ANONYMOUS_PER_HOUR = 2
    assert _post(client, severity=9)[0] == 400  # counted, refused for its body
    assert _post(client)[0] == 201
    assert _post(client)[0] == 429
    assert _post(client, severity=9)[0] == 429
    malformed = client.post(URL, "{not json", content_type="application/json")
    assert malformed.status_code == 429
    assert Report.objects.count() == 1


def test_a_malformed_body_under_the_limit_is_a_400(client: Client) -> None:
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_over_the_limit_a_body_with_files_is_not_read(
    client: Client, settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A multipart body waits for the count: a client over its limit must not have its photos
    # decoded (curim.reports.api.common.submission_limited_and_validated).
    from django.core.files.uploadedfile import SimpleUploadedFile

    from curim.reports.api import reports as api

    decoded: list[object] = []

    def photos_clean(photos: list[object]) -> list[object]:
        decoded.append(photos)
        return []

    monkeypatch.setattr(api, "photos_clean", photos_clean)
    settings.REPORTS_ANONYMOUS_PER_HOUR = 1

    def send() -> int:
        photo = SimpleUploadedFile("photo.jpg", b"\xff\xd8 not really", "image/jpeg")
        return client.post(URL, {**report_body(), "photos": [photo]}).status_code

    assert send() == 201
    assert len(decoded) == 1
    assert send() == 429
    assert len(decoded) == 1


def test_every_path_gives_the_rate_limit_s_redis_connection_back(client: Client) -> None:
    from django.core.cache import caches

    backend: Any = caches["default"]
    pool = backend._cache.get_client(write=True).connection_pool
    in_use = len(pool._in_use_connections)
    client.post(URL, "{not json", content_type="application/json")  # the parser raises
    _post(client, severity=9)  # refused by the serializer
    _post(client)  # stored
    client.post(URL, report_body())  # multipart
    assert len(pool._in_use_connections) == in_use
