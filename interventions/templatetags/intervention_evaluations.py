"""`{% evaluation_reading evaluation as reading %}`: an evaluation (or None) as people read it
(interventions.evaluation_reading), for templates/interventions/_evaluation_summary.html."""

from django import template

from interventions.evaluation_reading import Reading, reading
from interventions.models import Evaluation

register = template.Library()


@register.simple_tag
def evaluation_reading(evaluation: Evaluation | None) -> Reading | None:
    return None if evaluation is None else reading(evaluation)
