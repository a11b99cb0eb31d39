"""Reads of the interventions app, with who may read what decided here: an intervention that a
user may not see is not found (a 404), whichever page or endpoint asks.

- The public (anyone) reads completed and evaluated interventions, and planned or running ones
  marked public, with their sessions' counts, photos and the latest finished evaluation.
- Council members and secretaries, analysts and admins read every intervention.
- Council secretaries and analysts record and edit them; analysts run evaluations.
"""

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from curim.accounts.models import User
from curim.accounts.roles import Role, user_has_role
from curim.reports.models import Report
from curim.reports.selectors import reports_public
from interventions.models import (
    Evaluation,
    EvaluationStatus,
    Intervention,
    InterventionPhoto,
    InterventionStatus,
    Proposal,
    Session,
)

READ_ALL_ROLES = (Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY, Role.ANALYST, Role.ADMIN)
EDIT_ROLES = (Role.COUNCIL_SECRETARY, Role.ANALYST, Role.ADMIN)
EVALUATE_ROLES = (Role.ANALYST, Role.ADMIN)

PUBLIC_CONDITION = Q(status__in=[InterventionStatus.COMPLETED, InterventionStatus.EVALUATED]) | Q(
    public=True
)


def user_reads_all(user: User | AnonymousUser) -> bool:
    return user_has_role(user, *READ_ALL_ROLES)


def user_edits(user: User | AnonymousUser) -> bool:
    return user_has_role(user, *EDIT_ROLES)


def user_evaluates(user: User | AnonymousUser) -> bool:
    return user_has_role(user, *EVALUATE_ROLES)


def interventions_public() -> QuerySet[Intervention]:
    return Intervention.objects.filter(PUBLIC_CONDITION)


def interventions_for(user: User | AnonymousUser) -> QuerySet[Intervention]:
    """The interventions this user may read."""
    if user_reads_all(user):
        return Intervention.objects.all()
    return interventions_public()


def intervention_get(*, user: User | AnonymousUser, reference: str) -> Intervention:
    """One intervention by reference, or a 404 when this user may not read it."""
    found = interventions_for(user).filter(reference=reference).first()
    if found is None:
        raise Http404
    return found


def intervention_for_editing(*, user: User | AnonymousUser, reference: str) -> Intervention:
    if not user_edits(user):
        raise Http404
    return intervention_get(user=user, reference=reference)


def evaluations_finished(intervention: Intervention) -> QuerySet[Evaluation]:
    """The finished evaluations of an intervention, newest version first."""
    return intervention.evaluations.filter(status=EvaluationStatus.DONE).order_by("-version")


def evaluation_latest(intervention: Intervention) -> Evaluation | None:
    """The latest evaluation that produced a result: what pages and the API publish."""
    return evaluations_finished(intervention).first()


def photos_for(user: User | AnonymousUser) -> QuerySet[InterventionPhoto]:
    """The photos of the interventions this user may read."""
    return InterventionPhoto.objects.filter(intervention__in=interventions_for(user).values("pk"))


def interventions_edited_by(user: User | AnonymousUser) -> QuerySet[Intervention]:
    """The interventions this user records and edits: all of them for the editing roles, none
    otherwise (their pages are a 404)."""
    if not user_edits(user):
        raise Http404
    return Intervention.objects.all()


def session_for_editing(*, user: User | AnonymousUser, reference: str, session_id: int) -> Session:
    intervention = intervention_for_editing(user=user, reference=reference)
    found = intervention.sessions.filter(pk=session_id).first()
    if found is None:
        raise Http404
    return found


def proposal_for_editing(*, user: User | AnonymousUser, public_id: uuid.UUID) -> Proposal:
    if not user_edits(user):
        raise Http404
    found = (
        Proposal.objects.select_related("session__intervention").filter(public_id=public_id).first()
    )
    if found is None:
        raise Http404
    return found


def reports_shown_with(intervention: Intervention) -> QuerySet[Report]:
    """The reports that motivated an intervention which its page may show: the public ones only
    (a private report's text or place never appears beside an intervention)."""
    return (
        reports_public()
        .filter(pk__in=intervention.reports.values("pk"))
        .select_related("category")
        .order_by("-created_at")
    )


def sessions_shown_with(intervention: Intervention) -> QuerySet[Session]:
    return intervention.sessions.prefetch_related("participants", "proposals").order_by(
        "held_on", "pk"
    )
