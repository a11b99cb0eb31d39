"""Change of a survey indicator between two waves, in the intervention's district against others.

Inputs are estimates (value, standard error) as the survey module publishes them: the district's
weighted mean in the first wave (T0) and the second (T1), and the other districts' (C0, C1).
The four are treated as independent samples (separate waves, disjoint districts), so

  change in a district = X1 − X0,        SE = √(se(X0)² + se(X1)²);
  difference-in-differences = (T1 − T0) − (C1 − C0),  SE = √(sum of the four variances);

each with its normal 95% interval (± 1.96 SE) and, for the difference, the two-sided p-value of
no difference. A district whose estimate was suppressed (too few respondents) is not passed in.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

from scipy import stats

from interventions.evaluation.errors import Z_95, EvaluationInputError


@dataclass(frozen=True)
class Estimate:
    """A wave's estimate of an indicator with its standard error."""

    value: float
    se: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.value) and math.isfinite(self.se)):
            raise EvaluationInputError(
                "non_finite", "An estimate and its standard error must be finite numbers."
            )
        if self.se < 0:
            raise EvaluationInputError("negative_se", "A standard error cannot be negative.")


@dataclass(frozen=True)
class Change:
    """A difference of independent estimates, with its standard error and 95% interval."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float | None  # of no change; None when the standard error is 0


def _difference(plus: list[Estimate], minus: list[Estimate]) -> Change:
    estimate = sum(e.value for e in plus) - sum(e.value for e in minus)
    se = math.sqrt(sum(e.se**2 for e in [*plus, *minus]))
    p_value = float(2 * stats.norm.sf(abs(estimate) / se)) if se > 0 else None
    return Change(estimate, se, estimate - Z_95 * se, estimate + Z_95 * se, p_value)


def change(before: Estimate, after: Estimate) -> Change:
    """after − before, SE = √(se_before² + se_after²)."""
    return _difference([after], [before])


@dataclass(frozen=True)
class IndicatorChange:
    """The intervention district's change against the other districts', and each district's."""

    difference: Change  # (T1 − T0) − (C1 − C0)
    treated: Change  # T1 − T0
    comparison: Change  # C1 − C0
    districts: tuple[tuple[str, Change], ...]  # each district's own change, by name


def indicator_change(
    *,
    treated_before: Estimate,
    treated_after: Estimate,
    comparison_before: Estimate,
    comparison_after: Estimate,
    districts: Mapping[str, tuple[Estimate, Estimate]] | None = None,
) -> IndicatorChange:
    """The DiD of two weighted means with independent samples, and the simple changes.

    `districts` maps a district's name to its (before, after) estimates; its change is listed.
    """
    return IndicatorChange(
        difference=_difference(
            [treated_after, comparison_before], [treated_before, comparison_after]
        ),
        treated=change(treated_before, treated_after),
        comparison=change(comparison_before, comparison_after),
        districts=tuple(
            (name, change(before, after)) for name, (before, after) in (districts or {}).items()
        ),
    )
