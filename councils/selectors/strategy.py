"""Where the objectives of published strategies stand, from the survey's published results only.

Every figure is read through the survey's public selectors, as an anonymous visitor reads
them (`results_published`, `estimates_visible_to`, `changes_visible_to`): a wave whose results
are not published never feeds the strategy page, as a baseline or as the latest value.
The rule that turns the figures into a colour is `councils.standing`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from django.contrib.auth.models import AnonymousUser

from councils.models import TargetKind
from councils.selectors.public import PublicObjective
from councils.standing import Rag, Reading, Standing, rag_of
from surveys.selectors import (
    ALL,
    ChangeFilter,
    changes_visible_to,
    estimates_visible_to,
    results_published,
    wave_positions,
)

# (indicator code, district code or None for the whole area, wave code)
Cell = tuple[str, str | None, str]


@dataclass
class PublishedFigures:
    """The published waves, newest first, and the estimates of the indicators asked for."""

    waves: list[str] = field(default_factory=list)
    readings: dict[Cell, Reading] = field(default_factory=dict)
    # Every wave's place in the order of the waves, published or not (0 the oldest).
    positions: dict[str, int] = field(default_factory=dict)

    def waves_after(self, baseline_code: str) -> list[str]:
        """The published waves later than the baseline wave, newest first; none when the
        baseline wave is unknown. The baseline wave need not be published itself (a council
        may set the baseline value): a wave older than it is never a follow-up."""
        baseline = self.positions.get(baseline_code)
        if baseline is None:
            return []
        return [w for w in self.waves if self.positions.get(w, -1) > baseline]


def published_figures(indicator_codes: Iterable[str]) -> PublishedFigures:
    """The published waves' estimates (all respondents, shown cells only) of these
    indicators, by district and for the whole area, and the order of the waves: one query
    each."""
    codes = sorted({code for code in indicator_codes if code})
    waves = list(results_published().values_list("pk", "code"))
    figures = PublishedFigures(waves=[code for _pk, code in waves])
    if not codes or not waves:
        return figures
    figures.positions = wave_positions()
    anonymous = AnonymousUser()
    rows = (
        estimates_visible_to(anonymous)
        .filter(
            survey__in=[pk for pk, _code in waves],
            indicator__code__in=codes,
            group="",
            suppressed=False,
            estimate__isnull=False,
        )
        .values(
            "indicator__code",
            "area__code",
            "survey__code",
            "survey__title_en",
            "survey__title_el",
            "estimate",
            "ci_low",
            "ci_high",
        )
    )
    for row in rows:
        cell = (row["indicator__code"], row["area__code"], row["survey__code"])
        figures.readings[cell] = Reading(
            survey_code=row["survey__code"],
            survey_title_en=row["survey__title_en"],
            survey_title_el=row["survey__title_el"],
            estimate=cast(float, row["estimate"]),  # filtered: never null
            ci_low=row["ci_low"],
            ci_high=row["ci_high"],
        )
    return figures


def objective_standing(objective: PublicObjective, figures: PublishedFigures) -> Standing:
    """Where an objective on a survey indicator stands; an objective on counts of reports is
    not measured on this page (yet)."""
    none = Standing(Rag.NOT_MEASURED, objective.baseline_value, None, None, None, None, None, False)
    if objective.target_kind != TargetKind.INDICATOR or not objective.indicator_code:
        return none
    code, area = objective.indicator_code, objective.area_code
    baseline_code = objective.baseline_survey_code or ""
    baseline_reading = figures.readings.get((code, area, baseline_code))
    baseline = (
        objective.baseline_value
        if objective.baseline_value is not None
        else (baseline_reading.estimate if baseline_reading else None)
    )
    # The newest published wave after the baseline wave with a value for this place.
    later = figures.waves_after(baseline_code)
    latest = next(
        (figures.readings[(code, area, w)] for w in later if (code, area, w) in figures.readings),
        None,
    )
    if baseline is None or latest is None:
        return Standing(Rag.NOT_MEASURED, baseline, baseline_reading, latest, *(None,) * 3, False)
    change_low = change_high = None
    if objective.baseline_value is None:
        found = changes_visible_to(
            AnonymousUser(),
            ChangeFilter(
                survey_from=baseline_code,
                survey_to=latest.survey_code,
                indicator=code,
                area=area or ALL,
                group=ALL,
            ),
        )
        significant = bool(found) and found[0].significant
        if found:
            change_low, change_high = found[0].ci_low, found[0].ci_high
    else:
        low, high = latest.ci_low, latest.ci_high
        significant = low is not None and high is not None and not low <= baseline <= high
    rag = rag_of(
        baseline=baseline, target=objective.target_value, latest=latest, significant=significant
    )
    return Standing(
        rag=rag,
        baseline=baseline,
        baseline_reading=baseline_reading,
        latest=latest,
        change=latest.estimate - baseline,
        change_ci_low=change_low,
        change_ci_high=change_high,
        significant=significant,
    )
