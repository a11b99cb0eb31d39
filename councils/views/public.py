"""The council's public accountability pages, for everybody, without logging in: the council
with its members and meetings, a meeting's public page and its public files, the
recommendations followed to done, and the calendar of meetings (RFC 5545).

They read the public values of `councils.selectors` only (docs/councils.md, "What the public
may read"): a closed item, minutes not published, a comment or a private name is not in them,
so it cannot reach these pages. The one exception is a link: a meeting's page shows the members
of its council the address of its agenda pack (`councils.selectors.pack`), and only to them."""

import uuid
from collections import defaultdict
from datetime import datetime

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from icalendar import Event

from councils.calendar import calendar_new, meeting_event
from councils.models.choices import MeetingKind
from councils.selectors import (
    PublicMeeting,
    PublicMember,
    public_agenda,
    public_attachment_file,
    public_councils,
    public_meeting,
    public_meetings,
    public_members,
    public_minutes,
    public_recommendation,
    public_recommendations,
)
from councils.selectors.interventions import recommendation_intervention_ids
from councils.selectors.pack import meeting_pack_url
from councils.views.attachment_files import attachment_download
from interventions.selectors import intervention_headlines


@require_safe
def council_home(request: HttpRequest) -> HttpResponse:
    """Each council: what it is for, its members today, its upcoming and past meetings."""
    now = timezone.now()
    members: dict[str, list[PublicMember]] = defaultdict(list)
    for member in public_members():
        members[member.council_slug].append(member)
    meetings: dict[str, list[PublicMeeting]] = defaultdict(list)
    for meeting in public_meetings():
        meetings[meeting.council_slug].append(meeting)
    councils = [
        {
            "council": council,
            "members": members[council.slug],
            "upcoming": [m for m in meetings[council.slug] if m.ends_at >= now],
            "past": [m for m in reversed(meetings[council.slug]) if m.ends_at < now],
        }
        for council in public_councils()
    ]
    return render(request, "councils/home.html", {"councils": councils})


@require_safe
def meeting_detail(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """A meeting the public may read: its public items, decisions and published summary."""
    meeting = public_meeting(meeting_id)
    if meeting is None:
        raise Http404
    context = {
        "meeting": meeting,
        "agenda": public_agenda(meeting.id),
        "minutes": public_minutes(meeting.id),
        # The one thing on this page for members only: a link to the agenda pack.
        "pack_url": meeting_pack_url(request.user, meeting.id),
    }
    response = render(request, "councils/meeting.html", context)
    if context["pack_url"]:
        # A member's copy of a public page: never to be kept by a shared cache.
        patch_cache_control(response, private=True)
        patch_vary_headers(response, ["Cookie"])
    return response


@require_safe
def meeting_attachment(
    request: HttpRequest, meeting_id: uuid.UUID, attachment_id: uuid.UUID
) -> FileResponse:
    """A file of a public item of a public or split meeting; a 404 for any other."""
    attachment = public_attachment_file(meeting_id, attachment_id)
    if attachment is None:
        raise Http404
    return attachment_download(attachment.title, attachment.file)


@require_safe
def recommendation_list(request: HttpRequest) -> HttpResponse:
    """The recommendations adopted in public, with status, derived progress and timeline."""
    recommendations = public_recommendations()
    return render(request, "councils/recommendations.html", {"recommendations": recommendations})


@require_safe
def recommendation_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """One recommendation: its text, action items by organisation, progress and timeline."""
    recommendation = public_recommendation(reference)
    if recommendation is None:
        raise Http404
    interventions = intervention_headlines(
        request.user, ids=recommendation_intervention_ids(recommendation.reference)
    )
    return render(
        request,
        "councils/recommendation.html",
        {"r": recommendation, "interventions": interventions},
    )


def _event(request: HttpRequest, meeting: PublicMeeting, stamp: datetime) -> Event:
    url = request.build_absolute_uri(reverse("councils:meeting", args=[meeting.id]))
    return meeting_event(meeting, summary=meeting.text("title"), url=url, stamp=stamp)


@require_safe
def calendar_ics(request: HttpRequest) -> HttpResponse:
    """The public meetings as an RFC 5545 calendar, each event with the address of its page;
    `?kind=plenary` (a meeting kind) keeps one kind."""
    kind = request.GET.get("kind", "")
    if kind and kind not in MeetingKind.values:
        return HttpResponseBadRequest(
            _("Unknown kind of meeting. Use one of: %(kinds)s.")
            % {"kinds": ", ".join(MeetingKind.values)},
            content_type="text/plain; charset=utf-8",
        )
    calendar = calendar_new(name=_("Local Council for Crime Prevention: meetings"))
    stamp = timezone.now()
    for meeting in public_meetings():
        if not kind or meeting.kind == kind:
            calendar.add_component(_event(request, meeting, stamp))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="council.ics"'
    return response
