"""Emerging hot spots: the Mann-Kendall test against hand computations and SciPy's Kendall tau,
each pattern rule on a hand-built significance history, and a generated grid with a planted
new and a planted persistent hot spot. The rules are the table in
docs/analytics/emerging-hotspots.md."""

import libpysal
import numpy as np
import pytest
from scipy import sparse, stats

from curim.analytics.emerging import (
    CATEGORY_CODES,
    CATEGORY_LABELS,
    emerging_categories,
    emerging_hotspots,
    fewest_slices_for_a_trend,
    mann_kendall,
)
from curim.analytics.hotspots import contiguity_weights, gi_star

TOLERANCE = 1e-9


# --- Mann-Kendall by hand ---------------------------------------------------------------------


def test_mann_kendall_without_ties_by_hand() -> None:
    # Pairs i < j of 1, 3, 2, 5, 4: from 1: + + + + (4); from 3: - + + (1); from 2: + + (2);
    # from 5: - (-1). S = 6. Var S = 5·4·15 / 18 = 50/3. Z = (6 - 1) / sqrt(50/3) = sqrt(1.5).
    result = mann_kendall([1, 3, 2, 5, 4])

    assert result.s == 6
    assert result.variance == pytest.approx(50 / 3, abs=TOLERANCE)
    assert result.z == pytest.approx(np.sqrt(1.5), abs=TOLERANCE)
    assert result.p == pytest.approx(2 * (1 - stats.norm.cdf(np.sqrt(1.5))), abs=TOLERANCE)
    assert result.tau == pytest.approx(6 / 10, abs=TOLERANCE)  # no ties: tau = S / (5·4/2)
    assert result.trend == 0  # p = 0.22


def test_mann_kendall_with_ties_by_hand() -> None:
    # Pairs of 2, 1, 2, 3, 1, 3: from 2: - 0 + - + (0); from 1: + + 0 + (3); from 2: + - + (1);
    # from 3: - 0 (-1); from 1: + (1). S = 4. Three tie groups of two values:
    # Var S = (6·5·17 - 3·(2·1·9)) / 18 = 456/18. Z = (4 - 1) / sqrt(456/18).
    # tau-b = S / sqrt((15 - 3 tied pairs) · 15).
    result = mann_kendall([2, 1, 2, 3, 1, 3])

    assert result.s == 4
    assert result.variance == pytest.approx(456 / 18, abs=TOLERANCE)
    assert result.z == pytest.approx(3 / np.sqrt(456 / 18), abs=TOLERANCE)
    assert result.tau == pytest.approx(4 / np.sqrt(12 * 15), abs=TOLERANCE)


def test_mann_kendall_decreasing_with_a_triple_tie_by_hand() -> None:
    # Pairs of 4, 4, 4, 2, 1: 0 0 - - / 0 - - / - - / - ; S = -7. One tie group of three:
    # Var S = (5·4·15 - 3·2·11) / 18 = 13. Z = (-7 + 1) / sqrt(13) = -1.6641, p = 0.0961.
    result = mann_kendall([4, 4, 4, 2, 1])

    assert result.s == -7
    assert result.variance == pytest.approx(13.0, abs=TOLERANCE)
    assert result.z == pytest.approx(-6 / np.sqrt(13), abs=TOLERANCE)
    assert result.p == pytest.approx(0.0960923, abs=1e-6)
    assert result.tau == pytest.approx(-7 / np.sqrt(7 * 10), abs=TOLERANCE)
    # Significant at 90%, not at 95%.
    assert result.trend == -1
    assert mann_kendall([4, 4, 4, 2, 1], alpha=0.05).trend == 0


def test_a_constant_series_has_no_trend() -> None:
    result = mann_kendall([2.0, 2.0, 2.0, 2.0])

    values = [result.s, result.variance, result.z, result.p, result.tau]
    assert [float(v) for v in values] == [0.0, 0.0, 0.0, 1.0, 0.0]
    assert result.trend == 0


def test_the_trend_boundary_is_inclusive() -> None:
    p = float(mann_kendall([4, 4, 4, 2, 1]).p)

    assert mann_kendall([4, 4, 4, 2, 1], alpha=p).trend == -1
    assert mann_kendall([4, 4, 4, 2, 1], alpha=float(np.nextafter(p, 0))).trend == 0


# --- Mann-Kendall against SciPy ---------------------------------------------------------------


def test_mann_kendall_matches_scipy_kendalltau_against_time() -> None:
    """Mann-Kendall is Kendall's rank correlation of the series with time 1..T (which has no
    ties): S = P - Q, the tau-b numerator, so S = tau_b sqrt((n0 - n_ties) n0) with
    n0 = T(T-1)/2. SciPy's asymptotic p-value is 2 (1 - Φ(S / sqrt(Var S))) with the same
    ties-corrected Var S but no continuity correction, so it checks S and Var S; the
    continuity-corrected Z is checked by hand above."""
    rng = np.random.default_rng(41)
    series = rng.poisson(2.0, size=(300, 12)).astype(float)  # many ties
    series[:100] += np.arange(12) * 0.3  # and some trends
    result = mann_kendall(series)
    time = np.arange(12)

    for row, values in enumerate(series):
        reference = stats.kendalltau(time, values, method="asymptotic")
        uncorrected_p = 2 * stats.norm.sf(abs(result.s[row]) / np.sqrt(result.variance[row]))
        assert result.tau[row] == pytest.approx(reference.statistic, abs=TOLERANCE)
        assert uncorrected_p == pytest.approx(reference.pvalue, abs=TOLERANCE)


def test_mann_kendall_of_rows_is_each_row_alone() -> None:
    rng = np.random.default_rng(7)
    series = rng.integers(0, 4, size=(50, 9)).astype(float)
    together = mann_kendall(series)

    for row, values in enumerate(series):
        alone = mann_kendall(values)
        assert together.s[row] == alone.s
        assert together.variance[row] == alone.variance
        assert together.z[row] == alone.z
        assert together.trend[row] == alone.trend


def test_mann_kendall_needs_three_values() -> None:
    with pytest.raises(ValueError, match="at least 3 values"):
        mann_kendall([1.0, 2.0])


def test_mann_kendall_refuses_missing_values() -> None:
    with pytest.raises(ValueError, match="finite"):
        mann_kendall([1.0, np.nan, 2.0])


# --- The pattern rules, on hand-built histories -----------------------------------------------


def history(text: str) -> np.ndarray:
    """One cell's significance, oldest slice first: H hot, C cold, . neither."""
    return np.array([{"H": 1, "C": -1, ".": 0}[c] for c in text], dtype=np.int8)


def category(text: str, trend: int = 0) -> str:
    return str(emerging_categories(history(text)[:, None], np.array([trend]))[0])


# (history, trend of the z-series, pattern). Ten slices: "90 percent" is 9 of them.
HOT_CASES = [
    # New: hot in the final slice only.
    (".........H", 0, "new-hot"),
    ("........HH", 0, "consecutive-hot"),
    # Consecutive: one run of hot slices ending at the final slice, never hot before it, and
    # fewer than 90% of the slices hot (8 of 10); 9 of 10 is persistent.
    ("..HHHHHHHH", 0, "consecutive-hot"),
    (".HHHHHHHHH", 0, "persistent-hot"),
    # Intensifying / persistent / diminishing: >= 90% hot, the final slice hot, and the trend.
    ("HHHHHHHHHH", 1, "intensifying-hot"),
    ("HHHHHHHHHH", 0, "persistent-hot"),
    ("HHHHHHHHHH", -1, "diminishing-hot"),
    ("H.HHHHHHHH", 1, "intensifying-hot"),  # the 90% need not be one run
    # A cold final slice after >= 90% hot slices: the final slice decides the family.
    ("HHHHHHHHHC", 0, "oscillating-cold"),
    # Historical: the final slice not significant, >= 90% hot, whatever the trend.
    ("HHHHHHHHH.", 0, "historical-hot"),
    ("HHHHHHHHH.", -1, "historical-hot"),
    ("HHHHHHHH..", -1, "none"),  # 8 of 10
    # Sporadic: the final slice hot, an earlier hot slice outside the final run, never cold.
    ("H........H", 0, "sporadic-hot"),
    ("H......HHH", 0, "sporadic-hot"),
    ("HH.HH.HH.H", 1, "sporadic-hot"),
    # Oscillating: the final slice hot, < 90% hot, and a cold slice before; it comes before new
    # and consecutive (which say nothing of cold slices).
    ("C........H", 0, "oscillating-hot"),
    ("C.......HH", 0, "oscillating-hot"),
    ("HC.......H", 0, "oscillating-hot"),
    ("CCCCCCCCCH", 0, "oscillating-hot"),  # not historical cold: the final slice decides
    # No pattern: the final slice not significant and < 90% of either.
    ("HHH.......", 0, "none"),
    ("..........", 1, "none"),
    ("HHHHHCCCC.", 0, "none"),
]


def mirrored(text: str) -> str:
    return text.translate(str.maketrans("HC", "CH"))


@pytest.mark.parametrize(("text", "trend", "expected"), HOT_CASES)
def test_each_rule_on_a_hand_built_history(text: str, trend: int, expected: str) -> None:
    assert category(text, trend) == expected


@pytest.mark.parametrize(("text", "trend", "expected"), HOT_CASES)
def test_cold_patterns_mirror_the_hot_ones(text: str, trend: int, expected: str) -> None:
    """Swapping hot and cold and reversing the trend swaps the pattern: an intensifying cold
    spot's z-scores fall."""
    swapped = expected.replace("hot", "HOT").replace("cold", "hot").replace("HOT", "cold")
    assert category(mirrored(text), -trend) == swapped


@pytest.mark.parametrize(
    ("hot", "slices", "expected"),
    [
        (18, 20, "persistent-hot"),
        (17, 20, "consecutive-hot"),
        (14, 15, "persistent-hot"),  # 14/15 = 93%
        (13, 15, "consecutive-hot"),  # 13/15 = 87%
        (4, 4, "persistent-hot"),  # under ten slices, 90% means all of them
        (3, 4, "consecutive-hot"),
    ],
)
def test_ninety_percent_is_at_least_nine_tenths_of_the_slices(
    hot: int, slices: int, expected: str
) -> None:
    assert category("." * (slices - hot) + "H" * hot) == expected


def test_every_category_has_a_label_and_every_rule_is_reached() -> None:
    reached = {expected for _, _, expected in HOT_CASES}
    reached |= {
        e.replace("hot", "HOT").replace("cold", "hot").replace("HOT", "cold") for e in reached
    }

    assert reached == set(CATEGORY_CODES)
    assert set(CATEGORY_LABELS) == set(CATEGORY_CODES)
    assert CATEGORY_LABELS["new-hot"] == "New hot spot"


def test_categories_of_many_cells_at_once_are_each_cell_alone() -> None:
    texts = [text for text, _, _ in HOT_CASES]
    trends = np.array([trend for _, trend, _ in HOT_CASES])
    together = emerging_categories(np.column_stack([history(t) for t in texts]), trends)

    assert together.tolist() == [category(t, d) for t, d in zip(texts, trends, strict=True)]


# --- End to end on a generated grid -----------------------------------------------------------

ROWS, COLUMNS, SLICES = 20, 20, 12
PERSISTENT_BLOCK = (slice(3, 7), slice(3, 7))
NEW_BLOCK = (slice(12, 16), slice(12, 16))


def rook_weights() -> sparse.csr_array:
    w = libpysal.weights.lat2W(ROWS, COLUMNS, rook=True)
    return contiguity_weights([sorted(w.neighbors[i]) for i in range(w.n)])


def planted_counts(seed: int = 14) -> np.ndarray:
    """Twelve monthly slices of Poisson(4) counts; a block with 12 more per cell every month
    (persistent) and another with 12 more in the last month only (new)."""
    rng = np.random.default_rng(seed)
    cube = rng.poisson(4.0, size=(SLICES, ROWS, COLUMNS)).astype(float)
    cube[:, PERSISTENT_BLOCK[0], PERSISTENT_BLOCK[1]] += rng.poisson(12.0, size=(SLICES, 4, 4))
    cube[-1, NEW_BLOCK[0], NEW_BLOCK[1]] += rng.poisson(12.0, size=(4, 4))
    return cube.reshape(SLICES, ROWS * COLUMNS)


def test_a_planted_new_and_a_planted_persistent_hot_spot_are_recovered() -> None:
    weights = rook_weights()
    result = emerging_hotspots(planted_counts(), weights)
    grid = result.categories.reshape(ROWS, COLUMNS)

    assert (grid[4:6, 4:6] == "persistent-hot").all()
    assert (grid[13:15, 13:15] == "new-hot").all()
    # The persistent block's centre is hot in at least 11 of the 12 months (90%), the new
    # block's only in the last one.
    hot_months = (result.significance == 1).sum(axis=0).reshape(ROWS, COLUMNS)
    assert (hot_months[4:6, 4:6] >= 11).all()
    assert (hot_months[13:15, 13:15] == 1).all()
    outside = np.ones((ROWS, COLUMNS), dtype=bool)
    outside[2:8, 2:8] = outside[11:17, 11:17] = False
    assert (grid[outside] == "none").mean() > 0.9


def test_slices_are_gi_star_and_significance_is_fdr_at_ten_percent() -> None:
    weights = rook_weights()
    counts = planted_counts(seed=3)
    result = emerging_hotspots(counts, weights)

    for t in range(SLICES):
        z = gi_star(counts[t], weights).z_scores
        p = 2 * stats.norm.sf(np.abs(z))
        adjusted = stats.false_discovery_control(p, method="bh")
        assert np.abs(result.z_scores[t] - z).max() <= TOLERANCE
        np.testing.assert_allclose(result.p_values_fdr[t], adjusted, rtol=0, atol=1e-12)
        assert (result.significance[t] == np.sign(z) * (adjusted <= 0.10)).all()
    assert result.significance_level == 0.10
    assert result.fdr_correction


def test_the_significance_boundary_is_inclusive() -> None:
    weights = rook_weights()
    counts = planted_counts(seed=3)
    first = emerging_hotspots(counts, weights)
    cell = int(np.argmax(first.z_scores[-1]))
    level = float(first.p_values_fdr[-1, cell])

    at = emerging_hotspots(counts, weights, significance_level=level)
    below = emerging_hotspots(counts, weights, significance_level=float(np.nextafter(level, 0)))

    assert at.significance[-1, cell] == 1
    assert below.significance[-1, cell] == 0


def test_without_fdr_the_unadjusted_p_values_decide() -> None:
    weights = rook_weights()
    counts = planted_counts(seed=3)
    result = emerging_hotspots(counts, weights, fdr_correction=False)

    expected = (np.sign(result.z_scores) * (result.p_values <= 0.10)).astype(np.int8)
    assert (result.significance == expected).all()
    assert np.count_nonzero(result.significance) > np.count_nonzero(
        emerging_hotspots(counts, weights).significance
    )


def test_the_trend_is_mann_kendall_of_each_cells_z_series() -> None:
    weights = rook_weights()
    result = emerging_hotspots(planted_counts(seed=3), weights)
    reference = mann_kendall(np.round(result.z_scores, 9).T)

    assert (result.trend.s == reference.s).all()
    assert (result.trend.trend == reference.trend).all()
    expected = emerging_categories(result.significance, reference.trend)
    assert (result.categories == expected).all()


def test_a_slice_of_equal_counts_has_no_significant_cell() -> None:
    weights = rook_weights()
    counts = planted_counts()
    counts[-1] = 3.0  # the last month: every cell the same, so Gi* is undefined
    result = emerging_hotspots(counts, weights)
    grid = result.categories.reshape(ROWS, COLUMNS)

    assert result.undefined_slices.tolist() == [False] * (SLICES - 1) + [True]
    assert (result.z_scores[-1] == 0).all()
    assert (result.p_values_fdr[-1] == 1).all()
    assert (result.significance[-1] == 0).all()
    # The persistent block was hot 11 of 12 months (>= 90%) and is not hot in the last one.
    assert (grid[4:6, 4:6] == "historical-hot").all()
    assert (grid[13:15, 13:15] == "none").all()


def test_z_scores_equal_in_exact_arithmetic_are_ties() -> None:
    """Gi* does not change when every count moves by the same amount; in floating point the
    z-scores differ in the 15th digit, which must not make a trend."""
    weights = rook_weights()
    base = planted_counts()[0]
    counts = np.array([base + 0.37 * t for t in range(SLICES)])
    result = emerging_hotspots(counts, weights)

    assert (result.z_scores != result.z_scores[0]).any()  # the float noise is there
    assert (result.trend.s == 0).all()
    assert (result.trend.trend == 0).all()


def test_too_few_slices_are_refused() -> None:
    weights = rook_weights()
    counts = planted_counts()

    with pytest.raises(ValueError, match="at least 4 time slices"):
        emerging_hotspots(counts[:3], weights)
    with pytest.raises(ValueError, match="at least 5 time slices"):
        emerging_hotspots(counts[:4], weights, trend_alpha=0.05)
    assert emerging_hotspots(counts[:4], weights).categories.shape == (ROWS * COLUMNS,)


def test_the_fewest_slices_for_a_trend_by_hand() -> None:
    # A strictly increasing series of T values has S = T(T-1)/2 and Var S = T(T-1)(2T+5)/18:
    # T = 3: Z = 2/sqrt(11/3) = 1.04; T = 4: Z = 5/sqrt(26/3) = 1.70 (p = 0.089);
    # T = 5: Z = 9/sqrt(50/3) = 2.20 (p = 0.028); T = 6: Z = 14/sqrt(85/3) = 2.63 (p = 0.0085).
    assert fewest_slices_for_a_trend(0.10) == 4
    assert fewest_slices_for_a_trend(0.05) == 5
    assert fewest_slices_for_a_trend(0.01) == 6


def test_weights_are_checked_even_when_every_slice_is_flat() -> None:
    weights = rook_weights()
    flat = np.full((SLICES, ROWS * COLUMNS), 2.0)
    wrong = contiguity_weights([[] for _ in range(ROWS * COLUMNS - 1)])

    assert (emerging_hotspots(flat, weights).categories == "none").all()
    with pytest.raises(ValueError, match="n × n"):
        emerging_hotspots(flat, wrong)


def test_the_worked_example_of_the_docs() -> None:
    z = [0.3, -0.2, -2.1, 0.1, 0.4, 0.4, 0.9, 1.2, 2.3, 2.8]
    trend = mann_kendall(z)

    assert (int(trend.s), float(trend.variance)) == (36, 124.0)
    assert trend.z == pytest.approx(35 / np.sqrt(124), abs=TOLERANCE)
    assert trend.trend == 1
    assert category("..C.....HH", int(trend.trend)) == "oscillating-hot"
    assert category("........HH", int(trend.trend)) == "consecutive-hot"
