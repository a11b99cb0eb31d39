"""The moderation workflow of a report: status changes, publishing, forwarding, merging."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from curim.accounts.models import User
from curim.core.services import task_enqueue
from curim.reports.models import PUBLIC_STATUSES, Report, ReportEvent, ReportStatus
from curim.reports.services.history import report_event_add
from curim.reports.tilecache import tiles_changed

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
        report.full_clean_own_fields()
        report.save(update_fields=["status", "published_at", "public_note", "updated_at"])
        event = report_event_add(
            report=report,
            kind=ReportEvent.Kind.STATUS,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            note=public_note or (note if public else ""),
            is_public=True,
        )
        if note and not public:
            report_event_add(
                report=report, kind=ReportEvent.Kind.NOTE, actor=actor, note=note, is_public=False
            )
        task_enqueue(task_name="reports.status_email_send", args=[event.pk])
        # Tiles show category and count, not status: only entering or leaving the public set
        # changes them (published -> forwarded -> resolved -> closed leaves them as they are).
        if (from_status in PUBLIC_STATUSES) != (to_status in PUBLIC_STATUSES):
            transaction.on_commit(tiles_changed)
    return report


def report_publish(*, report: Report, actor: User, note: str = "", public_note: str = "") -> Report:
    """Publish a submitted report, or reopen a rejected, resolved or closed one: it is then shown
    to the public (at its public cell, if its category may be public)."""
    return report_transition(
        report=report,
        to_status=ReportStatus.PUBLISHED,
        actor=actor,
        note=note,
        public_note=public_note,
    )


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
            report_event_add(
                report=report, kind=ReportEvent.Kind.NOTE, actor=actor, note=note, is_public=False
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
        report.full_clean_own_fields()
        report.save(update_fields=["duplicate_of", "status", "updated_at"])
        event = report_event_add(
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
