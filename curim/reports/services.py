"""Writes for reports: submission and the status workflow, each in one transaction."""

import hashlib
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from curim.accounts.models import User
from curim.core.services import task_enqueue
from curim.reports.locations import report_insert_placed
from curim.reports.models import (
    PUBLIC_STATUSES,
    Category,
    CategoryGroup,
    Follow,
    Report,
    ReportEvent,
    ReportPhoto,
    ReportStatus,
)
from curim.reports.photos import CleanPhoto
from curim.reports.tilecache import tiles_changed

MAX_PHOTOS = 5

# Which status may follow which; anything else is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    ReportStatus.SUBMITTED: frozenset(
        {ReportStatus.PUBLISHED, ReportStatus.REJECTED, ReportStatus.SPAM, ReportStatus.FORWARDED}
    ),
    ReportStatus.PUBLISHED: frozenset(
        {ReportStatus.FORWARDED, ReportStatus.RESOLVED, ReportStatus.CLOSED, ReportStatus.REJECTED}
    ),
    ReportStatus.FORWARDED: frozenset({ReportStatus.RESOLVED, ReportStatus.CLOSED}),
    ReportStatus.REJECTED: frozenset({ReportStatus.PUBLISHED, ReportStatus.SPAM}),
    ReportStatus.SPAM: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.RESOLVED: frozenset({ReportStatus.CLOSED, ReportStatus.PUBLISHED}),
    ReportStatus.CLOSED: frozenset({ReportStatus.PUBLISHED}),
}


@dataclass(frozen=True)
class ReportDraft:
    category: Category
    description: str
    occurred_at: datetime
    severity: int
    feeling_unsafe: int
    location: Point | None = None
    cyber_channel: str = ""
    cyber_sender: str = ""
    contact_email: str = ""
    language: str = "en"


def report_submit(
    *,
    draft: ReportDraft,
    reporter: User | None,
    client_address: str | None,
    photos: list[CleanPhoto] | None = None,
    idempotency_key: str | None = None,
) -> tuple[Report, bool]:
    """Create a report from a citizen's draft; returns (report, created).

    A retried submission with the same idempotency key returns the first report. The key is
    scoped to whoever sends it (account or client address), so one client's key can never
    reveal another's report.
    """
    scoped_key = _key_scoped(idempotency_key, reporter, client_address)
    if scoped_key:
        existing = Report.objects.filter(idempotency_key=scoped_key).first()
        if existing is not None:
            return existing, False
    report = _report_build(draft, reporter, client_address, scoped_key, photos or [])
    stored: list[ReportPhoto] = []
    # A located report without photos or follower is written by one statement, atomic by
    # itself; anything more needs a transaction around the writes.
    alone = report.location is not None and not photos and report.reporter is None
    try:
        with nullcontext() if alone else transaction.atomic():
            if report.location is not None:
                report_insert_placed(report, actor=reporter)
            else:
                report.save()
                ReportEvent.objects.create(
                    report=report,
                    kind=ReportEvent.Kind.SUBMITTED,
                    actor=reporter,
                    to_status=report.status,
                    is_public=True,
                )
            if report.reporter is not None:
                Follow.objects.create(report=report, user=report.reporter)
            for photo in photos or []:
                stored.append(
                    ReportPhoto.objects.create(
                        report=report,
                        image=ContentFile(photo.content, name="photo.jpg"),
                        width=photo.width,
                        height=photo.height,
                    )
                )
    except Exception as error:
        # Files are not transactional: remove what this attempt wrote before re-raising.
        for written in stored:
            written.image.delete(save=False)
        if isinstance(error, IntegrityError) and scoped_key:
            # The same key raced us to the insert: the other request's report is the answer.
            existing = Report.objects.filter(idempotency_key=scoped_key).first()
            if existing is not None:
                return existing, False
        raise
    return report, True


def _key_scoped(key: str | None, reporter: User | None, client_address: str | None) -> str | None:
    if not key:
        return None
    scope = (
        f"user:{reporter.pk}"
        if reporter is not None and reporter.is_authenticated
        else (f"address:{client_address}")
    )
    return hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()


def _report_build(
    draft: ReportDraft,
    reporter: User | None,
    client_address: str | None,
    idempotency_key: str | None,
    photos: list[CleanPhoto],
) -> Report:
    errors: dict[str, list[str]] = {}
    category = draft.category
    if not category.is_active:
        errors.setdefault("category", []).append(_("This category is not in use."))
    if draft.location is None and category.location_required:
        errors.setdefault("location", []).append(_("This category needs a location on the map."))
    if category.group == CategoryGroup.CYBER and not draft.cyber_channel:
        errors.setdefault("cyber_channel", []).append(_("Say how the threat reached you."))
    if category.group == CategoryGroup.CYBER and draft.location is not None:
        errors.setdefault("location", []).append(_("Cyber threats are reported without a place."))
    if category.group != CategoryGroup.CYBER and (draft.cyber_channel or draft.cyber_sender):
        errors.setdefault("cyber_channel", []).append(_("Only cyber threats have a channel."))
    if draft.occurred_at > timezone.now() + timedelta(minutes=5):
        errors.setdefault("occurred_at", []).append(_("This date is in the future."))
    if len(photos) > MAX_PHOTOS:
        errors.setdefault("photos", []).append(_("At most %(n)d photos.") % {"n": MAX_PHOTOS})
    if errors:
        raise ValidationError(errors)
    report = Report(
        category=category,
        description=draft.description.strip(),
        occurred_at=draft.occurred_at,
        location=draft.location,
        severity=draft.severity,
        feeling_unsafe=draft.feeling_unsafe,
        cyber_channel=draft.cyber_channel,
        cyber_sender=draft.cyber_sender.strip(),
        contact_email=draft.contact_email,
        language=draft.language[:8],
        reporter=reporter if reporter is not None and reporter.is_authenticated else None,
        client_address=client_address,
        idempotency_key=idempotency_key or None,
    )
    # Related rows come from trusted lookups and uniqueness is the database's job (a race is
    # caught as IntegrityError), so only the fields' own validation runs here: no queries.
    report.full_clean(
        exclude=["public_point_3857", "category", "area", "reporter", "duplicate_of"],
        validate_unique=False,
        validate_constraints=False,
    )
    return report


@transaction.atomic
def report_transition(
    *,
    report: Report,
    to_status: str,
    actor: User,
    note: str = "",
    public_note: str = "",
    public: bool | None = None,
) -> Report:
    """Move a report in the workflow. `note` is internal unless `public` says otherwise;
    `public_note` is shown on the report's page and kept as its current public note."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if to_status not in TRANSITIONS.get(report.status, frozenset()):
            raise ValidationError(
                {
                    "status": _("A report that is %(from)s cannot become %(to)s.")
                    % {
                        "from": report.get_status_display(),
                        "to": ReportStatus(to_status).label,
                    }
                }
            )
        if report.duplicate_of_id is not None:
            raise ValidationError({"status": _("A merged duplicate stays closed.")})
        from_status = report.status
        report.status = to_status
        if to_status == ReportStatus.PUBLISHED and report.published_at is None:
            report.published_at = timezone.now()
        if public_note:
            report.public_note = public_note
        report.full_clean(
            exclude=["public_point_3857", "category", "area", "reporter", "duplicate_of"],
            validate_unique=False,
            validate_constraints=False,
        )
        report.save(update_fields=["status", "published_at", "public_note", "updated_at"])
        event = ReportEvent.objects.create(
            report=report,
            kind=ReportEvent.Kind.STATUS,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            note=public_note or (note if public else ""),
            is_public=True,
        )
        if note and not public:
            ReportEvent.objects.create(
                report=report,
                kind=ReportEvent.Kind.NOTE,
                actor=actor,
                note=note,
                is_public=False,
            )
        task_enqueue(task_name="reports.status_email_send", args=[event.pk])
        # Tiles show category and count, not status: only entering or leaving the public set
        # changes them (published -> forwarded -> resolved -> closed leaves them as they are).
        if (from_status in PUBLIC_STATUSES) != (to_status in PUBLIC_STATUSES):
            transaction.on_commit(tiles_changed)
    return report


def report_forward(*, report: Report, actor: User, note: str = "") -> Report:
    """Forward to whoever the category names (police, a department, the Victim Support Unit).

    Where it went is public (as FixMyStreet shows "sent to"); the moderator's note is not.
    """
    category = report.category
    if not category.forward_to:
        raise ValidationError({"status": _("This category is not forwarded to anyone.")})
    target = category.get_forward_to_display()
    if category.forward_department:
        target = f"{target}: {category.forward_department}"
    with transaction.atomic():
        report = report_transition(
            report=report,
            to_status=ReportStatus.FORWARDED,
            actor=actor,
            note=_("Forwarded to %(target)s.") % {"target": target},
            public=True,
        )
        if note:
            ReportEvent.objects.create(
                report=report,
                kind=ReportEvent.Kind.NOTE,
                actor=actor,
                note=note,
                is_public=False,
            )
    return report


def report_merge(*, report: Report, into: Report, actor: User) -> Report:
    """Close a duplicate, pointing at the report it repeats; the original stays as it is."""
    if into.pk == report.pk:
        raise ValidationError({"into": _("A report cannot duplicate itself.")})
    with transaction.atomic():
        # Both rows locked, in a fixed order, so two crossed merges cannot make a cycle.
        locked = {
            r.pk: r
            for r in Report.objects.select_for_update()
            .filter(pk__in=[report.pk, into.pk])
            .order_by("pk")
        }
        report, into = locked[report.pk], locked[into.pk]
        if into.duplicate_of_id is not None:
            raise ValidationError({"into": _("That report is itself a duplicate.")})
        if report.duplicate_of_id is not None or report.duplicates.exists():
            raise ValidationError(
                {"into": _("This report is already merged, or others were merged into it.")}
            )
        from_status = report.status
        report.duplicate_of = into
        report.status = ReportStatus.CLOSED
        report.save(update_fields=["duplicate_of", "status", "updated_at"])
        event = ReportEvent.objects.create(
            report=report,
            kind=ReportEvent.Kind.MERGED,
            actor=actor,
            from_status=from_status,
            to_status=ReportStatus.CLOSED,
            note=str(into.public_id),
            is_public=True,
        )
        task_enqueue(task_name="reports.status_email_send", args=[event.pk])
        transaction.on_commit(tiles_changed)
    return report
