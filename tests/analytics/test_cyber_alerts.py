"""Cyber-threat alerts against hand computations (Poisson and negative binomial tails summed term
by term), SciPy's binomtest for the trend, and seeded simulations (docs/analytics/cyber-alerts.md).
"""

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from curim.analytics.cyber_alerts import (
    DISTRIBUTION_NEGATIVE_BINOMIAL,
    DISTRIBUTION_NONE,
    DISTRIBUTION_POISSON,
    TREND_DOWN,
    TREND_FLAT,
    TREND_INSUFFICIENT,
    TREND_UP,
    weekly_alerts,
    weekly_trends,
)

TOLERANCE = 1e-12


def poisson_upper_tail(observed: int, mean: float) -> float:
    return 1.0 - sum(math.exp(-mean) * mean**k / math.factorial(k) for k in range(observed))


def negative_binomial_upper_tail(observed: int, size: int, p: Fraction) -> float:
    # P(X = k) = C(k + n - 1, k) p^n (1 - p)^k, the failures before the n-th success.
    below = sum(math.comb(k + size - 1, k) * p**size * (1 - p) ** k for k in range(observed))
    return float(1 - below)


def test_a_poisson_week_matches_the_tail_summed_by_hand() -> None:
    # Mean 5, variance 4/7 < 5: Poisson(5); P(X >= 12).
    result = weekly_alerts([[5, 5, 4, 6, 5, 5, 4, 6, 12]])
    assert result.baseline_mean[0, 8] == pytest.approx(5, abs=TOLERANCE)
    assert result.baseline_variance[0, 8] == pytest.approx(4 / 7, abs=TOLERANCE)
    assert result.distribution[0, 8] == DISTRIBUTION_POISSON
    assert result.p_values[0, 8] == pytest.approx(poisson_upper_tail(12, 5.0), abs=TOLERANCE)
    assert result.p_values[0, 8] == pytest.approx(stats.poisson.sf(11, 5.0), abs=TOLERANCE)
    assert result.alerts[0, 8]  # p = 0.0055 < 0.01


def test_an_over_dispersed_week_uses_the_negative_binomial_worked_by_hand() -> None:
    # Mean 5, variance 60/7: p = 5 / (60/7) = 7/12, n = 25 / (60/7 - 5) = 7; P(X >= 15).
    result = weekly_alerts([[2, 8, 3, 9, 1, 7, 4, 6, 15]])
    assert result.baseline_variance[0, 8] == pytest.approx(60 / 7, abs=TOLERANCE)
    assert result.distribution[0, 8] == DISTRIBUTION_NEGATIVE_BINOMIAL
    expected = negative_binomial_upper_tail(15, 7, Fraction(7, 12))
    assert result.p_values[0, 8] == pytest.approx(expected, abs=TOLERANCE)
    assert result.p_values[0, 8] == pytest.approx(stats.nbinom.sf(14, 7, 7 / 12), abs=TOLERANCE)
    # The same count against Poisson(5) would be far more surprising: over-dispersion matters.
    assert result.p_values[0, 8] > 10 * poisson_upper_tail(15, 5.0)
    assert result.alerts[0, 8] == (expected < 0.01)


def test_each_week_is_compared_with_exactly_the_weeks_before_it() -> None:
    rng = np.random.default_rng(71)
    counts = rng.poisson(rng.uniform(1, 20, size=(30, 1)), size=(30, 40))
    for guard in (0, 2):
        result = weekly_alerts(counts, baseline_weeks=8, guard_weeks=guard)
        assert (result.distribution[:, : 8 + guard] == DISTRIBUTION_NONE).all()
        assert not result.alerts[:, : 8 + guard].any()
        for week in range(8 + guard, 40):
            baseline = counts[:, week - guard - 8 : week - guard]
            np.testing.assert_allclose(result.baseline_mean[:, week], baseline.mean(axis=1))
            np.testing.assert_allclose(
                result.baseline_variance[:, week], baseline.var(axis=1, ddof=1)
            )


def test_a_planted_spike_alerts_and_the_steady_weeks_around_it_do_not() -> None:
    rng = np.random.default_rng(7)
    counts = rng.poisson(5, size=(1, 30))
    counts[0, 20] = 25
    result = weekly_alerts(counts)
    assert result.alerts[0, 20]
    assert not result.alerts[0, 8:20].any()


def test_steady_series_alert_at_about_the_nominal_rate() -> None:
    rng = np.random.default_rng(7)
    counts = rng.poisson(10, size=(2000, 60))
    result = weekly_alerts(counts, alpha=0.01)
    rate = result.alerts[:, 8:].mean()
    # The discrete tail and the estimated baseline make it a little under alpha (0.0083 here).
    assert 0.005 <= rate <= 0.015


def test_the_guard_gap_keeps_a_building_surge_out_of_its_own_baseline() -> None:
    # Without the gap, the 11 and 13 of the two weeks before sit in the baseline of the 15.
    counts = [[4, 5, 4, 6, 5, 4, 5, 6, 5, 5, 11, 13, 15]]
    without_gap = weekly_alerts(counts)
    with_gap = weekly_alerts(counts, guard_weeks=2)
    assert not without_gap.alerts[0, 12]
    assert with_gap.alerts[0, 12]


def test_an_all_zero_baseline_is_taken_as_half_an_event_and_the_minimum_count_still_holds() -> None:
    counts = [[0] * 8 + [3], [0] * 8 + [2]]
    result = weekly_alerts(counts)
    assert result.model_mean[0, 8] == 0.5 / 8
    assert result.distribution[0, 8] == DISTRIBUTION_POISSON
    assert result.p_values[0, 8] == pytest.approx(poisson_upper_tail(3, 1 / 16), abs=TOLERANCE)
    assert 0 < result.p_values[0, 8] < 1e-4
    assert result.alerts[0, 8]
    assert result.p_values[1, 8] < 0.01
    assert not result.alerts[1, 8]  # 2 < the minimum count of 3


def test_a_quiet_week_has_p_one() -> None:
    result = weekly_alerts([[3, 4, 5, 3, 4, 5, 3, 4, 0]])
    assert result.p_values[0, 8] == 1.0


def test_too_short_a_history_gives_no_baseline() -> None:
    result = weekly_alerts([[1, 2, 3]])
    assert np.isnan(result.p_values).all()
    assert not result.alerts.any()


def test_invalid_counts_and_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="whole numbers"):
        weekly_alerts([[1, -1, 2]])
    with pytest.raises(ValueError, match="matrix"):
        weekly_alerts([1, 2, 3])
    with pytest.raises(ValueError, match="at least 2"):
        weekly_alerts([[1, 2, 3]], baseline_weeks=1)


# --- trends ------------------------------------------------------------------------------------


def test_the_trend_p_value_is_the_exact_binomial_test_scipy_computes() -> None:
    rng = np.random.default_rng(8)
    counts = rng.poisson(rng.uniform(2, 6, size=(50, 1)), size=(50, 20))
    counts[:10, -8:] *= 3
    trends = weekly_trends(counts)
    recent = counts[:, -8:].sum(axis=1)
    previous = counts[:, -16:-8].sum(axis=1)
    np.testing.assert_array_equal(trends.recent_total, recent)
    np.testing.assert_array_equal(trends.previous_total, previous)
    expected = [
        stats.binomtest(int(a), int(a + b), 0.5).pvalue if a + b > 0 else 1.0
        for a, b in zip(recent, previous, strict=True)
    ]
    np.testing.assert_allclose(trends.p_values, expected, rtol=1e-9, atol=TOLERANCE)
    assert trends.directions[:10] == (TREND_UP,) * 10


def test_a_rise_a_fall_and_no_change_are_named() -> None:
    counts = [[2] * 8 + [8] * 8, [8] * 8 + [2] * 8, [4] * 16, [0] * 16, [0] * 8 + [1] * 8]
    trends = weekly_trends(counts)
    assert trends.directions == (TREND_UP, TREND_DOWN, TREND_FLAT, TREND_FLAT, TREND_UP)
    assert trends.rate_ratio[:3] == pytest.approx([4.0, 0.25, 1.0], abs=TOLERANCE)
    assert np.isnan(trends.rate_ratio[3])
    assert trends.rate_ratio[4] == np.inf
    assert trends.p_values[3] == 1.0
    assert trends.p_values[4] == pytest.approx(2 * 0.5**8, abs=TOLERANCE)


def test_a_series_shorter_than_two_windows_has_no_trend() -> None:
    trends = weekly_trends([[1] * 15])
    assert trends.directions == (TREND_INSUFFICIENT,)
    assert np.isnan(trends.p_values[0])
