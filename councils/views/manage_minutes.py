"""Attendance and minutes of a held meeting: the secretary records attendance and drafts,
circulates, takes back and publishes the minutes; the members comment on circulated minutes;
the chair approves them with a decision of a later meeting."""

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from councils.forms import ApproveForm, AttendanceForm, CommentForm, MinutesForm, ReturnForm
from councils.models import Meeting, Minutes
from councils.models.choices import FROZEN_MINUTES_STATES
from councils.selectors import meeting_quorum
from councils.selectors.meetings import (
    approves_minutes,
    approving_decisions,
    members_on_the_day,
    minutes_of,
)
from councils.services.attendance import (
    AttendanceEntry,
    attendance_mark_not_recorded,
    attendance_record,
)
from councils.services.minutes import (
    minutes_approve,
    minutes_circulate,
    minutes_comment_add,
    minutes_create,
    minutes_edit,
    minutes_publish,
    minutes_return_to_draft,
)
from councils.views.manage_common import (
    action_done,
    actor,
    back_to,
    form_page,
    manage_view,
    meeting_kept,
    meeting_read,
    posted,
    saved,
)


def _minutes(meeting: Meeting) -> Minutes:
    minutes = minutes_of(meeting)
    if minutes is None:
        raise Http404
    return minutes


@manage_view(["GET", "HEAD", "POST"])
def attendance_edit(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = meeting_kept(request, meeting_id)
    members = list(members_on_the_day(meeting))
    recorded = {row.membership_id: row for row in meeting.attendance.all()}
    initial = {}
    for membership in members:
        row = recorded.get(membership.pk)
        if row is not None:
            initial[f"status_{membership.public_id.hex}"] = row.status
            if row.represented_by is not None:
                initial[f"proxy_{membership.public_id.hex}"] = str(row.represented_by.public_id)
    form = AttendanceForm(posted(request), members=members, initial=initial)

    def save() -> None:
        entries = [AttendanceEntry(m, status, proxy) for m, status, proxy in form.entries()]
        attendance_record(meeting=meeting, by=actor(request), entries=entries)

    if request.method == "POST" and saved(form, save):
        return back_to(meeting, "attendance")
    context = {"meeting": meeting, "quorum": meeting_quorum(meeting)}
    return form_page(request, "councils/manage/attendance_form.html", context, form)


@manage_view(["POST"])
def attendance_not_recorded(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = meeting_kept(request, meeting_id)
    return action_done(
        request,
        meeting,
        lambda: attendance_mark_not_recorded(meeting=meeting, by=actor(request)),
        _("The meeting is marked: its attendance was not recorded."),
        anchor="attendance",
    )


@manage_view(["GET", "HEAD", "POST"])
def minutes_edit_view(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Draft the minutes, or change a draft; approved minutes are frozen (said, not a 500)."""
    meeting = meeting_kept(request, meeting_id)
    minutes = minutes_of(meeting)
    frozen = minutes is not None and minutes.state in FROZEN_MINUTES_STATES
    instance = minutes if minutes is not None else Minutes(meeting=meeting)
    form = MinutesForm(posted(request), instance=instance)
    if frozen and form.is_bound:
        form.is_valid()  # add_error needs a cleaned form; a GET shows the page's own notice
        form.add_error(None, _("The minutes are approved: they are frozen and no longer change."))

    def save() -> None:
        data = form.cleaned_data
        if minutes is None:
            minutes_create(meeting=meeting, by=actor(request), **data)
        else:
            minutes_edit(minutes=minutes, by=actor(request), **data)

    if request.method == "POST" and not frozen and saved(form, save):
        return back_to(meeting, "minutes")
    context = {"meeting": meeting, "minutes": minutes, "frozen": frozen}
    return form_page(request, "councils/manage/minutes_form.html", context, form)


@manage_view(["POST"])
def minutes_circulate_view(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = meeting_kept(request, meeting_id)
    minutes = _minutes(meeting)
    return action_done(
        request,
        meeting,
        lambda: minutes_circulate(minutes=minutes, by=actor(request)),
        _("The minutes are circulated to the members for their comments."),
        anchor="minutes",
    )


@manage_view(["POST"])
def minutes_return_view(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = meeting_kept(request, meeting_id)
    minutes = _minutes(meeting)
    form = ReturnForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return action_done(
        request,
        meeting,
        lambda: minutes_return_to_draft(minutes=minutes, by=actor(request), note=note),
        _("The minutes are back in draft."),
        anchor="minutes",
    )


@manage_view(["POST"])
def minutes_publish_view(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = meeting_kept(request, meeting_id)
    minutes = _minutes(meeting)
    return action_done(
        request,
        meeting,
        lambda: minutes_publish(minutes=minutes, by=actor(request)),
        _("The minutes are published: their public summary is on the meeting's public page."),
        anchor="minutes",
    )


@manage_view(["GET", "HEAD", "POST"])
def minutes_approve_view(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """The chair (or vice-chair) approves circulated minutes with a later meeting's decision;
    any member may open the page, which tells anyone else at once that only the chair approves
    (and the service refuses them, saying why)."""
    meeting = meeting_read(request, meeting_id)
    minutes = _minutes(meeting)
    form = ApproveForm(posted(request), decisions=approving_decisions(minutes))

    def save() -> None:
        minutes_approve(minutes=minutes, decision=form.cleaned_data["decision"], by=actor(request))

    if request.method == "POST" and saved(form, save):
        return back_to(meeting, "minutes")
    context = {
        "meeting": meeting,
        "minutes": minutes,
        "approver": approves_minutes(request.user, meeting, timezone.localdate()),
    }
    return form_page(request, "councils/manage/minutes_approve.html", context, form)


@manage_view(["POST"])
def minutes_comment(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """A member's comment on circulated minutes."""
    meeting = meeting_read(request, meeting_id)
    minutes = _minutes(meeting)
    form = CommentForm(request.POST)

    def save() -> None:
        minutes_comment_add(minutes=minutes, author=actor(request), text=form.cleaned_data["text"])

    if saved(form, save):
        return back_to(meeting, "minutes")
    context = {"meeting": meeting, "minutes": minutes}
    return form_page(request, "councils/manage/comment_form.html", context, form)
