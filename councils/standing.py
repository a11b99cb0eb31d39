"""Where a strategic objective stands: red, amber or green, and why.

On counts of citizen reports the same rule applies to the latest complete calendar year's count
and its exact Poisson interval (`councils.selectors.strategy.count_standing`).

The objective has a baseline (its own value, or the estimate of its baseline wave) and a
target; the target above the baseline asks for a rise, below it for a fall. The latest value
is the estimate of the newest published wave after the baseline that shows the indicator for
the objective's district (or the whole area), with its 95% interval. Then:

- green: the whole interval is at or beyond the target (the target is met, beyond sampling
  doubt), or the change since the baseline is significant in the target's direction;
- amber: the latest value has moved from the baseline in the target's direction, but not
  significantly (it may be sampling noise);
- red: the latest value has not moved from the baseline, or has moved the wrong way;
- not measured: no baseline, or no published wave after it with a value for this place.

A change is significant when its 95% interval leaves out zero: between two waves, the
interval of the difference of two independent estimates (`surveys.changes`); from a baseline
value the council set itself, when that value lies outside the latest wave's interval. A
target equal to its baseline asks to hold the level: green while the latest interval holds
the target, red once it does not. docs/councils.md ("The strategy page") says the same.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from councils.models.texts import in_either_language


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NOT_MEASURED = "not_measured"


@dataclass(frozen=True)
class Reading:
    """An indicator's estimate in a published wave, for a place."""

    survey_code: str
    survey_title_en: str
    survey_title_el: str
    estimate: float
    ci_low: float | None
    ci_high: float | None

    def text(self, name: str) -> str:
        return in_either_language(self, name)


@dataclass(frozen=True)
class CountReading:
    """Public citizen reports of a group in a calendar year, for a place, with the exact
    (Garwood) 95% interval of their Poisson mean (`curim.reports.statistics.poisson_interval`)."""

    year: int
    estimate: int  # the count
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Standing:
    rag: Rag
    baseline: float | None
    baseline_reading: Reading | None  # when the baseline is read from its (published) wave
    latest: Reading | CountReading | None
    change: float | None
    change_ci_low: float | None
    change_ci_high: float | None
    significant: bool

    def explanation(self) -> str:
        """Why the objective has its colour, in the current language."""
        return str(EXPLANATIONS[self.rag]())

    @property
    def no_follow_up(self) -> bool:
        """A baseline, but nothing after it to compare it with yet."""
        return self.baseline is not None and self.latest is None


EXPLANATIONS = {
    Rag.GREEN: lambda: _(
        "The target is met, or the change since the baseline is significant in the target's "
        "direction."
    ),
    Rag.AMBER: lambda: _(
        "Moving in the target's direction, but the change is not significant yet."
    ),
    Rag.RED: lambda: _("Not moving towards the target, or moving away from it."),
    Rag.NOT_MEASURED: lambda: _(
        "No published survey wave after the baseline gives a value here yet."
    ),
}


def rag_of(
    *,
    baseline: float | None,
    target: float,
    latest: Reading | CountReading | None,
    significant: bool,
) -> Rag:
    """The colour, by the rule of the module's docstring; `significant`: whether the change
    from the baseline to the latest value is significant (in either direction)."""
    if baseline is None or latest is None:
        return Rag.NOT_MEASURED
    low = latest.ci_low if latest.ci_low is not None else latest.estimate
    high = latest.ci_high if latest.ci_high is not None else latest.estimate
    if target == baseline:
        return Rag.GREEN if low <= target <= high else Rag.RED
    rising = target > baseline
    met = low >= target if rising else high <= target
    moved = latest.estimate - baseline if rising else baseline - latest.estimate
    if met or (significant and moved > 0):
        return Rag.GREEN
    if moved > 0:
        return Rag.AMBER
    return Rag.RED
