"""The WDD on Wheeler & Ratcliffe's (2018) published example, the WDQ by hand, and zero counts."""

import math
from fractions import Fraction

import pytest
from scipy import stats

from interventions.evaluation.displacement import (
    weighted_displacement_difference,
    weighted_displacement_quotient,
)
from interventions.evaluation.errors import EvaluationInputError

# Wheeler & Ratcliffe (2018), Crime Science 7:11: before → after.
CONTROL = (308, 318)
TREATED = (207, 110)
BUFFER_CONTROL = (150, 140)
BUFFER = (178, 157)


def test_wdd_on_the_published_example() -> None:
    result = weighted_displacement_difference(
        treated=TREATED, control=CONTROL, buffer=BUFFER, buffer_control=BUFFER_CONTROL
    )
    assert result.estimate == -118
    assert result.variance == 1568
    assert result.se == math.sqrt(1568)
    assert result.z == pytest.approx(-118 / math.sqrt(1568))
    assert result.z == pytest.approx(-2.98, abs=0.005)  # as the paper reports
    assert result.p_value == pytest.approx(2 * stats.norm.cdf(-118 / math.sqrt(1568)))
    assert result.ci_low == pytest.approx(-118 - 1.959963984540054 * math.sqrt(1568))
    assert result.ci_high == pytest.approx(-118 + 1.959963984540054 * math.sqrt(1568))
    assert (result.treated_change, result.control_change) == (-97, 10)
    assert (result.buffer_change, result.buffer_control_change) == (-21, -10)
    assert result.reason == ""


def test_wdd_without_a_buffer_is_the_four_count_difference() -> None:
    result = weighted_displacement_difference(treated=TREATED, control=CONTROL)
    assert result.estimate == -97 - 10
    assert result.variance == 207 + 110 + 308 + 318
    assert result.buffer_change is None


def test_wdd_with_all_counts_zero_says_there_is_nothing_to_test() -> None:
    result = weighted_displacement_difference(
        treated=(0, 0), control=(0, 0), buffer=(0, 0), buffer_control=(0, 0)
    )
    assert (result.estimate, result.se) == (0, 0)
    assert (result.z, result.p_value, result.ci_low, result.ci_high) == (None,) * 4
    assert result.reason


def test_wdd_with_some_zero_counts_still_has_an_error() -> None:
    result = weighted_displacement_difference(
        treated=(4, 0), control=(0, 1), buffer=(0, 0), buffer_control=(2, 0)
    )
    assert result.estimate == -4 - 1 + 0 + 2
    assert result.se == math.sqrt(7)


def test_wdq_by_hand_on_the_published_counts() -> None:
    result = weighted_displacement_quotient(treated=TREATED, control=CONTROL, buffer=BUFFER)
    control_ratio = Fraction(318, 308)
    success = Fraction(110, 207) - control_ratio
    buffer_measure = Fraction(157, 178) - control_ratio
    assert result.success_measure == pytest.approx(float(success), rel=1e-12)
    assert result.buffer_measure == pytest.approx(float(buffer_measure), rel=1e-12)
    assert result.value == pytest.approx(float(buffer_measure / success), rel=1e-12)
    assert result.value == pytest.approx(0.3003, abs=1e-4)
    assert result.interpretation == "diffusion"


@pytest.mark.parametrize(
    ("buffer", "interpretation"),
    [
        ((100, 60), "diffusion_exceeds_effect"),  # buffer fell more than the treated area
        ((100, 90), "diffusion"),  # WDQ 0.5
        ((100, 100), "no_displacement"),  # buffer moved exactly as the control
        ((100, 110), "displacement"),
        ((100, 200), "displacement_exceeds_effect"),
    ],
)
def test_wdq_reading(buffer: tuple[int, int], interpretation: str) -> None:
    # Control flat (ratio 1), treated 100 → 80: success measure −0.2.
    result = weighted_displacement_quotient(treated=(100, 80), control=(50, 50), buffer=buffer)
    assert result.success_measure == pytest.approx(-0.2)
    assert result.value == pytest.approx((buffer[1] / buffer[0] - 1) / -0.2)
    assert result.interpretation == interpretation


@pytest.mark.parametrize(
    ("treated", "control", "buffer", "has_success", "has_buffer"),
    [
        ((0, 5), (10, 10), (10, 8), False, True),
        ((5, 2), (0, 10), (10, 8), False, False),
        ((5, 2), (10, 10), (0, 8), True, False),
        ((10, 10), (10, 10), (10, 8), True, True),  # success measure exactly 0
    ],
)
def test_wdq_zero_counts_are_undefined_with_a_reason(
    treated: tuple[int, int],
    control: tuple[int, int],
    buffer: tuple[int, int],
    has_success: bool,
    has_buffer: bool,
) -> None:
    result = weighted_displacement_quotient(treated=treated, control=control, buffer=buffer)
    assert result.value is None
    assert result.interpretation == "undefined"
    assert result.reason
    assert (result.success_measure is not None) == has_success
    assert (result.buffer_measure is not None) == has_buffer


def test_wdq_without_a_reduction_is_not_read() -> None:
    result = weighted_displacement_quotient(treated=(10, 20), control=(10, 10), buffer=(10, 5))
    assert result.value == pytest.approx(-0.5)
    assert result.interpretation == "no_reduction"
    assert result.reason


def test_bad_counts_are_refused() -> None:
    with pytest.raises(EvaluationInputError) as raised:
        weighted_displacement_difference(treated=(1, -1), control=(1, 1))
    assert raised.value.code == "negative"
    with pytest.raises(EvaluationInputError) as raised:
        weighted_displacement_quotient(treated=(1, 1), control=(math.nan, 1), buffer=(1, 1))
    assert raised.value.code == "non_finite"
    with pytest.raises(EvaluationInputError) as raised:
        weighted_displacement_difference(treated=(1, 1), control=(1, 1), buffer=(1, 1))
    assert raised.value.code == "buffer_pair"
