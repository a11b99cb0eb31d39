"""The records of the Local Council for Crime Prevention."""

from councils.models.bodies import Council, Membership, Organisation
from councils.models.choices import (
    ActionItemStatus,
    AgendaItemKind,
    AttendanceStatus,
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
from councils.models.history import RecordChange
from councils.models.invitations import MeetingInvitation
from councils.models.meetings import AgendaAttachment, AgendaItem, Attendance, Meeting
from councils.models.minutes import Decision, Minutes, MinutesComment
from councils.models.recommendations import (
    ActionItem,
    ProgressUpdate,
    Recommendation,
    RecommendationStatusChange,
    ReferenceSequence,
)
from councils.models.reminders import ActionItemReminder
from councils.models.snapshot import MeetingEvidence
from councils.models.strategy import Measure, Objective, Priority, Strategy

__all__ = [
    "ActionItem",
    "ActionItemReminder",
    "ActionItemStatus",
    "AgendaAttachment",
    "AgendaItem",
    "AgendaItemKind",
    "Attendance",
    "AttendanceStatus",
    "Council",
    "Decision",
    "DecisionOutcome",
    "Measure",
    "Meeting",
    "MeetingEvidence",
    "MeetingInvitation",
    "MeetingKind",
    "MeetingStatus",
    "Membership",
    "Minutes",
    "MinutesComment",
    "MinutesState",
    "Objective",
    "Organisation",
    "Position",
    "Priority",
    "ProgressUpdate",
    "Recommendation",
    "RecommendationPriority",
    "RecommendationStatus",
    "RecommendationStatusChange",
    "RecordChange",
    "ReferenceSequence",
    "Sector",
    "Strategy",
    "TargetKind",
    "Visibility",
]
