"""Recording a place evaluation: how safe a place feels, at its public 50 m cell."""

from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from curim.accounts.models import User
from curim.reports.locations import placement
from curim.reports.models import EVALUATION_GRID_M, PlaceEvaluation


@dataclass(frozen=True)
class EvaluationDraft:
    location: Point
    time_of_day: str
    feeling: int
    lighting: int
    visibility: int
    people: int
    security: int
    walk_path: int


@transaction.atomic
def evaluation_submit(
    *, draft: EvaluationDraft, evaluator: User | None, client_address: str | None
) -> PlaceEvaluation:
    placed = placement(draft.location, EVALUATION_GRID_M)
    if not placed.inside:
        raise ValidationError({"location": _("The location is outside the municipality.")})
    evaluation = PlaceEvaluation(
        location=draft.location,
        public_location=placed.public_point,
        area_id=placed.area_id,
        time_of_day=draft.time_of_day,
        feeling=draft.feeling,
        lighting=draft.lighting,
        visibility=draft.visibility,
        people=draft.people,
        security=draft.security,
        walk_path=draft.walk_path,
        evaluator=evaluator if evaluator is not None and evaluator.is_authenticated else None,
        client_address=client_address,
    )
    evaluation.full_clean()
    evaluation.save()
    return evaluation
