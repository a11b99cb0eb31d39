"""Where the objectives of published strategies stand, from the survey's published results and
the public counts of citizen reports only.

Every figure is read through the survey's public selectors, as an anonymous visitor reads
them (`results_published`, `estimates_visible_to`, `changes_visible_to`): a wave whose results
are not published never feeds the strategy page, as a baseline or as the latest value.
The rule that turns the figures into a colour is `councils.standing`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from django.contrib.auth.models import AnonymousUser

from councils.models import TargetKind
from councils.selectors.public import PublicObjective
from councils.standing import CountReading, Rag, Reading, Standing, rag_of
from curim.reports.selectors import YearlyCounts, public_report_counts_by_year
from curim.reports.statistics import poisson_change, poisson_interval
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
    """Where an objective on a survey indicator stands (one on counts of reports:
    `count_standing`)."""
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


# --- Objectives on counts of citizen reports --------------------------------------------------
@dataclass(frozen=True)
class ReportCountFigures:
    """The public counts of reports the objectives on counts need, and the latest complete
    calendar year (`latest_year`): the year before today's."""

    latest_year: int
    counts: YearlyCounts | None  # None when no objective counts reports


def report_count_figures(objectives: Iterable[PublicObjective], today: date) -> ReportCountFigures:
    """The yearly public counts of reports from the earliest baseline year of these objectives
    to the latest complete year: one query, none without an objective on counts."""
    latest_year = today.year - 1
    years = [
        o.baseline_year
        for o in objectives
        if o.target_kind == TargetKind.REPORT_COUNT and o.baseline_year is not None
    ]
    if not years:
        return ReportCountFigures(latest_year, None)
    first = min(min(years), latest_year)
    return ReportCountFigures(
        latest_year, public_report_counts_by_year(first_year=first, last_year=latest_year)
    )


def count_standing(objective: PublicObjective, figures: ReportCountFigures) -> Standing:
    """Where an objective on counts of reports stands. The baseline is the council's value, or
    the count of the baseline year (once that year is over). The latest value is the count of
    the latest complete calendar year after the baseline year (a year, as the baseline is),
    with its exact Poisson 95% interval; with no complete year after the baseline year there is
    no follow-up yet. The change is significant, from a counted baseline, by the exact test of
    two Poisson counts over equal periods (the dashboard's, `poisson_change`: the latest count
    given the sum is Binomial(n, ½)); from the council's value, when that value lies outside the
    latest interval."""
    counts, group, district = figures.counts, objective.category_group, objective.area_code
    year = objective.baseline_year
    if counts is None or year is None or not group:
        return Standing(Rag.NOT_MEASURED, objective.baseline_value, None, *(None,) * 4, False)
    counted = (
        counts.count(group=group, district=district, year=year)
        if year <= figures.latest_year
        else None
    )
    baseline = objective.baseline_value if objective.baseline_value is not None else counted
    latest = None
    if figures.latest_year > year:
        count = counts.count(group=group, district=district, year=figures.latest_year)
        low, high = poisson_interval(count)
        latest = CountReading(year=figures.latest_year, estimate=count, ci_low=low, ci_high=high)
    if baseline is None or latest is None:
        return Standing(Rag.NOT_MEASURED, baseline, None, latest, *(None,) * 3, False)
    if objective.baseline_value is None and counted is not None:
        significant = poisson_change(previous=counted, recent=latest.estimate).significant
    else:
        significant = not latest.ci_low <= baseline <= latest.ci_high
    rag = rag_of(
        baseline=baseline, target=objective.target_value, latest=latest, significant=significant
    )
    return Standing(
        rag=rag,
        baseline=baseline,
        baseline_reading=None,
        latest=latest,
        change=latest.estimate - baseline,
        change_ci_low=None,
        change_ci_high=None,
        significant=significant,
    )
