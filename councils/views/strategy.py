"""The public strategy page: priorities → objectives → measures, each objective with its
baseline, latest value and interval, target and colour (the rule written on the page).

With one published strategy `/council/strategy/` shows it; with several it lists them, each
on its own page, addressed by its council and period (a strategy has no slug of its own).
It reads `councils.selectors` public values, the survey's published results and the public
counts of reports (`curim.reports.selectors.public_report_counts_by_year`) only; each measure
lists the interventions it points to that the reader may read (the interventions app's rule)."""

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from councils.models import TargetKind
from councils.selectors import (
    PublicMeasure,
    PublicObjective,
    PublicPriority,
    PublicStrategy,
    public_strategies,
)
from councils.selectors.interventions import measure_interventions
from councils.selectors.strategy import (
    count_standing,
    objective_standing,
    published_figures,
    report_count_figures,
)
from councils.standing import EXPLANATIONS, Rag, Standing
from curim.areas.selectors import areas_public
from curim.core.bilingual import in_current_language
from interventions.selectors import InterventionHeadline


@dataclass(frozen=True)
class MeasureRow:
    measure: PublicMeasure
    interventions: list[InterventionHeadline]


@dataclass(frozen=True)
class ObjectiveRow:
    objective: PublicObjective
    standing: Standing
    place: str  # the district's name, or "" for the council's whole area
    measures: list[MeasureRow]


@dataclass(frozen=True)
class PriorityRows:
    priority: PublicPriority
    objectives: list[ObjectiveRow]


def _strategy_page(request: HttpRequest, strategy: PublicStrategy) -> HttpResponse:
    objectives = [o for p in strategy.priorities for o in p.objectives]
    figures = published_figures(o.indicator_code for o in objectives)
    counts = report_count_figures(objectives, timezone.localdate())

    def standing(o: PublicObjective) -> Standing:
        if o.target_kind == TargetKind.REPORT_COUNT:
            return count_standing(o, counts)
        return objective_standing(o, figures)

    codes = {o.area_code for o in objectives if o.area_code}
    places = {a.code: in_current_language(a, "name") for a in areas_public().filter(code__in=codes)}
    interventions = measure_interventions(strategy, request.user)

    def row(p: PublicPriority, o: PublicObjective) -> ObjectiveRow:
        measures = [
            MeasureRow(m, interventions.get((p.order, o.order, m.order), [])) for m in o.measures
        ]
        return ObjectiveRow(o, standing(o), places.get(o.area_code or "", ""), measures)

    priorities = [PriorityRows(p, [row(p, o) for o in p.objectives]) for p in strategy.priorities]
    context = {
        "strategy": strategy,
        "priorities": priorities,
        "rules": [(rag.value, EXPLANATIONS[rag]()) for rag in Rag],
    }
    return render(request, "councils/strategy.html", context)


@require_safe
def strategy_index(request: HttpRequest) -> HttpResponse:
    """The published strategy, or the list of them when there are several."""
    strategies = public_strategies()
    if len(strategies) == 1:
        return _strategy_page(request, strategies[0])
    return render(request, "councils/strategies.html", {"strategies": strategies})


@require_safe
def strategy_detail(
    request: HttpRequest, council_slug: str, starts_year: int, ends_year: int
) -> HttpResponse:
    """One published strategy, by its council and period."""
    found = [
        s
        for s in public_strategies(council_slug=council_slug)
        if (s.starts_year, s.ends_year) == (starts_year, ends_year)
    ]
    if not found:
        raise Http404
    return _strategy_page(request, found[0])
