"""Displacement and diffusion of benefit around a spatial intervention, from eight counts.

Counts before (b) and after (a) in the treated area T, its control C, the buffer ring D around T
(where crime could move to) and the buffer's control Cd ("displacement control").

- Weighted Displacement Difference (Wheeler & Ratcliffe 2018):
  WDD = ΔT − ΔC + ΔD − ΔCd, Δ = after − before; negative is a reduction. Each count taken as
  Poisson, independent, its variance is the sum of the counts (eight, or four without a buffer),
  SE = √variance, z = WDD / SE, the two-sided normal p-value and the 95% interval WDD ± 1.96 SE.
  When every count is zero there is nothing to test: no z, p or interval, with the reason.
- Weighted Displacement Quotient (Bowers & Johnson 2003):
  success measure = Ta/Tb − Ca/Cb (negative: the treated area fell relative to its control),
  buffer measure = Da/Db − Ca/Cb, WDQ = buffer measure / success measure. Read only when the
  success measure is negative: above 0 diffusion of benefit into the buffer (above 1, more than
  the direct effect), below 0 displacement (below −1, more than the direct effect: a net loss).
  A zero count before, or a zero success measure, leaves a ratio undefined: None with the reason,
  never a division by zero or an infinity.
"""

import math
from dataclasses import dataclass
from typing import Literal

from scipy import stats

from interventions.evaluation.errors import Z_95, EvaluationInputError

BeforeAfter = tuple[float, float]

Interpretation = Literal[
    "diffusion_exceeds_effect",
    "diffusion",
    "no_displacement",
    "displacement",
    "displacement_exceeds_effect",
    "no_reduction",
    "undefined",
]


@dataclass(frozen=True)
class WDD:
    """The Weighted Displacement Difference and its Poisson standard error."""

    estimate: float
    variance: float
    se: float
    z: float | None
    p_value: float | None
    ci_low: float | None
    ci_high: float | None
    treated_change: float
    control_change: float
    buffer_change: float | None
    buffer_control_change: float | None
    reason: str = ""


@dataclass(frozen=True)
class WDQ:
    """The Weighted Displacement Quotient with its two measures; None where undefined."""

    value: float | None
    success_measure: float | None
    buffer_measure: float | None
    interpretation: Interpretation
    reason: str = ""


def _checked(name: str, counts: BeforeAfter) -> BeforeAfter:
    before, after = (float(c) for c in counts)
    if not (math.isfinite(before) and math.isfinite(after)):
        raise EvaluationInputError("non_finite", f"The {name} counts must be finite numbers.")
    if before < 0 or after < 0:
        raise EvaluationInputError("negative", f"The {name} counts cannot be negative.")
    return before, after


def weighted_displacement_difference(
    *,
    treated: BeforeAfter,
    control: BeforeAfter,
    buffer: BeforeAfter | None = None,
    buffer_control: BeforeAfter | None = None,
) -> WDD:
    """WDD = ΔT − ΔC + ΔD − ΔCd with SE = √(sum of the counts); without a buffer, ΔT − ΔC."""
    if (buffer is None) != (buffer_control is None):
        raise EvaluationInputError(
            "buffer_pair", "A buffer area needs its own control area, and the other way round."
        )
    parts = [_checked("treated", treated), _checked("control", control)]
    if buffer is not None and buffer_control is not None:
        parts += [_checked("buffer", buffer), _checked("buffer control", buffer_control)]
    changes = [after - before for before, after in parts]
    estimate = changes[0] - changes[1]
    if len(changes) == 4:
        estimate += changes[2] - changes[3]
    variance = sum(before + after for before, after in parts)
    se = math.sqrt(variance)
    z = p_value = ci_low = ci_high = None
    reason = ""
    if se > 0:
        z = estimate / se
        p_value = float(2 * stats.norm.sf(abs(z)))
        ci_low, ci_high = estimate - Z_95 * se, estimate + Z_95 * se
    else:
        reason = "Every count is zero: there is no change to test."
    return WDD(
        estimate=estimate,
        variance=variance,
        se=se,
        z=z,
        p_value=p_value,
        ci_low=ci_low,
        ci_high=ci_high,
        treated_change=changes[0],
        control_change=changes[1],
        buffer_change=changes[2] if len(changes) == 4 else None,
        buffer_control_change=changes[3] if len(changes) == 4 else None,
        reason=reason,
    )


def _interpret(value: float) -> Interpretation:
    if value > 1:
        return "diffusion_exceeds_effect"
    if value > 0:
        return "diffusion"
    if value == 0:
        return "no_displacement"
    if value >= -1:
        return "displacement"
    return "displacement_exceeds_effect"


def weighted_displacement_quotient(
    *, treated: BeforeAfter, control: BeforeAfter, buffer: BeforeAfter
) -> WDQ:
    """WDQ = (Da/Db − Ca/Cb) / (Ta/Tb − Ca/Cb), None with a reason where it is undefined."""
    t_before, t_after = _checked("treated", treated)
    c_before, c_after = _checked("control", control)
    d_before, d_after = _checked("buffer", buffer)
    if c_before == 0:
        reason = "The control area had no events before: Ca/Cb is undefined."
        return WDQ(None, None, None, "undefined", reason)
    control_ratio = c_after / c_before
    success = None if t_before == 0 else t_after / t_before - control_ratio
    buffer_measure = None if d_before == 0 else d_after / d_before - control_ratio
    if success is None:
        reason = "The treated area had no events before: Ta/Tb is undefined."
        return WDQ(None, None, buffer_measure, "undefined", reason)
    if buffer_measure is None:
        reason = "The buffer had no events before: Da/Db is undefined."
        return WDQ(None, success, None, "undefined", reason)
    if success == 0:
        reason = "The treated area changed exactly as its control: the quotient is undefined."
        return WDQ(None, success, buffer_measure, "undefined", reason)
    value = buffer_measure / success
    if success > 0:
        reason = "The treated area did not fall relative to its control: the quotient is not read."
        return WDQ(value, success, buffer_measure, "no_reduction", reason)
    return WDQ(value, success, buffer_measure, _interpret(value))
