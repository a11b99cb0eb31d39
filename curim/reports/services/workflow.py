"""The moderation workflow of a report: status changes, publishing, forwarding, merging."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from curim.accounts.models import User
from curim.core.services import task_enqueue
from curim.reports.locations import placement
from curim.reports.models import (
    PUBLIC_STATUSES,
    Category,
    CategoryGroup,
    ForwardTo,
    Report,
    ReportEvent,
    ReportStatus,
)
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
    forwarded_to: str = "",
    forward_department: str = "",
) -> Report:
    """Move a report in the workflow. `note` is internal unless `public` says otherwise;
    `public_note` is shown on the report's page and kept as its current public note.
    `forwarded_to` and `forward_department` say where a forwarded report went."""
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
            forwarded_to=forwarded_to,
            forward_department=forward_department,
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


def report_forward(
    *,
    report: Report,
    actor: User,
    note: str = "",
    destination: str = "",
    department: str = "",
    public_note: str = "",
) -> Report:
    """Forward to the body the moderator chose (police, a municipal department, the Victim
    Support Unit), by default the one the category names.

    Where it went is public (as FixMyStreet shows "sent to") and kept on the history line
    (`forwarded_to`, `forward_department`); the moderator's note is not public.
    """
    category = report.category
    if not destination:
        destination, department = category.forward_to, department or category.forward_department
    if not destination:
        raise ValidationError({"destination": _("Choose where to forward the report.")})
    if destination not in ForwardTo.values or destination == ForwardTo.NONE:
        raise ValidationError({"destination": _("Choose one of the bodies listed.")})
    department = department.strip()
    if destination == ForwardTo.VICTIM_SUPPORT:
        # That a report went to the Victim Support Unit says its reporter was referred as a
        # victim: the public line and the followers' e-mail name no body (the line keeps it).
        public_note = str(_("Forwarded to the service responsible."))
    else:
        target = str(ForwardTo(destination).label)
        if department:
            target = f"{target}: {department}"
        public_note = _("Forwarded to %(target)s.") % {"target": target}
    with transaction.atomic():
        report = report_transition(
            report=report,
            to_status=ReportStatus.FORWARDED,
            actor=actor,
            note=public_note,
            public=True,
            forwarded_to=destination,
            forward_department=department,
        )
        if note:
            report_event_add(
                report=report, kind=ReportEvent.Kind.NOTE, actor=actor, note=note, is_public=False
            )
        if public_note:
            report_event_add(
                report=report,
                kind=ReportEvent.Kind.NOTE,
                actor=actor,
                note=public_note,
                is_public=True,
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


def report_correct(*, report: Report, actor: User, fields: Sequence[str]) -> Report:
    """An admin's correction of `fields` in the Django admin (a typo in the description, the
    severity): saved with a history line (EDITED, internal) that keeps who, when and each
    field's value before, as a moderator's edit does. The admin offers neither the status, the
    category, the places nor the duplicate: those go through moderation."""
    fields = [name for name in fields if name not in REPORT_UNCORRECTABLE]
    if not fields:
        return report
    with transaction.atomic():
        before = Report.objects.select_for_update().get(pk=report.pk)
        changes = {
            name: {"from": _as_text(getattr(before, name)), "to": _as_text(getattr(report, name))}
            for name in fields
        }
        report.full_clean_own_fields()
        report.save(update_fields=[*fields, "updated_at"])
        report_event_add(
            report=report,
            kind=ReportEvent.Kind.EDITED,
            actor=actor,
            is_public=False,
            changes=changes,
        )
        if before.status in PUBLIC_STATUSES:
            transaction.on_commit(tiles_changed)
    return report


# What only the submission or moderation may change (the admin shows them read-only).
REPORT_UNCORRECTABLE = (
    "public_id",
    "category",
    "location",
    "area",
    "public_location",
    "reporter",
    "client_address",
    "idempotency_key",
    "created_at",
    "updated_at",
    "published_at",
    "status",
    "duplicate_of",
    # What the submission checks against the category and the clock (a cyber channel on a
    # street report, a date to come): moderation's, not a correction's.
    "occurred_at",
    "cyber_channel",
    "cyber_sender",
    "contact_email",
)


def _as_text(value: Any) -> Any:
    return value if value is None or isinstance(value, str | int | bool) else str(value)


def report_edit(
    *,
    report: Report,
    actor: User,
    description: str,
    category: Category,
    reason: str = "",
) -> Report:
    """A moderator's edit of what the public reads: the description redacted (a name, a phone
    number, an insult taken out) and the category corrected.

    The history line (EDITED, internal) keeps who, when, why and what changed, the text before
    included, so that the original stays retrievable for the audit. A new category moves the
    public location onto its own privacy grid.
    """
    description = description.strip()
    if not description:
        raise ValidationError({"description": _("Enter the description.")})
    with transaction.atomic():
        # The report's row only: its category, read with it, is not locked (a lock through the
        # join held up every report submitted in that category meanwhile).
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("category")
            .get(pk=report.pk)
        )
        changes: dict[str, dict[str, str]] = {}
        if description != report.description:
            changes["description"] = {"from": report.description, "to": description}
        if category.pk != report.category_id:
            if not category.is_active:
                raise ValidationError({"category": _("That category is no longer in use.")})
            if (category.group == CategoryGroup.CYBER) != (
                report.category.group == CategoryGroup.CYBER
            ):
                raise ValidationError(
                    {
                        "category": _(
                            "A cyber threat and a report of a place cannot be moved into one "
                            "another's categories."
                        )
                    }
                )
            if category.may_be_public and not report.category.may_be_public:
                # Its reporter was told it would never be shown: no change of category makes
                # it public.
                raise ValidationError(
                    {
                        "category": _(
                            "A report of a category that is never public cannot be moved into "
                            "a public one: its reporter was told it would not be shown."
                        )
                    }
                )
            if category.location_required and report.location is None:
                raise ValidationError(
                    {"category": _("That category needs a location, and this report has none.")}
                )
            changes["category"] = {"from": report.category.slug, "to": category.slug}
        if not changes:
            raise ValidationError(_("Nothing was changed."))
        report.description = description
        fields = ["description", "updated_at"]
        if "category" in changes:
            # A report the public has seen, now or ever (rejected since, say), is placed from
            # the cell it was shown in, not from where it was made: two grids that do not nest
            # would otherwise give away a strip narrower than either cell.
            seen = (
                report.status in PUBLIC_STATUSES or report.published_at is not None
            ) and report.category.may_be_public
            shown = report.public_location if seen else None
            report.category = category
            fields.append("category")
            if report.location is not None:
                placed = placement(shown or report.location, category.grid_size_m)
                # The district follows the new cell (locations.py: the district of the cell
                # centre, never of the point, or it would tell which side of a border it is).
                report.public_location, report.area_id = placed.public_point, placed.area_id
                fields += ["public_location", "area"]
        report.full_clean_own_fields()
        report.save(update_fields=fields)
        report_event_add(
            report=report,
            kind=ReportEvent.Kind.EDITED,
            actor=actor,
            note=reason,
            is_public=False,
            changes=changes,
        )
        if "category" in changes and report.status in PUBLIC_STATUSES:
            transaction.on_commit(tiles_changed)
    return report
