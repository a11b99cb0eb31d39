"""The council's own reads of its recommendations and action items (the pages under
/council/manage/recommendations/): only the councils the user sits on today, whatever is
public elsewhere; the secretary's writes go through `recommendations_kept_by`."""

from datetime import date, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from councils.models import (
    ActionItem,
    Council,
    Decision,
    DecisionOutcome,
    Organisation,
    ProgressUpdate,
    Recommendation,
    RecommendationStatus,
)
from councils.selectors.scopes import (
    COUNCIL_ROLES,
    OPEN_ITEM_STATUSES,
    action_items_owned_by,
    councils_kept_by,
    councils_of,
    memberships_current,
    overdue_on,
)
from curim.accounts.models import User
from curim.accounts.roles import Role


def recommendations_of_councils_of(user: User | AnonymousUser) -> QuerySet[Recommendation]:
    """Every recommendation of the councils the user sits on, drafts included."""
    return Recommendation.objects.filter(council__in=councils_of(user).values("pk"))


def recommendations_kept_by(user: User | AnonymousUser) -> QuerySet[Recommendation]:
    """The recommendations the user may write: a secretary's, of the councils they keep."""
    return Recommendation.objects.filter(council__in=councils_kept_by(user).values("pk"))


def _reference_checked(reference: str) -> str:
    # A NUL cannot be in a stored reference, and PostgreSQL refuses it in a query: a 404.
    if "\x00" in reference:
        raise Http404
    return reference


def recommendation_internal(user: User | AnonymousUser, reference: str) -> Recommendation:
    """One recommendation of the user's councils, with what its internal page shows; 404."""
    reference = _reference_checked(reference)
    found = (
        recommendations_of_councils_of(user)
        .select_related("council", "adopted_by__agenda_item__meeting", "created_by")
        .prefetch_related(
            "addressees",
            "status_changes__changed_by",
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.select_related(
                    "owner_organisation", "owner_person"
                ).prefetch_related(
                    Prefetch(
                        "progress_updates",
                        queryset=ProgressUpdate.objects.select_related("author"),
                    )
                ),
            ),
        )
        .filter(reference=reference)
        .first()
    )
    if found is None:
        raise Http404
    return found


def recommendation_kept(user: User | AnonymousUser, reference: str) -> Recommendation:
    found = recommendations_kept_by(user).filter(reference=_reference_checked(reference)).first()
    if found is None:
        raise Http404
    return found


def action_item_kept(
    user: User | AnonymousUser, recommendation: Recommendation, pk: int
) -> ActionItem:
    """An action item of a recommendation the user keeps (404 otherwise)."""
    found = (
        ActionItem.objects.filter(
            recommendation__in=recommendations_kept_by(user).values("pk"),
            recommendation=recommendation,
            pk=pk,
        )
        .select_related("recommendation")
        .first()
    )
    if found is None:
        raise Http404
    return found


def action_item_owned(user: User | AnonymousUser, pk: int) -> ActionItem:
    found = action_items_owned_by(user).filter(pk=pk).select_related("recommendation").first()
    if found is None:
        raise Http404
    return found


def action_items_mine(user: User | AnonymousUser) -> QuerySet[ActionItem]:
    return (
        action_items_owned_by(user)
        .select_related("recommendation", "owner_organisation")
        .prefetch_related("progress_updates")
        .order_by("due_on", "pk")
    )


def organisations_to_choose() -> QuerySet[Organisation]:
    return Organisation.objects.order_by("name_en", "name_el", "pk")


def decisions_adopting(council: Council) -> QuerySet[Decision]:
    """The council's adopted decisions, that may name a recommendation's adoption."""
    return (
        Decision.objects.filter(
            agenda_item__meeting__council=council, outcome=DecisionOutcome.ADOPTED
        )
        .select_related("agenda_item__meeting")
        .order_by("-agenda_item__meeting__starts_at", "agenda_item__order")
    )


def overdue(item: ActionItem, today: date, recommendation: Recommendation) -> bool:
    """Open past its due day, of a recommendation in force (a withdrawn one's items can no
    longer be closed: they are not late, they are moot)."""
    return bool(
        item.due_on
        and item.due_on < today
        and item.status in OPEN_ITEM_STATUSES
        and recommendation.status != RecommendationStatus.WITHDRAWN
    )


# --- For the nightly reminders ---------------------------------------------------------------
def action_items_due_soon(today: date, within_days: int) -> QuerySet[ActionItem]:
    """Open items with an active owner, due between today and `within_days` days ahead."""
    return (
        ActionItem.objects.filter(
            status__in=OPEN_ITEM_STATUSES,
            due_on__gte=today,
            due_on__lte=today + timedelta(days=within_days),
            owner_person__isnull=False,
            owner_person__is_active=True,
            owner_person__in=User.objects.filter(groups__name__in=COUNCIL_ROLES),
        )
        .filter(
            # Only an owner who sits on the council today: a former member hears no more of it.
            Exists(
                memberships_current().filter(
                    council=OuterRef("recommendation__council"), person=OuterRef("owner_person")
                )
            )
        )
        .exclude(recommendation__status=RecommendationStatus.WITHDRAWN)
        .select_related("owner_person", "recommendation")
    )


def action_items_overdue(today: date) -> QuerySet[ActionItem]:
    """Open items of recommendations in force whose due day has passed."""
    return ActionItem.objects.filter(overdue_on(today)).select_related("recommendation")


def secretaries_of(council_id: int, on: date) -> QuerySet[User]:
    """The active people with the secretary role who sit on the council on the day."""
    return User.objects.filter(
        is_active=True,
        groups__name=Role.COUNCIL_SECRETARY,
        pk__in=memberships_current(on=on).filter(council=council_id).values("person"),
    ).distinct()
