"""Citizens' requests for support, and opening them as cases."""

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from curim.accounts.models import User
from tests.victims.clients import member, verified_client
from victims.models import (
    AccessLog,
    Case,
    Channel,
    Consent,
    ConsentScope,
    ConsentText,
    IntakeRequest,
    OffenceType,
    Person,
    Profession,
    RiskLevel,
    Source,
)
from victims.services.intake import intake_open, intake_request_submit
from victims.services.privacy import retention_apply

pytestmark = pytest.mark.django_db

SENT = datetime.datetime(2026, 4, 7, 18, 45, tzinfo=datetime.UTC)


def _submit(**changes: Any) -> IntakeRequest:
    values: dict[str, Any] = {
        "name": "Dimitra",
        "phone": "6970 000 111",
        "email": "",
        "channel": Channel.PHONE,
        "safe_times": "weekday mornings",
        "message": "someone keeps following me home",
        **changes,
    }
    return intake_request_submit(**values)


def _open(request: IntakeRequest, by: User) -> Case:
    return intake_open(
        request=request,
        by=by,
        offence_type=OffenceType.HARASSMENT,
        risk_level=RiskLevel.MEDIUM,
        profession=Profession.SOCIAL_WORKER,
    )


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        pytest.param({"name": "   "}, {"name"}, id="no-name"),
        pytest.param({"phone": ""}, {"phone"}, id="phone-without-number"),
        pytest.param({"channel": Channel.SMS, "phone": " "}, {"phone"}, id="sms-without-number"),
        pytest.param({"channel": Channel.EMAIL, "phone": ""}, {"email"}, id="email-without-one"),
        pytest.param({"email": "dimitra@"}, {"email"}, id="bad-email"),
        pytest.param({"channel": Channel.IN_PERSON}, {"channel"}, id="channel-not-offered"),
        pytest.param({"name": "", "email": "not an address"}, {"name", "email"}, id="two"),
    ],
)
def test_a_request_with_bad_input_names_the_fields_and_saves_nothing(
    changes: dict[str, Any], fields: set[str]
) -> None:
    with pytest.raises(ValidationError) as refused:
        _submit(**changes)
    assert set(refused.value.message_dict) == fields
    assert not IntakeRequest.objects.exists()


def test_a_request_keeps_what_the_citizen_wrote_and_the_texts_they_agreed_to() -> None:
    request = _submit(email=" dimitra@example.org ", report_id="R-2026-0042")
    stored = IntakeRequest.objects.get(pk=request.pk)
    assert stored.details == {
        "name": "Dimitra",
        "phone": "6970 000 111",
        "email": "dimitra@example.org",
        "channel": "phone",
        "safe_times": "weekday mornings",
        "message": "someone keeps following me home",
        "report": "R-2026-0042",
    }
    assert (stored.state, stored.channel) == (IntakeRequest.State.NEW, Channel.PHONE)
    assert (stored.processing_text.scope, stored.processing_text.version) == (
        ConsentScope.PROCESSING,
        "2026-1",
    )
    assert (stored.contact_text.scope, stored.contact_text.version) == (
        ConsentScope.CONTACT,
        "2026-1",
    )


@pytest.mark.parametrize(
    ("report_id", "source"),
    [("R-2026-0042", Source.CITIZEN_REPORT), ("", Source.ONLINE_REQUEST)],
)
def test_opening_a_request_makes_a_person_and_a_case_from_it(
    worker: User, report_id: str, source: str
) -> None:
    request = _submit(report_id=report_id)
    case = _open(request, worker)
    case = Case.objects.select_related("person").get(pk=case.pk)
    assert case.source == source
    assert case.summary == "someone keeps following me home"
    assert (case.person.full_name, case.person.phone) == ("Dimitra", "6970 000 111")
    assert case.person.safe_contact["notes"] == "weekday mornings"
    assert case.assignments.get().worker == worker


def test_the_consents_given_on_the_form_are_dated_when_it_was_sent(worker: User) -> None:
    with time_machine.travel(SENT, tick=False):
        request = _submit(channel=Channel.SMS)
    case = _open(request, worker)
    consents = {c.scope: c for c in Consent.objects.filter(case=case).select_related("text")}
    assert set(consents) == {ConsentScope.PROCESSING, ConsentScope.CONTACT}
    assert consents[ConsentScope.CONTACT].channel == Channel.SMS
    for consent in consents.values():
        assert consent.given_at == SENT
        assert consent.recorded_by == worker
        assert consent.withdrawn_at is None


def test_the_consents_keep_the_text_versions_of_the_form_after_new_wording(
    worker: User,
) -> None:
    request = _submit()
    for scope in (ConsentScope.PROCESSING, ConsentScope.CONTACT):
        ConsentText.objects.create(scope=scope, version="2026-2", text_en="New", text_el="Νέο")
    case = _open(request, worker)
    versions = set(Consent.objects.filter(case=case).values_list("scope", "text__version"))
    assert versions == {(ConsentScope.PROCESSING, "2026-1"), (ConsentScope.CONTACT, "2026-1")}


def test_opening_marks_the_request_opened_and_logs_it(worker: User) -> None:
    request = _submit()
    case = _open(request, worker)
    request.refresh_from_db()
    assert (request.state, request.case, request.handled_by) == (
        IntakeRequest.State.OPENED,
        case,
        worker,
    )
    assert request.handled_at is not None
    details = set(AccessLog.objects.filter(case_id=case.pk).values_list("action", "detail"))
    assert (AccessLog.Action.CREATE, "opened from intake request") in details


def test_a_request_is_opened_only_once(worker: User, supervisor: User) -> None:
    request = _submit()
    _open(request, worker)
    with pytest.raises(ValidationError):
        _open(request, supervisor)
    assert Case.objects.count() == 1
    assert Person.objects.count() == 1
    assert Consent.objects.count() == 2


def test_a_request_is_found_by_its_id_and_only_while_new(worker: User) -> None:
    from django.http import Http404

    from victims.selectors import intake_request_for

    first, second = _submit(), _submit()
    assert intake_request_for(worker, first.pk) == first
    assert intake_request_for(worker, second.pk) == second
    _open(first, worker)
    with pytest.raises(Http404):
        intake_request_for(worker, first.pk)


def _came(request: IntakeRequest, days_ago: float) -> None:
    then = timezone.now() - datetime.timedelta(days=days_ago)
    IntakeRequest.objects.filter(pk=request.pk).update(created_at=then)


def test_a_request_nobody_answers_goes_after_its_time_and_the_log_says_how_many(
    worker: User, settings: Any
) -> None:
    settings.VSU_INTAKE_UNANSWERED_DAYS = 90
    unanswered, waiting, opened = _submit(), _submit(), _submit()
    _open(opened, worker)
    _came(unanswered, 90.01)
    _came(opened, 200)
    _came(waiting, 89.99)

    run = retention_apply()

    assert run.unanswered_removed == 1
    assert set(IntakeRequest.objects.values_list("pk", flat=True)) == {waiting.pk, opened.pk}
    (entry,) = AccessLog.objects.filter(action=AccessLog.Action.ERASE)
    assert (entry.user_id, entry.case_id) == (None, None)
    assert entry.detail == "1 intake requests unanswered after 90 days removed"
    assert retention_apply().unanswered_removed == 0  # nothing more, and no empty log row
    assert AccessLog.objects.filter(action=AccessLog.Action.ERASE).count() == 1


def test_a_request_removed_while_its_page_was_open_says_so_when_answered(worker: User) -> None:
    request = _submit()
    _came(request, 365)
    assert retention_apply().unanswered_removed == 1
    with pytest.raises(ValidationError, match="no longer held"):
        _open(request, worker)
    assert not Case.objects.exists()
    assert not Person.objects.exists()


def test_the_intake_list_and_the_form_say_how_long_a_request_is_kept(
    client: Client, settings: Any
) -> None:
    settings.VSU_INTAKE_UNANSWERED_DAYS = 30
    form = client.get(reverse("victims:support_request")).content.decode()
    assert "The unit keeps your request until it answers it, and for 30 days at most." in form
    request = _submit()
    _came(request, 10)
    page = verified_client(member()).get(reverse("victims:intake")).content.decode()
    assert "30 days after it came" in page
    kept_until = timezone.localdate(timezone.now() + datetime.timedelta(days=20))
    assert formats.date_format(kept_until, "SHORT_DATE_FORMAT") in page
