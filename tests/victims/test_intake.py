"""Citizens' requests for support, and opening them as cases."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from curim.accounts.models import User
from tests.seeding import seeded_rows_restore
from tests.victims.clients import member, verified_client
from tests.victims.factories import intake_request_answer, intake_request_create
from victims.models import (
    AccessLog,
    Case,
    Channel,
    Consent,
    ConsentScope,
    ConsentText,
    IntakeRequest,
    Person,
    Source,
)
from victims.services.intake import intake_decline
from victims.services.privacy import retention_apply

pytestmark = pytest.mark.django_db

SENT = datetime.datetime(2026, 4, 7, 18, 45, tzinfo=datetime.UTC)
ATHENS = ZoneInfo("Europe/Athens")


MESSAGES = {
    "name": "Tell us how to address you",
    "phone": "Give a phone number",
    "email": "e-mail address",
    "channel": "Choose how we may contact you.",
}


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
        intake_request_create(**changes)
    assert set(refused.value.message_dict) == fields
    # Each field's message says what to do (the form shows it beside the field).
    for field, (message,) in refused.value.message_dict.items():
        assert MESSAGES[field] in message, (field, message)
    assert not IntakeRequest.objects.exists()


def test_a_request_keeps_what_the_citizen_wrote_and_the_texts_they_agreed_to() -> None:
    request = intake_request_create(email=" dimitra@example.org ", report_id="R-2026-0042")
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
    request = intake_request_create(report_id=report_id)
    case = intake_request_answer(request, worker)
    case = Case.objects.select_related("person").get(pk=case.pk)
    assert case.source == source
    assert case.summary == "someone keeps following me home"
    assert (case.person.full_name, case.person.phone, case.person.email) == (
        "Dimitra",
        "6970 000 111",
        "",
    )
    # The form asks only when to call: nothing else is assumed for the person.
    assert case.person.safe_contact == {
        "no_sms": False,
        "no_voicemail": False,
        "calls_from": "",
        "calls_until": "",
        "notes": "weekday mornings",
    }
    assert case.assignments.get().worker == worker


def test_the_consents_given_on_the_form_are_dated_when_it_was_sent(worker: User) -> None:
    with time_machine.travel(SENT, tick=False):
        request = intake_request_create(channel=Channel.SMS)
    case = intake_request_answer(request, worker)
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
    request = intake_request_create()
    for scope in (ConsentScope.PROCESSING, ConsentScope.CONTACT):
        ConsentText.objects.create(scope=scope, version="2026-2", text_en="New", text_el="Νέο")
    case = intake_request_answer(request, worker)
    versions = set(Consent.objects.filter(case=case).values_list("scope", "text__version"))
    assert versions == {(ConsentScope.PROCESSING, "2026-1"), (ConsentScope.CONTACT, "2026-1")}


def test_opening_marks_the_request_opened_and_logs_it(worker: User) -> None:
    request = intake_request_create()
    case = intake_request_answer(request, worker)
    request.refresh_from_db()
    assert (request.state, request.case, request.handled_by) == (
        IntakeRequest.State.OPENED,
        case,
        worker,
    )
    assert request.handled_at is not None
    entries = AccessLog.objects.filter(case_id=case.pk)
    assert (AccessLog.Action.CREATE, "opened from intake request", worker.pk) in set(
        entries.values_list("action", "detail", "user_id")
    )


def test_closing_a_request_without_a_case_needs_a_reason_and_is_logged(worker: User) -> None:
    request = intake_request_create()
    for reason in ("", "    ", "no.  "):
        with pytest.raises(ValidationError) as refused:
            intake_decline(request=request, by=worker, reason=reason)
        assert refused.value.message_dict == {"reason": ["Say why no case is opened."]}
    request.refresh_from_db()
    assert request.state == IntakeRequest.State.NEW
    before = timezone.now()
    intake_decline(request=request, by=worker, reason=" moved ")  # five letters are enough
    request.refresh_from_db()
    assert (request.state, request.handled_by, request.case) == (
        IntakeRequest.State.DECLINED,
        worker,
        None,
    )
    assert request.handled_at is not None
    assert before <= request.handled_at <= timezone.now()
    entry = AccessLog.objects.get(action=AccessLog.Action.CHANGE)
    assert (entry.user_id, entry.detail, entry.reason) == (
        worker.pk,
        f"intake {request.pk} closed without a case",
        " moved ",
    )
    with pytest.raises(ValidationError, match="already been handled"):
        intake_decline(request=request, by=worker, reason="a tax question")


def test_a_request_is_opened_only_once(worker: User, supervisor: User) -> None:
    request = intake_request_create()
    intake_request_answer(request, worker)
    with pytest.raises(ValidationError):
        intake_request_answer(request, supervisor)
    assert Case.objects.count() == 1
    assert Person.objects.count() == 1
    assert Consent.objects.count() == 2


def test_a_request_is_found_by_its_id_and_only_while_new(worker: User) -> None:
    from django.http import Http404

    from victims.selectors import intake_request_for

    first, second = intake_request_create(), intake_request_create()
    assert intake_request_for(worker, first.pk) == first
    assert intake_request_for(worker, second.pk) == second
    intake_request_answer(first, worker)
    with pytest.raises(Http404):
        intake_request_for(worker, first.pk)


def _came(request: IntakeRequest, days_ago: int, at: datetime.time) -> None:
    """The request came `days_ago` days before today, at `at`, both in the platform's zone."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    came = timezone.make_aware(datetime.datetime.combine(day, at))
    IntakeRequest.objects.filter(pk=request.pk).update(created_at=came)


@pytest.mark.parametrize(
    "athens",
    # Just after midnight in Athens (still the day before in UTC), and late in the evening.
    [datetime.time(0, 30), datetime.time(23, 30)],
    ids=["just-after-midnight", "late-evening"],
)
def test_a_request_nobody_answers_goes_after_its_last_day_and_the_log_says_how_many(
    worker: User, settings: Any, athens: datetime.time
) -> None:
    moment = datetime.datetime.combine(datetime.date(2027, 3, 10), athens, tzinfo=ATHENS)
    with time_machine.travel(moment, tick=False):
        _unanswered_run(worker, settings)


def _unanswered_run(worker: User, settings: Any) -> None:
    settings.VSU_INTAKE_UNANSWERED_DAYS = 90
    unanswered, waiting, opened = (intake_request_create() for _ in range(3))
    intake_request_answer(opened, worker)
    # Received on day D, a request is kept through day D + 90, whatever its hour: the one that
    # came just before midnight 91 days ago goes, the one that came just after it stays.
    _came(unanswered, 91, datetime.time(23, 59))
    _came(waiting, 90, datetime.time(0, 1))
    _came(opened, 200, datetime.time(12))
    assert IntakeRequest.objects.get(pk=waiting.pk).last_day_kept == timezone.localdate()

    run = retention_apply()

    assert run.unanswered_removed == 1
    assert set(IntakeRequest.objects.values_list("pk", flat=True)) == {waiting.pk, opened.pk}
    (entry,) = AccessLog.objects.filter(action=AccessLog.Action.ERASE)
    assert (entry.user_id, entry.case_id) == (None, None)
    assert entry.detail == "intake requests unanswered after 90 days removed: 1"
    assert retention_apply().unanswered_removed == 0  # nothing more, and no empty log row
    assert AccessLog.objects.filter(action=AccessLog.Action.ERASE).count() == 1


def test_the_run_counts_the_days_to_the_moment_it_is_given(settings: Any) -> None:
    settings.VSU_INTAKE_UNANSWERED_DAYS = 90
    request = intake_request_create()
    day_after_the_last = timezone.now() + datetime.timedelta(days=92)
    assert retention_apply().unanswered_removed == 0
    assert retention_apply(now=day_after_the_last).unanswered_removed == 1
    assert not IntakeRequest.objects.filter(pk=request.pk).exists()


@pytest.mark.parametrize("days", [0, -5])
def test_a_worker_keeps_requests_a_week_whatever_the_setting(settings: Any, days: int) -> None:
    # `manage.py check` refuses fewer than 7 days (curim.E005), but a worker runs no check.
    settings.VSU_INTAKE_UNANSWERED_DAYS = days
    kept, gone = intake_request_create(), intake_request_create()
    _came(kept, 7, datetime.time(0, 1))
    _came(gone, 8, datetime.time(23, 59))
    assert retention_apply().unanswered_removed == 1
    assert list(IntakeRequest.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.django_db(transaction=True)
def test_a_request_removed_while_its_page_was_open_sends_the_member_to_the_list() -> None:
    seeded_rows_restore()  # the roles, the consent texts: a committing test emptied them
    request = intake_request_create()
    staff_client = verified_client(member())
    page = reverse("victims:intake_detail", args=[request.pk])
    assert staff_client.get(page).status_code == 200

    def nightly_run_first(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        # The nightly run, on a connection of its own, removes the request after the view
        # read it and before the service locks it.
        if "FOR UPDATE" in sql and "victims_intakerequest" in sql:
            nightly = connections.create_connection(DEFAULT_DB_ALIAS)
            try:
                with nightly.cursor() as cursor:
                    cursor.execute("DELETE FROM victims_intakerequest WHERE id = %s", [request.pk])
            finally:
                nightly.close()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(nightly_run_first):
        answer = staff_client.post(
            page,
            {"open": "1", "offence_type": "harassment", "risk_level": "low"}
            | {"profession": "social_worker"},
            follow=True,
        )
    assert answer.redirect_chain == [(reverse("victims:intake"), 302)]
    content = answer.content.decode()
    assert "This request is no longer held: it was removed unanswered." in content
    assert "Dimitra" not in content  # nothing of it is shown again
    assert not Case.objects.exists()
    assert not Person.objects.exists()


def test_the_intake_list_and_the_form_say_how_long_a_request_is_kept(
    client: Client, settings: Any
) -> None:
    settings.VSU_INTAKE_UNANSWERED_DAYS = 30
    form = client.get(reverse("victims:support_request")).content.decode()
    assert "If the unit has not answered your request within 30 days, it is deleted" in form
    request = intake_request_create()
    _came(request, 10, datetime.time(1, 30))
    page = verified_client(member()).get(reverse("victims:intake")).content.decode()
    assert "(30 days after the day it came)" in page
    last_day = timezone.localdate() + datetime.timedelta(days=20)
    assert formats.date_format(last_day, "SHORT_DATE_FORMAT") in page
