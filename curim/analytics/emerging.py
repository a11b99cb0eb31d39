"""Emerging hot spot analysis: Gi* on each time slice, a Mann-Kendall trend of each cell's
z-series, and ArcGIS's seventeen pattern categories, in NumPy (no Python loop over cells).

docs/analytics/emerging-hotspots.md states every rule as a table an analyst can apply by hand;
tests/analytics/test_emerging.py checks each rule on hand-built histories.
"""

from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse, stats

from curim.analytics.hotspots import gi_star

FloatArray = NDArray[np.float64]

# ArcGIS classes a bin at 90% confidence (Gi_Bin ±1 and stronger), after the FDR adjustment.
DEFAULT_SIGNIFICANCE_LEVEL: Final = 0.10
# ArcGIS's pattern table says only "statistically significant" for the trend; we use 90% too.
DEFAULT_TREND_ALPHA: Final = 0.10
# "For 90 percent of the time-step intervals": at least PERSISTENT_NUMERATOR / _DENOMINATOR of
# the slices, compared in integers (10 H >= 9 T) so that no rounding decides a boundary.
PERSISTENT_NUMERATOR: Final = 9
PERSISTENT_DENOMINATOR: Final = 10
# Below three values S can only be 0 or ±1 and Z (continuity-corrected) is always 0.
MIN_SERIES_LENGTH: Final = 3
# Gi* z-scores are rounded to this many decimals before the trend test, so that two slices
# whose z-scores are equal in exact arithmetic count as a tie and not as a 1e-16 "trend".
Z_TIE_DECIMALS: Final = 9

CATEGORY_CODES: Final = (
    "none",
    "new-hot",
    "consecutive-hot",
    "intensifying-hot",
    "persistent-hot",
    "diminishing-hot",
    "sporadic-hot",
    "oscillating-hot",
    "historical-hot",
    "new-cold",
    "consecutive-cold",
    "intensifying-cold",
    "persistent-cold",
    "diminishing-cold",
    "sporadic-cold",
    "oscillating-cold",
    "historical-cold",
)
CATEGORY_DTYPE: Final = f"<U{max(len(code) for code in CATEGORY_CODES)}"
# Plain English (ArcGIS's names); the platform translates them where it shows them.
CATEGORY_LABELS: Final = {
    "none": "No pattern detected",
    "new-hot": "New hot spot",
    "consecutive-hot": "Consecutive hot spot",
    "intensifying-hot": "Intensifying hot spot",
    "persistent-hot": "Persistent hot spot",
    "diminishing-hot": "Diminishing hot spot",
    "sporadic-hot": "Sporadic hot spot",
    "oscillating-hot": "Oscillating hot spot",
    "historical-hot": "Historical hot spot",
    "new-cold": "New cold spot",
    "consecutive-cold": "Consecutive cold spot",
    "intensifying-cold": "Intensifying cold spot",
    "persistent-cold": "Persistent cold spot",
    "diminishing-cold": "Diminishing cold spot",
    "sporadic-cold": "Sporadic cold spot",
    "oscillating-cold": "Oscillating cold spot",
    "historical-cold": "Historical cold spot",
}


@dataclass(frozen=True)
class MannKendall:
    """The Mann-Kendall test of each series (shape: the input's shape without its last axis)."""

    # S = sum over i < j of sign(x_j - x_i).
    s: NDArray[np.int64]
    # Var(S) with the ties correction.
    variance: FloatArray
    # (S - 1) / sqrt(Var S) when S > 0, (S + 1) / sqrt(Var S) when S < 0, else 0.
    z: FloatArray
    # Two-sided, from the standard normal distribution.
    p: FloatArray
    # Kendall's tau-b of the series against time: S / sqrt((n0 - n_ties) n0); 0 if constant.
    tau: FloatArray
    # +1 increasing, -1 decreasing where p <= alpha; 0 otherwise.
    trend: NDArray[np.int8]
    alpha: float


@dataclass(frozen=True)
class EmergingHotspots:
    """Emerging hot spot analysis of T time slices over n cells (slices are rows, oldest first)."""

    # One of CATEGORY_CODES per cell.
    categories: NDArray[np.str_]
    # T × n: Gi* of each slice (0 in a slice where every cell has the same count).
    z_scores: FloatArray
    # T × n: two-sided p-values, unadjusted and Benjamini-Hochberg adjusted within each slice.
    p_values: FloatArray
    p_values_fdr: FloatArray
    # T × n: +1 significant hot spot, -1 significant cold spot, 0 neither.
    significance: NDArray[np.int8]
    # T: slices where every cell has the same count, so Gi* is undefined and nothing significant.
    undefined_slices: NDArray[np.bool_]
    # Mann-Kendall of each cell's z-series (rounded to Z_TIE_DECIMALS).
    trend: MannKendall
    significance_level: float
    fdr_correction: bool
    trend_alpha: float


def mann_kendall(series: ArrayLike, *, alpha: float = DEFAULT_TREND_ALPHA) -> MannKendall:
    """Mann-Kendall trend test of one series, or of each row of a matrix (time along the last
    axis). Vectorised over rows; the only loop is over the T - 1 lags."""
    x = np.asarray(series, dtype=np.float64)
    if x.ndim not in (1, 2):
        raise ValueError("A series must be one-dimensional, or a matrix with one row per series.")
    length = x.shape[-1]
    if length < MIN_SERIES_LENGTH:
        raise ValueError(
            f"The Mann-Kendall test needs at least {MIN_SERIES_LENGTH} values per series "
            f"(got {length})."
        )
    if not np.isfinite(x).all():
        raise ValueError("Series values must be finite numbers.")
    if not 0 < alpha < 1:
        raise ValueError("The trend significance level must be between 0 and 1.")
    rows = x.reshape(-1, length)

    s = np.zeros(len(rows), dtype=np.int64)
    # tie_sizes[r, i]: how many values of row r equal rows[r, i], itself included.
    tie_sizes = np.ones(rows.shape, dtype=np.int64)
    for lag in range(1, length):
        later, earlier = rows[:, lag:], rows[:, :-lag]
        s += np.sign(later - earlier).astype(np.int64).sum(axis=1)
        equal = (later == earlier).astype(np.int64)
        tie_sizes[:, lag:] += equal
        tie_sizes[:, :-lag] += equal

    # Each value of a tie group of size t contributes (t - 1)(2t + 5), so the group contributes
    # t (t - 1)(2t + 5), the term of the ties correction; likewise (t - 1) / 2 for tied pairs.
    ties_term = ((tie_sizes - 1) * (2 * tie_sizes + 5)).sum(axis=1)
    variance = (length * (length - 1) * (2 * length + 5) - ties_term) / 18.0
    pairs = length * (length - 1) / 2
    tied_pairs = (tie_sizes - 1).sum(axis=1) / 2

    corrected = s - np.sign(s)
    z = np.divide(corrected, np.sqrt(variance), out=np.zeros(len(rows)), where=variance > 0)
    p = 2.0 * stats.norm.sf(np.abs(z))
    tau_denominator = np.sqrt((pairs - tied_pairs) * pairs)
    tau = np.divide(s, tau_denominator, out=np.zeros(len(rows)), where=tau_denominator > 0)
    trend = np.where(p <= alpha, np.sign(s), 0).astype(np.int8)

    shape = x.shape[:-1]
    return MannKendall(
        s=s.reshape(shape),
        variance=variance.reshape(shape),
        z=z.reshape(shape),
        p=p.reshape(shape),
        tau=tau.reshape(shape),
        trend=trend.reshape(shape),
        alpha=alpha,
    )


def fewest_slices_for_a_trend(alpha: float) -> int:
    """The fewest slices at which a strictly increasing series has Mann-Kendall p <= alpha:
    with fewer, no cell could ever be intensifying or diminishing."""
    length = MIN_SERIES_LENGTH
    while mann_kendall(np.arange(length), alpha=alpha).trend == 0:
        length += 1
    return length


def emerging_categories(significance: ArrayLike, trend: ArrayLike) -> NDArray[np.str_]:
    """The pattern of each cell from its T × n significance history (+1 hot, -1 cold, 0 neither,
    oldest slice first) and its z-series trend (+1 up, -1 down, 0 none).

    The rules partition the cells (docs/analytics/emerging-hotspots.md has them as a table):
    the final slice decides the family, then the share of hot (cold) slices, the trend, cold
    (hot) history and the runs decide the pattern.
    """
    history = np.asarray(significance)
    direction = np.asarray(trend)
    if history.ndim != 2 or direction.shape != history.shape[1:]:
        raise ValueError("Significance must be T × n and the trend one value per cell.")
    if not (np.isin(history, (-1, 0, 1)).all() and np.isin(direction, (-1, 0, 1)).all()):
        raise ValueError("Significance and trend values must be -1, 0 or +1.")
    slices = history.shape[0]
    final = history[-1]
    categories = np.full(history.shape[1], "none", dtype=CATEGORY_DTYPE)

    for sign, side, opposite in ((1, "hot", -1), (-1, "cold", 1)):
        this = history == sign
        count = this.sum(axis=0)
        opposite_count = (history == opposite).sum(axis=0)
        most = PERSISTENT_DENOMINATOR * count >= PERSISTENT_NUMERATOR * slices
        # The length of the run of this side that ends at the final slice.
        not_this_reversed = ~this[::-1]
        final_run = np.where(
            not_this_reversed.any(axis=0), not_this_reversed.argmax(axis=0), slices
        )
        ends_here = final == sign
        # "Intensifying": the clustering grows stronger, i.e. z moves away from 0 in this sign.
        towards = direction == sign
        away = direction == -sign
        conditions = [
            ends_here & most & towards,
            ends_here & most & away,
            ends_here & most & (direction == 0),
            ends_here & ~most & (opposite_count > 0),
            ends_here & ~most & (opposite_count == 0) & (count == 1),
            ends_here & ~most & (opposite_count == 0) & (count >= 2) & (final_run == count),
            ends_here & ~most & (opposite_count == 0) & (final_run < count),
            (final == 0) & most,
        ]
        patterns = [
            f"intensifying-{side}",
            f"diminishing-{side}",
            f"persistent-{side}",
            f"oscillating-{side}",
            f"new-{side}",
            f"consecutive-{side}",
            f"sporadic-{side}",
            f"historical-{side}",
        ]
        categories = np.select(conditions, patterns, default=categories)
    return categories


def emerging_hotspots(
    counts: ArrayLike,
    weights: sparse.csr_array,
    *,
    significance_level: float = DEFAULT_SIGNIFICANCE_LEVEL,
    fdr_correction: bool = True,
    trend_alpha: float = DEFAULT_TREND_ALPHA,
) -> EmergingHotspots:
    """Emerging hot spots of counts (T slices × n cells, oldest slice first) with Gi* weights
    (binary, the cell itself included; see hotspots.distance_band_weights / contiguity_weights).

    A bin is significant when its p-value (Benjamini-Hochberg adjusted within its slice unless
    fdr_correction is False) is at most significance_level; a trend is significant when the
    Mann-Kendall p-value of the cell's z-series is at most trend_alpha.
    """
    values = np.asarray(counts, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError("Counts must be a matrix of T time slices × n cells.")
    if not 0 < significance_level < 1:
        raise ValueError("The significance level must be between 0 and 1.")
    slices, cells = values.shape
    fewest = fewest_slices_for_a_trend(trend_alpha)
    if slices < fewest:
        raise ValueError(
            f"Emerging hot spots need at least {fewest} time slices for a Mann-Kendall trend "
            f"to be able to reach p <= {trend_alpha} (got {slices})."
        )

    z = np.zeros((slices, cells))
    p = np.ones((slices, cells))
    p_fdr = np.ones((slices, cells))
    undefined = np.ptp(values, axis=1) == 0
    for t in np.flatnonzero(~undefined):
        result = gi_star(values[t], weights, fdr_correction=fdr_correction)
        z[t], p[t], p_fdr[t] = result.z_scores, result.p_values, result.p_values_fdr
    if undefined.all():
        # gi_star never ran, so the weights were not checked; check them once here.
        gi_star(np.arange(cells, dtype=np.float64), weights)

    significant = (p_fdr if fdr_correction else p) <= significance_level
    significance = (np.sign(z) * significant).astype(np.int8)
    trend = mann_kendall(np.round(z, Z_TIE_DECIMALS).T, alpha=trend_alpha)
    return EmergingHotspots(
        categories=emerging_categories(significance, trend.trend),
        z_scores=z,
        p_values=p,
        p_values_fdr=p_fdr,
        significance=significance,
        undefined_slices=undefined,
        trend=trend,
        significance_level=significance_level,
        fdr_correction=fdr_correction,
        trend_alpha=trend_alpha,
    )
