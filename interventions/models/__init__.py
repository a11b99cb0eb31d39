"""The interventions' records: what was done, where and for whom, its sessions, and its
evaluations. One module per subject; everything is importable from here."""

from interventions.models.choices import (
    EvaluationStatus,
    InterventionKind,
    InterventionStatus,
    ParticipantGroup,
    PhotoMoment,
    SessionPlace,
    TargetGroup,
)
from interventions.models.evaluations import Evaluation
from interventions.models.interventions import (
    Intervention,
    InterventionPhoto,
    ReferenceSequence,
)
from interventions.models.sessions import Participants, Proposal, Session

__all__ = [
    "Evaluation",
    "EvaluationStatus",
    "Intervention",
    "InterventionKind",
    "InterventionPhoto",
    "InterventionStatus",
    "ParticipantGroup",
    "Participants",
    "PhotoMoment",
    "Proposal",
    "ReferenceSequence",
    "Session",
    "SessionPlace",
    "TargetGroup",
]
