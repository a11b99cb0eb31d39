"""Data protection: break-glass access, subject access, erasure, and retention."""

import datetime
import io
import json
import logging
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from curim.accounts.models import User
from victims.audit import access_log_write
from victims.models import (
    AccessLog,
    BreakGlass,
    Case,
    CaseStatusChange,
    Consent,
    Document,
    IntakeRequest,
    Person,
    Referral,
    Status,
    SupportSession,
)
from victims.models.limits import REASON_MAX, text_lengths_check
from victims.services.document_files import (
    document_files_delete_on_commit,
    document_files_orphaned_delete,
)
from victims.services.intake import (
    intake_requests_declined_delete,
    intake_requests_unanswered_delete,
)

logger = logging.getLogger(__name__)

MIN_REASON = 15


def break_glass_open(*, case: Case, user: User, reason: str) -> BreakGlass:
    """A supervisor's access to a restricted case for VSU_BREAK_GLASS_MINUTES, flagged."""
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise ValidationError(
            {
                "reason": _("Write why you need this case (at least %(n)s characters).")
                % {"n": MIN_REASON}
            }
        )
    text_lengths_check({"reason": (reason, REASON_MAX)})
    with transaction.atomic():
        glass = BreakGlass.objects.create(
            case=case,
            user=user,
            reason=reason,
            expires_at=timezone.now()
            + datetime.timedelta(minutes=settings.VSU_BREAK_GLASS_MINUTES),
        )
        access_log_write(
            user=user,
            action=AccessLog.Action.BREAK_GLASS,
            case=case,
            reason=reason,
            break_glass=True,
        )
    return glass


def break_glass_review(*, glass: BreakGlass, by: User) -> BreakGlass:
    if glass.user_id == by.pk:
        raise ValidationError(_("Another supervisor reviews your own break-glass access."))
    with transaction.atomic():
        glass.reviewed_by = by
        glass.reviewed_at = timezone.now()
        glass.save(update_fields=["reviewed_by", "reviewed_at"])
        access_log_write(
            user=by,
            action=AccessLog.Action.CHANGE,
            case=glass.case,
            detail=f"break-glass of {glass.user.email} reviewed",
        )
    return glass


def _dt(value: datetime.datetime | datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def person_record(person: Person) -> dict[str, Any]:
    """Everything held about one person, as plain data (documents listed; bytes apart)."""
    cases = []
    for case in person.cases.all().order_by("intake_date"):
        cases.append(
            {
                "reference": case.reference,
                "intake_date": _dt(case.intake_date),
                "source": case.source,
                "referring_organisation": case.referring_organisation,
                "offence_type": case.offence_type,
                "risk_level": case.risk_level,
                "status": case.status,
                "district": case.district.code if case.district else None,
                "summary": case.summary,
                "closed_at": _dt(case.closed_at),
                "closure_outcome": case.closure_outcome,
                "closure_notes": case.closure_notes,
                "status_changes": [
                    {
                        "from": c.from_status,
                        "to": c.to_status,
                        "at": _dt(c.changed_at),
                        "note": c.note,
                    }
                    for c in case.status_changes.all()
                ],
                "sessions": [
                    {
                        "kind": s.kind,
                        "channel": s.channel,
                        "held_at": _dt(s.held_at),
                        "duration_minutes": s.duration_minutes,
                        "notes": s.notes,
                    }
                    for s in case.sessions.all()
                ],
                "consents": [
                    {
                        "scope": c.scope,
                        "service": c.service.name_en if c.service else None,
                        "channel": c.channel,
                        "text_version": c.text.version,
                        "text": c.text.text_en,
                        "given_at": _dt(c.given_at),
                        "withdrawn_at": _dt(c.withdrawn_at),
                    }
                    for c in case.consents.select_related("service", "text")
                ],
                "referrals": [
                    {
                        "service": r.service.name_en,
                        "reason": r.reason,
                        "status": r.status,
                        "outcome": r.outcome,
                        "created_at": _dt(r.created_at),
                    }
                    for r in case.referrals.select_related("service")
                ],
                "documents": [
                    {
                        "title": d.title,
                        "file": f"documents/{d.pk}-{d.original_name}",
                        "uploaded_at": _dt(d.uploaded_at),
                    }
                    for d in case.documents.all()
                ],
            }
        )
    return {
        "person": {
            "full_name": person.full_name,
            "phone": person.phone,
            "email": person.email,
            "date_of_birth": _dt(person.date_of_birth),
            "address": person.address,
            "safe_contact": person.safe_contact,
        },
        "cases": cases,
        "exported_at": timezone.now().isoformat(),
    }


def person_export(*, person: Person, by: User) -> bytes:
    """A ZIP with person.json and every document, decrypted; the export is logged per case."""
    record = person_record(person)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("person.json", json.dumps(record, ensure_ascii=False, indent=2))
        for document in Document.objects.filter(case__person=person):
            with document.file.open("rb") as handle:
                archive.writestr(f"documents/{document.pk}-{document.original_name}", handle.read())
    with transaction.atomic():
        for case in person.cases.all():
            access_log_write(
                user=by, action=AccessLog.Action.EXPORT, case=case, detail="subject access export"
            )
    return buffer.getvalue()


def _documents_delete(documents: QuerySet[Document]) -> None:
    # Files go once the rows are gone for good; a rollback keeps both.
    document_files_delete_on_commit(documents.values_list("file", flat=True))


def person_erase(*, person: Person, by: User, reason: str) -> int:
    """Erases a person and all their cases on their request. The access log keeps only the
    case references, with no personal data."""
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise ValidationError(
            {
                "reason": _("Write the grounds for erasure (at least %(n)s characters).")
                % {"n": MIN_REASON}
            }
        )
    text_lengths_check({"reason": (reason, REASON_MAX)})
    with transaction.atomic():
        cases = list(Case.objects.select_for_update().filter(person=person))
        # Their consents next, before the referrals under them are removed: the order a
        # consent's withdrawal and a referral's change lock them in (the consent, then its
        # referrals). Removing the referrals first deadlocked with them.
        list(Consent.objects.select_for_update().filter(case__in=cases).order_by("pk"))
        for case in cases:
            access_log_write(
                user=by,
                action=AccessLog.Action.ERASE,
                case=case,
                reason=reason,
                detail="erased on request",
            )
        _documents_delete(Document.objects.filter(case__in=cases))
        IntakeRequest.objects.filter(case__in=cases).delete()
        for case in cases:
            # Referrals first: their consent is PROTECTed, and the case's cascade would meet the
            # consent before the referral that holds it.
            Referral.objects.filter(case=case).delete()
            case.delete()
        person.delete()
    return len(cases)


def case_anonymise(case: Case) -> None:
    """Keeps the figures (offence, dates, district, kinds of support, referral outcomes) and
    removes the person, every note and reason, the documents and the intake request. Consent
    rows stay: with no person they say only which scope was agreed when."""
    with transaction.atomic():
        _documents_delete(Document.objects.filter(case=case))
        Document.objects.filter(case=case).delete()
        IntakeRequest.objects.filter(case=case).delete()
        SupportSession.objects.filter(case=case).update(notes="")
        CaseStatusChange.objects.filter(case=case).update(note="")
        Referral.objects.filter(case=case).update(reason="")
        case.break_glass.all().delete()
        person = case.person
        case.person = None
        case.summary = ""
        case.closure_notes = ""
        case.referring_organisation = ""
        case.anonymised_at = timezone.now()
        case.save()
        if person is not None and not person.cases.exists():
            person.delete()
        access_log_write(
            user=None, action=AccessLog.Action.ANONYMISE, case=case, detail="retention period ended"
        )


def cases_due_for_anonymisation(now: datetime.datetime | None = None) -> QuerySet[Case]:
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.VSU_RETENTION_DAYS)
    return Case.objects.filter(
        status=Status.CLOSED, closed_at__lt=cutoff, anonymised_at__isnull=True
    )


def case_anonymise_if_due(case_id: uuid.UUID, *, now: datetime.datetime | None = None) -> bool:
    """Anonymise the case if it is still due, read again under a lock: a case reopened (or
    handled by another run) since the list was read stays as it is. True once anonymised."""
    with transaction.atomic():
        due = cases_due_for_anonymisation(now).select_for_update().filter(pk=case_id).first()
        if due is None:
            return False
        case_anonymise(due)
    return True


@dataclass(frozen=True)
class RetentionRun:
    anonymised: int
    failed: list[uuid.UUID]
    declined_removed: int
    unanswered_removed: int
    files_removed: int


def retention_apply(*, now: datetime.datetime | None = None) -> RetentionRun:
    """Anonymise every case closed longer than VSU_RETENTION_DAYS ago, one transaction each,
    so that a failure leaves the others done and the run can simply run again; then remove the
    requests closed without a case that are past their time, those nobody answered in time, and
    the document files no document names (victims.services.document_files)."""
    done, failed = 0, []
    for case_id in list(cases_due_for_anonymisation(now).values_list("pk", flat=True)):
        try:
            anonymised = case_anonymise_if_due(case_id, now=now)
        except Exception:  # one bad case must not keep the others past their time
            logger.exception("victims retention: case %s could not be anonymised", case_id)
            failed.append(case_id)
            continue
        done += anonymised
    removed = intake_requests_declined_delete(now=now)
    unanswered = intake_requests_unanswered_delete(now=now)
    files = document_files_orphaned_delete(now=now)
    logger.info(
        "victims retention: %s cases anonymised, %s closed and %s unanswered requests removed, "
        "%s document files no document names removed",
        done,
        removed,
        unanswered,
        files,
    )
    return RetentionRun(
        anonymised=done,
        failed=failed,
        declined_removed=removed,
        unanswered_removed=unanswered,
        files_removed=files,
    )
