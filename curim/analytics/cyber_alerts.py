"""Weekly alerts and trends of reported cyber threats per kind and channel (issue 14, item 7).

A week alerts when its count is improbably high against the weeks before it: Poisson, or a
negative binomial when the baseline is over-dispersed. Vectorised over series and weeks;
docs/analytics/cyber-alerts.md writes the rules out and tests/analytics/test_cyber_alerts.py
checks them against SciPy and hand computations.
"""

from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray
from scipy import stats

FloatArray = NDArray[np.float64]

DISTRIBUTION_NONE: Final = 0
DISTRIBUTION_POISSON: Final = 1
DISTRIBUTION_NEGATIVE_BINOMIAL: Final = 2
DISTRIBUTION_LABELS: Final = {
    DISTRIBUTION_NONE: "none",
    DISTRIBUTION_POISSON: "poisson",
    DISTRIBUTION_NEGATIVE_BINOMIAL: "negative-binomial",
}

TREND_UP: Final = "up"
TREND_DOWN: Final = "down"
TREND_FLAT: Final = "flat"
TREND_INSUFFICIENT: Final = "insufficient"

# An all-zero baseline is taken as half an event over the baseline weeks, not as a rate of 0
# (under which any count would have probability 0): a finite, very small p, still an alert.
ZERO_BASELINE_EVENTS: Final = 0.5


@dataclass(frozen=True)
class WeeklyAlerts:
    """Every array is series × weeks; weeks without enough history hold NaN, "none", no alert."""

    baseline_mean: FloatArray
    # Sample variance (divisor baseline_weeks - 1).
    baseline_variance: FloatArray
    # The mean the model used: the baseline mean, or ZERO_BASELINE_EVENTS / baseline_weeks when
    # the baseline weeks are all zero.
    model_mean: FloatArray
    # DISTRIBUTION_NONE, DISTRIBUTION_POISSON or DISTRIBUTION_NEGATIVE_BINOMIAL.
    distribution: NDArray[np.int8]
    # P(X >= observed count) under the baseline model.
    p_values: FloatArray
    alerts: NDArray[np.bool_]
    baseline_weeks: int
    guard_weeks: int
    alpha: float
    min_count: int


@dataclass(frozen=True)
class Trends:
    """Per series: the last window_weeks against the window_weeks before them."""

    recent_total: NDArray[np.int64]
    previous_total: NDArray[np.int64]
    # recent / previous; inf when only the previous window is 0, NaN when both are.
    rate_ratio: FloatArray
    # Two-sided exact conditional test of equal weekly rates: recent ~ Binomial(total, 1/2).
    p_values: FloatArray
    # TREND_UP, TREND_DOWN, TREND_FLAT or TREND_INSUFFICIENT (fewer than 2 windows of weeks).
    directions: tuple[str, ...]
    window_weeks: int
    alpha: float


def weekly_alerts(
    counts: ArrayLike,
    *,
    baseline_weeks: int = 8,
    guard_weeks: int = 0,
    alpha: float = 0.01,
    min_count: int = 3,
) -> WeeklyAlerts:
    """Alerts for counts given as series × weeks (oldest week first).

    Week t is compared with weeks t - guard_weeks - baseline_weeks ... t - guard_weeks - 1; the
    first baseline_weeks + guard_weeks weeks have no baseline and never alert.
    """
    x = _weekly_counts(counts)
    if baseline_weeks < 2:
        raise ValueError("The baseline needs at least 2 weeks (for a variance).")
    if guard_weeks < 0:
        raise ValueError("The guard gap cannot be negative.")
    if not 0 < alpha < 1:
        raise ValueError("alpha must be between 0 and 1.")
    n_weeks = x.shape[1]
    first = baseline_weeks + guard_weeks

    mean = np.full(x.shape, np.nan)
    variance = np.full(x.shape, np.nan)
    if n_weeks > first:
        # Window k covers weeks k ... k + baseline_weeks - 1 and serves week k + first.
        windows = sliding_window_view(x[:, : n_weeks - guard_weeks - 1], baseline_weeks, axis=1)
        mean[:, first:] = windows.mean(axis=2)
        variance[:, first:] = windows.var(axis=2, ddof=1)

    has_baseline = np.isfinite(mean)
    negative_binomial = has_baseline & (variance > mean)
    poisson = has_baseline & ~negative_binomial
    model_mean = np.where(mean == 0, ZERO_BASELINE_EVENTS / baseline_weeks, mean)

    # P(X >= x) = sf(x - 1). scipy's nbinom(n, p) has mean n(1-p)/p and variance n(1-p)/p²,
    # so matching mean μ and variance v gives p = μ / v and n = μ² / (v - μ).
    p_values = np.full(x.shape, np.nan)
    p_values[poisson] = stats.poisson.sf(x[poisson] - 1, model_mean[poisson])
    mu, v = mean[negative_binomial], variance[negative_binomial]
    p_values[negative_binomial] = stats.nbinom.sf(
        x[negative_binomial] - 1, mu * mu / (v - mu), mu / v
    )

    distribution = np.full(x.shape, DISTRIBUTION_NONE, dtype=np.int8)
    distribution[poisson] = DISTRIBUTION_POISSON
    distribution[negative_binomial] = DISTRIBUTION_NEGATIVE_BINOMIAL
    alerts = has_baseline & (x >= min_count) & (np.nan_to_num(p_values, nan=1.0) < alpha)
    return WeeklyAlerts(
        baseline_mean=mean,
        baseline_variance=variance,
        model_mean=np.where(has_baseline, model_mean, np.nan),
        distribution=distribution,
        p_values=p_values,
        alerts=alerts,
        baseline_weeks=baseline_weeks,
        guard_weeks=guard_weeks,
        alpha=alpha,
        min_count=min_count,
    )


def weekly_trends(counts: ArrayLike, *, window_weeks: int = 8, alpha: float = 0.05) -> Trends:
    """Each series' last window_weeks against the window_weeks before them."""
    x = _weekly_counts(counts)
    if window_weeks < 1:
        raise ValueError("The trend window needs at least one week.")
    n_series, n_weeks = x.shape
    if n_weeks < 2 * window_weeks:
        missing = np.zeros(n_series, dtype=np.int64)
        return Trends(
            missing,
            missing,
            np.full(n_series, np.nan),
            np.full(n_series, np.nan),
            (TREND_INSUFFICIENT,) * n_series,
            window_weeks,
            alpha,
        )
    recent = x[:, -window_weeks:].sum(axis=1)
    previous = x[:, -2 * window_weeks : -window_weeks].sum(axis=1)
    total = recent + previous
    ratio = np.full(n_series, np.nan)
    np.divide(recent, previous, out=ratio, where=previous > 0)
    ratio[(previous == 0) & (recent > 0)] = np.inf
    # Given the total, equal rates make the recent count Binomial(total, 1/2); the distribution
    # is symmetric, so doubling the smaller tail is the exact two-sided p-value.
    lower = stats.binom.cdf(recent, total, 0.5)
    upper = stats.binom.sf(recent - 1, total, 0.5)
    p_values = np.minimum(1.0, 2.0 * np.minimum(lower, upper))
    significant = p_values < alpha
    directions = np.where(
        significant & (recent > previous),
        TREND_UP,
        np.where(significant & (recent < previous), TREND_DOWN, TREND_FLAT),
    )
    return Trends(
        recent.astype(np.int64),
        previous.astype(np.int64),
        ratio,
        p_values,
        tuple(str(d) for d in directions),
        window_weeks,
        alpha,
    )


def _weekly_counts(counts: ArrayLike) -> FloatArray:
    x = np.asarray(counts, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("Counts must be a series × weeks matrix.")
    if not np.isfinite(x).all() or (x < 0).any() or (x != np.round(x)).any():
        raise ValueError("Counts must be whole numbers, not negative.")
    return x
