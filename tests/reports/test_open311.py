"""Open311 GeoReport v2: resources, fields, statuses and errors, in JSON and XML."""

from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client

from curim.accounts.models import User
from curim.reports.models import Report
from curim.reports.services.open311 import api_key_issue
from curim.reports.services.workflow import report_transition
from tests.factories import verified_client
from tests.reports.conftest import CENTRE

MakeReport = Callable[..., Report]
BASE = "/open311/v2"
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def _json(client: Client, path: str, status: int = 200) -> Any:
    response = client.get(f"{BASE}/{path}")
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def _xml(client: Client, path: str, status: int = 200) -> ElementTree.Element:
    response = client.get(f"{BASE}/{path}")
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("text/xml")
    return ElementTree.fromstring(response.content)


def test_discovery_lists_the_endpoint_and_formats(client: Client, db: None) -> None:
    body = _json(client, "discovery.json")
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert _xml(client, "discovery.xml").find("endpoints/endpoint/specification") is not None


def test_services_are_the_public_categories(client: Client, db: None) -> None:
    services = _json(client, "services.json")
    codes = {service["service_code"] for service in services}
    assert "graffiti" in codes
    assert "sexual-harassment" not in codes
    assert "sextortion" not in codes
    assert set(services[0]) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    root = _xml(client, "services.xml")
    assert root.tag == "services"
    assert {s.findtext("service_code") for s in root.findall("service")} == codes
    assert root.find("service/metadata").text == "false"


def test_a_service_definition_and_an_unknown_service(client: Client, db: None) -> None:
    assert _json(client, "services/graffiti.json") == {"service_code": "graffiti", "attributes": []}
    errors = _json(client, "services/sexual-harassment.json", status=404)
    assert errors[0]["code"] == 404
    assert _xml(client, "services/nope.xml", status=404).find("error/code").text == "404"


def test_requests_show_public_reports_with_public_fields(
    client: Client, make_report: MakeReport, citizen: User
) -> None:
    shown = make_report(reporter=citizen, contact_email="hidden@example.org")
    make_report(status="submitted")
    make_report(category="sexual-harassment")
    requests = _json(client, "requests.json")
    assert [r["service_request_id"] for r in requests] == [str(shown.public_id)]
    request = requests[0]
    assert set(request) == REQUEST_FIELDS
    assert request["status"] == "open"
    assert request["lat"] == round(shown.public_location.y, 6)
    assert request["lat"] != CENTRE[1]
    text = str(requests)
    for secret in ("hidden@example.org", citizen.email, str(CENTRE[0])):
        assert secret not in text
    root = _xml(client, "requests.xml")
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == str(shown.public_id)
    assert root.findtext("request/status") == "open"


def test_requests_filter_by_the_specification_parameters(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    open_one = make_report(category="graffiti")
    closed = make_report(category="noise")
    report_transition(report=closed, to_status="closed", actor=moderator, public_note="Done.")

    def ids(query: str) -> set[str]:
        return {r["service_request_id"] for r in _json(client, f"requests.json?{query}")}

    assert ids("status=open") == {str(open_one.public_id)}
    assert ids("status=closed") == {str(closed.public_id)}
    assert ids("service_code=noise") == {str(closed.public_id)}
    assert ids(f"service_request_id={open_one.public_id},{closed.public_id}") == {
        str(open_one.public_id),
        str(closed.public_id),
    }
    assert ids("start_date=2999-01-01T00:00:00Z") == set()
    detail = _json(client, f"requests/{closed.public_id}.json")
    assert detail[0]["status_notes"] == "Done."


@pytest.mark.parametrize(
    "query", ["status=pending", "start_date=yesterday", "service_request_id=not-a-uuid"]
)
def test_bad_parameters_answer_with_the_error_format(client: Client, db: None, query: str) -> None:
    errors = _json(client, f"requests.json?{query}", status=400)
    assert set(errors[0]) == {"code", "description"}
    assert _xml(client, f"requests.xml?{query}", status=400).find("error/description") is not None


def test_an_unknown_request_is_404(client: Client, db: None) -> None:
    _json(client, "requests/4b1e1a33-0000-4000-8000-000000000000.json", status=404)
    _json(client, "requests/whatever.json", status=404)


def test_posting_needs_a_valid_api_key(client: Client, piraeus: None) -> None:
    api_key_issue(name="bridge")  # a real client exists: a wrong key must still be refused
    body = {"service_code": "graffiti", "lat": CENTRE[1], "long": CENTRE[0], "description": "Tags"}
    response = client.post(f"{BASE}/requests.json", {**body, "api_key": "wrong"})
    assert response.status_code == 403
    assert response.json()[0]["code"] == 403
    assert not Report.objects.exists()


def test_a_client_with_a_key_creates_a_request(client: Client, piraeus: None) -> None:
    _, key = api_key_issue(name="FixMyStreet bridge")
    body = {
        "api_key": key,
        "service_code": "graffiti",
        "lat": CENTRE[1],
        "long": CENTRE[0],
        "description": "Tags on the wall",
        "email": "someone@example.org",
    }
    response = client.post(f"{BASE}/requests.xml", body)
    assert response.status_code == 201
    root = ElementTree.fromstring(response.content)
    request_id = root.findtext("request/service_request_id")
    report = Report.objects.get(public_id=request_id)
    assert report.contact_email == "someone@example.org"
    assert report.status == "submitted"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"service_code": "sexual-harassment"}, "service_code"),
        ({"lat": "95"}, "lat/long"),
        ({"description": ""}, "description"),
        ({"lat": "48.85", "long": "2.29"}, "outside"),
    ],
)
def test_bad_posts_are_refused_with_a_reason(
    client: Client, piraeus: None, changes: dict[str, str], message: str
) -> None:
    _, key = api_key_issue(name="bridge")
    body = {
        "api_key": key,
        "service_code": "graffiti",
        "lat": str(CENTRE[1]),
        "long": str(CENTRE[0]),
        "description": "Tags",
        **changes,
    }
    response = client.post(f"{BASE}/requests.json", body)
    assert response.status_code == 400
    assert message in response.json()[0]["description"]
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"description": "x" * 5001}, "description: Ensure this value has at most 5000 characters"),
        ({"description": "x" * 1_000_000}, "description: Ensure this value has at most 5000"),
        ({"email": "a" * 300 + "@example.org"}, "contact_email: Ensure this value has at most 254"),
    ],
)
def test_a_text_over_its_limit_is_refused_not_cut(
    client: Client, piraeus: None, changes: dict[str, str], message: str
) -> None:
    _, key = api_key_issue(name="bridge")
    body = {"api_key": key, "service_code": "graffiti", "lat": CENTRE[1], "long": CENTRE[0]}
    response = client.post(f"{BASE}/requests.json", {**body, "description": "Tags", **changes})
    assert response.status_code == 400
    assert message in response.json()[0]["description"]
    assert len(response.content) < 1000
    assert not Report.objects.exists()
    exactly = client.post(f"{BASE}/requests.json", {**body, "description": "x" * 5000})
    assert exactly.status_code == 201
    assert Report.objects.get().description == "x" * 5000


def test_a_withdrawn_key_stops_working(client: Client, piraeus: None) -> None:
    partner, key = api_key_issue(name="bridge")
    partner.is_active = False
    partner.save()
    response = client.post(f"{BASE}/requests.json", {"api_key": key, "service_code": "graffiti"})
    assert response.status_code == 403


def test_an_admin_issues_a_key_that_is_shown_once(client: Client, admin_user: User) -> None:
    from curim.reports.models import Open311Client
    from curim.reports.selectors import api_key_hash

    verified_client(admin_user, client)
    response = client.post(
        "/admin/reports/open311client/add/", {"name": "Bridge", "is_active": "on"}, follow=True
    )
    assert response.status_code == 200
    shown = next(str(m) for m in response.context["messages"] if "API key" in str(m))
    key = shown.split("The API key is ")[1].split(". Copy")[0]
    partner = Open311Client.objects.get(name="Bridge")
    assert partner.key_hash == api_key_hash(key)
    assert key not in partner.key_hash


def test_the_default_period_is_the_last_90_days_and_either_date_replaces_it(
    client: Client, make_report: MakeReport
) -> None:
    import time_machine

    with time_machine.travel("2026-06-01 12:00Z"):
        old = make_report()
    with time_machine.travel("2026-08-30 00:00Z"):  # 89.5 days after
        recent = make_report()
    with time_machine.travel("2026-08-31 00:00Z"):  # 90.5 days after the old one, 1 after it

        def ids(query: str = "") -> set[str]:
            return {r["service_request_id"] for r in _json(client, f"requests.json?{query}")}

        assert ids() == {str(recent.public_id)}
        everything = {str(old.public_id), str(recent.public_id)}
        assert ids("start_date=2026-01-01T00:00:00Z") == everything
        assert ids("end_date=2026-12-31T00:00:00Z") == everything
        assert ids("end_date=2026-07-01T00:00:00Z") == {str(old.public_id)}


def test_requests_cost_the_same_queries_for_one_or_many(
    client: Client, make_report: MakeReport
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(f"{BASE}/requests.json")
        return len(captured)

    make_report()
    one = queries()
    for slug in ("noise", "graffiti", "noise"):
        make_report(category=slug)
    assert queries() == one
