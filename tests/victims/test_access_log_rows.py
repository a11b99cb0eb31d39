"""The access log in words (finding 14): "referral to 34895218-…" and "session: social,
in_person" became the service's name and the choices' labels, in the reader's language, with
a constant number of queries whatever the number of rows, and the rows themselves untouched."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from curim.accounts.models import User
from curim.accounts.roles import Role
from tests.victims.clients import case_create, member, service_create, verified_client
from victims.access_log_rows import access_log_rows
from victims.models import AccessLog, Case, Channel, ConsentScope, Service
from victims.selectors import access_log_visible_to
from victims.services import cases as case_services
from victims.services import directory, support

pytestmark = pytest.mark.django_db


def _work_on(case: Case, by: User, service: Service) -> None:
    """One of each kind of change a case worker makes, each leaving its log row."""
    support.session_record(
        case=case,
        by=by,
        kind="social",
        channel=Channel.IN_PERSON,
        held_at=timezone.now() - datetime.timedelta(hours=1),
        duration_minutes=30,
        notes="",
    )
    support.consent_record(case=case, by=by, scope=ConsentScope.REFERRAL, service=service)
    support.consent_record(case=case, by=by, scope=ConsentScope.CONTACT, channel=Channel.SMS)
    referral = support.referral_create(case=case, by=by, service=service, reason="")
    support.referral_update(referral=referral, by=by, status="sent", outcome="")
    case_services.case_status_change(case=case, by=by, to_status="assessment", note="")
    case_services.case_details_update(case=case, by=by, fields={"risk_level": "high"})


def _described(user: User) -> dict[str, str]:
    rows = access_log_rows(access_log_visible_to(user))
    return {row.entry.detail: row.description for row in rows}


def test_the_log_names_services_and_says_codes_in_words() -> None:
    supervisor = member(Role.VSU_SUPERVISOR)
    service = service_create("Legal Aid Office")
    case = case_create(supervisor)
    _work_on(case, supervisor, service)
    described = _described(supervisor)
    referral = case.referrals.get()

    assert described["session: social, in_person"] == "Session: social support, in person"
    assert described[f"referral to {service.pk}"] == "Referral to Legal Aid Office"
    assert described[f"referral {referral.pk}: sent"] == "Referral to Legal Aid Office: Sent"
    assert described[f"consent: referral {service.pk}"] == (
        "Consent: Referral to a named service (Legal Aid Office)"
    )
    assert described["consent: contact sms"] == "Consent: Contact by a channel (SMS)"
    assert described["status: assessment"] == "Stage: Assessment"
    assert described["details changed: risk_level"] == "Details changed: risk level"
    # No raw identifier is left in any description.
    for text in described.values():
        assert str(service.pk) not in text
        assert str(referral.pk) not in text
        assert "_" not in text, text


def test_the_descriptions_are_in_the_reader_s_language() -> None:
    supervisor = member(Role.VSU_SUPERVISOR)
    service = service_create("Legal Aid Office")
    Service.objects.filter(pk=service.pk).update(name_el="Γραφείο Νομικής Βοήθειας")
    case = case_create(supervisor)
    _work_on(case, supervisor, service)
    with translation.override("el"):
        described = _described(supervisor)
    assert described[f"referral to {service.pk}"] == "Παραπομπή σε: Γραφείο Νομικής Βοήθειας"
    assert "Session" not in described["session: social, in_person"]


def test_a_list_names_its_cases_by_reference_not_by_id() -> None:
    supervisor = member(Role.VSU_SUPERVISOR)
    cases = [case_create(supervisor), case_create(supervisor)]
    client = verified_client(supervisor)
    client.get(reverse("victims:cases"))
    page = client.get(reverse("victims:audit")).content.decode()
    listed = next(row for row in access_log_rows(AccessLog.objects.filter(action="list")))
    assert set(listed.case_references) == {case.reference for case in cases}
    for case in cases:
        assert case.reference in page
        assert str(case.pk) not in page


def test_a_detail_of_an_unknown_kind_or_a_removed_service_is_still_shown() -> None:
    supervisor = member(Role.VSU_SUPERVISOR)
    service = service_create("Shelter")
    directory.service_save(by=supervisor, service=service, fields={"notes": "x"})
    AccessLog.objects.create(action="view", detail="something new")
    AccessLog.objects.create(
        action="create", detail=f"referral to {'0' * 8}-0000-4000-8000-{'0' * 12}"
    )
    described = _described(supervisor)
    assert described["something new"] == "something new"
    assert described[f"service {service.pk} changed"] == "Service changed: Shelter"
    assert described[f"referral to {'0' * 8}-0000-4000-8000-{'0' * 12}"] == (
        "Referral to a service no longer in the directory"
    )


def _queries(user: User) -> int:
    access_log_rows(access_log_visible_to(user))  # the user's roles, read once and kept
    with CaptureQueriesContext(connection) as captured:
        access_log_rows(access_log_visible_to(user))
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_rows() -> None:
    # One row of each kind that names something (a service, a referral, a list's cases), then
    # many of each: the same queries, one per kind of object, whatever the number of rows.
    supervisor = member(Role.VSU_SUPERVISOR)
    service = service_create("Legal Aid Office")
    first = case_create(supervisor)
    _work_on(first, supervisor, service)
    verified_client(supervisor).get(reverse("victims:cases"))  # a list row, with its cases
    one = _queries(supervisor)
    for number in range(6):
        other = service_create(f"Service {number}")
        case = case_create(supervisor)
        _work_on(case, supervisor, other)
        verified_client(supervisor).get(reverse("victims:cases"))
    assert AccessLog.objects.count() > 50
    assert _queries(supervisor) == one


def test_the_page_of_the_log_makes_as_many_queries_for_many_rows_as_for_few() -> None:
    supervisor = member(Role.VSU_SUPERVISOR)
    client = verified_client(supervisor)
    service = service_create("Legal Aid Office")
    _work_on(case_create(supervisor), supervisor, service)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("victims:audit")).status_code == 200
    for number in range(5):
        _work_on(case_create(supervisor), supervisor, service_create(f"Service {number}"))
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("victims:audit")).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_rows_themselves_are_not_rewritten() -> None:
    supervisor = member(Role.VSU_SUPERVISOR)
    service = service_create("Legal Aid Office")
    _work_on(case_create(supervisor), supervisor, service)
    before = list(AccessLog.objects.order_by("pk").values_list("pk", "detail"))
    verified_client(supervisor).get(reverse("victims:audit"))
    after = list(AccessLog.objects.order_by("pk").values_list("pk", "detail"))
    assert after[: len(before)] == before
    assert f"referral to {service.pk}" in dict(before).values()
