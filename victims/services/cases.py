"""Opening cases, moving them through their stages, assigning workers, and closing them."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from curim.accounts.models import User
from curim.areas.models import Area
from victims.audit import access_log_write
from victims.models import (
    AccessLog,
    Assignment,
    Case,
    CaseStatusChange,
    ClosureOutcome,
    Person,
    Profession,
    Status,
)
from victims.models.limits import INTAKE_EARLIEST, NOTES_MAX, REASON_MAX, text_lengths_check
from victims.selectors import is_unit_member

PERSON_FIELDS = ("full_name", "phone", "email", "date_of_birth", "address", "safe_contact")


def _reference(today: datetime.date) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('victims_case_reference_seq')")
        (number,) = cursor.fetchone()
    return f"VSU-{today.year}-{number:05d}"


def case_open(
    *,
    by: User,
    person: Person | None = None,
    person_fields: dict[str, Any] | None = None,
    intake_date: datetime.date,
    source: str,
    offence_type: str,
    risk_level: str,
    district: Area | None = None,
    referring_organisation: str = "",
    summary: str = "",
    restricted: bool = False,
    profession: str,
) -> Case:
    """A new case for an existing or a new person, assigned to the worker who opens it."""
    if intake_date < INTAKE_EARLIEST:  # the form refuses a future date
        raise ValidationError(
            {
                "intake_date": _("An intake date before %(earliest)s is a typing error.")
                % {"earliest": INTAKE_EARLIEST.year}
            }
        )
    if person is None:
        person = Person(**(person_fields or {}))
        person.full_clean()
    case = Case(
        person=person,
        reference="pending",
        intake_date=intake_date,
        source=source,
        offence_type=offence_type,
        risk_level=risk_level,
        district=district,
        referring_organisation=referring_organisation,
        summary=summary,
        restricted=restricted,
        created_by=by,
    )
    case.full_clean(exclude=["person", "reference"])
    if profession not in Profession.values:
        raise ValidationError({"profession": _("Choose your profession on this case.")})
    with transaction.atomic():
        if person.pk is None or person._state.adding:
            person.save()
        case.person = person
        case.reference = _reference(intake_date)
        case.save()
        CaseStatusChange.objects.create(case=case, to_status=Status.INTAKE, changed_by=by)
        Assignment.objects.create(case=case, worker=by, profession=profession, assigned_by=by)
        access_log_write(user=by, action=AccessLog.Action.CREATE, case=case, detail="case opened")
    return case


def _case_locked_live(case: Case) -> Case:
    """The case read again under its lock, first of all, as an erasure and the retention run
    lock it before they remove its person (docs/architecture.md, "Locks"). One erased or
    anonymised meanwhile is refused: a change saved after it would bring the person back (a
    save of a deleted row inserts it again)."""
    locked = Case.objects.select_for_update().filter(pk=case.pk, anonymised_at__isnull=True).first()
    if locked is None:
        raise ValidationError(_("This case was erased or anonymised meanwhile: nothing was saved."))
    return locked


def person_update(*, person: Person, by: User, case: Case, fields: dict[str, Any]) -> Person:
    for name, value in fields.items():
        if name not in PERSON_FIELDS:
            raise ValueError(f"Not a person field: {name}")
        setattr(person, name, value)
    person.full_clean()
    with transaction.atomic():
        _case_locked_live(case)
        person.save()
        access_log_write(
            user=by, action=AccessLog.Action.CHANGE, case=case, detail="person details changed"
        )
    return person


def case_details_update(*, case: Case, by: User, fields: dict[str, Any]) -> Case:
    allowed = {"offence_type", "risk_level", "district", "referring_organisation", "summary"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"Not an editable case field: {name}")
        setattr(case, name, value)
    case.full_clean(exclude=["person"])
    with transaction.atomic():
        locked = _case_locked_live(case)
        for name in fields:
            setattr(locked, name, getattr(case, name))
        # What the form changed only: the stage, the closure and the person are other
        # services' (a whole row written back would undo a change made since it was read).
        locked.save(update_fields=[*fields, "updated_at"])
        access_log_write(
            user=by,
            action=AccessLog.Action.CHANGE,
            case=locked,
            detail="details changed: " + ", ".join(sorted(fields)),
        )
    return locked


def case_status_change(*, case: Case, by: User, to_status: str, note: str = "") -> Case:
    """Intake → assessment → active support; back to an earlier open stage is allowed too.
    Closing has its own service, with an outcome."""
    if to_status == Status.CLOSED:
        raise ValidationError({"to_status": _("Close a case with its outcome.")})
    if to_status not in Status.values:
        raise ValidationError({"to_status": _("Choose a stage.")})
    text_lengths_check({"note": (note, REASON_MAX)})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status == Status.CLOSED:
            raise ValidationError({"to_status": _("This case is closed. Reopen it first.")})
        if locked.status == to_status:
            raise ValidationError({"to_status": _("The case is already at this stage.")})
        order = [Status.INTAKE, Status.ASSESSMENT, Status.ACTIVE]
        if order.index(Status(to_status)) > order.index(Status(locked.status)) + 1:
            raise ValidationError(
                {"to_status": _("Move one stage at a time: intake, assessment, active support.")}
            )
        CaseStatusChange.objects.create(
            case=locked, from_status=locked.status, to_status=to_status, changed_by=by, note=note
        )
        locked.status = to_status
        locked.save(update_fields=["status", "updated_at"])
        access_log_write(
            user=by,
            action=AccessLog.Action.CHANGE,
            case=locked,
            detail=f"status: {to_status}",
        )
    case.status = to_status
    return case


def case_close(*, case: Case, by: User, outcome: str, notes: str = "") -> Case:
    if outcome not in ClosureOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the case.")})
    text_lengths_check({"notes": (notes, NOTES_MAX)})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status == Status.CLOSED:
            raise ValidationError({"outcome": _("This case is already closed.")})
        CaseStatusChange.objects.create(
            case=locked, from_status=locked.status, to_status=Status.CLOSED, changed_by=by
        )
        locked.status = Status.CLOSED
        locked.closed_at = timezone.now()
        locked.closure_outcome = outcome
        locked.closure_notes = notes
        locked.save()
        access_log_write(
            user=by, action=AccessLog.Action.CHANGE, case=locked, detail=f"closed: {outcome}"
        )
    return locked


def case_reopen(*, case: Case, by: User, note: str = "") -> Case:
    text_lengths_check({"note": (note, REASON_MAX)})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != Status.CLOSED or locked.anonymised_at is not None:
            # An anonymised case (by the retention run, maybe while this page was open) has
            # no person left to support.
            raise ValidationError({"to_status": _("Only a closed case can be reopened.")})
        CaseStatusChange.objects.create(
            case=locked,
            from_status=Status.CLOSED,
            to_status=Status.ASSESSMENT,
            changed_by=by,
            note=note,
        )
        locked.status = Status.ASSESSMENT
        locked.closed_at = None
        locked.closure_outcome = ""
        locked.save()
        access_log_write(user=by, action=AccessLog.Action.CHANGE, case=locked, detail="reopened")
    return locked


def assignment_add(*, case: Case, by: User, worker: User, profession: str) -> Assignment:
    if not is_unit_member(worker):
        raise ValidationError({"worker": _("Only members of the unit can work on a case.")})
    if profession not in Profession.values:
        raise ValidationError({"profession": _("Choose a profession.")})
    if (
        case.restricted
        and not Assignment.objects.filter(case=case, worker=by, ended_at__isnull=True).exists()
    ):
        # Break-glass access is for reading, for a while: it must not turn into an assignment.
        raise ValidationError(
            {"worker": _("Only a worker on a restricted case can assign others to it.")}
        )
    try:
        with transaction.atomic():
            if Assignment.objects.filter(case=case, worker=worker, ended_at__isnull=True).exists():
                raise IntegrityError
            assignment = Assignment.objects.create(
                case=case, worker=worker, profession=profession, assigned_by=by
            )
            access_log_write(
                user=by,
                action=AccessLog.Action.CHANGE,
                case=case,
                detail=f"assigned {worker.email} ({profession})",
            )
    except IntegrityError as exc:
        raise ValidationError({"worker": _("This worker is already on the case.")}) from exc
    return assignment


def assignment_end(*, assignment: Assignment, by: User) -> None:
    with transaction.atomic():
        assignment.ended_at = timezone.now()
        assignment.save(update_fields=["ended_at"])
        access_log_write(
            user=by,
            action=AccessLog.Action.CHANGE,
            case=assignment.case,
            detail=f"unassigned {assignment.worker.email}",
        )
