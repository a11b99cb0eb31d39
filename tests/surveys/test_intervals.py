"""The coverage of the published 95% intervals, by simulation from known populations.

Samples are drawn (seeded) from populations whose mean or share is known, under three designs:
a simple random sample (the total), a domain of a larger sample (a district or a group: its
size is random, and the variance uses the whole sample's n), and a sample post-stratified to
two strata sampled at different rates (weights 1.4 and 0.6). Each design's standard error is
written out here as R's survey package computes it (checked against the platform's
computation in test_estimates.py), and the interval is the platform's `wilson_95`.

95% intervals must cover the truth 93 to 97% of the time in every setting with at least five
expected respondents' worth of score at the nearer end of the scale in each stratum
(n·min(p, 1 − p) ≥ 5, p the true mean or share over 100), and 94 to 96% over all settings
together; no setting may fall under 91%. Below five, a share's count moves in steps too
coarse for any interval to stay within two points of 95% (Wilson's dips to about 92%, as the
docs say).
"""

from collections.abc import Callable

import numpy as np
import pytest

from surveys.estimates import wilson_95

REPLICATES = 4000
SIZES = (40, 100, 400)
Draw = Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]


def shares(p: float) -> tuple[Draw, float]:
    return (lambda rng, size: 100.0 * (rng.random(size) < p)), 100.0 * p


def likert_means(probabilities: list[float]) -> tuple[Draw, float]:
    """A respondent's score: the mean of three answers on a 1–5 scale, on 0–100."""
    single = np.array(probabilities)
    three = np.convolve(np.convolve(single, single), single)  # the sum of three answers
    values = 100.0 * np.arange(len(three)) / (len(three) - 1)
    cumulative = np.cumsum(three)[:-1]

    def draw(rng: np.random.Generator, size: tuple[int, ...]) -> np.ndarray:
        return values[np.searchsorted(cumulative, rng.random(size), side="right")]

    return draw, float(values @ three)


POPULATIONS = {
    "share 5%": shares(0.05),
    "share 10%": shares(0.10),
    "share 30%": shares(0.30),
    "share 50%": shares(0.50),
    "mean, most say 1": likert_means([0.7, 0.2, 0.05, 0.03, 0.02]),
    "mean, even": likert_means([0.2, 0.2, 0.2, 0.2, 0.2]),
    "mean, most say 5": likert_means([0.02, 0.03, 0.05, 0.2, 0.7]),
    "mean, nearly all say 1": likert_means([0.9, 0.06, 0.02, 0.01, 0.01]),
}


def simple(rng: np.random.Generator, draw: Draw, n: int) -> tuple[np.ndarray, ...]:
    """The whole sample: SE² = n/(n−1) Σ (y − ȳ)² / n²."""
    y = draw(rng, (REPLICATES, n))
    mean = y.mean(axis=1)
    variance = n / (n - 1) * ((y - mean[:, None]) ** 2).sum(axis=1) / n**2
    return mean, np.sqrt(variance), np.full(REPLICATES, float(n))


def domain(rng: np.random.Generator, draw: Draw, n: int) -> tuple[np.ndarray, ...]:
    """A domain of about n respondents in a sample four times as large: z = 1_d (y − ȳ_d)/n_d,
    SE² = N/(N−1) Σ (z − z̄)² over the whole sample of N (z̄ = 0)."""
    whole = 4 * n
    y = draw(rng, (REPLICATES, whole))
    inside = rng.random((REPLICATES, whole)) < 0.25
    n_d = inside.sum(axis=1)
    mean = (y * inside).sum(axis=1) / n_d
    squares = (((y - mean[:, None]) * inside) ** 2).sum(axis=1)
    variance = whole / (whole - 1) * squares / n_d**2
    return mean, np.sqrt(variance), n_d.astype(float)


def post_stratified(rng: np.random.Generator, draw: Draw, n: int) -> tuple[np.ndarray, ...]:
    """Two strata of 70% and 30% of the population, n/2 respondents each (weights 1.4, 0.6 per
    respondent, relative): the residuals from the strata's means, u = w (y − ȳ_h) / Σw,
    SE² = n/(n−1) Σ u² (ū = 0)."""
    half = n // 2
    weights = np.repeat([0.7 / half, 0.3 / half], half)  # they sum to 1
    y = draw(rng, (REPLICATES, 2 * half))
    stratum_means = np.repeat(y.reshape(REPLICATES, 2, half).mean(axis=2), half, axis=1)
    mean = y @ weights
    variance = 2 * half / (2 * half - 1) * (((y - stratum_means) * weights) ** 2).sum(axis=1)
    kish = 1.0 / (weights**2).sum()
    return mean, np.sqrt(variance), np.full(REPLICATES, kish)


DESIGNS = {"simple": simple, "domain": domain, "post-stratified": post_stratified}
SMALLEST_GROUP = {"simple": 1.0, "domain": 1.0, "post-stratified": 0.5}  # share of n
COVERAGE: dict[tuple[str, str, int], float] = {}


@pytest.mark.parametrize("population", list(POPULATIONS))
@pytest.mark.parametrize("design", list(DESIGNS))
def test_95_percent_intervals_cover_the_truth_95_percent_of_the_time(
    population: str, design: str
) -> None:
    draw, truth = POPULATIONS[population]
    rng = np.random.default_rng(sorted(POPULATIONS).index(population) * 10 + len(design))
    for n in SIZES:
        mean, se, effective_n = DESIGNS[design](rng, draw, n)
        low, high = wilson_95(mean, se, effective_n)
        assert np.all((low >= 0.0) & (low <= mean) & (mean <= high) & (high <= 100.0))
        assert np.all(high > low)  # never collapsed, even where every answer was the same
        coverage = float(100.0 * np.mean((low <= truth) & (truth <= high)))
        COVERAGE[(design, population, n)] = coverage
        edge = min(truth, 100.0 - truth) / 100.0
        if n * SMALLEST_GROUP[design] * edge >= 5:
            assert 93.0 <= coverage <= 97.0, (n, coverage)
        assert coverage >= 91.0, (n, coverage)


def test_over_all_settings_coverage_is_95_percent() -> None:
    for design in DESIGNS:
        for population in POPULATIONS:
            if (design, population, SIZES[0]) not in COVERAGE:
                test_95_percent_intervals_cover_the_truth_95_percent_of_the_time(population, design)
    average = sum(COVERAGE.values()) / len(COVERAGE)
    assert 94.0 <= average <= 96.0
