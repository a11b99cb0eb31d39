"""The one place the evaluation service calls the estimators (`interventions.evaluation`): it
turns the counts panel and the survey's estimates into their inputs, and their results into
the JSON an evaluation stores. Numbers only: no reads, no writes.
"""

import math
from dataclasses import dataclass
from typing import Any

from interventions.evaluation.did import poisson_did
from interventions.evaluation.displacement import (
    weighted_displacement_difference,
    weighted_displacement_quotient,
)
from interventions.evaluation.errors import EvaluationInputError
from interventions.evaluation.indicator_change import Estimate, indicator_change
from interventions.evaluation.sms import sms_level
from interventions.evaluation_data import (
    CONTROL,
    RING,
    RING_CONTROL,
    CountsPanel,
    DistrictEstimates,
)


class Unanswerable(Exception):  # a result, not a failure
    """The data cannot answer: `code` names the case, `message` says why in English (the
    estimators' sentence, or ours)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _exp(value: float | None) -> float | None:
    """e to a log rate ratio's bound; None (an open bound) where the bound is open, not
    finite, or too large for a float (above about 709): a stored result holds finite numbers
    only (PostgreSQL's jsonb refuses the others)."""
    if value is None or not math.isfinite(value):
        return None
    try:
        return _finite(math.exp(value))
    except OverflowError:
        return None


def _percent(value: float | None) -> float | None:
    """The percent change a log rate ratio's bound means (100 (e^δ − 1)), as `_exp`."""
    ratio = _exp(value)
    return None if ratio is None or value is None else _finite(100 * math.expm1(value))


def did_estimate(panel: CountsPanel, *, seed: int = 0) -> dict[str, Any]:
    """The Poisson DiD over the treated zone and the control zones (the displacement ring and
    its control are left out): the log rate ratio with its 95% interval, the rate ratio and
    the percent change with theirs, and how the interval was found."""

    keys = panel.zone_keys("treated", "control")
    area, period, count, _ = panel.long_form("treated", "control")
    treated_keys = set(panel.zone_keys("treated"))
    treated = [key in treated_keys for key in keys]
    post_by_period = [False] * panel.windows.periods + [True] * panel.windows.periods
    try:
        result = poisson_did(area, period, count, treated, post_by_period, seed=seed)
    except EvaluationInputError as exc:
        raise Unanswerable(exc.code, str(exc)) from exc
    return {
        "estimate": _finite(result.estimate),
        "ci_low": _finite(result.ci_low),
        "ci_high": _finite(result.ci_high),
        "se": _finite(result.se),
        "p_value": _finite(result.p_value),
        "rate_ratio": _finite(result.rate_ratio),
        "rate_ratio_ci": [_exp(result.ci_low), _exp(result.ci_high)],
        "percent_change": _finite(result.percent_change),
        "percent_ci": [_percent(result.ci_low), _percent(result.ci_high)],
        "inference": {
            "method": result.method,
            "small_sample": result.small_sample,
            "n_assignments": result.n_assignments,
            "exact": result.exact,
            "seed": result.seed,
            "note": result.note,
        },
        "n_areas": result.n_areas,
        "n_treated": result.n_treated,
        "n_control": result.n_control,
        "n_periods": result.n_periods,
        "dropped_zones": [keys[i] for i in result.dropped_areas],
    }


def _before_after(panel: CountsPanel, *keys: str) -> tuple[float, float]:
    return (
        float(sum(panel.count(key, "before") for key in keys)),
        float(sum(panel.count(key, "after") for key in keys)),
    )


def displacement_estimate(panel: CountsPanel) -> dict[str, Any]:
    """The WDD with its standard error and interval, and the WDQ, from the totals before and
    after of the treated zone, the control zones together, the ring and the ring's control."""

    controls = [key for key in panel.zone_keys("control") if key.startswith(CONTROL)]
    treated = _before_after(panel, *panel.zone_keys("treated"))
    control = _before_after(panel, *controls)
    ring = _before_after(panel, RING)
    ring_control = _before_after(panel, RING_CONTROL)
    try:
        wdd = weighted_displacement_difference(
            treated=treated, control=control, buffer=ring, buffer_control=ring_control
        )
        wdq = weighted_displacement_quotient(treated=treated, control=control, buffer=ring)
    except EvaluationInputError as exc:
        raise Unanswerable(exc.code, str(exc)) from exc
    return {
        "counts": {
            "treated": treated,
            "control": control,
            "buffer": ring,
            "buffer_control": ring_control,
        },
        "wdd": {
            "estimate": wdd.estimate,
            "se": wdd.se,
            "variance": wdd.variance,
            "ci_low": wdd.ci_low,
            "ci_high": wdd.ci_high,
            "p_value": wdd.p_value,
            "reason": wdd.reason,
        },
        "wdq": {
            "value": _finite(wdq.value),
            "success_measure": _finite(wdq.success_measure),
            "buffer_measure": _finite(wdq.buffer_measure),
            "interpretation": wdq.interpretation,
            "reason": wdq.reason,
        },
    }


def _change(change: Any) -> dict[str, Any]:
    return {
        "estimate": change.estimate,
        "se": change.se,
        "ci_low": change.ci_low,
        "ci_high": change.ci_high,
        "p_value": change.p_value,
    }


def indicator_change_estimate(estimates: DistrictEstimates, treated: str) -> dict[str, Any] | None:
    """The treated district's change of one indicator against the mean of the other districts'
    (equal weights: SE = √Σse² / m), with each district's change; None when the treated
    district or every other district has no estimate in both waves."""

    if treated not in estimates:
        return None
    others = [code for code in sorted(estimates) if code != treated]
    if not others:
        return None

    def mean(which: int) -> "Estimate":
        values = [estimates[code][which] for code in others]
        return Estimate(
            value=sum(value for value, _ in values) / len(values),
            se=math.sqrt(sum(se**2 for _, se in values)) / len(values),
        )

    before, after = estimates[treated]
    found = indicator_change(
        treated_before=Estimate(*before),
        treated_after=Estimate(*after),
        comparison_before=mean(0),
        comparison_after=mean(1),
        districts={
            code: (Estimate(*estimates[code][0]), Estimate(*estimates[code][1]))
            for code in sorted(estimates)
        },
    )
    return {
        "difference": _change(found.difference),
        "treated": _change(found.treated),
        "comparison": _change(found.comparison),
        "districts": {code: _change(change) for code, change in found.districts},
        "n_comparison_districts": len(others),
    }


@dataclass(frozen=True)
class Strength:
    level: int
    reason: str


def design_strength(*, n_comparison_areas: int, matched: bool) -> Strength:
    """The Maryland Scientific Methods Scale level of a before/after design with comparison
    areas (matched: chosen by the platform for similar counts before)."""

    level = sms_level(
        has_before=True,
        has_comparison=n_comparison_areas > 0,
        n_comparison_areas=n_comparison_areas,
        matched=matched,
    )
    return Strength(level=level.level, reason=str(level.reason))
