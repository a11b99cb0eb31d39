"""Retention, subject access and erasure: what goes, what stays, and what is logged."""

import datetime
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.accounts.models import User
from curim.areas.models import Area
from tests.victims.factories import (
    case_create,
    consent_give,
    moments_ago,
    service_create,
    upload,
)
from victims.models import (
    AccessLog,
    Assignment,
    BreakGlass,
    Case,
    CaseStatusChange,
    ClosureOutcome,
    Consent,
    ConsentScope,
    Document,
    IntakeRequest,
    OffenceType,
    Person,
    Profession,
    Referral,
    ReferralOutcome,
    ReferralStatus,
    RiskLevel,
    Status,
    SupportKind,
    SupportSession,
)
from victims.services.cases import case_close, case_reopen, case_status_change
from victims.services.intake import intake_decline, intake_open, intake_request_submit
from victims.services.privacy import (
    break_glass_open,
    case_anonymise,
    case_anonymise_if_due,
    cases_due_for_anonymisation,
    person_erase,
    person_export,
    retention_apply,
)
from victims.services.support import document_add, referral_create, referral_update, session_record

pytestmark = pytest.mark.django_db

NAME = "Kalliopi Theodorakopoulou"
PHONE = "6944 271 828"
EMAIL = "kalliopi.t@example.net"
CONTENT = b"photograph of the bruises, taken at the clinic"
GROUNDS = "written request of the data subject received by post"


@dataclass
class Full:
    """A case with one of everything, its person, and the document's file on disk."""

    case: Case
    person: Person
    district: Area
    document_file: Path


def _full_case(worker: User, supervisor: User, root: Path, *, close: bool = True) -> Full:
    request = intake_request_submit(
        name=NAME, phone=PHONE, email=EMAIL, channel="phone", message="he waits outside"
    )
    district = Area.objects.filter(level=Area.Level.DISTRICT).order_by("code").first()
    assert district is not None
    case = intake_open(
        request=request,
        by=worker,
        offence_type=OffenceType.HARASSMENT,
        risk_level=RiskLevel.HIGH,
        profession=Profession.PSYCHOLOGIST,
        district=district,
    )
    Case.objects.filter(pk=case.pk).update(referring_organisation="Piraeus police station")
    case.refresh_from_db()
    case_status_change(case=case, by=worker, to_status=Status.ASSESSMENT, note="first visit")
    session_record(
        case=case,
        by=worker,
        kind=SupportKind.PSYCHOLOGICAL,
        channel="in_person",
        held_at=moments_ago(),
        duration_minutes=60,
        notes="afraid to go home",
    )
    service = service_create()
    consent_give(case=case, by=worker, scope=ConsentScope.REFERRAL, service=service)
    referral = referral_create(case=case, by=worker, service=service, reason="restraining order")
    for status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED):
        referral_update(referral=referral, by=worker, status=status)
    referral_update(
        referral=referral,
        by=worker,
        status=ReferralStatus.COMPLETED,
        outcome=ReferralOutcome.SUPPORT_RECEIVED,
    )
    document = document_add(case=case, by=worker, title="Photos", upload=upload(CONTENT))
    break_glass_open(case=case, user=supervisor, reason="weekend duty, the hospital called")
    if close:
        case = case_close(
            case=case, by=worker, outcome=ClosureOutcome.COMPLETED, notes="safe with family"
        )
    assert case.person is not None
    return Full(
        case=case,
        person=case.person,
        district=district,
        document_file=root / document.file.name,
    )


def _age(case: Case, days: int) -> None:
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - datetime.timedelta(days))


@pytest.fixture
def full(piraeus: None, worker: User, supervisor: User, document_root: Path) -> Full:
    return _full_case(worker, supervisor, document_root)


def _retention_run(django_capture_on_commit_callbacks: Any) -> list[Case]:
    """What the retention task will do: anonymise every case that is due."""
    due = list(cases_due_for_anonymisation())
    with django_capture_on_commit_callbacks(execute=True):
        for case in due:
            case_anonymise(case)
    return due


def test_a_case_closed_longer_than_the_retention_period_is_due(
    full: Full, settings: SettingsWrapper
) -> None:
    _age(full.case, settings.VSU_RETENTION_DAYS + 1)
    assert list(cases_due_for_anonymisation()) == [full.case]


def test_recent_open_and_anonymised_cases_are_not_due(
    full: Full, worker: User, settings: SettingsWrapper, django_capture_on_commit_callbacks: Any
) -> None:
    _age(full.case, settings.VSU_RETENTION_DAYS - 1)
    open_case = case_create(by=worker)
    assert not cases_due_for_anonymisation().exists()
    _age(full.case, settings.VSU_RETENTION_DAYS + 1)
    _retention_run(django_capture_on_commit_callbacks)
    assert not cases_due_for_anonymisation().exists()
    assert Case.objects.get(pk=open_case.pk).person is not None


def test_anonymisation_removes_the_person_and_every_note_and_reason(
    full: Full, settings: SettingsWrapper, django_capture_on_commit_callbacks: Any
) -> None:
    _age(full.case, settings.VSU_RETENTION_DAYS + 1)
    assert _retention_run(django_capture_on_commit_callbacks) == [full.case]

    case = Case.objects.get(pk=full.case.pk)
    assert case.person is None
    assert case.anonymised_at is not None
    assert not Person.objects.filter(pk=full.person.pk).exists()
    assert (case.summary, case.closure_notes, case.referring_organisation) == ("", "", "")
    assert set(SupportSession.objects.filter(case=case).values_list("notes", flat=True)) == {""}
    assert set(CaseStatusChange.objects.filter(case=case).values_list("note", flat=True)) == {""}
    assert set(Referral.objects.filter(case=case).values_list("reason", flat=True)) == {""}
    assert not Document.objects.filter(case=case).exists()
    assert not full.document_file.exists()
    assert not IntakeRequest.objects.exists()
    assert not BreakGlass.objects.filter(case=case).exists()


def test_anonymisation_keeps_the_figures(
    full: Full, settings: SettingsWrapper, django_capture_on_commit_callbacks: Any
) -> None:
    _age(full.case, settings.VSU_RETENTION_DAYS + 1)
    closed_at = Case.objects.get(pk=full.case.pk).closed_at
    _retention_run(django_capture_on_commit_callbacks)
    case = Case.objects.get(pk=full.case.pk)
    assert (case.offence_type, case.intake_date, case.district, case.status) == (
        OffenceType.HARASSMENT,
        full.case.intake_date,
        full.district,
        Status.CLOSED,
    )
    assert (case.closed_at, case.closure_outcome, case.risk_level) == (
        closed_at,
        ClosureOutcome.COMPLETED,
        RiskLevel.HIGH,
    )
    assert list(SupportSession.objects.filter(case=case).values_list("kind", "channel")) == [
        (SupportKind.PSYCHOLOGICAL, "in_person")
    ]
    assert list(Referral.objects.filter(case=case).values_list("status", "outcome")) == [
        (ReferralStatus.COMPLETED, ReferralOutcome.SUPPORT_RECEIVED)
    ]


def test_anonymisation_is_logged_as_done_by_the_platform(
    full: Full, settings: SettingsWrapper, django_capture_on_commit_callbacks: Any
) -> None:
    _age(full.case, settings.VSU_RETENTION_DAYS + 1)
    _retention_run(django_capture_on_commit_callbacks)
    entry = AccessLog.objects.get(action=AccessLog.Action.ANONYMISE)
    assert (entry.case_id, entry.case_reference, entry.user_id, entry.detail) == (
        full.case.pk,
        full.case.reference,
        None,
        "retention period ended",
    )


def test_the_run_reads_the_retention_period_from_the_moment_it_is_given(
    full: Full, settings: SettingsWrapper, django_capture_on_commit_callbacks: Any
) -> None:
    # Closed today, the case is due once the run's moment is the retention period later.
    later = timezone.now() + datetime.timedelta(days=settings.VSU_RETENTION_DAYS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_apply().anonymised == 0
        assert retention_apply(now=later).anonymised == 1
    assert Case.objects.get(pk=full.case.pk).anonymised_at is not None


def test_a_request_closed_without_a_case_goes_90_days_after_it_was_closed(
    worker: User,
) -> None:
    request = intake_request_submit(name=NAME, phone=PHONE, email="", channel="phone")
    intake_decline(request=request, by=worker, reason="the person found other help")
    opened = intake_request_submit(name=NAME, phone=PHONE, email="", channel="phone")
    intake_open(
        request=opened,
        by=worker,
        offence_type=OffenceType.HARASSMENT,
        risk_level=RiskLevel.HIGH,
        profession=Profession.PSYCHOLOGIST,
    )
    later = timezone.now() + datetime.timedelta(days=90)
    assert retention_apply(now=later - datetime.timedelta(minutes=1)).declined_removed == 0
    assert retention_apply(now=later + datetime.timedelta(minutes=1)).declined_removed == 1
    # The request a case was opened from stays with the case, until the case's own time.
    assert list(IntakeRequest.objects.values_list("pk", flat=True)) == [opened.pk]


def test_document_files_are_removed_only_when_the_anonymisation_commits(
    full: Full, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        case_anonymise(full.case)
    assert full.document_file.exists(), "a rollback would still find its file"
    for callback in callbacks:
        callback()
    assert not full.document_file.exists()


def test_a_person_with_another_case_stays_when_one_case_is_anonymised(
    full: Full, worker: User, settings: SettingsWrapper, django_capture_on_commit_callbacks: Any
) -> None:
    later = case_create(by=worker, person=full.person, summary="came back a year later")
    _age(full.case, settings.VSU_RETENTION_DAYS + 1)
    _retention_run(django_capture_on_commit_callbacks)
    assert Case.objects.get(pk=full.case.pk).person is None
    kept = Case.objects.get(pk=later.pk)
    assert kept.person.full_name == NAME
    assert kept.summary == "came back a year later"


def test_a_recently_closed_case_is_untouched_by_the_retention_run(
    full: Full, settings: SettingsWrapper, django_capture_on_commit_callbacks: Any
) -> None:
    _age(full.case, settings.VSU_RETENTION_DAYS - 1)
    assert _retention_run(django_capture_on_commit_callbacks) == []
    case = Case.objects.get(pk=full.case.pk)
    assert case.person.full_name == NAME
    assert case.closure_notes == "safe with family"
    assert full.document_file.exists()
    assert IntakeRequest.objects.filter(case=case).exists()


def test_a_case_reopened_after_the_run_listed_it_is_not_anonymised(
    full: Full, worker: User, settings: SettingsWrapper, django_capture_on_commit_callbacks: Any
) -> None:
    # The run lists the cases due, then anonymises each in its own transaction: a worker may
    # reopen one in between. Read again when its turn comes, it is no longer due and stays
    # whole. (The lock taken with that reading, for a reopening at the same moment, is shown
    # on two connections by tests/victims/test_retention_lock.py.)
    _age(full.case, settings.VSU_RETENTION_DAYS + 1)
    listed = full.case.pk
    case_reopen(case=full.case, by=worker, note="The person called again.")
    with django_capture_on_commit_callbacks(execute=True):
        assert case_anonymise_if_due(listed) is False
    case = Case.objects.get(pk=listed)
    assert case.status != Status.CLOSED
    assert case.anonymised_at is None
    assert case.person is not None
    assert case.person.full_name == NAME
    assert full.document_file.exists()
    # Closed again and aged, it is anonymised; an anonymised case is not reopened.
    case_close(case=case, by=worker, outcome=ClosureOutcome.COMPLETED)
    _age(case, settings.VSU_RETENTION_DAYS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert case_anonymise_if_due(listed) is True
    with pytest.raises(ValidationError):
        case_reopen(case=Case.objects.get(pk=listed), by=worker)
    assert Case.objects.get(pk=listed).status == Status.CLOSED


# --- Subject access ----------------------------------------------------------------------------


def test_the_export_holds_the_decrypted_record_and_documents(
    full: Full, worker: User, supervisor: User
) -> None:
    second = case_create(by=worker, person=full.person, summary="second case")
    archive = zipfile.ZipFile(io.BytesIO(person_export(person=full.person, by=supervisor)))

    record = json.loads(archive.read("person.json"))
    assert record["person"]["full_name"] == NAME
    assert record["person"]["phone"] == PHONE
    assert record["person"]["email"] == EMAIL
    cases = {c["reference"]: c for c in record["cases"]}
    assert set(cases) == {full.case.reference, second.reference}
    first = cases[full.case.reference]
    assert first["summary"] == "he waits outside"
    assert first["closure_notes"] == "safe with family"
    assert [s["notes"] for s in first["sessions"]] == ["afraid to go home"]
    assert [r["reason"] for r in first["referrals"]] == ["restraining order"]
    assert {c["scope"] for c in first["consents"]} == {"processing", "contact", "referral"}
    (listed,) = first["documents"]
    assert listed["title"] == "Photos"
    assert archive.read(listed["file"]) == CONTENT
    assert [n for n in archive.namelist() if n.startswith("documents/")] == [listed["file"]]


def test_the_export_holds_every_field_under_its_name_cases_oldest_first(
    full: Full, worker: User, supervisor: User
) -> None:
    # The subject's right of access is to everything held: each field, under a name they can
    # read, whatever the record. Keys are written out here, the values read off the rows.
    person = full.person
    person.date_of_birth = datetime.date(1979, 3, 14)
    person.address = "Odos Notara 12, Piraeus"
    person.save()
    later = case_create(by=worker, person=person, summary="a second case")
    Case.objects.filter(pk=later.pk).update(intake_date=timezone.localdate())
    Case.objects.filter(pk=full.case.pk).update(
        intake_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    before = timezone.now()
    archive = zipfile.ZipFile(io.BytesIO(person_export(person=person, by=supervisor)))
    record = json.loads(archive.read("person.json"))

    person.refresh_from_db()
    assert record["person"] == {
        "full_name": NAME,
        "phone": PHONE,
        "email": EMAIL,
        "date_of_birth": "1979-03-14",
        "address": "Odos Notara 12, Piraeus",
        "safe_contact": person.safe_contact,
    }
    assert before <= datetime.datetime.fromisoformat(record["exported_at"]) <= timezone.now()
    case = Case.objects.get(pk=full.case.pk)
    assert [c["reference"] for c in record["cases"]] == [case.reference, later.reference]
    assert case.closed_at is not None
    (session,) = case.sessions.all()
    (document,) = case.documents.all()
    (referral,) = case.referrals.all()
    consents = case.consents.all()
    assert record["cases"][0] == {
        "reference": case.reference,
        "intake_date": case.intake_date.isoformat(),
        "source": "online_request",
        "referring_organisation": "Piraeus police station",
        "offence_type": "harassment",
        "risk_level": "high",
        "status": "closed",
        "district": full.district.code,
        "summary": "he waits outside",
        "closed_at": case.closed_at.isoformat(),
        "closure_outcome": "completed",
        "closure_notes": "safe with family",
        "status_changes": [
            {
                "from": c.from_status,
                "to": c.to_status,
                "at": c.changed_at.isoformat(),
                "note": c.note,
            }
            for c in case.status_changes.all()
        ],
        "sessions": [
            {
                "kind": "psychological",
                "channel": "in_person",
                "held_at": session.held_at.isoformat(),
                "duration_minutes": 60,
                "notes": "afraid to go home",
            }
        ],
        "consents": [
            {
                "scope": c.scope,
                "service": "Piraeus Legal Aid Centre" if c.scope == ConsentScope.REFERRAL else None,
                "channel": c.channel,
                "text_version": c.text.version,
                "text": c.text.text_en,
                "given_at": c.given_at.isoformat(),
                "withdrawn_at": None,
            }
            for c in consents
        ],
        "referrals": [
            {
                "service": "Piraeus Legal Aid Centre",
                "reason": "restraining order",
                "status": "completed",
                "outcome": "support_received",
                "created_at": referral.created_at.isoformat(),
            }
        ],
        "documents": [
            {
                "title": "Photos",
                "file": f"documents/{document.pk}-statement.pdf",
                "uploaded_at": document.uploaded_at.isoformat(),
            }
        ],
    }
    assert "first visit" in [c["note"] for c in record["cases"][0]["status_changes"]]
    assert {c["scope"] for c in record["cases"][0]["consents"]} == {
        "processing",
        "contact",
        "referral",
    }
    assert all(c["text"] for c in record["cases"][0]["consents"])


def test_the_export_is_logged_once_per_case(full: Full, worker: User, supervisor: User) -> None:
    second = case_create(by=worker, person=full.person)
    person_export(person=full.person, by=supervisor)
    entries = AccessLog.objects.filter(action=AccessLog.Action.EXPORT)
    assert sorted((e.case_id, e.user_id) for e in entries) == sorted(
        [(full.case.pk, supervisor.pk), (second.pk, supervisor.pk)]
    )
    assert {e.detail for e in entries} == {"subject access export"}


def test_the_export_reads_in_the_person_s_own_script(full: Full, supervisor: User) -> None:
    # A person reads their file in a text editor: Greek stays Greek, not \u escapes.
    full.person.full_name = "Καλλιόπη Θεοδωρακοπούλου"
    full.person.save()
    archive = zipfile.ZipFile(io.BytesIO(person_export(person=full.person, by=supervisor)))
    assert "Καλλιόπη Θεοδωρακοπούλου".encode() in archive.read("person.json")


# --- Erasure -----------------------------------------------------------------------------------


def test_fifteen_characters_of_grounds_are_enough_fourteen_are_not(
    full: Full, supervisor: User, django_capture_on_commit_callbacks: Any
) -> None:
    fourteen, fifteen = "  " + "x" * 14 + "  ", "  " + "x" * 15 + "  "  # spaces do not count
    with pytest.raises(ValidationError, match="at least 15 characters"):
        break_glass_open(case=full.case, user=supervisor, reason=fourteen)
    break_glass_open(case=full.case, user=supervisor, reason=fifteen)
    assert "x" * 15 in [g.reason for g in full.case.break_glass.filter(user=supervisor)]
    with pytest.raises(ValidationError, match="at least 15 characters"):
        person_erase(person=full.person, by=supervisor, reason=fourteen)
    with django_capture_on_commit_callbacks(execute=True):
        assert person_erase(person=full.person, by=supervisor, reason=fifteen) == 1


def test_erasure_refuses_a_short_reason_and_removes_nothing(
    full: Full, supervisor: User, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError) as refused,
    ):
        person_erase(person=full.person, by=supervisor, reason="asked to   ")
    assert set(refused.value.message_dict) == {"reason"}
    assert Person.objects.filter(pk=full.person.pk).exists()
    assert Case.objects.filter(pk=full.case.pk).exists()
    assert full.document_file.exists()
    assert not AccessLog.objects.filter(action=AccessLog.Action.ERASE).exists()


@pytest.fixture
def erased(
    piraeus: None,
    worker: User,
    supervisor: User,
    document_root: Path,
    django_capture_on_commit_callbacks: Any,
) -> tuple[Full, Full, int]:
    """A person with two cases, one still open, erased on their request."""
    first = _full_case(worker, supervisor, document_root)
    second = _full_case(worker, supervisor, document_root, close=False)
    # Both intake requests came from the same person: one person, two cases.
    Case.objects.filter(pk=second.case.pk).update(person=first.person)
    Person.objects.filter(pk=second.person.pk).delete()
    with django_capture_on_commit_callbacks(execute=True):
        count = person_erase(person=first.person, by=supervisor, reason=GROUNDS)
    return first, second, count


def test_erasure_removes_the_person_and_everything_on_their_cases(
    erased: tuple[Full, Full, int],
) -> None:
    first, second, count = erased
    assert count == 2
    assert not Person.objects.exists()
    assert not Case.objects.exists()
    for model in (
        CaseStatusChange,
        Assignment,
        BreakGlass,
        SupportSession,
        Consent,
        Referral,
        Document,
        IntakeRequest,
    ):
        assert not model.objects.exists(), model.__name__
    assert not first.document_file.exists()
    assert not second.document_file.exists()


def test_erasure_leaves_log_entries_without_personal_data(
    erased: tuple[Full, Full, int], supervisor: User
) -> None:
    first, second, _count = erased
    entries = AccessLog.objects.filter(action=AccessLog.Action.ERASE)
    assert sorted((e.case_id, e.case_reference) for e in entries) == sorted(
        [(first.case.pk, first.case.reference), (second.case.pk, second.case.reference)]
    )
    assert {(e.user_id, e.reason, e.detail) for e in entries} == {
        (supervisor.pk, GROUNDS, "erased on request")
    }
    # The history of the erased cases stays, as history.
    earlier = AccessLog.objects.filter(case_id=first.case.pk, action=AccessLog.Action.CREATE)
    assert earlier.exists()
    for entry in AccessLog.objects.all():
        readable = " ".join(
            str(getattr(entry, field.attname)) for field in AccessLog._meta.concrete_fields
        )
        for personal in (NAME, PHONE, EMAIL, "he waits outside", "afraid to go home"):
            assert personal not in readable, entry
