"""The council's own pages of meetings (`/council/manage/meetings/`): the list, a meeting's
internal page, and scheduling, editing, convening, holding, closing and cancelling it. The
council's members read them; its secretary writes."""

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from councils.forms import CancelForm, MeetingForm
from councils.models import MeetingStatus
from councils.models.choices import FROZEN_MINUTES_STATES, MinutesState
from councils.models.meetings import HELD_STATUSES, MEETING_FIELDS, OPEN_STATUSES
from councils.selectors import meeting_quorum
from councils.selectors.interventions import proposals_waiting
from councils.selectors.meetings import (
    agenda_of,
    approves_minutes,
    meetings_of_member,
    minutes_history,
    minutes_of,
)
from councils.selectors.scopes import councils_kept_by, councils_of, is_council_secretary
from councils.services.convening import meeting_convene
from councils.services.meetings import (
    meeting_create,
    meeting_transition,
    meeting_update,
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

FORM_FIELDS = [name for name in MEETING_FIELDS if name != "location"]


@manage_view(["GET", "HEAD"])
def meeting_list(request: HttpRequest) -> HttpResponse:
    """The meetings of the councils the user sits on, upcoming first, then past ones."""
    councils = list(councils_of(request.user))
    if not councils:
        raise Http404
    now = timezone.now()
    meetings = list(meetings_of_member(request.user).order_by("starts_at"))
    context = {
        "upcoming": [m for m in meetings if m.ends_at >= now],
        "past": [m for m in reversed(meetings) if m.ends_at < now],
        "can_schedule": councils_kept_by(request.user).exists(),
    }
    return render(request, "councils/manage/meetings.html", context)


@manage_view(["GET", "HEAD"])
def meeting_page(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Everything of a meeting for its council: the whole agenda, attendance and quorum,
    decisions, minutes with comments, and the history of the minutes."""
    meeting = meeting_read(request, meeting_id)
    minutes = minutes_of(meeting)
    agenda = list(agenda_of(meeting))
    secretary = is_council_secretary(request.user, meeting.council)
    context = {
        "meeting": meeting,
        "agenda": agenda,
        "secretary": secretary,
        "agenda_open": meeting.status in OPEN_STATUSES,
        "held": meeting.status in HELD_STATUSES,
        "attendance": meeting.attendance.select_related(
            "membership__person", "membership__organisation", "represented_by__person"
        ),
        "quorum": meeting_quorum(meeting),
        "minutes": minutes,
        "minutes_frozen": minutes is not None and minutes.state in FROZEN_MINUTES_STATES,
        "minutes_commentable": minutes is not None and minutes.state == MinutesState.CIRCULATED,
        # The link to approve shows to the chair and vice-chair only (the page says so to others).
        "approves_minutes": approves_minutes(request.user, meeting, timezone.localdate()),
        "comments": minutes.comments.select_related("author") if minutes else [],
        "history": minutes_history(minutes) if minutes else [],
        "can_hold": meeting.status == MeetingStatus.CONVENED,
        "can_close": meeting.status == MeetingStatus.HELD,
        "proposals": (
            proposals_waiting(meeting.council)
            if secretary and meeting.status in OPEN_STATUSES
            else []
        ),
    }
    return render(request, "councils/manage/meeting.html", context)


@manage_view(["GET", "HEAD", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    councils = councils_kept_by(request.user)
    if not councils.exists():
        raise Http404
    form = MeetingForm(posted(request), councils=councils)

    def save() -> None:
        data = form.cleaned_data
        meeting = meeting_create(
            council=data["council"], by=actor(request), **{n: data[n] for n in FORM_FIELDS}
        )
        form.instance = meeting

    if request.method == "POST" and saved(form, save):
        return back_to(form.instance)
    return form_page(request, "councils/manage/meeting_form.html", {"meeting": None}, form)


@manage_view(["GET", "HEAD", "POST"])
def meeting_edit(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = meeting_kept(request, meeting_id)
    form = MeetingForm(posted(request), instance=meeting)

    def save() -> None:
        data = form.cleaned_data
        meeting_update(meeting=meeting, by=actor(request), **{n: data[n] for n in FORM_FIELDS})

    if request.method == "POST" and saved(form, save):
        return back_to(meeting)
    return form_page(request, "councils/manage/meeting_form.html", {"meeting": meeting}, form)


@manage_view(["GET", "HEAD", "POST"])
def meeting_cancel(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = meeting_kept(request, meeting_id)
    form = CancelForm(posted(request))

    def save() -> None:
        meeting_transition(
            meeting=meeting,
            to_status=MeetingStatus.CANCELLED,
            by=actor(request),
            reason=form.cleaned_data["reason"],
        )

    if request.method == "POST" and saved(form, save):
        return back_to(meeting)
    return form_page(request, "councils/manage/meeting_cancel.html", {"meeting": meeting}, form)


@manage_view(["POST"])
def meeting_convene_view(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Convene the meeting: each member is e-mailed the agenda and an invitation."""
    meeting = meeting_kept(request, meeting_id)
    return action_done(
        request,
        meeting,
        lambda: meeting_convene(meeting=meeting, by=actor(request)),
        _("The meeting is convened: each member is being e-mailed the agenda and an invitation."),
    )


@manage_view(["POST"])
def meeting_status(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Say that the meeting was held, or close it (`to`: held or closed)."""
    meeting = meeting_kept(request, meeting_id)
    to_status = request.POST.get("to", "")
    if to_status not in (MeetingStatus.HELD, MeetingStatus.CLOSED):
        return redirect("councils:manage_meeting", meeting.pk)
    done = {
        MeetingStatus.HELD: _("The meeting is marked as held."),
        MeetingStatus.CLOSED: _("The meeting is closed."),
    }[MeetingStatus(to_status)]
    return action_done(
        request,
        meeting,
        lambda: meeting_transition(meeting=meeting, to_status=to_status, by=actor(request)),
        done,
    )
