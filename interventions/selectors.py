"""Reads of the interventions app, with who may read what decided here: an intervention that a
user may not see is not found (a 404), whichever page or endpoint asks.

- The public (anyone) reads completed and evaluated interventions, and planned or running ones
  marked public, with their sessions' counts, photos and the latest finished evaluation.
- Council members and secretaries, analysts and admins read every intervention.
- Council secretaries and analysts record and edit them; analysts run evaluations.
"""

import uuid
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from curim.accounts.models import User
from curim.accounts.roles import Role, user_has_role
from curim.reports.selectors import reports_public
from interventions.models import (
    Evaluation,
    EvaluationStatus,
    Intervention,
    InterventionPhoto,
    InterventionStatus,
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


# --- Reads of the API and the exchange of files (interventions.api.records, .views.exchange) ---
def evaluations_latest_of(interventions: Iterable[Intervention]) -> dict[int, Evaluation]:
    """`evaluation_latest` of each intervention given, in one query, by intervention id."""
    latest = (
        Evaluation.objects.filter(
            intervention_id__in=[i.pk for i in interventions], status=EvaluationStatus.DONE
        )
        .order_by("intervention_id", "-version")
        .distinct("intervention_id")
    )
    return {evaluation.intervention_id: evaluation for evaluation in latest}


def intervention_public_report_ids(intervention: Intervention) -> list[uuid.UUID]:
    """The public ids of the reports that motivated an intervention, the published ones only
    (a report the public may not read is not named, not even by its id)."""
    return list(
        reports_public()
        .filter(pk__in=intervention.reports.values("pk"))
        .order_by("created_at", "pk")
        .values_list("public_id", flat=True)
    )


def intervention_photo_get(
    *, user: User | AnonymousUser, public_id: uuid.UUID
) -> InterventionPhoto:
    """A photo of an intervention this user may read, or a 404."""
    found = (
        InterventionPhoto.objects.filter(
            public_id=public_id, intervention__in=interventions_for(user).values("pk")
        )
        .select_related("intervention")
        .first()
    )
    if found is None:
        raise Http404
    return found
