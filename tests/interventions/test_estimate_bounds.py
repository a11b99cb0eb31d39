"""The bounds an evaluation stores are finite numbers or None (an open bound): an estimator's
bound that is infinite, not a number, or too large for e to it gives None, never an error
(the evaluation would fail to be saved: PostgreSQL's jsonb refuses them)."""

import math

import pytest

from interventions.services.estimate import _exp, _percent


@pytest.mark.parametrize("bound", [None, math.inf, -math.inf, math.nan, 710.0, 1e308])
def test_a_bound_that_is_not_a_finite_ratio_is_open(bound: float | None) -> None:
    assert _exp(bound) is None
    assert _percent(bound) is None


def test_a_finite_bound_is_its_ratio_and_its_percent() -> None:
    assert _exp(math.log(0.5)) == pytest.approx(0.5, abs=1e-12)
    assert _percent(math.log(0.5)) == pytest.approx(-50.0, abs=1e-9)
    assert _exp(-800.0) == 0.0  # underflow is a ratio of zero: finite
    assert _percent(-800.0) == -100.0
