"""The council's own pages of meetings (`/council/manage/meetings/`): which meetings a member
reads in full and which a secretary keeps, the agenda with its closed items, who to invite,
and the history of a meeting's minutes. A meeting of another council is not found (a 404)."""

from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from councils.models import (
    AgendaAttachment,
    AgendaItem,
    Council,
    Decision,
    Meeting,
    MeetingInvitation,
    Membership,
    Minutes,
    RecordChange,
)
from councils.models.choices import APPROVING_POSITIONS, DecisionOutcome
from councils.selectors.scopes import (
    COUNCIL_ROLES,
    councils_kept_by,
    councils_of,
    current_on,
    memberships_current,
)
from curim.accounts.models import User
from curim.accounts.roles import Role, user_has_role


def meetings_of_member(user: User | AnonymousUser) -> QuerySet[Meeting]:
    """Every meeting of the councils the user sits on, closed ones and their items included."""
    return Meeting.objects.filter(council__in=councils_of(user).values("pk")).select_related(
        "council"
    )


def meetings_kept_by(user: User | AnonymousUser) -> QuerySet[Meeting]:
    """The meetings a secretary may change: those of the councils they keep the records of."""
    return Meeting.objects.filter(council__in=councils_kept_by(user).values("pk")).select_related(
        "council"
    )


def agenda_of(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The whole agenda, closed items included, with presenters, decisions and files."""
    return meeting.agenda_items.select_related(
        "presenter_membership__person", "presenter_membership__organisation", "recommendation"
    ).prefetch_related(
        Prefetch("decisions", queryset=Decision.objects.order_by("created_at")),
        Prefetch("attachments", queryset=AgendaAttachment.objects.order_by("created_at", "pk")),
    )


def attachments_of_member(user: User | AnonymousUser) -> QuerySet[AgendaAttachment]:
    """Every file of the meetings of the councils the user sits on, closed items' included."""
    return AgendaAttachment.objects.filter(agenda_item__meeting__in=meetings_of_member(user))


def attachments_kept_by(user: User | AnonymousUser) -> QuerySet[AgendaAttachment]:
    """The files a secretary may remove: those of the meetings of the councils they keep."""
    return AgendaAttachment.objects.filter(agenda_item__meeting__in=meetings_kept_by(user))


def members_sent_the_invitation(meeting: Meeting) -> QuerySet[Membership]:
    """The memberships that were sent the meeting's invitation (some version of it): they are
    the ones whose calendars have the event."""
    return Membership.objects.filter(
        pk__in=MeetingInvitation.objects.filter(meeting=meeting).values("membership")
    ).select_related("person")


def members_invited(council: Council) -> QuerySet[Membership]:
    """The council's members today who hold a council role: each is sent the convening e-mail
    (a seat without the role opens nothing, so it is sent nothing either)."""
    return (
        memberships_current()
        .filter(
            council=council,
            person__is_active=True,
            person__in=User.objects.filter(groups__name__in=COUNCIL_ROLES),
        )
        .select_related("person", "organisation")
        .order_by("position", "pk")
    )


def members_on_the_day(meeting: Meeting) -> QuerySet[Membership]:
    """The members whose attendance may be recorded: those sitting on the meeting's day."""
    day = timezone.localdate(meeting.starts_at)
    return (
        Membership.objects.filter(current_on(day), council=meeting.council_id)
        .select_related("person", "organisation")
        .order_by("position", "pk")
    )


def minutes_of(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.filter(meeting=meeting).select_related("approved_by").first()


def minutes_history(minutes: Minutes) -> QuerySet[RecordChange]:
    return minutes.changes.select_related("actor").order_by("created_at", "pk")


def approving_decisions(minutes: Minutes) -> QuerySet[Decision]:
    """Adopted decisions of later meetings of the council: those that may approve `minutes`
    (the service checks again, and that the deciding meeting was held)."""
    meeting = minutes.meeting
    return (
        Decision.objects.filter(
            outcome=DecisionOutcome.ADOPTED,
            agenda_item__meeting__council=meeting.council_id,
            agenda_item__meeting__starts_at__gt=meeting.starts_at,
        )
        .select_related("agenda_item__meeting")
        .order_by("agenda_item__meeting__starts_at", "agenda_item__order", "pk")
    )


def approves_minutes(user: User | AnonymousUser, meeting: Meeting, day: date) -> bool:
    """Whether `user` signs the approval of `meeting`'s minutes on `day`: the council's chair or
    vice-chair that day (a current membership in that position), holding a council role."""
    if not user_has_role(user, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY):
        return False
    chairs = Membership.objects.filter(
        council=meeting.council_id, person=user.pk, position__in=APPROVING_POSITIONS
    )
    return any(membership.is_current(day) for membership in chairs)
