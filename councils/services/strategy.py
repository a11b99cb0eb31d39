"""The council's strategy: its period, priorities, objectives and measures."""

from collections.abc import Iterable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from councils.models import Measure, Objective, Priority, Recommendation, Strategy

Part = TypeVar("Part", Strategy, Priority, Objective, Measure)


@transaction.atomic
def strategy_part_save(*, part: Part) -> Part:
    """Save a strategy, a priority, an objective or a measure after validating it."""
    part.full_clean()
    part.save()
    return part


@transaction.atomic
def strategy_part_delete(*, part: models.Model) -> None:
    part.delete()


@transaction.atomic
def measure_recommendations_set(
    *, measure: Measure, recommendations: Iterable[Recommendation]
) -> Measure:
    """Link a measure to recommendations of the strategy's own council."""
    chosen = list(recommendations)
    council_id = measure.objective.priority.strategy.council_id
    foreign = [r.reference for r in chosen if r.council_id != council_id]
    if foreign:
        raise ValidationError(
            {
                "recommendations": _("%(references)s: another council's recommendations.")
                % {"references": ", ".join(foreign)}
            }
        )
    measure.recommendations.set(chosen)
    return measure


@transaction.atomic
def measure_interventions_set(
    *, measure: Measure, interventions: Iterable[models.Model]
) -> Measure:
    """Point a measure to the social and spatial interventions that carry it out."""
    measure.interventions.set([intervention.pk for intervention in interventions])
    return measure
