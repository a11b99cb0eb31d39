"""The consent gates: no contact by a channel, and no referral to a service, without consent."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from curim.accounts.models import User
from tests.victims.factories import (
    case_create,
    consent_give,
    contact_consent,
    moments_ago,
    service_create,
)
from victims.models import (
    AccessLog,
    Case,
    Channel,
    ClosureOutcome,
    Consent,
    ConsentScope,
    ConsentText,
    Referral,
    ReferralOutcome,
    ReferralStatus,
    Service,
    SupportKind,
    SupportSession,
)
from victims.services.cases import case_close, person_update
from victims.services.support import (
    consent_withdraw,
    referral_create,
    referral_update,
    session_record,
)

pytestmark = pytest.mark.django_db

ATHENS = ZoneInfo("Europe/Athens")
CONTACT_CHANNELS = [Channel.PHONE, Channel.SMS, Channel.EMAIL, Channel.VIDEO, Channel.LETTER]


def _session(
    case: Case, by: User, channel: str, held_at: datetime.datetime | None = None
) -> SupportSession:
    return session_record(
        case=case,
        by=by,
        kind=SupportKind.SOCIAL,
        channel=channel,
        held_at=held_at or moments_ago(),
        duration_minutes=20,
        notes="called to check in",
    )


def _refused_on(field: str, error: pytest.ExceptionInfo[ValidationError]) -> None:
    assert set(error.value.message_dict) == {field}


@pytest.mark.parametrize("channel", CONTACT_CHANNELS)
def test_contact_by_a_channel_without_consent_is_refused_and_nothing_is_saved(
    case: Case, worker: User, channel: str
) -> None:
    logged = AccessLog.objects.count()
    with pytest.raises(ValidationError) as refused:
        _session(case, worker, channel)
    _refused_on("channel", refused)
    assert not SupportSession.objects.exists()
    assert AccessLog.objects.count() == logged


@pytest.mark.parametrize("channel", CONTACT_CHANNELS)
def test_contact_by_a_channel_with_consent_is_recorded(
    case: Case, worker: User, channel: str
) -> None:
    contact_consent(case=case, by=worker, channel=channel)
    session = _session(case, worker, channel)
    assert SupportSession.objects.get(case=case).pk == session.pk


def test_consent_to_one_channel_does_not_cover_another(case: Case, worker: User) -> None:
    contact_consent(case=case, by=worker, channel=Channel.EMAIL)
    with pytest.raises(ValidationError) as refused:
        _session(case, worker, Channel.PHONE)
    _refused_on("channel", refused)


def test_a_session_in_person_needs_no_contact_consent(case: Case, worker: User) -> None:
    _session(case, worker, Channel.IN_PERSON)
    assert SupportSession.objects.filter(case=case, channel=Channel.IN_PERSON).count() == 1


def test_after_withdrawal_contact_by_that_channel_is_refused_again(
    case: Case, worker: User
) -> None:
    consent = contact_consent(case=case, by=worker, channel=Channel.PHONE)
    _session(case, worker, Channel.PHONE)
    consent_withdraw(consent=consent, by=worker)
    with pytest.raises(ValidationError) as refused:
        _session(case, worker, Channel.PHONE, timezone.now())
    _refused_on("channel", refused)
    assert SupportSession.objects.count() == 1


def test_a_contact_before_the_consent_was_given_is_refused(case: Case, worker: User) -> None:
    consent_give(
        case=case, by=worker, scope=ConsentScope.CONTACT, channel=Channel.PHONE, at_intake=False
    )
    with pytest.raises(ValidationError) as refused:
        _session(case, worker, Channel.PHONE, moments_ago(60))
    _refused_on("channel", refused)


def test_a_contact_held_before_a_withdrawal_may_still_be_recorded(case: Case, worker: User) -> None:
    consent = contact_consent(case=case, by=worker, channel=Channel.PHONE)
    consent_withdraw(consent=consent, by=worker)
    _session(case, worker, Channel.PHONE, moments_ago(60))
    assert SupportSession.objects.count() == 1


def _prefer(case: Case, by: User, **prefs: object) -> None:
    safe_contact = {
        "no_sms": False,
        "no_voicemail": False,
        "calls_from": "",
        "calls_until": "",
        "notes": "",
        **prefs,
    }
    assert case.person is not None
    person_update(person=case.person, by=by, case=case, fields={"safe_contact": safe_contact})


def test_no_sms_refuses_an_sms_even_with_consent(case: Case, worker: User) -> None:
    contact_consent(case=case, by=worker, channel=Channel.SMS)
    _prefer(case, worker, no_sms=True)
    with pytest.raises(ValidationError) as refused:
        _session(case, worker, Channel.SMS)
    _refused_on("channel", refused)
    assert not SupportSession.objects.exists()


def _athens(hour: int, minute: int = 0) -> datetime.datetime:
    # A winter day, UTC+2 in Athens: a comparison in UTC would give the opposite answers.
    return datetime.datetime(2025, 1, 15, hour, minute, tzinfo=ATHENS)


@pytest.mark.parametrize(
    ("held_at", "allowed"),
    [
        pytest.param(_athens(8, 30), False, id="08:30-before"),
        pytest.param(_athens(9, 30), True, id="09:30-inside"),  # 07:30 UTC
        pytest.param(_athens(16, 55), True, id="16:55-inside"),
        pytest.param(_athens(18, 30), False, id="18:30-after"),  # 16:30 UTC
    ],
)
@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.VIDEO])
def test_calls_respect_the_calling_window_in_local_time(
    case: Case, worker: User, channel: str, held_at: datetime.datetime, allowed: bool
) -> None:
    contact_consent(case=case, by=worker, channel=channel)
    _prefer(case, worker, calls_from="09:00", calls_until="17:00")
    if allowed:
        _session(case, worker, channel, held_at.astimezone(datetime.UTC))
        assert SupportSession.objects.count() == 1
    else:
        with pytest.raises(ValidationError) as refused:
            _session(case, worker, channel, held_at.astimezone(datetime.UTC))
        _refused_on("held_at", refused)
        assert not SupportSession.objects.exists()


def test_a_calling_window_across_midnight_allows_calls_inside_it(case: Case, worker: User) -> None:
    # "Call me between 22:00 and 07:00", when the partner works nights.
    contact_consent(case=case, by=worker, channel=Channel.PHONE)
    _prefer(case, worker, calls_from="22:00", calls_until="07:00")
    _session(case, worker, Channel.PHONE, _athens(23, 30))
    with pytest.raises(ValidationError):
        _session(case, worker, Channel.PHONE, _athens(12, 0))
    assert SupportSession.objects.count() == 1


@pytest.fixture
def service(db: None) -> Service:
    return service_create()


def test_a_referral_without_consent_is_refused(case: Case, worker: User, service: Service) -> None:
    with pytest.raises(ValidationError) as refused:
        referral_create(case=case, by=worker, service=service, reason="legal advice")
    _refused_on("service", refused)
    assert not Referral.objects.exists()


def test_consent_to_another_service_does_not_allow_a_referral(
    case: Case, worker: User, service: Service
) -> None:
    shelter = service_create(name_en="Women's Shelter", kind="shelter")
    consent_give(case=case, by=worker, scope=ConsentScope.REFERRAL, service=shelter)
    with pytest.raises(ValidationError) as refused:
        referral_create(case=case, by=worker, service=service)
    _refused_on("service", refused)
    assert not Referral.objects.exists()


def test_consent_on_another_case_does_not_allow_a_referral(
    case: Case, worker: User, service: Service
) -> None:
    other = case_create(by=worker, person=case.person)
    consent_give(case=other, by=worker, scope=ConsentScope.REFERRAL, service=service)
    with pytest.raises(ValidationError):
        referral_create(case=case, by=worker, service=service)


def test_a_referral_with_consent_to_that_service_is_made_under_it(
    case: Case, worker: User, service: Service
) -> None:
    consent = consent_give(case=case, by=worker, scope=ConsentScope.REFERRAL, service=service)
    referral = referral_create(case=case, by=worker, service=service, reason="legal advice")
    assert (referral.consent, referral.status) == (consent, ReferralStatus.PROPOSED)


def test_withdrawing_consent_cancels_the_open_referrals_under_it(
    case: Case, worker: User, service: Service
) -> None:
    consent = consent_give(case=case, by=worker, scope=ConsentScope.REFERRAL, service=service)
    proposed = referral_create(case=case, by=worker, service=service)
    sent = referral_create(case=case, by=worker, service=service)
    referral_update(referral=sent, by=worker, status=ReferralStatus.SENT)
    done = referral_create(case=case, by=worker, service=service)
    for status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED):
        referral_update(referral=done, by=worker, status=status)
    referral_update(
        referral=done,
        by=worker,
        status=ReferralStatus.COMPLETED,
        outcome=ReferralOutcome.SUPPORT_RECEIVED,
    )

    consent_withdraw(consent=consent, by=worker)

    for referral in (proposed, sent):
        referral.refresh_from_db()
        assert (referral.status, referral.outcome) == (
            ReferralStatus.CANCELLED,
            ReferralOutcome.CONSENT_WITHDRAWN,
        )
    done.refresh_from_db()
    assert (done.status, done.outcome) == (
        ReferralStatus.COMPLETED,
        ReferralOutcome.SUPPORT_RECEIVED,
    )
    with pytest.raises(ValidationError):
        referral_create(case=case, by=worker, service=service)


@pytest.mark.parametrize("status", [ReferralStatus.SENT, ReferralStatus.ACCEPTED])
def test_a_referral_cannot_go_further_once_consent_is_withdrawn(
    case: Case, worker: User, service: Service, status: str
) -> None:
    consent = consent_give(case=case, by=worker, scope=ConsentScope.REFERRAL, service=service)
    referral = referral_create(case=case, by=worker, service=service)
    if status == ReferralStatus.ACCEPTED:
        referral_update(referral=referral, by=worker, status=ReferralStatus.SENT)
    consent_withdraw(consent=consent, by=worker)
    with pytest.raises(ValidationError) as refused:
        referral_update(referral=referral, by=worker, status=status)
    _refused_on("status", refused)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CANCELLED


def test_a_consent_cannot_be_withdrawn_twice(case: Case, worker: User) -> None:
    consent = contact_consent(case=case, by=worker, channel=Channel.PHONE)
    consent_withdraw(consent=consent, by=worker)
    with pytest.raises(ValidationError):
        consent_withdraw(consent=consent, by=worker)


def test_no_consent_is_recorded_on_a_closed_case(case: Case, worker: User) -> None:
    closed = case_close(case=case, by=worker, outcome=ClosureOutcome.COMPLETED)
    with pytest.raises(ValidationError):
        contact_consent(case=closed, by=worker, channel=Channel.PHONE)
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("scope", "channel", "with_service"),
    [
        (ConsentScope.PROCESSING, "", False),
        (ConsentScope.CONTACT, Channel.EMAIL, False),
        (ConsentScope.REFERRAL, "", True),
    ],
)
def test_a_consent_records_the_current_version_of_its_text(
    case: Case, worker: User, scope: str, channel: str, with_service: bool
) -> None:
    service = service_create() if with_service else None
    consent = consent_give(case=case, by=worker, scope=scope, service=service, channel=channel)
    assert (consent.text.scope, consent.text.version) == (scope, "2026-1")


def test_a_consent_given_after_a_new_text_records_the_new_version(case: Case, worker: User) -> None:
    ConsentText.objects.create(
        scope=ConsentScope.CONTACT, version="2026-2", text_en="New wording", text_el="Νέο κείμενο"
    )
    consent = contact_consent(case=case, by=worker, channel=Channel.SMS)
    assert consent.text.version == "2026-2"


def test_a_consent_must_name_its_service_or_channel(case: Case, worker: User) -> None:
    with pytest.raises(ValidationError) as no_service:
        consent_give(case=case, by=worker, scope=ConsentScope.REFERRAL)
    _refused_on("service", no_service)
    with pytest.raises(ValidationError) as no_channel:
        consent_give(case=case, by=worker, scope=ConsentScope.CONTACT, channel=Channel.IN_PERSON)
    _refused_on("channel", no_channel)
    assert not Consent.objects.exists()


def test_every_consent_and_referral_change_is_logged_on_the_case(
    case: Case, worker: User, service: Service
) -> None:
    before = set(AccessLog.objects.values_list("pk", flat=True))
    contact = contact_consent(case=case, by=worker, channel=Channel.PHONE)
    _session(case, worker, Channel.PHONE)
    referral_consent = consent_give(
        case=case, by=worker, scope=ConsentScope.REFERRAL, service=service
    )
    referral = referral_create(case=case, by=worker, service=service)
    referral_update(referral=referral, by=worker, status=ReferralStatus.SENT)
    consent_withdraw(consent=contact, by=worker)
    consent_withdraw(consent=referral_consent, by=worker)

    entries = AccessLog.objects.exclude(pk__in=before).order_by("pk")
    assert [e.action for e in entries] == [
        AccessLog.Action.CREATE,  # contact consent
        AccessLog.Action.CREATE,  # session
        AccessLog.Action.CREATE,  # referral consent
        AccessLog.Action.CREATE,  # referral
        AccessLog.Action.CHANGE,  # referral sent
        AccessLog.Action.CHANGE,  # contact consent withdrawn
        AccessLog.Action.CHANGE,  # referral consent withdrawn, referral cancelled
    ]
    assert {(e.case_id, e.user_id) for e in entries} == {(case.pk, worker.pk)}
