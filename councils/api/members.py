"""What the API adds for a council's members: the recommendations of their councils that are
not public (proposals, those adopted in closed session) and their action items, read through
the member's scope (`recommendations_visible_to`, `action_items_visible_to`) in the shape of
the public ones. The public record itself is read from `councils.selectors.public`."""

from collections import defaultdict
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from councils.models import ActionItem, ProgressUpdate, Recommendation
from councils.selectors import (
    PublicOrganisation,
    PublicProgressUpdate,
    PublicStatusChange,
    action_items_visible_to,
    councils_of,
    recommendations_progress,
    recommendations_public,
    recommendations_visible_to,
)
from curim.accounts.models import User


def _organisation(organisation: Any) -> PublicOrganisation:
    return PublicOrganisation(
        public_id=organisation.public_id,
        name_en=organisation.name_en,
        name_el=organisation.name_el,
        sector=organisation.sector,
    )


def recommendations_not_public(user: User | AnonymousUser) -> QuerySet[Recommendation]:
    """Recommendations of the user's councils that the public does not read."""
    return (
        recommendations_visible_to(user)
        .filter(council__in=councils_of(user).values("pk"))
        .exclude(pk__in=recommendations_public().values("pk"))
    )


def members_recommendations(user: User | AnonymousUser) -> list[dict[str, Any]]:
    found = list(
        recommendations_not_public(user)
        .select_related("council", "adopted_by__agenda_item__meeting")
        .prefetch_related("addressees", "status_changes")
        .order_by("-reference")
    )
    progress = recommendations_progress([r.pk for r in found])
    return [
        {
            "reference": r.reference,
            "council_slug": r.council.slug,
            "title_en": r.title_en,
            "title_el": r.title_el,
            "text_en": r.text_en,
            "text_el": r.text_el,
            "rationale_en": r.rationale_en,
            "rationale_el": r.rationale_el,
            "priority": r.priority,
            "due_on": r.due_on,
            "status": r.status,
            "adopted_in_meeting_id": r.adopted_by.agenda_item.meeting_id if r.adopted_by else None,
            "adopted_on": r.adopted_by.agenda_item.meeting.starts_at if r.adopted_by else None,
            "progress": progress[r.pk],
            "addressees": [_organisation(o) for o in r.addressees.all()],
            "timeline": [
                PublicStatusChange(c.from_status, c.to_status, c.note, c.changed_at, c.public_id)
                for c in r.status_changes.all()
            ],
        }
        for r in found
    ]


def members_action_items(user: User | AnonymousUser) -> list[dict[str, Any]]:
    items = list(
        action_items_visible_to(user)
        .filter(recommendation__in=recommendations_not_public(user).values("pk"))
        .select_related("recommendation", "owner_organisation")
        .order_by("recommendation__reference", "due_on", "pk")
    )
    updates: dict[int, list[PublicProgressUpdate]] = defaultdict(list)
    for action_item_id, on, percent, public_id in (
        ProgressUpdate.objects.filter(action_item__in=[i.pk for i in items])
        .order_by("on", "created_at", "pk")
        .values_list("action_item_id", "on", "percent", "public_id")
    ):
        updates[action_item_id].append(PublicProgressUpdate(on, percent, public_id))
    return [_action_item(item, updates[item.pk]) for item in items]


def _action_item(item: ActionItem, updates: list[PublicProgressUpdate]) -> dict[str, Any]:
    return {
        "recommendation": item.recommendation.reference,
        "title_en": item.title_en,
        "title_el": item.title_el,
        "owner": _organisation(item.owner_organisation),
        "due_on": item.due_on,
        "weight": item.weight,
        "status": item.status,
        "updates": updates,
    }
