"""The Victim Support Unit's records. Nothing outside `victims` imports these models."""

from victims.models.audit import AccessLog
from victims.models.cases import Assignment, BreakGlass, Case, CaseStatusChange, Person
from victims.models.choices import (
    Channel,
    ClosureOutcome,
    ConsentScope,
    OffenceType,
    Profession,
    ReferralOutcome,
    ReferralStatus,
    RiskLevel,
    ServiceKind,
    Source,
    Status,
    SupportKind,
)
from victims.models.intake import IntakeRequest
from victims.models.statistics import PublishedYear
from victims.models.support import (
    Consent,
    ConsentText,
    Document,
    Referral,
    Service,
    SupportSession,
)

__all__ = [
    "AccessLog",
    "Assignment",
    "BreakGlass",
    "Case",
    "CaseStatusChange",
    "Channel",
    "ClosureOutcome",
    "Consent",
    "ConsentScope",
    "ConsentText",
    "Document",
    "IntakeRequest",
    "OffenceType",
    "Person",
    "Profession",
    "PublishedYear",
    "Referral",
    "ReferralOutcome",
    "ReferralStatus",
    "RiskLevel",
    "Service",
    "ServiceKind",
    "Source",
    "Status",
    "SupportKind",
    "SupportSession",
]
