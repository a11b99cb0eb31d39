"""What a meeting's agenda pack holds, for the members of its council (its secretary too): the
meeting, its whole agenda (closed items included), the minutes it is to approve, and the
evidence taken when it was convened. Anybody else finds no meeting here (a 404)."""

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.urls import reverse

from councils.models import AgendaItem, Meeting, MeetingEvidence, Minutes, MinutesState
from councils.selectors.scopes import councils_of
from curim.accounts.models import User


def meetings_packed_for(user: User | AnonymousUser) -> QuerySet[Meeting]:
    """The meetings whose pack the user may read: those of the councils they sit on today."""
    return Meeting.objects.filter(council__in=councils_of(user).values("pk")).select_related(
        "council"
    )


def meeting_pack_url(user: User | AnonymousUser, meeting_id: uuid.UUID) -> str:
    """The address of the meeting's pack for a member of its council; "" for anybody else."""
    if not meetings_packed_for(user).filter(pk=meeting_id).exists():
        return ""
    return reverse("councils:meeting_pack", args=[meeting_id])


def pack_agenda(meeting: Meeting) -> QuerySet[AgendaItem]:
    return meeting.agenda_items.select_related(
        "presenter_membership__person", "presenter_membership__organisation"
    ).order_by("order")


def pack_minutes(meeting: Meeting) -> QuerySet[Minutes]:
    """The minutes of the council's earlier meetings that this meeting is to approve: those not
    approved yet, and those a decision of this meeting approved (so a later pack still shows
    them), oldest first."""
    return (
        Minutes.objects.filter(
            meeting__council=meeting.council_id, meeting__starts_at__lt=meeting.starts_at
        )
        .filter(
            Q(state__in=[MinutesState.DRAFT, MinutesState.CIRCULATED])
            | Q(approved_by_decision__agenda_item__meeting=meeting.pk)
        )
        .select_related("meeting")
        .order_by("meeting__starts_at")
    )


def pack_evidence(meeting: Meeting) -> MeetingEvidence | None:
    """The figures taken when the meeting was convened; None before (or for a meeting
    cancelled while planned)."""
    return MeetingEvidence.objects.filter(meeting=meeting.pk).first()
