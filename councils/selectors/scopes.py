"""Who sits on which council, and the records each visitor may read, as querysets.

Two scopes, and every read goes through one of them:
- the public one (`*_public()`): meetings that are public or split and have been convened;
  their public agenda items and the decisions on them; recommendations adopted by such a
  decision; published minutes (whose summary alone may be shown). Nothing else.
- a member's (`*_visible_to(user)`): the public scope, and everything of the councils the user
  sits on today while holding a council role (`councils_of`). A role without a seat, or a
  seat without a role, opens nothing more than the public scope.
"""

from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from councils.models import (
    ActionItem,
    ActionItemStatus,
    AgendaAttachment,
    AgendaItem,
    Council,
    Decision,
    Meeting,
    Membership,
    Minutes,
    MinutesComment,
    MinutesState,
    Recommendation,
    RecommendationStatus,
    Strategy,
    Visibility,
)
from curim.accounts.models import User
from curim.accounts.roles import Role, user_has_role

COUNCIL_ROLES = (Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY)
OPEN_ITEM_STATUSES = (ActionItemStatus.NOT_STARTED, ActionItemStatus.IN_PROGRESS)


def overdue_on(today: date) -> Q:
    """The one rule of an overdue action item: open (not completed nor cancelled), past its due
    day, of a recommendation in force (a withdrawn one's items can no longer be closed: they
    are moot, not late). `recommendations_internal.overdue` applies it to a loaded item."""
    return Q(status__in=OPEN_ITEM_STATUSES, due_on__lt=today) & ~Q(
        recommendation__status=RecommendationStatus.WITHDRAWN
    )


def current_on(on: date | None = None, prefix: str = "") -> Q:
    """Memberships that hold on a day (today by default)."""
    day = on or timezone.localdate()
    return Q(**{f"{prefix}starts_on__lte": day}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": day})
    )


def memberships_current(*, on: date | None = None) -> QuerySet[Membership]:
    return Membership.objects.filter(current_on(on))


def councils_of(user: User | AnonymousUser) -> QuerySet[Council]:
    """The councils the user sits on today, holding a council role."""
    if not user_has_role(user, *COUNCIL_ROLES):
        return Council.objects.none()
    return Council.objects.filter(
        pk__in=memberships_current().filter(person=user.pk).values("council")
    )


def councils_kept_by(user: User | AnonymousUser) -> QuerySet[Council]:
    """The councils whose records the user keeps: a secretary's, where they sit today."""
    if not user_has_role(user, Role.COUNCIL_SECRETARY):
        return Council.objects.none()
    return councils_of(user)


def is_council_member(user: User | AnonymousUser, council: Council) -> bool:
    return councils_of(user).filter(pk=council.pk).exists()


def is_council_secretary(user: User | AnonymousUser, council: Council) -> bool:
    return councils_kept_by(user).filter(pk=council.pk).exists()


# --- The public scope ------------------------------------------------------------------------
def _public_meeting(prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}visibility__in": [Visibility.PUBLIC, Visibility.SPLIT],
            f"{prefix}convened_at__isnull": False,
        }
    )


def meetings_public() -> QuerySet[Meeting]:
    """Meetings the public may know of: public or split, once convened (a cancellation of a
    convened meeting included; a planned agenda is a draft, and stays with the members)."""
    return Meeting.objects.filter(_public_meeting())


def agenda_items_public() -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(Q(public=True) & _public_meeting("meeting__"))


def attachments_public() -> QuerySet[AgendaAttachment]:
    """The files of public items of meetings the public may know of."""
    return AgendaAttachment.objects.filter(
        Q(agenda_item__public=True) & _public_meeting("agenda_item__meeting__")
    )


def decisions_public() -> QuerySet[Decision]:
    return Decision.objects.filter(
        Q(agenda_item__public=True) & _public_meeting("agenda_item__meeting__")
    )


def minutes_public() -> QuerySet[Minutes]:
    """Published minutes of public meetings: only their public summary may be shown."""
    return Minutes.objects.filter(Q(state=MinutesState.PUBLISHED) & _public_meeting("meeting__"))


def recommendations_public() -> QuerySet[Recommendation]:
    """Recommendations adopted by a public decision; what a closed item adopted stays closed,
    and a proposal is a draft."""
    return Recommendation.objects.filter(adopted_by__in=decisions_public().values("pk"))


def action_items_public() -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(recommendation__in=recommendations_public().values("pk"))


def strategies_public() -> QuerySet[Strategy]:
    return Strategy.objects.filter(published=True)


# --- A member's scope ------------------------------------------------------------------------
def meetings_visible_to(user: User | AnonymousUser) -> QuerySet[Meeting]:
    return Meeting.objects.filter(_public_meeting() | Q(council__in=councils_of(user).values("pk")))


def agenda_items_visible_to(user: User | AnonymousUser) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(
        (Q(public=True) & _public_meeting("meeting__"))
        | Q(meeting__council__in=councils_of(user).values("pk"))
    )


def decisions_visible_to(user: User | AnonymousUser) -> QuerySet[Decision]:
    return Decision.objects.filter(
        (Q(agenda_item__public=True) & _public_meeting("agenda_item__meeting__"))
        | Q(agenda_item__meeting__council__in=councils_of(user).values("pk"))
    )


def minutes_visible_to(user: User | AnonymousUser) -> QuerySet[Minutes]:
    """Minutes in every state, full text included: for the council's own members only. The
    public reads the summary of published minutes through `councils.selectors.public`."""
    return Minutes.objects.filter(meeting__council__in=councils_of(user).values("pk"))


def minutes_comments_visible_to(user: User | AnonymousUser) -> QuerySet[MinutesComment]:
    return MinutesComment.objects.filter(minutes__in=minutes_visible_to(user).values("pk"))


def recommendations_visible_to(user: User | AnonymousUser) -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(
        Q(adopted_by__in=decisions_public().values("pk"))
        | Q(council__in=councils_of(user).values("pk"))
    )


def action_items_visible_to(user: User | AnonymousUser) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(
        recommendation__in=recommendations_visible_to(user).values("pk")
    )


def recommendations_of_council(council: Council) -> QuerySet[Recommendation]:
    """Every recommendation of one council, as each of its members reads them (proposals and
    those adopted in closed session too): for what is computed on the council's behalf, such as
    its agenda pack's evidence, never for a request's reader (use `recommendations_visible_to`)."""
    return Recommendation.objects.filter(council=council)


def action_items_of_council(council: Council) -> QuerySet[ActionItem]:
    """Every action item of one council's recommendations (see `recommendations_of_council`)."""
    return ActionItem.objects.filter(recommendation__council=council)


def action_items_owned_by(user: User | AnonymousUser) -> QuerySet[ActionItem]:
    """The items a member owns and may post progress on (of the councils they sit on)."""
    if not user.is_authenticated:
        return ActionItem.objects.none()
    return ActionItem.objects.filter(
        owner_person=user.pk, recommendation__council__in=councils_of(user).values("pk")
    )


def strategies_visible_to(user: User | AnonymousUser) -> QuerySet[Strategy]:
    return Strategy.objects.filter(
        Q(published=True) | Q(council__in=councils_of(user).values("pk"))
    )
