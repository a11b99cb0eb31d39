"""The survey indicator's change between waves, against the other districts, by hand."""

import math

import pytest

from interventions.evaluation.errors import EvaluationInputError
from interventions.evaluation.indicator_change import Estimate, change, indicator_change

Z = 1.959963984540054


def test_difference_in_differences_by_hand() -> None:
    result = indicator_change(
        treated_before=Estimate(40, 3),
        treated_after=Estimate(52, 4),
        comparison_before=Estimate(45, 2),
        comparison_after=Estimate(47, 2),
        districts={
            "1st": (Estimate(44, 3), Estimate(45, 3)),
            "2nd": (Estimate(46, 1), Estimate(49, 1)),
        },
    )
    # (52 − 40) − (47 − 45) = 10; SE = √(9 + 16 + 4 + 4) = √33.
    assert result.difference.estimate == 10
    assert result.difference.se == pytest.approx(math.sqrt(33))
    assert result.difference.ci_low == pytest.approx(10 - Z * math.sqrt(33))
    assert result.difference.ci_high == pytest.approx(10 + Z * math.sqrt(33))
    assert result.difference.ci_low == pytest.approx(-1.259, abs=1e-3)
    assert result.difference.p_value == pytest.approx(0.0817, abs=1e-4)
    # The district alone: 12 with SE 5, whose interval excludes 0.
    assert (result.treated.estimate, result.treated.se) == (12, 5)
    assert result.treated.ci_low == pytest.approx(12 - Z * 5)
    assert result.treated.ci_low > 0
    assert result.comparison.estimate == 2
    assert result.comparison.se == pytest.approx(math.sqrt(8))
    names = [name for name, _ in result.districts]
    assert names == ["1st", "2nd"]
    second = result.districts[1][1]
    assert second.estimate == 3
    assert second.se == pytest.approx(math.sqrt(2))
    assert second.ci_low == pytest.approx(3 - Z * math.sqrt(2))


def test_no_change_with_no_error_has_no_p_value() -> None:
    result = change(Estimate(50, 0), Estimate(50, 0))
    assert (result.estimate, result.se, result.ci_low, result.ci_high) == (0, 0, 0, 0)
    assert result.p_value is None


@pytest.mark.parametrize(
    ("value", "se", "code"),
    [(math.nan, 1, "non_finite"), (50, math.inf, "non_finite"), (50, -1, "negative_se")],
)
def test_bad_estimates_are_refused(value: float, se: float, code: str) -> None:
    with pytest.raises(EvaluationInputError) as raised:
        Estimate(value, se)
    assert raised.value.code == code
