"""Filters of the council's public pages: a text in the visitor's language, and the label of a
stored choice (a kind, a status, a position) in words."""

from django import template
from django.db import models

from councils.models.choices import (
    ActionItemStatus,
    AgendaItemKind,
    DecisionOutcome,
    MeetingKind,
    MeetingStatus,
    MinutesState,
    Position,
    RecommendationPriority,
    RecommendationStatus,
    Sector,
    TargetKind,
    Visibility,
)
from curim.reports.models import CategoryGroup

register = template.Library()

CHOICES: dict[str, type[models.TextChoices]] = {
    "sector": Sector,
    "position": Position,
    "meeting_kind": MeetingKind,
    "meeting_status": MeetingStatus,
    "visibility": Visibility,
    "item_kind": AgendaItemKind,
    "minutes_state": MinutesState,
    "outcome": DecisionOutcome,
    "recommendation_status": RecommendationStatus,
    "priority": RecommendationPriority,
    "action_status": ActionItemStatus,
    "target_kind": TargetKind,
    "category_group": CategoryGroup,
}


@register.filter
def bilingual(value: object, name: str) -> str:
    """`value.text(name)`: the field in the visitor's language, or the other one if empty."""
    text = getattr(value, "text", None)
    return str(text(name)) if callable(text) else ""


@register.filter
def label(value: str, kind: str) -> str:
    """The words for a stored choice (`{{ meeting.kind|label:"meeting_kind" }}`)."""
    choices = CHOICES[kind]
    try:
        return str(choices(value).label)
    except ValueError:
        return value
