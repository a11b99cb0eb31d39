"""The council's categories: sectors, positions, kinds, and the states of its records."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Sector(models.TextChoices):
    POLICE = "police", _("Police")
    MUNICIPALITY = "municipality", _("Municipality")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    SCHOOL = "school", _("School")
    BUSINESS = "business", _("Business and shop owners")
    RESIDENTS = "residents", _("Residents")
    VICTIM_SUPPORT = "victim_support", _("Victim Support Unit")
    OTHER = "other", _("Other")


class Position(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


# Positions that count towards the quorum: observers attend, but are not members who decide.
VOTING_POSITIONS = frozenset(
    {Position.CHAIR, Position.VICE_CHAIR, Position.SECRETARY, Position.MEMBER}
)
# Who approves minutes on the council's behalf, once a later meeting has decided so.
APPROVING_POSITIONS = frozenset({Position.CHAIR, Position.VICE_CHAIR})


class MeetingKind(models.TextChoices):
    PLENARY = "plenary", _("Plenary")
    EXTRAORDINARY = "extraordinary", _("Extraordinary")
    WORKING_GROUP = "working_group", _("Working group")
    ADVISORY = "advisory", _("Advisory meeting with citizens")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CONVENED = "convened", _("Convened")
    HELD = "held", _("Held")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Open to the public")
    CLOSED = "closed", _("Closed to the public")
    SPLIT = "split", _("Open to the public, with closed items")


class AgendaItemKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    CONSULTATION = "consultation", _("Consultation")
    DECISION = "decision", _("Decision")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    APOLOGIES = "apologies", _("Apologies")
    ABSENT = "absent", _("Absent")
    REPRESENTED = "represented", _("Represented by another member")


class MinutesState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("minutes", "Draft")
    CIRCULATED = "circulated", _("Circulated to members")
    APPROVED = "approved", pgettext_lazy("minutes", "Approved")
    PUBLISHED = "published", pgettext_lazy("minutes", "Published")


# Approved minutes are frozen: their text, summary and comments no longer change.
FROZEN_MINUTES_STATES = frozenset({MinutesState.APPROVED, MinutesState.PUBLISHED})


class DecisionOutcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Rejected")
    DEFERRED = "deferred", _("Deferred")


class RecommendationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ADOPTED = "adopted", _("Adopted")
    IN_PROGRESS = "in_progress", _("In progress")
    IMPLEMENTED = "implemented", _("Implemented")
    PARTLY_IMPLEMENTED = "partly_implemented", _("Partly implemented")
    NOT_IMPLEMENTED = "not_implemented", _("Not implemented")
    WITHDRAWN = "withdrawn", pgettext_lazy("recommendation", "Withdrawn")


class RecommendationPriority(models.TextChoices):
    HIGH = "high", pgettext_lazy("priority", "High")
    MEDIUM = "medium", pgettext_lazy("priority", "Medium")
    LOW = "low", pgettext_lazy("priority", "Low")


class ActionItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class TargetKind(models.TextChoices):
    INDICATOR = "indicator", _("A survey indicator")
    REPORT_COUNT = "report_count", _("Counts of citizen reports")
