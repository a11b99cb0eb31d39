"""The risk index against independent computations: Marshall's empirical Bayes rates against
PySAL's esda.smoothing.Empirical_Bayes and against exact fractions worked by hand, and the index
of a four-area case worked by hand (docs/analytics/risk-index.md)."""

from fractions import Fraction

import esda
import numpy as np
import pytest

from curim.analytics.risk_index import (
    BASIS_AREA,
    BASIS_NONE,
    BASIS_RESIDENTS,
    IMPACT,
    LIKELIHOOD,
    PERCEPTION,
    AreaRisk,
    empirical_bayes_rates,
    marshall_global_eb,
    marshall_prior,
    percentile_scores,
    risk_index,
)

TOLERANCE = 1e-12


def esda_rates_per_1000(counts: np.ndarray, population: np.ndarray) -> np.ndarray:
    return np.asarray(esda.smoothing.Empirical_Bayes(counts, population).r).ravel() * 1_000


def marshall_by_fractions(counts: list[int], exposure: list[Fraction]) -> list[Fraction]:
    rates = [Fraction(c) / p for c, p in zip(counts, exposure, strict=True)]
    mean = Fraction(sum(counts)) / sum(exposure)
    variance = sum(
        (p * (r - mean) ** 2 for p, r in zip(exposure, rates, strict=True)), Fraction(0)
    ) / sum(exposure) - mean / (sum(exposure) / len(exposure))
    variance = max(variance, Fraction(0))
    weights = [variance / (variance + mean / p) for p in exposure]
    return [w * r + (1 - w) * mean for w, r in zip(weights, rates, strict=True)]


@pytest.fixture
def heterogeneous_areas() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(14)
    population = rng.integers(50, 20_000, size=300).astype(float)
    true_rates = rng.gamma(shape=2.0, scale=0.004, size=300)
    counts = rng.poisson(population * true_rates).astype(float)
    return counts, population


# --- empirical Bayes ------------------------------------------------------------------------


def test_the_rates_match_esda_empirical_bayes_when_the_variance_estimate_is_positive(
    heterogeneous_areas: tuple[np.ndarray, np.ndarray],
) -> None:
    counts, population = heterogeneous_areas
    assert marshall_prior(counts, population)[1] > 0
    rates = empirical_bayes_rates(counts, population)
    np.testing.assert_allclose(
        rates.smoothed, esda_rates_per_1000(counts, population), rtol=1e-9, atol=0
    )
    np.testing.assert_allclose(rates.raw, counts / population * 1_000, rtol=TOLERANCE)
    assert set(rates.basis) == {BASIS_RESIDENTS}


def test_the_rates_match_exact_fractions_worked_by_hand() -> None:
    # r = 3, 6, 10, 1 per 1,000; m = 56 / 8 = 7; s² = 90 / 8 - 7 / 2 = 31 / 4;
    # w = 31/59, 31/45, 31/38, 31/59; e.g. A: 31/59 · 3 + 28/59 · 7 = 289 / 59.
    rates = empirical_bayes_rates([3, 12, 40, 1], [1000, 2000, 4000, 1000])
    expected = [289 / 59, 284 / 45, 359 / 38, 227 / 59]
    np.testing.assert_allclose(rates.smoothed, expected, rtol=TOLERANCE, atol=0)
    np.testing.assert_allclose(rates.shrinkage_weights, [31 / 59, 31 / 45, 31 / 38, 31 / 59])
    assert rates.prior_means[BASIS_RESIDENTS] == pytest.approx(7, abs=TOLERANCE)
    assert rates.prior_variances[BASIS_RESIDENTS] == pytest.approx(31 / 4, abs=TOLERANCE)
    exact = marshall_by_fractions([3, 12, 40, 1], [Fraction(n) for n in (1, 2, 4, 1)])
    assert [float(x) for x in exact] == pytest.approx(expected, abs=TOLERANCE)


def test_a_negative_variance_estimate_is_truncated_so_every_area_gets_the_overall_rate() -> None:
    # Rates 4, 4, 5, 2 per 1,000 vary less than Poisson noise would: s² = -19/16 < 0.
    counts, population = np.array([4.0, 8, 20, 2]), np.array([1000.0, 2000, 4000, 1000])
    assert marshall_prior(counts, population / 1000) == (4.25, 0.0)
    rates = empirical_bayes_rates(counts, population)
    np.testing.assert_allclose(rates.smoothed, 4.25, rtol=TOLERANCE)
    assert (rates.shrinkage_weights == 0).all()
    # esda does not truncate: its weights go negative and its rates leave the data's range.
    assert not np.allclose(esda_rates_per_1000(counts, population), 4.25)


def test_the_rates_do_not_depend_on_the_population_unit(
    heterogeneous_areas: tuple[np.ndarray, np.ndarray],
) -> None:
    counts, population = heterogeneous_areas
    per_person, weights_a = marshall_global_eb(counts, population)
    per_thousand, weights_b = marshall_global_eb(counts, population / 1000)
    np.testing.assert_allclose(per_person * 1000, per_thousand, rtol=1e-9)
    np.testing.assert_allclose(weights_a, weights_b, rtol=1e-9)


def test_no_incidents_anywhere_gives_zero_rates_without_dividing_by_zero() -> None:
    rates = empirical_bayes_rates([0, 0, 0], [100, 200, 300])
    assert (rates.smoothed == 0).all()


def test_areas_without_residents_fall_back_to_a_rate_per_km2_smoothed_among_themselves() -> None:
    counts = [3, 12, 40, 1, 9, 2, 5]
    population = [1000, 2000, 4000, 1000, 0, 0, np.nan]
    area_km2 = [1.0, 1.0, 1.0, 1.0, 0.5, 2.0, 0.0]
    rates = empirical_bayes_rates(counts, population, area_km2)
    assert rates.basis == (BASIS_RESIDENTS,) * 4 + (BASIS_AREA, BASIS_AREA, BASIS_NONE)
    np.testing.assert_allclose(
        rates.smoothed[:4], [289 / 59, 284 / 45, 359 / 38, 227 / 59], rtol=TOLERANCE
    )
    km2_pool = marshall_by_fractions([9, 2], [Fraction(1, 2), Fraction(2)])
    np.testing.assert_allclose(rates.smoothed[4:6], [float(x) for x in km2_pool], rtol=TOLERANCE)
    np.testing.assert_allclose(rates.raw[4:6], [18.0, 1.0])
    assert np.isnan(rates.smoothed[6])
    assert np.isnan(rates.raw[6])


# --- scores -----------------------------------------------------------------------------------


def test_scores_are_mid_rank_percentiles_with_ties_averaged() -> None:
    scores = percentile_scores([10.0, 30.0, 20.0, 20.0, np.nan])
    np.testing.assert_allclose(scores[:4], [0.0, 100.0, 50.0, 50.0], rtol=TOLERANCE)
    assert np.isnan(scores[4])


def test_equal_values_and_a_single_value_score_fifty() -> None:
    assert (percentile_scores([7.0, 7.0, 7.0]) == 50).all()
    assert percentile_scores([3.0, np.nan])[0] == 50


def test_one_outlier_does_not_squash_the_other_scores() -> None:
    ordinary = percentile_scores([1.0, 2.0, 3.0, 4.0, 5.0])
    with_outlier = percentile_scores([1.0, 2.0, 3.0, 4.0, 5_000.0])
    np.testing.assert_array_equal(ordinary, with_outlier)


# --- the index ---------------------------------------------------------------------------------


def four_areas() -> list[AreaRisk]:
    return risk_index(
        areas=["A", "B", "C", "D"],
        counts_by_category=[[3, 0], [6, 6], [30, 10], [0, 1]],
        harm_weights=[1.0, 3.0],
        population=[1000, 2000, 4000, 1000],
        night_unsafe_mean=[2.0, 4.0, 3.0, np.nan],
        night_unsafe_n=[10, 10, 10, 0],
        fear_share=[0.25, 0.5, np.nan, np.nan],
        fear_n=[20, 20, 0, 0],
    )


def test_a_four_area_case_worked_by_hand() -> None:
    a, b, c, d = four_areas()
    # Likelihood: the EB rates above, ordered D < A < B < C.
    assert [r.likelihood_score for r in (d, a, b, c)] == pytest.approx(
        [0, 100 / 3, 200 / 3, 100], abs=TOLERANCE
    )
    # Impact, mean harm per incident: A 3/3 = 1, B 24/12 = 2, C 60/40 = 1.5, D 3/1 = 3.
    assert [r.impact for r in (a, b, c, d)] == pytest.approx([1, 2, 1.5, 3], abs=TOLERANCE)
    assert [r.impact_score for r in (a, c, b, d)] == pytest.approx(
        [0, 100 / 3, 200 / 3, 100], abs=TOLERANCE
    )
    # Perception: A mean((2-1)/4, 0.25) = 0.25, B mean(0.75, 0.5) = 0.625, C (3-1)/4 = 0.5.
    assert [r.perception for r in (a, b, c)] == pytest.approx([0.25, 0.625, 0.5], abs=TOLERANCE)
    assert [r.perception_score for r in (a, c, b)] == pytest.approx([0, 50, 100], abs=TOLERANCE)
    assert d.perception is None
    assert d.perception_score is None
    # Index: A 0.5·100/3 = 50/3; B 0.5·200/3 + 0.25·200/3 + 0.25·100 = 75;
    # C 0.5·100 + 0.25·100/3 + 0.25·50 = 425/6; D (perception missing) 2/3·0 + 1/3·100.
    assert [r.index for r in (a, b, c, d)] == pytest.approx(
        [50 / 3, 75, 425 / 6, 100 / 3], abs=TOLERANCE
    )
    assert [r.rank for r in (a, b, c, d)] == [4, 1, 2, 3]
    assert b.weights_used == {LIKELIHOOD: 0.5, IMPACT: 0.25, PERCEPTION: 0.25}
    assert d.weights_used == pytest.approx({LIKELIHOOD: 2 / 3, IMPACT: 1 / 3}, abs=TOLERANCE)
    assert d.components_used == (LIKELIHOOD, IMPACT)
    assert a.likelihood == pytest.approx(289 / 59, abs=TOLERANCE)
    assert a.raw_rate == pytest.approx(3.0, abs=TOLERANCE)
    assert (a.incidents, a.population, a.likelihood_basis) == (3, 1000.0, BASIS_RESIDENTS)
    assert (a.night_unsafe_n, a.fear_n, a.night_unsafe_mean, a.fear_share) == (10, 20, 2.0, 0.25)


def test_two_reports_in_a_tiny_area_do_not_top_the_list() -> None:
    rng = np.random.default_rng(6)
    population = rng.integers(2_000, 10_000, size=40).astype(float)
    rates_per_person = rng.uniform(0.005, 0.02, size=40)
    counts = np.round(population * rates_per_person)
    population = np.append(population, 20.0)  # a tiny area: 20 residents, 2 reports
    counts = np.append(counts, 2.0)
    results = risk_index(
        areas=[f"area-{i}" for i in range(41)],
        counts_by_category=counts[:, None],
        harm_weights=[1.0],
        population=population,
        weights={LIKELIHOOD: 1.0},
    )
    tiny = results[-1]
    assert tiny.raw_rate == max(r.raw_rate or 0.0 for r in results)  # 100 per 1,000: raw, it tops
    assert tiny.rank is not None
    assert tiny.rank > 10
    assert tiny.shrinkage_weight is not None
    assert tiny.shrinkage_weight < 0.1


def test_an_area_without_residents_or_area_has_no_likelihood_and_says_so() -> None:
    results = risk_index(
        areas=["A", "B", "park"],
        counts_by_category=[[3], [12], [5]],
        harm_weights=[2.0],
        population=[1000, 2000, 0],
        night_unsafe_mean=[2.0, 3.0, 4.0],
        night_unsafe_n=[5, 5, 5],
    )
    park = results[2]
    assert park.likelihood_basis == BASIS_NONE
    assert park.likelihood is None
    assert park.likelihood_score is None
    assert park.components_used == (IMPACT, PERCEPTION)
    assert park.weights_used == {IMPACT: 0.5, PERCEPTION: 0.5}
    # Impact is 2 everywhere (scores 50); perception is highest (100): (50 + 100) / 2.
    assert park.index == pytest.approx(75, abs=TOLERANCE)


def test_an_area_without_incidents_has_no_impact_and_too_few_answers_count_as_missing() -> None:
    results = risk_index(
        areas=["A", "B", "quiet"],
        counts_by_category=[[3], [12], [0]],
        harm_weights=[2.0],
        population=[1000, 2000, 1000],
        night_unsafe_mean=[2.0, 3.0, 5.0],
        night_unsafe_n=[5, 5, 4],
        fear_share=[0.1, 0.2, 0.9],
        fear_n=[9, 9, 4],
        min_place_evaluations=5,
        min_survey_respondents=5,
    )
    quiet = results[2]
    assert quiet.impact is None
    assert quiet.night_unsafe_mean is None
    assert quiet.fear_share is None
    assert quiet.night_unsafe_n == 4
    assert quiet.fear_n == 4
    assert quiet.components_used == (LIKELIHOOD,)
    assert quiet.weights_used == {LIKELIHOOD: 1.0}


def test_an_area_with_no_component_at_all_has_no_index_and_no_rank() -> None:
    results = risk_index(
        areas=["A", "empty"],
        counts_by_category=[[3], [0]],
        harm_weights=[1.0],
        population=[1000, 0],
    )
    assert results[1].index is None
    assert results[1].rank is None
    assert results[1].components_used == ()
    assert results[0].rank == 1


def test_all_equal_components_score_fifty_without_dividing_by_zero() -> None:
    results = risk_index(
        areas=["A", "B", "C"],
        counts_by_category=[[2, 2], [2, 2], [2, 2]],
        harm_weights=[1.0, 1.0],
        population=[1000, 1000, 1000],
        night_unsafe_mean=[3.0, 3.0, 3.0],
        night_unsafe_n=[10, 10, 10],
    )
    for result in results:
        assert (result.likelihood_score, result.impact_score, result.perception_score) == (
            50,
            50,
            50,
        )
        assert result.index == 50
        assert result.rank == 1


def test_invalid_inputs_are_refused() -> None:
    base = {
        "areas": ["A", "B"],
        "counts_by_category": [[1], [2]],
        "harm_weights": [1.0],
        "population": [100, 200],
    }
    with pytest.raises(ValueError, match="Unknown components"):
        risk_index(**base, weights={"danger": 1.0})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not all zero"):
        risk_index(**base, weights={LIKELIHOOD: 0.0})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="1-5"):
        risk_index(**base, night_unsafe_mean=[0.5, 3.0], night_unsafe_n=[9, 9])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="its n"):
        risk_index(**base, fear_share=[0.2, 0.3])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="whole numbers"):
        risk_index(**{**base, "counts_by_category": [[1.5], [2]]})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        empirical_bayes_rates([1, 2], [100, -5])
