"""`{% evaluation_reading evaluation as reading %}`: an evaluation (or None) as people read it
(interventions.evaluation_reading), for templates/interventions/_evaluation_summary.html."""

from django import template
from django.contrib.auth.models import AnonymousUser
from django.template import Context

from interventions.evaluation_reading import Reading, reading
from interventions.models import Evaluation
from interventions.selectors import evaluation_hidden_from, user_reads_all

register = template.Library()


@register.simple_tag(takes_context=True)
def evaluation_reading(context: Context, evaluation: Evaluation | None) -> Reading | None:
    """The reading for the page's user (the request's, or `user` in the context): the
    public's figures withheld when they rest on small counts or count what the public never
    sees."""
    if evaluation is None:
        return None
    # The evaluation's own page has read it for this reader already (its view's `reading`).
    page_reading = context.get("reading")
    if isinstance(page_reading, Reading) and page_reading.evaluation is evaluation:
        return page_reading
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user") or AnonymousUser()
    reads_all = user_reads_all(user)
    hidden = evaluation_hidden_from(evaluation.result or {}, reads_all=reads_all)
    return reading(evaluation, reads_all=reads_all, hidden=hidden)
