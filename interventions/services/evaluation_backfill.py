"""The public's part of evaluations finished before it existed: `result["public"]` computed
afterwards (`public_result`), for `manage.py evaluations_public_compute`.

An evaluation finished before this release holds the council's figures only; the public then
reads none of them (`interventions.selectors.evaluation_hidden_from`) until an analyst asks for
a new version. Computing the public's part afterwards counts the public reports as they are
now, not as they were when the council's figures were counted: the part keeps the time it was
counted (`data_up_to`, `computed_at`), and the public's pages and API give that time.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from curim.analytics.models import Sources
from interventions.evaluation_data import SITE, is_multi_site
from interventions.models import Evaluation, EvaluationStatus
from interventions.services.evaluations import parameters_from_json, public_result


def evaluations_without_public_part() -> QuerySet[Evaluation]:
    """Finished evaluations whose result has no public part, or one that failed for a fault of
    its own (`error`: computed again, as after a release that fixes it), oldest first."""
    return Evaluation.objects.filter(
        Q(status=EvaluationStatus.DONE)
        & (~Q(result__has_key="public") | Q(result__public__code="error"))
    ).order_by("pk")


# The intervention is no longer of the design, area or number of sites the version counted:
# its part would count another place under this version's name. Nothing is stored; a new
# version computes both parts.
REDRAWN = "redrawn"


def _drawn_as_computed(evaluation: Evaluation) -> bool:
    """Whether the intervention is still of the design (an area, a drawn zone, several sites),
    in the area, with the number of sites, that the version's stored counts name. A zone redrawn
    in the same area with as many parts is not told apart (nothing stored says where it was)."""
    intervention = evaluation.intervention
    result = evaluation.result if isinstance(evaluation.result, dict) else {}
    spatial = intervention.is_spatial and intervention.geometry is not None
    design = "sites" if is_multi_site(intervention) else "spatial" if spatial else "area"
    if result.get("design") != design:
        return False
    rows = [row for row in result.get("counts") or [] if isinstance(row, dict)]
    own_role = "treated" if design == "area" else "ring_control"
    if {row.get("code") for row in rows if row.get("role") == own_role} != {intervention.area.code}:
        return False
    if design == "sites" and intervention.geometry is not None:
        sites = sum(1 for row in rows if str(row.get("zone", "")).startswith(SITE))
        return sites == len(intervention.geometry)
    return True


# The version's stored parameters do not read as parameters (never seen: they are stored as
# checked when the version is asked for). Nothing is stored, and the command goes on with the
# others; a new version computes both parts.
UNREADABLE = "unreadable"

# What the command does with a version: compute its part, store none (official incidents are
# never public, redrawn or not), or skip it (`REDRAWN`, `UNREADABLE`).
COMPUTE, NONE = "compute", "none"
FIGURES = "figures"  # the outcome of a part the public reads


def backfill_outlook(evaluation: Evaluation) -> str:
    """`COMPUTE`, `NONE`, `REDRAWN` or `UNREADABLE` for a version without the public's
    part."""
    try:
        sources = parameters_from_json(evaluation.parameters).sources
    except (KeyError, TypeError, ValueError):  # what reading a malformed value raises
        return UNREADABLE
    if sources != Sources.REPORTS:
        return NONE
    return COMPUTE if _drawn_as_computed(evaluation) else REDRAWN


@dataclass(frozen=True)
class Backfilled:
    evaluation: Evaluation
    # What the public now reads: "figures", "none" (official incidents: never public), the
    # code saying why the public's data could not answer ("empty_windows", "error", …), or
    # `REDRAWN` or `UNREADABLE` (nothing stored).
    outcome: str


def evaluation_public_backfill(*, evaluation_id: int) -> Backfilled | None:
    """Compute and store the public's part of one finished evaluation that has none; None when
    it is not such an evaluation (any more), nothing stored when its intervention was redrawn
    since (`REDRAWN`) or its parameters do not read (`UNREADABLE`). The row is locked while
    its part is computed, so two runs at once store it once. A failure that would pass (the
    database unreachable) is raised, with nothing stored; a fault of the computation itself is
    stored as `error`, as a new version stores it."""
    with transaction.atomic():
        evaluation = (
            evaluations_without_public_part()
            .select_for_update(of=("self",), no_key=True)  # as evaluation_compute locks
            .select_related("intervention", "intervention__area")
            .filter(pk=evaluation_id)
            .first()
        )
        if evaluation is None:
            return None
        skipped = backfill_outlook(evaluation)
        if skipped in (REDRAWN, UNREADABLE):
            return Backfilled(evaluation=evaluation, outcome=skipped)
        read_at = timezone.now()
        part = public_result(evaluation)
        if part is not None and "code" not in part:
            part = {
                **part,
                "data_up_to": read_at.isoformat(),
                "computed_at": timezone.now().isoformat(),
            }
        evaluation.result = {**(evaluation.result or {}), "public": part}
        evaluation.save(update_fields=["result"])
    outcome = NONE if part is None else str(part.get("code", FIGURES))
    return Backfilled(evaluation=evaluation, outcome=outcome)
