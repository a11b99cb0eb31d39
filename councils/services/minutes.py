"""Minutes of a meeting: drafted, circulated to the members for comments, approved by a
decision of a later meeting (the chair, or the vice-chair, approving on the council's behalf),
then published. Approved minutes are frozen: every change is refused.

    draft → circulated → approved → published
    circulated → draft (taken back for rework)

Each change leaves a history row (`RecordChange`).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from councils.models import (
    Decision,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesComment,
    MinutesState,
    RecordChange,
    Visibility,
)
from councils.models.choices import FROZEN_MINUTES_STATES
from councils.models.minutes import approval_decision_problem
from councils.selectors.meetings import approves_minutes
from councils.services.history import changes_between, record_change_add, snapshot
from curim.accounts.models import User
from curim.core.locks import child_locked_under_parent

MINUTES_TRANSITIONS: dict[str, frozenset[str]] = {
    MinutesState.DRAFT: frozenset({MinutesState.CIRCULATED}),
    MinutesState.CIRCULATED: frozenset({MinutesState.DRAFT, MinutesState.APPROVED}),
    MinutesState.APPROVED: frozenset({MinutesState.PUBLISHED}),
    MinutesState.PUBLISHED: frozenset(),
}
EDITABLE = ("text", "public_summary")


def _locked(minutes: Minutes) -> Minutes:
    """The minutes, read again under their lock with their meeting locked first (a meeting's
    services, the attendance's among them, lock the meeting and read its minutes' state): the
    parent before the child, as every service locks them (docs/architecture.md, "Locks")."""
    locked = child_locked_under_parent(Minutes, minutes.pk, "meeting")
    if locked is None:
        raise ValidationError(_("These minutes were removed meanwhile: nothing was saved."))
    return locked


def _refuse_frozen(minutes: Minutes) -> None:
    if minutes.state in FROZEN_MINUTES_STATES:
        raise ValidationError(
            {"state": _("The minutes are approved: they are frozen and no longer change.")}
        )


@transaction.atomic
def minutes_save(*, minutes: Minutes, by: User) -> Minutes:
    """Save new draft minutes of a held meeting, or changes to the text or the public summary
    of minutes that are not approved; each leaves a history row."""
    if minutes._state.adding:
        minutes.meeting = Meeting.objects.select_for_update().get(pk=minutes.meeting_id)
        minutes.state = MinutesState.DRAFT
        minutes.full_clean()
        minutes.save()
        record_change_add(record=minutes, action=RecordChange.Action.CREATED, actor=by)
        return minutes
    stored = _locked(minutes)
    _refuse_frozen(stored)
    before = snapshot(stored, EDITABLE)
    changes = changes_between(before, snapshot(minutes, EDITABLE))
    if changes:
        # Only the text and the summary change here; the workflow has its own services.
        for name in EDITABLE:
            setattr(stored, name, getattr(minutes, name))
        stored.full_clean()
        stored.save()
        record_change_add(
            record=stored, action=RecordChange.Action.EDITED, actor=by, changes=changes
        )
    return stored


def minutes_create(
    *, meeting: Meeting, by: User, text: str = "", public_summary: str = ""
) -> Minutes:
    """Draft minutes of a meeting that has been held."""
    return minutes_save(
        minutes=Minutes(meeting=meeting, text=text, public_summary=public_summary), by=by
    )


def minutes_edit(
    *, minutes: Minutes, by: User, text: str | None = None, public_summary: str | None = None
) -> Minutes:
    """Change the text or the public summary of minutes that are not approved yet."""
    changed = Minutes.objects.get(pk=minutes.pk)
    if text is not None:
        changed.text = text
    if public_summary is not None:
        changed.public_summary = public_summary
    return minutes_save(minutes=changed, by=by)


def _move(minutes: Minutes, to_state: str, by: User, note: str = "") -> None:
    if to_state not in MINUTES_TRANSITIONS[minutes.state]:
        raise ValidationError(
            {
                "state": _("Minutes that are %(from)s cannot become %(to)s.")
                % {
                    "from": minutes.get_state_display().lower(),
                    "to": MinutesState(to_state).label.lower(),
                }
            }
        )
    from_state = minutes.state
    minutes.state = to_state
    minutes.full_clean()
    minutes.save()
    record_change_add(
        record=minutes,
        action=RecordChange.Action.STATUS,
        actor=by,
        changes={"state": {"from": from_state, "to": to_state}},
        note=note,
    )


@transaction.atomic
def minutes_circulate(*, minutes: Minutes, by: User) -> Minutes:
    """Send draft minutes to the members for their comments."""
    minutes = _locked(minutes)
    if minutes.state == MinutesState.DRAFT and not minutes.text.strip():
        raise ValidationError({"text": _("Write the minutes before circulating them.")})
    minutes.circulated_at = timezone.now()
    _move(minutes, MinutesState.CIRCULATED, by)
    return minutes


@transaction.atomic
def minutes_return_to_draft(*, minutes: Minutes, by: User, note: str = "") -> Minutes:
    """Take circulated minutes back for rework."""
    minutes = _locked(minutes)
    _move(minutes, MinutesState.DRAFT, by, note)
    return minutes


@transaction.atomic
def minutes_approve(*, minutes: Minutes, decision: Decision, by: User) -> Minutes:
    """Approve circulated minutes by an adopted decision of a later meeting of the council;
    `by` is the chair (or vice-chair) on the day, who signs on the council's behalf."""
    minutes = _locked(minutes)
    decision = Decision.objects.select_related("agenda_item__meeting").get(pk=decision.pk)
    problem = approval_decision_problem(minutes=minutes, decision=decision)
    if problem:
        raise ValidationError({"approved_by_decision": problem})
    deciding = decision.agenda_item.meeting
    if deciding.status not in (MeetingStatus.HELD, MeetingStatus.CLOSED):
        raise ValidationError(
            {"approved_by_decision": _("The deciding meeting has not been held.")}
        )
    if not approves_minutes(by, minutes.meeting, timezone.localdate()):
        raise ValidationError(
            {"approved_by": _("Only the council's chair or vice-chair approves minutes.")}
        )
    minutes.approved_by_decision = decision
    minutes.approved_by = by
    minutes.approved_at = timezone.now()
    _move(minutes, MinutesState.APPROVED, by)
    return minutes


@transaction.atomic
def minutes_publish(*, minutes: Minutes, by: User) -> Minutes:
    """Publish approved minutes: their public summary is then shown to the public (the full
    text never is)."""
    minutes = _locked(minutes)
    errors = {}
    if minutes.meeting.visibility == Visibility.CLOSED:
        errors["state"] = _("The meeting was closed: its minutes are not published.")
    elif not minutes.public_summary.strip():
        errors["public_summary"] = _("Write the public summary before publishing.")
    if errors:
        raise ValidationError(errors)
    minutes.published_at = timezone.now()
    _move(minutes, MinutesState.PUBLISHED, by)
    return minutes


@transaction.atomic
def minutes_comment_add(*, minutes: Minutes, author: User, text: str) -> MinutesComment:
    """A member's comment on circulated minutes: a draft is the secretary's until circulated,
    and approved minutes are frozen. Checked here, so the pages, the API and the admin all
    keep the rule."""
    minutes = _locked(minutes)
    _refuse_frozen(minutes)
    if minutes.state != MinutesState.CIRCULATED:
        raise ValidationError({"state": _("Members comment on minutes once they are circulated.")})
    comment = MinutesComment(minutes=minutes, author=author, text=text)
    comment.full_clean(exclude=["minutes", "author"])
    comment.save()
    record_change_add(record=minutes, action=RecordChange.Action.COMMENTED, actor=author)
    return comment
