"""Getis-Ord Gi* hotspots on analysis cells, in NumPy/SciPy (no Python loop over cells).

The statistic is exactly the one `esda.G_Local(y, w, transform="B", star=True)` computes
(binary weights, the cell itself included); docs/analytics.md writes the formula out and
tests/analytics/test_hotspots.py checks it against esda to 1e-9.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse, special
from scipy.spatial import cKDTree

FloatArray = NDArray[np.float64]

# Confidence levels of the classes, strongest first: ArcGIS's Gi_Bin ±3, ±2, ±1.
CONFIDENCE_LEVELS: Final = (0.99, 0.95, 0.90)
# The p-value each level allows, written out: 1 - 0.90 is 0.09999999999999998 in floating
# point, which would put a p-value of exactly 0.10 outside the 90% class.
SIGNIFICANCE_LEVELS: Final = (0.01, 0.05, 0.10)
CLASS_LABELS: Final = {
    3: "hot-99",
    2: "hot-95",
    1: "hot-90",
    0: "none",
    -1: "cold-90",
    -2: "cold-95",
    -3: "cold-99",
}

# EPSG:2100 (GGRS87 / Greek Grid) over Greece, with a margin: eastings and northings in metres.
GREEK_GRID_EASTINGS_M: Final = (0.0, 1_100_000.0)
GREEK_GRID_NORTHINGS_M: Final = (3_700_000.0, 4_700_000.0)


@dataclass(frozen=True)
class GiStarHotspots:
    """Gi* of every cell, in the order of the values given."""

    z_scores: FloatArray
    # Two-sided, from the standard normal distribution.
    p_values: FloatArray
    # Benjamini-Hochberg adjusted: a cell is significant at false discovery rate q when <= q.
    p_values_fdr: FloatArray
    # +3, +2, +1 hot at 99/95/90%, -1, -2, -3 cold, 0 neither (ArcGIS's Gi_Bin).
    classes: NDArray[np.int8]
    # Whether the classes come from p_values_fdr (True) or from the uncorrected p_values.
    classes_fdr_corrected: bool
    # Cells in each cell's neighbourhood, the cell itself included (the row sums of the weights).
    neighbourhood_sizes: NDArray[np.int64]


def require_greek_grid_metres(x: ArrayLike, y: ArrayLike) -> None:
    """Raise ValueError unless x/y look like EPSG:2100 eastings/northings in metres.

    A distance band in degrees (longitude/latitude) would be meaningless, and a band of
    "250" would then join every cell of the country (HotSpotAnalysis_Plugin#9).
    """
    eastings = np.asarray(x, dtype=np.float64)
    northings = np.asarray(y, dtype=np.float64)
    if eastings.shape != northings.shape or eastings.ndim != 1:
        raise ValueError("x and y must be one-dimensional arrays of the same length.")
    if not (np.isfinite(eastings).all() and np.isfinite(northings).all()):
        raise ValueError("Coordinates must be finite numbers.")
    if (np.abs(eastings) <= 180).all() and (np.abs(northings) <= 90).all():
        raise ValueError(
            "Coordinates look like degrees (longitude/latitude); distance bands need "
            "projected coordinates in metres (EPSG:2100)."
        )
    inside = (
        (eastings >= GREEK_GRID_EASTINGS_M[0])
        & (eastings <= GREEK_GRID_EASTINGS_M[1])
        & (northings >= GREEK_GRID_NORTHINGS_M[0])
        & (northings <= GREEK_GRID_NORTHINGS_M[1])
    )
    if not inside.all():
        raise ValueError(
            "Coordinates are not EPSG:2100 metres over Greece (x and y swapped, or another "
            "projection?)."
        )


def distance_band_weights(x: ArrayLike, y: ArrayLike, *, band_m: float) -> sparse.csr_array:
    """Binary weights: 1 between cells whose centres are at most band_m metres apart, and 1 on
    the diagonal (each cell is its own neighbour, as Gi* wants)."""
    require_greek_grid_metres(x, y)
    if not band_m > 0:
        raise ValueError("The distance band must be a positive number of metres.")
    points = np.column_stack([np.asarray(x, np.float64), np.asarray(y, np.float64)])
    pairs = cKDTree(points).query_pairs(r=band_m, output_type="ndarray")
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    columns = np.concatenate([pairs[:, 1], pairs[:, 0]])
    return _binary_with_self(len(points), rows, columns)


def contiguity_weights(neighbours: Sequence[Sequence[int]]) -> sparse.csr_array:
    """Binary weights from each cell's list of adjacent cells (indices into the same order),
    with 1 on the diagonal. Adjacency must be symmetric: i lists j exactly when j lists i."""
    n = len(neighbours)
    sizes = np.fromiter((len(cell) for cell in neighbours), dtype=np.int64, count=n)
    columns = np.fromiter(
        (j for cell in neighbours for j in cell), dtype=np.int64, count=int(sizes.sum())
    )
    if ((columns < 0) | (columns >= n)).any():
        raise ValueError("A neighbour index is outside the cells.")
    rows = np.repeat(np.arange(n, dtype=np.int64), sizes)
    weights = _binary_with_self(n, rows, columns)
    if (weights != weights.T).nnz:
        raise ValueError("Contiguity must be symmetric: i lists j exactly when j lists i.")
    return weights


def _binary_with_self(
    n: int, rows: NDArray[np.int64], columns: NDArray[np.int64]
) -> sparse.csr_array:
    cells = np.arange(n, dtype=np.int64)
    all_rows = np.concatenate([rows, cells])
    all_columns = np.concatenate([columns, cells])
    weights = sparse.csr_array(
        (np.ones(len(all_rows)), (all_rows, all_columns)), shape=(n, n), dtype=np.float64
    )
    weights.sum_duplicates()
    weights.data[:] = 1.0
    return weights


def benjamini_hochberg(p_values: ArrayLike) -> FloatArray:
    """Benjamini-Hochberg adjusted p-values: p_(k) * n / k, made monotone from the largest
    down, capped at 1, returned in the original order."""
    p = np.asarray(p_values, dtype=np.float64)
    n = len(p)
    order = np.argsort(p, kind="stable")
    scaled = p[order] * n / np.arange(1, n + 1)
    monotone = np.minimum.accumulate(scaled[::-1])[::-1]
    adjusted = np.empty(n, dtype=np.float64)
    adjusted[order] = np.minimum(monotone, 1.0)
    return adjusted


def gi_bin(z_scores: ArrayLike, p_values: ArrayLike) -> NDArray[np.int8]:
    """+3/+2/+1 where p <= 0.01/0.05/0.10 and z > 0, the negatives where z < 0, else 0."""
    z = np.asarray(z_scores, dtype=np.float64)
    p = np.asarray(p_values, dtype=np.float64)
    strength = np.zeros(p.shape, dtype=np.int8)
    for alpha in SIGNIFICANCE_LEVELS:
        strength += p <= alpha
    return (np.sign(z).astype(np.int8) * strength).astype(np.int8)


def _is_float_csr(weights: object) -> bool:
    return isinstance(weights, sparse.csr_array) and weights.dtype == np.float64


def gi_star(
    values: ArrayLike, weights: sparse.csr_array, *, fdr_correction: bool = True
) -> GiStarHotspots:
    """Gi* z-scores of values (one per cell) with binary weights that include the cell itself.

    z_i = (sum_j w_ij y_j - ybar W_i) / (S sqrt((n W_i - W_i^2) / (n - 1)))
    with W_i = sum_j w_ij (w_ii = 1), ybar the mean and S the population standard deviation of
    all n values: esda's G_Local(star=True, transform="B") Zs.
    """
    y = np.asarray(values, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError("Values must be one per cell.")
    n = len(y)
    matrix = weights if _is_float_csr(weights) else sparse.csr_array(weights, dtype=np.float64)
    if matrix.shape != (n, n):
        raise ValueError("Weights must be an n × n matrix for n values.")
    if not np.isfinite(y).all():
        raise ValueError("Values must be finite numbers.")
    if not matrix.has_canonical_format:
        matrix = matrix.copy()
        matrix.sum_duplicates()
    if not ((matrix.data == 1.0).all() and (matrix.diagonal() == 1.0).all()):
        raise ValueError("Weights must be binary with 1 on the diagonal (Gi*).")
    if np.ptp(y) == 0:
        raise ValueError("Gi* is undefined when every cell has the same value.")
    # Canonical and binary: a row's sum is its number of stored entries.
    sizes = np.diff(matrix.indptr).astype(np.float64)
    if (sizes >= n).any():
        raise ValueError("Gi* is undefined for a cell whose neighbourhood is every cell.")

    lag = matrix @ y
    mean = y.mean()
    standard_deviation = np.sqrt(y.var())
    z = (lag - mean * sizes) / (standard_deviation * np.sqrt((n * sizes - sizes**2) / (n - 1)))
    # Two-sided normal p-value; Φ(−|z|) by `ndtr`, what `stats.norm.sf` computes, without its
    # overhead (a third of the time on a few hundred cells).
    p = 2.0 * special.ndtr(-np.abs(z))
    p_fdr = benjamini_hochberg(p)
    return GiStarHotspots(
        z_scores=z,
        p_values=p,
        p_values_fdr=p_fdr,
        classes=gi_bin(z, p_fdr if fdr_correction else p),
        classes_fdr_corrected=fdr_correction,
        neighbourhood_sizes=sizes.astype(np.int64),
    )
