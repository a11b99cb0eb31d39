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

from interventions.models import Evaluation, EvaluationStatus
from interventions.services.evaluations import public_result


def evaluations_without_public_part() -> QuerySet[Evaluation]:
    """Finished evaluations whose result has no public part, or one that failed for a fault of
    its own (`error`: computed again, as after a release that fixes it), oldest first."""
    return Evaluation.objects.filter(
        Q(status=EvaluationStatus.DONE)
        & (~Q(result__has_key="public") | Q(result__public__code="error"))
    ).order_by("pk")


@dataclass(frozen=True)
class Backfilled:
    evaluation: Evaluation
    # What the public now reads: "figures", "none" (official incidents: never public), or the
    # code saying why the public's data could not answer ("empty_windows", "error", …).
    outcome: str


def evaluation_public_backfill(*, evaluation_id: int) -> Backfilled | None:
    """Compute and store the public's part of one finished evaluation that has none; None when
    it is not such an evaluation (any more). The row is locked while its part is computed, so
    two runs at once store it once. A failure that would pass (the database unreachable) is
    raised, with nothing stored; a fault of the computation itself is stored as `error`, as a
    new version stores it."""
    with transaction.atomic():
        evaluation = (
            evaluations_without_public_part()
            .select_for_update()
            .select_related("intervention", "intervention__area")
            .filter(pk=evaluation_id)
            .first()
        )
        if evaluation is None:
            return None
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
    outcome = "none" if part is None else str(part.get("code", "figures"))
    return Backfilled(evaluation=evaluation, outcome=outcome)
