"""Count forecasts against independent computations: SES against statsmodels' SimpleExpSmoothing,
NB2 against statsmodels' NegativeBinomial(loglike_method="nb2") and scipy's nbinom, MASE by hand,
and model choice and interval coverage on seeded simulated series whose answer is known."""

import csv
import io

import numpy as np
import pytest
from scipy import stats
from statsmodels.discrete.discrete_model import NegativeBinomial
from statsmodels.tsa.holtwinters import SimpleExpSmoothing

from curim.analytics.forecasting import (
    EXPONENTIAL_SMOOTHING,
    NEGATIVE_BINOMIAL,
    OTHER_DISTRICTS,
    SEASONAL_NAIVE,
    WHOLE_MUNICIPALITY,
    ExponentialSmoothing,
    NegativeBinomialRegression,
    SeasonalNaive,
    backtest_origins,
    cross_validate,
    default_seasonal_period,
    fit_nb2,
    forecast_counts,
    mase_scale,
    nb2_loglike_derivatives,
    nb_design,
    pool_sparse_districts,
)

TOLERANCE = 1e-9
THREE_YEARS = 156


def local_level_counts(seed: int, weeks: int = THREE_YEARS) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.asarray(np.maximum(0.0, np.round(40 + np.cumsum(rng.normal(0, 3, weeks)))))


def nb_counts(seed: int, weeks: int, coefficients: list[float], alpha: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mu = np.exp(nb_design(np.arange(weeks), 2) @ np.array(coefficients))
    if alpha == 0:
        return np.asarray(rng.poisson(mu), dtype=np.float64)
    return np.asarray(rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu)), dtype=np.float64)


# --- Seasonal naive ----------------------------------------------------------------------------


def test_the_default_season_is_a_year_only_with_two_full_years_of_data() -> None:
    assert default_seasonal_period(103) == 1
    assert default_seasonal_period(104) == 52
    assert SeasonalNaive().fit(np.arange(60.0)).period == 1


def test_seasonal_naive_repeats_the_last_season_with_sd_growing_by_whole_seasons() -> None:
    y = np.array([3.0, 5, 2, 8, 4, 6, 3, 9])
    fit = SeasonalNaive(period=4).fit(y)
    # Residuals y_t - y_{t-4}: 1, 1, 1, 1, so sigma = 1.
    assert fit.sigma == pytest.approx(1.0, abs=TOLERANCE)
    forecast = fit.forecast(10, levels=(0.95,))
    np.testing.assert_allclose(forecast.mean, [4, 6, 3, 9, 4, 6, 3, 9, 4, 6])
    z = stats.norm.ppf(0.975)
    k_plus_1 = np.array([1, 1, 1, 1, 2, 2, 2, 2, 3, 3])
    lower, upper = forecast.interval(0.95)
    np.testing.assert_allclose(upper, forecast.mean + z * np.sqrt(k_plus_1), atol=TOLERANCE)
    np.testing.assert_allclose(
        lower, np.maximum(forecast.mean - z * np.sqrt(k_plus_1), 0), atol=TOLERANCE
    )


def test_lower_bounds_are_never_negative() -> None:
    y = np.array([0.0, 9, 0, 7, 1, 8, 0, 9, 0, 1, 0, 2])
    for model in (SeasonalNaive(period=2), ExponentialSmoothing(), NegativeBinomialRegression(0)):
        forecast = model.fit(y).forecast(8)
        assert (forecast.lower >= 0).all()
        assert (forecast.lower <= forecast.mean).all()
        assert (forecast.mean <= forecast.upper).all()


# --- Simple exponential smoothing against statsmodels -----------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ses_fitted_values_match_statsmodels_at_the_same_parameters(seed: int) -> None:
    y = local_level_counts(seed)
    fit = ExponentialSmoothing().fit(y)
    reference = SimpleExpSmoothing(
        y, initialization_method="known", initial_level=fit.initial_level
    ).fit(smoothing_level=fit.alpha, optimized=False)
    np.testing.assert_allclose(fit.fitted, reference.fittedvalues, atol=TOLERANCE)
    assert fit.level == pytest.approx(float(reference.forecast(1)[0]), abs=TOLERANCE)
    assert fit.sse == pytest.approx(float(reference.sse), rel=TOLERANCE)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ses_estimates_match_statsmodels_optimum(seed: int) -> None:
    y = local_level_counts(seed)
    fit = ExponentialSmoothing().fit(y)
    reference = SimpleExpSmoothing(y, initialization_method="estimated").fit()
    assert fit.alpha == pytest.approx(reference.params["smoothing_level"], abs=1e-6)
    assert fit.initial_level == pytest.approx(reference.params["initial_level"], rel=1e-6)
    # Ours is the exact optimum (l_0 profiled out in closed form): never a worse SSE.
    assert fit.sse <= float(reference.sse) + TOLERANCE


def test_ses_intervals_widen_by_alpha_squared_per_step() -> None:
    fit = ExponentialSmoothing().fit(local_level_counts(4))
    forecast = fit.forecast(6, levels=(0.80,))
    sd = np.sqrt(fit.sse / (THREE_YEARS - 2) * (1 + fit.alpha**2 * np.arange(6)))
    np.testing.assert_allclose(forecast.mean, fit.level)
    np.testing.assert_allclose(
        forecast.upper[0], fit.level + stats.norm.ppf(0.9) * sd, atol=TOLERANCE
    )


# --- NB2 regression against statsmodels --------------------------------------------------------

PLANTED = [2.0, 0.1, 0.5, -0.3, 0.2, 0.1]


@pytest.mark.parametrize(("seed", "alpha"), [(5, 0.5), (6, 0.2), (7, 1.5)])
def test_nb2_coefficients_and_dispersion_match_statsmodels(seed: int, alpha: float) -> None:
    y = nb_counts(seed, 260, PLANTED, alpha)
    X = nb_design(np.arange(260), 2)
    coefficients, dispersion, loglike = fit_nb2(X, y)
    reference = NegativeBinomial(y, X, loglike_method="nb2").fit(
        method="newton", maxiter=200, tol=1e-12, disp=0
    )
    np.testing.assert_allclose(coefficients, reference.params[:-1], atol=1e-6)
    assert dispersion == pytest.approx(reference.params[-1], abs=1e-6)
    assert loglike == pytest.approx(reference.llf, abs=1e-8)


def test_nb2_loglikelihood_is_scipys_nbinom_logpmf() -> None:
    y = nb_counts(8, 120, PLANTED, 0.7)
    X = nb_design(np.arange(120), 2)
    params = np.array([*PLANTED, np.log(0.7)])
    mu = np.exp(X @ np.array(PLANTED))
    expected = stats.nbinom.logpmf(y, 1 / 0.7, 1 / (1 + 0.7 * mu)).sum()
    assert nb2_loglike_derivatives(params, X, y)[0] == pytest.approx(expected, abs=1e-8)


def test_planted_dispersion_is_recovered_not_fixed_at_one() -> None:
    estimates = [
        NegativeBinomialRegression().fit(nb_counts(seed, 520, PLANTED, 0.5)).dispersion
        for seed in (10, 11, 12)
    ]
    for estimate in estimates:
        assert estimate == pytest.approx(0.5, abs=0.1)


def test_poisson_counts_get_a_dispersion_near_zero() -> None:
    fit = NegativeBinomialRegression().fit(nb_counts(13, 520, PLANTED, 0.0))
    assert fit.dispersion < 0.03


def test_nb_intervals_are_nbinom_quantiles_at_the_forecast_mean() -> None:
    fit = NegativeBinomialRegression().fit(nb_counts(14, THREE_YEARS, PLANTED, 0.5))
    forecast = fit.forecast(4, levels=(0.80,))
    mu = np.exp(nb_design(np.arange(THREE_YEARS, THREE_YEARS + 4), 2) @ fit.coefficients)
    size, prob = 1 / fit.dispersion, 1 / (1 + fit.dispersion * mu)
    np.testing.assert_allclose(forecast.mean, mu, rtol=TOLERANCE)
    np.testing.assert_array_equal(forecast.lower[0], stats.nbinom.ppf(0.1, size, prob))
    np.testing.assert_array_equal(forecast.upper[0], stats.nbinom.ppf(0.9, size, prob))


def test_an_all_zero_series_forecasts_zero() -> None:
    forecast = NegativeBinomialRegression().fit(np.zeros(60)).forecast(4)
    np.testing.assert_array_equal(forecast.mean, 0.0)
    np.testing.assert_array_equal(forecast.upper, 0.0)


# --- MASE and the backtest ---------------------------------------------------------------------


def test_the_mase_scale_is_the_mean_absolute_seasonal_difference() -> None:
    # |2-1|, |7-4|, |3-2|, |5-7| = 1, 3, 1, 2.
    assert mase_scale([1, 4, 2, 7, 3, 5], 2) == pytest.approx(7 / 4, abs=TOLERANCE)


def test_a_zero_seasonal_scale_falls_back_to_lag_one_then_to_one() -> None:
    assert mase_scale([1, 3, 1, 3, 1, 3], 2) == pytest.approx(2.0, abs=TOLERANCE)
    assert mase_scale([4, 4, 4, 4], 2) == 1.0


def test_backtest_mase_on_a_hand_computed_case() -> None:
    y = [1.0, 4, 2, 7, 3, 5, 6, 2]
    (result,) = cross_validate(
        y, [SeasonalNaive(period=2)], h=2, min_train=5, step=1, period=2, levels=(0.80,)
    )
    # Origin 5: train 1,4,2,7,3 (scale 5/3), forecasts 7,3 against 5,6.
    # Origin 6: train 1,4,2,7,3,5 (scale 7/4), forecasts 3,5 against 6,2.
    scaled = np.array([[2 / (5 / 3), 3 / (5 / 3)], [3 / (7 / 4), 3 / (7 / 4)]])
    assert result.n_origins == 2
    assert result.mase == pytest.approx(scaled.mean(), abs=TOLERANCE)
    assert result.mae == pytest.approx(11 / 4, abs=TOLERANCE)
    np.testing.assert_allclose(result.mase_by_horizon, scaled.mean(axis=0), atol=TOLERANCE)
    assert result.relative_mase == pytest.approx(1.0, abs=TOLERANCE)


def test_origins_run_from_the_minimum_training_length_to_t_minus_h() -> None:
    np.testing.assert_array_equal(backtest_origins(20, 4, 10, 3), [10, 13, 16])
    np.testing.assert_array_equal(backtest_origins(20, 4, 10, 1)[-1], 16)


@pytest.mark.parametrize("seed", [0, 2, 3])
def test_strong_annual_seasonality_is_not_given_to_exponential_smoothing(seed: int) -> None:
    rng = np.random.default_rng(seed)
    t = np.arange(THREE_YEARS)
    y = np.round(20 + 10 * np.sin(2 * np.pi * t / 52)) + rng.integers(0, 2, THREE_YEARS)
    result = forecast_counts(y, h=8)
    assert result.chosen_model in (SEASONAL_NAIVE, NEGATIVE_BINOMIAL)
    by_model = {row.model: row for row in result.backtest}
    assert by_model[EXPONENTIAL_SMOOTHING].mase > 1.5 * by_model[result.chosen_model].mase


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_wandering_level_is_given_to_exponential_smoothing(seed: int) -> None:
    assert forecast_counts(local_level_counts(seed), h=8).chosen_model == EXPONENTIAL_SMOOTHING


@pytest.mark.parametrize("seed", [0, 1, 3])
def test_poisson_counts_with_trend_and_season_are_given_to_the_nb_regression(seed: int) -> None:
    y = nb_counts(seed, THREE_YEARS, [2.0, 0.25, 0.5, -0.3, 0.2, 0.1], 0.0)
    assert forecast_counts(y, h=8).chosen_model == NEGATIVE_BINOMIAL


def test_the_backtest_table_reports_every_metric_and_the_dispersion() -> None:
    result = forecast_counts(nb_counts(20, THREE_YEARS, PLANTED, 0.5), h=4)
    rows = list(csv.DictReader(io.StringIO(result.backtest_csv())))
    metrics = {(row["model"], row["metric"]): float(row["value"]) for row in rows}
    for model in (SEASONAL_NAIVE, EXPONENTIAL_SMOOTHING, NEGATIVE_BINOMIAL):
        for metric in ("mase", "relative_mase", "mae", "coverage_80", "coverage_95", "mase_h4"):
            assert (model, metric) in metrics
        assert metrics[(model, "n_origins")] == THREE_YEARS - 4 - 104 + 1
    assert metrics[(SEASONAL_NAIVE, "relative_mase")] == 1.0
    assert metrics[(NEGATIVE_BINOMIAL, "dispersion_alpha")] == result.nb_dispersion
    assert result.nb_dispersion == pytest.approx(0.5, abs=0.3)
    assert result.forecast.mean.shape == (4,)
    assert result.forecast.lower.shape == (2, 4)


def test_under_two_years_the_candidates_are_naive_and_a_trend_only_regression() -> None:
    y = np.asarray(np.random.default_rng(21).poisson(5, 80), dtype=np.float64)
    result = forecast_counts(y, h=8)
    assert result.seasonal_period == 1
    # Origins 26 .. 72: two seasons of m = 1 are fewer than the 26-week floor.
    assert {row.n_origins for row in result.backtest} == {47}
    assert result.forecast.mean.shape == (8,)


def test_a_series_too_short_for_one_origin_is_refused() -> None:
    with pytest.raises(ValueError, match="too short"):
        forecast_counts(np.ones(30), h=8)


# --- Interval coverage on long simulated series ------------------------------------------------


def test_naive_intervals_cover_a_random_walk_at_the_nominal_rate() -> None:
    rng = np.random.default_rng(7)
    y = 1e4 + np.cumsum(rng.normal(0, 3, 1500))
    (result,) = cross_validate(y, [SeasonalNaive(period=1)], h=8, min_train=100, step=8, period=1)
    np.testing.assert_allclose(result.coverage, [0.80, 0.95], atol=0.04)


def test_ses_intervals_cover_a_local_level_at_the_nominal_rate() -> None:
    rng = np.random.default_rng(8)
    y = 1e4 + np.cumsum(rng.normal(0, 1, 1500)) + rng.normal(0, 2, 1500)
    (result,) = cross_validate(y, [ExponentialSmoothing()], h=8, min_train=100, step=8, period=1)
    np.testing.assert_allclose(result.coverage, [0.80, 0.95], atol=0.04)


def test_nb_intervals_cover_overdispersed_counts_at_least_at_the_nominal_rate() -> None:
    y = nb_counts(9, 1500, [2.0, 0.0, 0.5, -0.3, 0.2, 0.1], 0.5)
    (result,) = cross_validate(
        y, [NegativeBinomialRegression()], h=8, min_train=300, step=8, period=52
    )
    # Discrete quantiles cover at least the level; a Poisson interval would fall far short.
    assert 0.80 - 0.02 <= result.coverage[0] <= 0.80 + 0.08
    assert 0.95 - 0.02 <= result.coverage[1] <= 0.95 + 0.04


# --- Pooling sparse districts ------------------------------------------------------------------


def weekly(mean: float, weeks: int = 10) -> np.ndarray:
    return np.full(weeks, mean)


def test_sparse_districts_are_pooled_into_other_districts_and_named() -> None:
    series = {
        ("A", "theft"): weekly(5),
        ("B", "theft"): weekly(0.5),
        ("C", "theft"): weekly(0.75),
        ("A", "assault"): weekly(2),
        ("B", "assault"): weekly(1),
    }
    pooled = pool_sparse_districts(series, min_mean_weekly=1.0)
    assert set(pooled.series) == {
        ("A", "theft"),
        (OTHER_DISTRICTS, "theft"),
        ("A", "assault"),
        ("B", "assault"),
    }
    np.testing.assert_allclose(pooled.series[(OTHER_DISTRICTS, "theft")], 1.25)
    assert pooled.pooled == {(OTHER_DISTRICTS, "theft"): ("B", "C")}


def test_a_pool_still_too_sparse_falls_back_to_the_whole_municipality() -> None:
    series = {("A", "arson"): weekly(3), ("B", "arson"): weekly(0.25), ("C", "arson"): weekly(0.5)}
    pooled = pool_sparse_districts(series, min_mean_weekly=1.0)
    assert pooled.pooled == {(WHOLE_MUNICIPALITY, "arson"): ("B", "C")}
    np.testing.assert_allclose(pooled.series[(WHOLE_MUNICIPALITY, "arson")], 3.75)
    assert ("A", "arson") in pooled.series
    assert ("B", "arson") not in pooled.series


def test_a_single_sparse_district_is_covered_by_the_municipality_not_a_pool_of_one() -> None:
    series = {("A", "theft"): weekly(3), ("B", "theft"): weekly(2.5), ("C", "theft"): weekly(0.5)}
    pooled = pool_sparse_districts(series, min_mean_weekly=1.0)
    assert pooled.pooled == {(WHOLE_MUNICIPALITY, "theft"): ("C",)}
    assert (OTHER_DISTRICTS, "theft") not in pooled.series


def test_a_district_exactly_at_the_threshold_is_kept() -> None:
    pooled = pool_sparse_districts({("A", "theft"): weekly(1.0)}, min_mean_weekly=1.0)
    assert pooled.pooled == {}
    assert ("A", "theft") in pooled.series
