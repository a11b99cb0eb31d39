"""Wave-on-wave change of the indicator estimates, from the stored estimates of two waves.

For one indicator × district × group cell shown in both waves (docs/surveys.md, "Change
between waves"):
- the change is ȳ_to − ȳ_from (score points, on −100..100);
- the waves are independent samples, each with its own design, so the variance of the
  difference is the sum of the variances: SE = √(SE_from² + SE_to²) (in R, `svycontrast` over
  the two designs' estimates, or the square root of the summed variances);
- its 95% interval is the normal one, change ± 1.959964 · SE (the standard interval of a
  difference of independent estimates; the change's scale is not bounded the way a score's
  is), and it is significant when that interval leaves out 0.
A cell suppressed in either wave (or without a standard error) gives no change at all: a change
and the shown wave's value would give the hidden one back.

Which waves: by default every wave against the baseline of its series, the first wave of its
chain of `Survey.follows`; an explicit pair may be asked for (`wave_pairs`).
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from surveys.estimates import Z_95
from surveys.models import IndicatorEstimate

SurveyId = int
Pair = tuple[SurveyId, SurveyId]  # (from, to)


@dataclass(frozen=True)
class Change:
    survey_from: str
    survey_to: str
    indicator: str
    area: str | None  # a district's code; None: all districts
    group: str | None  # a respondent group; None: all groups
    change: float
    std_error: float
    ci_low: float
    ci_high: float
    significant: bool
    comparable: bool  # both waves weighted to margins over the same dimensions
    estimate_from: float
    estimate_to: float


def change_of(
    before: IndicatorEstimate, after: IndicatorEstimate, *, comparable: bool
) -> Change | None:
    """The change from `before` to `after` (the same cell of two waves), or None when either
    is suppressed or has no standard error."""
    if before.suppressed or after.suppressed:
        return None
    y_from, y_to, se_from, se_to = (
        before.estimate,
        after.estimate,
        before.std_error,
        after.std_error,
    )
    if y_from is None or y_to is None or se_from is None or se_to is None:
        return None
    change = y_to - y_from
    se = math.sqrt(se_from**2 + se_to**2)
    low, high = change - Z_95 * se, change + Z_95 * se
    return Change(
        survey_from=before.survey.code,
        survey_to=after.survey.code,
        indicator=after.indicator.code,
        area=after.area.code if after.area else None,
        group=after.group or None,
        change=change,
        std_error=se,
        ci_low=low,
        ci_high=high,
        significant=low > 0 or high < 0,
        comparable=comparable,
        estimate_from=y_from,
        estimate_to=y_to,
    )


def series_baseline(survey_id: SurveyId, follows: Mapping[SurveyId, SurveyId | None]) -> SurveyId:
    """The first wave of the chain of `follows` that `survey_id` ends (itself if it follows
    none); a cycle, which the admin should not allow, stops where it closes."""
    seen = {survey_id}
    current = survey_id
    while (previous := follows.get(current)) is not None and previous not in seen:
        seen.add(previous)
        current = previous
    return current


def wave_pairs(
    waves: Sequence[tuple[SurveyId, str, SurveyId | None]],
    survey_from: str = "",
    survey_to: str = "",
) -> list[Pair]:
    """The pairs of waves to compare, given every wave as (id, code, follows id).

    With both codes: that pair (none if either is unknown). Otherwise every wave against its
    series' baseline, in the order of `waves`, keeping those whose codes match the one given.
    """
    by_code = {code: pk for pk, code, _ in waves}
    if survey_from and survey_to:
        if survey_from in by_code and survey_to in by_code:
            return [(by_code[survey_from], by_code[survey_to])]
        return []
    follows = {pk: previous for pk, _, previous in waves}
    pairs = []
    for pk, code, _ in waves:
        baseline = series_baseline(pk, follows)
        if baseline == pk or (survey_to and code != survey_to):
            continue
        if survey_from and by_code.get(survey_from) != baseline:
            continue
        pairs.append((baseline, pk))
    return pairs


def changes_between(
    pairs: Iterable[Pair],
    estimates: Iterable[IndicatorEstimate],
    comparable: Mapping[Pair, bool],
) -> list[Change]:
    """The changes of every cell shown in both waves of each pair, in the order of the later
    wave's estimates."""
    cells: dict[tuple[SurveyId, int, int | None, str], IndicatorEstimate] = {}
    by_wave: dict[SurveyId, list[IndicatorEstimate]] = {}
    for e in estimates:
        cells[(e.survey_id, e.indicator_id, e.area_id, e.group)] = e
        by_wave.setdefault(e.survey_id, []).append(e)
    changes = []
    for before_id, after_id in pairs:
        for after in by_wave.get(after_id, []):
            before = cells.get((before_id, after.indicator_id, after.area_id, after.group))
            if before is None:
                continue
            change = change_of(before, after, comparable=comparable[(before_id, after_id)])
            if change is not None:
                changes.append(change)
    return changes
