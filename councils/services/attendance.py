"""Who attended a meeting, recorded as a whole, or marked explicitly as not recorded.

Attendance is recorded once the meeting has been held, and is frozen with its minutes.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from councils.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    Membership,
)
from councils.models.choices import FROZEN_MINUTES_STATES
from councils.models.minutes import Minutes
from curim.accounts.models import User


@dataclass(frozen=True)
class AttendanceEntry:
    membership: Membership
    status: str
    represented_by: Membership | None = None


def _attendance_open(meeting: Meeting) -> None:
    if meeting.status not in (MeetingStatus.HELD, MeetingStatus.CLOSED):
        raise ValidationError({"attendance": _("Attendance is recorded once the meeting is held.")})
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is not None and minutes.state in FROZEN_MINUTES_STATES:
        raise ValidationError(
            {"attendance": _("The minutes are approved: the attendance no longer changes.")}
        )


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, by: User, entries: Sequence[AttendanceEntry]
) -> list[Attendance]:
    """Replace the meeting's attendance with `entries` (one per member at most). A member who
    represents another must be present."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _attendance_open(meeting)
    if not entries:
        raise ValidationError({"attendance": _("Give at least one member's attendance.")})
    statuses = {entry.membership.pk: entry.status for entry in entries}
    if len(statuses) != len(entries):
        raise ValidationError({"membership": _("Each member's attendance is given once.")})
    rows = []
    for entry in entries:
        row = Attendance(
            meeting=meeting,
            membership=entry.membership,
            status=entry.status,
            represented_by=entry.represented_by,
        )
        row.full_clean(exclude=["meeting"], validate_constraints=False)
        proxy = entry.represented_by
        if proxy is not None and statuses.get(proxy.pk) != AttendanceStatus.PRESENT:
            raise ValidationError(
                {"represented_by": _("The member who represents another must be present.")}
            )
        rows.append(row)
    meeting.attendance.all().delete()
    for row in rows:
        row.full_clean()  # the constraints, now that the meeting's old rows are gone
        row.save()
    if meeting.attendance_not_recorded:
        meeting.attendance_not_recorded = False
        meeting.save(update_fields=["attendance_not_recorded", "updated_at"])
    return rows


@transaction.atomic
def attendance_mark_not_recorded(*, meeting: Meeting, by: User) -> Meeting:
    """Say that the meeting's attendance was not recorded (rather than leave it unsaid)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _attendance_open(meeting)
    if meeting.attendance.exists():
        raise ValidationError(
            {"attendance": _("Attendance has been recorded for this meeting: correct it instead.")}
        )
    meeting.attendance_not_recorded = True
    meeting.save(update_fields=["attendance_not_recorded", "updated_at"])
    return meeting


@transaction.atomic
def attendance_clear(*, meeting: Meeting, by: User) -> None:
    """Remove a meeting's attendance rows (recorded by mistake), leaving it unsaid again."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _attendance_open(meeting)
    meeting.attendance.all().delete()
