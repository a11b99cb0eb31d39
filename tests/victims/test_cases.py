"""Opening cases, moving them through their stages, assigning workers, closing and reopening."""

import datetime
import re
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from curim.accounts.models import User
from curim.accounts.roles import Role
from tests.factories import user_with_role
from tests.victims.factories import case_create, worker_create
from victims.models import (
    AccessLog,
    Assignment,
    Case,
    CaseStatusChange,
    ClosureOutcome,
    OffenceType,
    Person,
    Profession,
    RiskLevel,
    Source,
    Status,
)
from victims.services.cases import (
    assignment_add,
    case_close,
    case_details_update,
    case_open,
    case_reopen,
    case_status_change,
)

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def _number(case: Case) -> int:
    match = re.fullmatch(r"VSU-(\d{4})-(\d{5,})", case.reference)
    assert match, case.reference
    assert int(match[1]) == case.intake_date.year
    return int(match[2])


def _rows() -> tuple[int, int, int, int, int]:
    return (
        Person.objects.count(),
        Case.objects.count(),
        CaseStatusChange.objects.count(),
        Assignment.objects.count(),
        AccessLog.objects.count(),
    )


def test_cases_get_unique_increasing_references_by_year(worker: User) -> None:
    first = case_create(by=worker, intake_date=datetime.date(2026, 2, 1))
    second = case_create(by=worker, intake_date=datetime.date(2026, 2, 1))
    last_year = case_create(by=worker, intake_date=datetime.date(2025, 12, 30))
    assert first.reference.startswith("VSU-2026-")
    assert last_year.reference.startswith("VSU-2025-")
    assert _number(first) < _number(second) < _number(last_year)
    assert len({first.reference, second.reference, last_year.reference}) == 3


def test_opening_a_case_assigns_the_opener_and_records_the_first_stage(worker: User) -> None:
    with time_machine.travel(NOON, tick=False):
        case = case_create(by=worker, full_name="Irini Vlachou")
    assert case.status == Status.INTAKE
    assert case.person.full_name == "Irini Vlachou"
    assignment = Assignment.objects.get(case=case)
    assert (assignment.worker, assignment.profession, assignment.ended_at) == (
        worker,
        Profession.SOCIAL_WORKER,
        None,
    )
    change = CaseStatusChange.objects.get(case=case)
    assert (change.from_status, change.to_status, change.changed_by, change.changed_at) == (
        "",
        Status.INTAKE,
        worker,
        NOON,
    )
    entry = AccessLog.objects.get(case_id=case.pk)
    assert (entry.action, entry.user_id) == (AccessLog.Action.CREATE, worker.pk)


def test_a_second_case_for_the_same_person_keeps_one_person(worker: User, case: Case) -> None:
    again = case_create(by=worker, person=case.person)
    assert again.person == case.person
    assert Person.objects.count() == 1


def _open(by: User, **changes: Any) -> Case:
    values: dict[str, Any] = {
        "by": by,
        "person_fields": {"full_name": "Nikoleta Sarri"},
        "intake_date": datetime.date(2026, 3, 1),
        "source": Source.PHONE,
        "offence_type": OffenceType.FRAUD,
        "risk_level": RiskLevel.LOW,
        "profession": Profession.LAWYER,
        **changes,
    }
    return case_open(**values)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        pytest.param({"person_fields": {"full_name": ""}}, {"full_name"}, id="no-name"),
        pytest.param(
            {"person_fields": {"full_name": "A", "date_of_birth": "31/02/1990"}},
            {"date_of_birth"},
            id="bad-birth-date",
        ),
        pytest.param({"offence_type": "jaywalking"}, {"offence_type"}, id="offence"),
        pytest.param(
            {"risk_level": "extreme", "source": "pigeon"},
            {"risk_level", "source"},
            id="risk-and-source",
        ),
        pytest.param({"profession": "astrologer"}, {"profession"}, id="profession"),
    ],
)
def test_opening_a_case_with_bad_input_names_the_fields_and_saves_nothing(
    worker: User, changes: dict[str, Any], fields: set[str]
) -> None:
    before = _rows()
    with pytest.raises(ValidationError) as refused:
        _open(worker, **changes)
    assert set(refused.value.message_dict) == fields
    assert _rows() == before


def test_a_case_moves_one_stage_at_a_time_recording_who_and_when(
    case: Case, worker: User, supervisor: User
) -> None:
    with time_machine.travel(NOON, tick=False) as clock:
        case_status_change(case=case, by=worker, to_status=Status.ASSESSMENT, note="seen")
        clock.shift(datetime.timedelta(days=2))
        case_status_change(case=case, by=supervisor, to_status=Status.ACTIVE)
    changes = list(
        CaseStatusChange.objects.filter(case=case)
        .order_by("pk")
        .values_list("from_status", "to_status", "changed_by", "changed_at", "note")
    )
    assert changes[1:] == [
        (Status.INTAKE, Status.ASSESSMENT, worker.pk, NOON, "seen"),
        (Status.ASSESSMENT, Status.ACTIVE, supervisor.pk, NOON + datetime.timedelta(days=2), ""),
    ]
    assert Case.objects.get(pk=case.pk).status == Status.ACTIVE


def test_a_case_may_step_back_to_an_earlier_open_stage(case: Case, worker: User) -> None:
    case_status_change(case=case, by=worker, to_status=Status.ASSESSMENT)
    case_status_change(case=case, by=worker, to_status=Status.INTAKE)
    assert Case.objects.get(pk=case.pk).status == Status.INTAKE


@pytest.mark.parametrize(
    "to_status", [Status.ACTIVE, Status.CLOSED, Status.INTAKE, "archived"], ids=str
)
def test_a_stage_change_that_skips_closes_or_stays_put_is_refused(
    case: Case, worker: User, to_status: str
) -> None:
    before = _rows()
    with pytest.raises(ValidationError) as refused:
        case_status_change(case=case, by=worker, to_status=to_status)
    assert set(refused.value.message_dict) == {"to_status"}
    assert _rows() == before
    assert Case.objects.get(pk=case.pk).status == Status.INTAKE


def test_a_details_change_writes_only_what_it_changes(case: Case, worker: User) -> None:
    """The edit page's case was read before another worker moved it on: saving its details
    writes the fields changed, never the stage read before back over the new one."""
    read_before = Case.objects.get(pk=case.pk)
    case_status_change(case=case, by=worker, to_status=Status.ASSESSMENT)
    changed = case_details_update(case=read_before, by=worker, fields={"summary": "Called again."})
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.summary) == (Status.ASSESSMENT, "Called again.")
    assert (changed.status, changed.summary) == (Status.ASSESSMENT, "Called again.")


def test_a_closed_case_does_not_move(case: Case, worker: User) -> None:
    closed = case_close(case=case, by=worker, outcome=ClosureOutcome.DECLINED)
    before = _rows()
    with pytest.raises(ValidationError) as refused:
        case_status_change(case=closed, by=worker, to_status=Status.ASSESSMENT)
    assert set(refused.value.message_dict) == {"to_status"}
    assert _rows() == before


def test_closing_needs_an_outcome(case: Case, worker: User) -> None:
    before = _rows()
    for outcome in ("", "solved"):
        with pytest.raises(ValidationError) as refused:
            case_close(case=case, by=worker, outcome=outcome)
        assert set(refused.value.message_dict) == {"outcome"}
    assert _rows() == before
    assert Case.objects.get(pk=case.pk).closed_at is None


def test_closing_records_the_outcome_notes_and_time(case: Case, worker: User) -> None:
    with time_machine.travel(NOON, tick=False):
        case_close(case=case, by=worker, outcome=ClosureOutcome.REFERRED_ON, notes="to shelter")
    closed = Case.objects.get(pk=case.pk)
    assert (closed.status, closed.closed_at, closed.closure_outcome, closed.closure_notes) == (
        Status.CLOSED,
        NOON,
        ClosureOutcome.REFERRED_ON,
        "to shelter",
    )
    last = CaseStatusChange.objects.filter(case=case).order_by("pk").last()
    assert (last.from_status, last.to_status, last.changed_by) == (
        Status.INTAKE,
        Status.CLOSED,
        worker,
    )


def test_a_closed_case_cannot_be_closed_again(case: Case, worker: User) -> None:
    closed = case_close(case=case, by=worker, outcome=ClosureOutcome.COMPLETED)
    with pytest.raises(ValidationError):
        case_close(case=closed, by=worker, outcome=ClosureOutcome.OTHER)
    assert Case.objects.get(pk=case.pk).closure_outcome == ClosureOutcome.COMPLETED


def test_reopening_brings_a_closed_case_back_to_assessment(case: Case, worker: User) -> None:
    closed = case_close(case=case, by=worker, outcome=ClosureOutcome.LOST_CONTACT)
    case_reopen(case=closed, by=worker, note="she called again")
    reopened = Case.objects.get(pk=case.pk)
    assert (reopened.status, reopened.closed_at, reopened.closure_outcome) == (
        Status.ASSESSMENT,
        None,
        "",
    )
    last = CaseStatusChange.objects.filter(case=case).order_by("pk").last()
    assert (last.from_status, last.to_status, last.note) == (
        Status.CLOSED,
        Status.ASSESSMENT,
        "she called again",
    )


def test_only_a_closed_case_can_be_reopened(case: Case, worker: User) -> None:
    with pytest.raises(ValidationError):
        case_reopen(case=case, by=worker)
    assert CaseStatusChange.objects.filter(case=case).count() == 1


@pytest.mark.parametrize(
    "role", [Role.CITIZEN, Role.MODERATOR, Role.ADMIN, Role.ANALYST, None], ids=str
)
def test_only_unit_members_can_be_assigned(case: Case, supervisor: User, role: Role | None) -> None:
    outsider = (
        User.objects.create_superuser("root@example.org") if role is None else user_with_role(role)
    )
    before = _rows()
    with pytest.raises(ValidationError) as refused:
        assignment_add(case=case, by=supervisor, worker=outsider, profession=Profession.LAWYER)
    assert set(refused.value.message_dict) == {"worker"}
    assert _rows() == before


def test_an_assignment_names_a_profession_and_a_worker_not_already_on_the_case(
    case: Case, supervisor: User, worker: User
) -> None:
    colleague = worker_create()
    with pytest.raises(ValidationError) as no_profession:
        assignment_add(case=case, by=supervisor, worker=colleague, profession="")
    assert set(no_profession.value.message_dict) == {"profession"}
    with pytest.raises(ValidationError) as twice:
        assignment_add(case=case, by=supervisor, worker=worker, profession=Profession.LAWYER)
    assert set(twice.value.message_dict) == {"worker"}
    added = assignment_add(
        case=case, by=supervisor, worker=colleague, profession=Profession.PSYCHOLOGIST
    )
    assert set(Assignment.objects.filter(case=case, ended_at__isnull=True)) == {
        Assignment.objects.get(case=case, worker=worker),
        added,
    }
