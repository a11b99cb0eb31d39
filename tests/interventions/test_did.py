"""The counts DiD against statsmodels (GLM Poisson with area and period dummies, errors clustered
by area) on a seeded panel with a planted rate ratio of 0.7; all-zero areas and periods; the
few-cluster path against a by-hand enumeration of every assignment; and the input errors."""

import math
from itertools import combinations

import numpy as np
import numpy.typing as npt
import pytest
import statsmodels.api as sm

from interventions.evaluation.did import (
    assignments,
    poisson_did,
    prepare_panel,
    randomization_p_value,
)
from interventions.evaluation.errors import EvaluationInputError

PLANTED = 0.7
Indices = npt.NDArray[np.intp]
PanelArgs = tuple[Indices, Indices, npt.NDArray[np.int64], list[bool], list[bool]]


def generated_panel(
    n_areas: int = 30, n_periods: int = 8, n_treated: int = 10, seed: int = 15
) -> PanelArgs:
    rng = np.random.default_rng(seed)
    treated = np.arange(n_areas) < n_treated
    post = np.arange(n_periods) >= n_periods // 2
    baseline = rng.gamma(2.0, 5.0, n_areas)
    season = np.exp(rng.normal(0, 0.2, n_periods))
    area = np.repeat(np.arange(n_areas), n_periods)
    period = np.tile(np.arange(n_periods), n_areas)
    exposure = treated[area] & post[period]
    count = rng.poisson(baseline[area] * season[period] * np.where(exposure, PLANTED, 1.0))
    return area, period, count, treated.tolist(), post.tolist()


def dummies(area: npt.NDArray[np.intp], period: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
    """Intercept, area and period dummies (first level left out): statsmodels' design."""
    return np.column_stack(
        [
            np.ones(area.size),
            (area[:, None] == np.unique(area)[1:]).astype(float),
            (period[:, None] == np.unique(period)[1:]).astype(float),
        ]
    )


def statsmodels_did(
    area: npt.NDArray[np.intp],
    period: npt.NDArray[np.intp],
    count: npt.NDArray[np.int64],
    treated: list[bool],
    post: list[bool],
    **cov_kwds: bool,
) -> tuple[float, float]:
    exposure = (np.asarray(treated)[area] & np.asarray(post)[period]).astype(float)
    design = np.column_stack([dummies(area, period), exposure])
    fitted = sm.GLM(count, design, family=sm.families.Poisson()).fit(
        cov_type="cluster", cov_kwds={"groups": area, **cov_kwds}, tol=1e-13
    )
    return float(fitted.params[-1]), float(fitted.bse[-1])


def test_matches_statsmodels_and_recovers_the_planted_effect() -> None:
    area, period, count, treated, post = generated_panel()
    result = poisson_did(area, period, count, treated, post)
    delta, se = statsmodels_did(area, period, count, treated, post)
    assert result.method == "cluster"
    assert result.estimate == pytest.approx(delta, abs=1e-6)
    assert result.se == pytest.approx(se, abs=1e-6)
    assert (result.n_areas, result.n_treated, result.n_control) == (30, 10, 20)
    assert result.ci_low is not None
    assert result.ci_high is not None
    assert result.ci_low < math.log(PLANTED) < result.ci_high
    assert result.ci_high - result.ci_low == pytest.approx(2 * 1.959963984540054 * se)
    assert result.rate_ratio == pytest.approx(math.exp(delta))
    assert result.percent_change == pytest.approx(100 * (math.exp(delta) - 1))
    assert result.p_value is not None
    assert result.p_value < 0.05


def test_stata_correction_is_the_clusters_factor_alone() -> None:
    area, period, count, treated, post = generated_panel()
    result = poisson_did(area, period, count, treated, post, small_sample="stata")
    _, uncorrected = statsmodels_did(area, period, count, treated, post, use_correction=False)
    assert result.se == pytest.approx(uncorrected * math.sqrt(30 / 29), abs=1e-9)


def test_all_zero_areas_and_periods_are_dropped_and_said() -> None:
    area, period, count, treated, post = generated_panel()
    reference = poisson_did(area, period, count, treated, post)
    # Three more areas (one treated) with no event at all, and a ninth period without any.
    n_areas, n_periods = 33, 9
    table = np.zeros((n_areas, n_periods), dtype=np.int64)
    table[:30, :8] = count.reshape(30, 8)
    wide_treated = [*treated, True, False, False]
    wide_post = [*post, True]
    wide_area = np.repeat(np.arange(n_areas), n_periods)
    wide_period = np.tile(np.arange(n_periods), n_areas)
    result = poisson_did(wide_area, wide_period, table.ravel(), wide_treated, wide_post)
    assert result.dropped_areas == (30, 31, 32)
    assert result.dropped_periods == (8,)
    assert (result.n_areas, result.n_treated, result.n_periods) == (30, 10, 8)
    assert result.estimate == pytest.approx(reference.estimate, abs=1e-9)
    assert result.se == pytest.approx(reference.se, abs=1e-9)


def test_sparse_counts_with_many_zero_cells_match_statsmodels() -> None:
    rng = np.random.default_rng(3)
    n_areas, n_periods = 24, 6
    treated = (np.arange(n_areas) < 8).tolist()
    post = (np.arange(n_periods) >= 3).tolist()
    area = np.repeat(np.arange(n_areas), n_periods)
    period = np.tile(np.arange(n_periods), n_areas)
    count = rng.poisson(0.8, area.size)
    count[area == 5] = np.where(period[area == 5] == 0, 1, 0)  # a single event
    result = poisson_did(area, period, count, treated, post)
    delta, se = statsmodels_did(area, period, count, treated, post)
    assert (count == 0).mean() > 0.3
    assert result.estimate == pytest.approx(delta, abs=1e-6)
    assert result.se == pytest.approx(se, abs=1e-6)


def tiny_panel(n_areas: int = 7, n_treated: int = 2, seed: int = 4) -> PanelArgs:
    return generated_panel(n_areas=n_areas, n_periods=4, n_treated=n_treated, seed=seed)


def by_hand_p_value(
    area: npt.NDArray[np.intp],
    period: npt.NDArray[np.intp],
    count: npt.NDArray[np.int64],
    treated: list[bool],
    post: list[bool],
    delta0: float,
) -> float:
    """Every assignment of as many treated areas; the null fit by statsmodels on the counts
    with the hypothesised effect taken out; the score of δ summed over each assignment."""
    observed = np.asarray(treated)[area] & np.asarray(post)[period]
    untreated = count * np.exp(-delta0 * observed)
    null = sm.GLM(untreated, dummies(area, period), family=sm.families.Poisson()).fit(tol=1e-13)
    residual = untreated - null.fittedvalues
    n_areas = len(treated)
    statistics = []
    for chosen in combinations(range(n_areas), sum(treated)):
        cells = np.isin(area, chosen) & np.asarray(post)[period]
        statistics.append(residual[cells].sum())
    observed_statistic = residual[observed].sum()
    return float(np.mean(np.abs(statistics) >= abs(observed_statistic) - 1e-9))


def test_few_areas_use_exact_randomization_inference_as_by_hand() -> None:
    area, period, count, treated, post = tiny_panel()
    result = poisson_did(area, period, count, treated, post)
    assert result.method == "randomization"
    assert result.exact is True
    assert result.n_assignments == math.comb(7, 2)
    assert result.p_value == pytest.approx(by_hand_p_value(area, period, count, treated, post, 0))
    # The interval is the test's inversion: just inside each end the test accepts, just
    # outside it rejects, by the same enumeration done by hand.
    assert result.ci_low is not None
    assert result.ci_high is not None
    assert result.ci_low < result.estimate < result.ci_high
    for inside, outside in (
        (result.ci_low + 1e-4, result.ci_low - 1e-4),
        (result.ci_high - 1e-4, result.ci_high + 1e-4),
    ):
        assert by_hand_p_value(area, period, count, treated, post, inside) > 0.05
        assert by_hand_p_value(area, period, count, treated, post, outside) <= 0.05


def test_a_single_treated_area_uses_randomization_and_says_when_no_interval_exists() -> None:
    area, period, count, treated, post = tiny_panel(n_areas=12, n_treated=1)
    result = poisson_did(area, period, count, treated, post)
    assert result.method == "randomization"
    assert result.n_assignments == 12
    assert (result.ci_low, result.ci_high) == (None, None)
    assert "no finite 95% interval" in result.note
    assert result.p_value == pytest.approx(by_hand_p_value(area, period, count, treated, post, 0))
    assert result.p_value is not None
    assert result.p_value >= 1 / 12


@pytest.mark.parametrize(("n_treated", "treated_is_control"), [(1, False), (1, True)])
def test_a_single_treated_or_control_area_among_many_uses_randomization(
    n_treated: int, treated_is_control: bool
) -> None:
    area, period, count, treated, post = generated_panel(n_areas=25, n_treated=n_treated)
    if treated_is_control:
        treated = [not t for t in treated]
    result = poisson_did(area, period, count, treated, post)
    assert result.method == "randomization"
    assert result.n_assignments == 25
    assert result.p_value == pytest.approx(by_hand_p_value(area, period, count, treated, post, 0))


def test_many_assignments_are_sampled_with_a_seed() -> None:
    area, period, count, treated, post = generated_panel(n_areas=18, n_treated=9, seed=8)
    result = poisson_did(area, period, count, treated, post, seed=42)
    again = poisson_did(area, period, count, treated, post, seed=42)
    assert result.method == "randomization"
    assert result.exact is False
    assert result.n_assignments == 5000
    assert result.seed == 42
    assert result == again
    assert result.ci_low is not None
    assert result.ci_high is not None
    assert result.ci_low < math.log(PLANTED) < result.ci_high
    panel = prepare_panel(area, period, count, treated, post)
    assigned, exact = assignments(panel, seed=42)
    assert not exact
    assert assigned.sum(axis=1).tolist() == [9] * 5000
    assert randomization_p_value(panel, 0.0, assigned) == result.p_value


def test_randomization_can_be_asked_for_on_many_areas() -> None:
    area, period, count, treated, post = generated_panel()
    result = poisson_did(area, period, count, treated, post, inference="randomization")
    cluster = poisson_did(area, period, count, treated, post)
    assert result.estimate == cluster.estimate
    assert result.ci_low is not None
    assert result.ci_high is not None
    assert result.ci_low < math.log(PLANTED) < result.ci_high


def long_form(table: list[list[int]]) -> tuple[Indices, Indices, list[int]]:
    n_areas, n_periods = len(table), len(table[0])
    area = np.repeat(np.arange(n_areas), n_periods)
    period = np.tile(np.arange(n_periods), n_areas)
    return area, period, [c for row in table for c in row]


@pytest.mark.parametrize(
    ("table", "treated", "post", "code"),
    [
        ([[1, 2], [3, 4]], [False, False], [False, True], "no_treated"),
        ([[1, 2], [3, 4]], [True, True], [False, True], "no_control"),
        ([[1, 2], [3, 4]], [True, False], [False, False], "no_post"),
        ([[1, 2], [3, 4]], [True, False], [True, True], "no_pre"),
        ([[0, 0], [3, 4]], [True, False], [False, True], "treated_all_zero"),
        ([[1, 2], [0, 0]], [True, False], [False, True], "control_all_zero"),
        ([[1, 0], [3, 4]], [True, False], [False, True], "window_all_zero"),
        ([[1, 2], [0, 4]], [True, False], [False, True], "window_all_zero"),
        ([[1, 2], [3, -4]], [True, False], [False, True], "negative"),
    ],
)
def test_unusable_panels_are_refused_with_a_reason(
    table: list[list[int]], treated: list[bool], post: list[bool], code: str
) -> None:
    area, period, count = long_form(table)
    with pytest.raises(EvaluationInputError) as raised:
        poisson_did(area, period, count, treated, post)
    assert raised.value.code == code
    assert isinstance(raised.value, ValueError)
    assert str(raised.value)


def test_a_saturated_panel_has_an_estimate_but_no_error() -> None:
    # Two areas, two periods: four cells, four parameters; δ is the 2 × 2 cross-ratio.
    area, period, count = long_form([[6, 3], [4, 8]])
    result = poisson_did(area, period, count, [True, False], [False, True], inference="cluster")
    assert result.estimate == pytest.approx(math.log((3 / 6) / (8 / 4)))
    assert (result.se, result.ci_low, result.ci_high, result.p_value) == (None,) * 4
    assert result.note
    auto = poisson_did(area, period, count, [True, False], [False, True])
    assert auto.method == "randomization"
    assert (auto.ci_low, auto.ci_high) == (None, None)


def test_non_finite_missing_and_duplicate_cells_are_refused() -> None:
    area, period, count = long_form([[1, 2], [3, 4]])
    flags = ([True, False], [False, True])
    with pytest.raises(EvaluationInputError, match="finite") as raised:
        poisson_did(area, period, [1, 2, float("nan"), 4], *flags)
    assert raised.value.code == "non_finite"
    with pytest.raises(EvaluationInputError) as raised:
        poisson_did(area, period, [1, 2, float("inf"), 4], *flags)
    assert raised.value.code == "non_finite"
    with pytest.raises(EvaluationInputError) as raised:
        poisson_did(area[:3], period[:3], count[:3], *flags)
    assert raised.value.code == "incomplete"
    with pytest.raises(EvaluationInputError) as raised:
        poisson_did([0, 0, 1, 1], [0, 0, 0, 1], count, *flags)
    assert raised.value.code == "duplicate"
    with pytest.raises(EvaluationInputError) as raised:
        poisson_did([0, 0, 1, 2], period, count, *flags)
    assert raised.value.code == "index"
    with pytest.raises(EvaluationInputError) as raised:
        poisson_did(area, period, np.array(["one", "2", "3", "4"]), *flags)
    assert raised.value.code == "non_numeric"
