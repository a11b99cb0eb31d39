"""The transparent risk index of districts, neighbourhoods and cells (issue 14, deliverable 6).

Three components per area, each shown beside the index: likelihood (the incident rate, smoothed
by Marshall's global empirical Bayes so that a tiny area with two reports does not top the list),
impact (the mean harm weight per incident) and perception (night-time place evaluations and the
survey's fear-of-crime share). docs/analytics/risk-index.md writes every formula out;
tests/analytics/test_risk_index.py checks them against esda and hand computations.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

FloatArray = NDArray[np.float64]

PER_RESIDENTS: Final = 1_000.0
BASIS_RESIDENTS: Final = "per 1,000 residents"
BASIS_AREA: Final = "per km²"
BASIS_NONE: Final = "none"

LIKELIHOOD: Final = "likelihood"
IMPACT: Final = "impact"
PERCEPTION: Final = "perception"
COMPONENTS: Final = (LIKELIHOOD, IMPACT, PERCEPTION)
DEFAULT_WEIGHTS: Final[Mapping[str, float]] = {LIKELIHOOD: 0.5, IMPACT: 0.25, PERCEPTION: 0.25}

# A perception indicator from fewer answers than this is treated as missing: the mean of one
# or two ratings says more about the raters than about the place.
DEFAULT_MIN_PLACE_EVALUATIONS: Final = 5
DEFAULT_MIN_SURVEY_RESPONDENTS: Final = 5


@dataclass(frozen=True)
class EmpiricalBayesRates:
    """Rates of every area, in the order given. NaN where the basis is "none"."""

    raw: FloatArray
    smoothed: FloatArray
    # The shrinkage weight w_i of the area's own rate (1 keeps it, 0 replaces it by the mean).
    shrinkage_weights: FloatArray
    # BASIS_RESIDENTS, BASIS_AREA or BASIS_NONE for each area.
    basis: tuple[str, ...]
    # Per basis used: the overall rate m and the between-area variance s² (after truncation).
    prior_means: Mapping[str, float]
    prior_variances: Mapping[str, float]


def marshall_global_eb(counts: ArrayLike, exposure: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Marshall's (1991) global empirical Bayes rates (per unit of exposure) and shrinkage weights.

    Every exposure must be positive. The between-area variance estimate is truncated at 0, in
    which case every area gets the overall mean (esda's Empirical_Bayes does not truncate).
    """
    c = np.asarray(counts, dtype=np.float64)
    p = np.asarray(exposure, dtype=np.float64)
    mean, variance = marshall_prior(c, p)
    raw = c / p
    # s² = 0 also covers m = 0 (no incidents anywhere), where the formula would be 0 / 0.
    weights = np.zeros_like(raw) if variance == 0.0 else variance / (variance + mean / p)
    return weights * raw + (1.0 - weights) * mean, weights


def marshall_prior(counts: ArrayLike, exposure: ArrayLike) -> tuple[float, float]:
    """The overall rate m = Σc / Σp and Marshall's moment estimate of the between-area variance,
    s² = Σ p (r - m)² / Σp - m / p̄, truncated at 0."""
    c = np.asarray(counts, dtype=np.float64)
    p = np.asarray(exposure, dtype=np.float64)
    if c.shape != p.shape or c.ndim != 1 or len(c) == 0:
        raise ValueError("counts and exposure must be non-empty one-dimensional arrays alike.")
    if not (np.isfinite(p).all() and (p > 0).all()):
        raise ValueError("Every exposure must be positive.")
    mean = float(c.sum() / p.sum())
    variance = float(np.sum(p * (c / p - mean) ** 2) / p.sum() - mean / p.mean())
    return mean, max(variance, 0.0)


def empirical_bayes_rates(
    counts: ArrayLike, population: ArrayLike, area_km2: ArrayLike | None = None
) -> EmpiricalBayesRates:
    """Smoothed incident rates: per 1,000 residents where the population is positive; for the
    areas without residents, per km² of area, smoothed among those areas only (the two bases
    are never pooled); NaN with basis "none" where neither is known. A population or area that
    is NaN counts as unknown."""
    c = _counts(counts)
    people = np.asarray(population, dtype=np.float64)
    if people.shape != c.shape:
        raise ValueError("population must have one value per area.")
    if (people < 0).any():
        raise ValueError("A population cannot be negative.")
    has_residents = np.nan_to_num(people, nan=0.0) > 0
    if area_km2 is None:
        has_area = np.zeros_like(has_residents)
        km2 = np.full_like(people, np.nan)
    else:
        km2 = np.asarray(area_km2, dtype=np.float64)
        if km2.shape != c.shape:
            raise ValueError("area_km2 must have one value per area.")
        if (km2 < 0).any():
            raise ValueError("An area cannot be negative.")
        has_area = ~has_residents & (np.nan_to_num(km2, nan=0.0) > 0)

    raw = np.full(len(c), np.nan)
    smoothed = np.full(len(c), np.nan)
    weights = np.full(len(c), np.nan)
    prior_means: dict[str, float] = {}
    prior_variances: dict[str, float] = {}
    # Residents in thousands, so that the rates come out per 1,000 residents (the weights do not
    # depend on the unit: s² scales with its square, as does m / p).
    for pool_basis, pool, exposure in (
        (BASIS_RESIDENTS, has_residents, people / PER_RESIDENTS),
        (BASIS_AREA, has_area, km2),
    ):
        if pool.any():
            raw[pool] = c[pool] / exposure[pool]
            smoothed[pool], weights[pool] = marshall_global_eb(c[pool], exposure[pool])
            prior_means[pool_basis], prior_variances[pool_basis] = marshall_prior(
                c[pool], exposure[pool]
            )
    basis = np.where(has_residents, BASIS_RESIDENTS, np.where(has_area, BASIS_AREA, BASIS_NONE))
    return EmpiricalBayesRates(
        raw, smoothed, weights, tuple(str(b) for b in basis), prior_means, prior_variances
    )


def percentile_scores(values: ArrayLike) -> FloatArray:
    """0-100 by mid-rank: 100 (rank - 1) / (n - 1) with ties given their average rank, over the
    finite values; NaN stays NaN. A single value, or values all equal, score 50."""
    x = np.asarray(values, dtype=np.float64)
    scores = np.full(x.shape, np.nan)
    present = np.isfinite(x)
    n = int(present.sum())
    if n == 1:
        scores[present] = 50.0
    elif n > 1:
        scores[present] = 100.0 * (stats.rankdata(x[present], method="average") - 1.0) / (n - 1)
    return scores


@dataclass(frozen=True)
class AreaRisk:
    """One area's index with everything it is made of. None marks a value that is missing."""

    area: str
    incidents: int
    population: float | None
    area_km2: float | None
    # Likelihood: BASIS_RESIDENTS, BASIS_AREA or BASIS_NONE (then no likelihood).
    likelihood_basis: str
    raw_rate: float | None
    likelihood: float | None  # the empirical Bayes rate, in likelihood_basis
    shrinkage_weight: float | None
    # Impact: mean harm weight per incident; None without incidents.
    impact: float | None
    # Perception: the night-time "feeling unsafe" mean (1-5) and the fear-of-crime share (0-1),
    # each with its n; perception is the mean of (rating - 1) / 4 and the share, as available.
    night_unsafe_mean: float | None
    night_unsafe_n: int
    fear_share: float | None
    fear_n: int
    perception: float | None
    # 0-100 percentile scores of the three components.
    likelihood_score: float | None
    impact_score: float | None
    perception_score: float | None
    # The weights actually applied (renormalised over the components used); they sum to 1.
    weights_used: Mapping[str, float]
    components_used: tuple[str, ...]
    index: float | None
    # 1 = highest index; ties share the better rank (1, 2, 2, 4). None without an index.
    rank: int | None


def risk_index(
    *,
    areas: Sequence[str],
    counts_by_category: ArrayLike,
    harm_weights: ArrayLike,
    population: ArrayLike,
    area_km2: ArrayLike | None = None,
    night_unsafe_mean: ArrayLike | None = None,
    night_unsafe_n: ArrayLike | None = None,
    fear_share: ArrayLike | None = None,
    fear_n: ArrayLike | None = None,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    min_place_evaluations: int = DEFAULT_MIN_PLACE_EVALUATIONS,
    min_survey_respondents: int = DEFAULT_MIN_SURVEY_RESPONDENTS,
) -> list[AreaRisk]:
    """The index of every area, in the order given.

    counts_by_category is areas × categories; harm_weights has one weight per category (set by
    admins). The perception inputs have one value per area; NaN (or an n below the minimum)
    marks it missing.
    """
    n_areas = len(areas)
    counts = np.asarray(counts_by_category, dtype=np.float64)
    harm = np.asarray(harm_weights, dtype=np.float64)
    if counts.ndim != 2 or counts.shape[0] != n_areas or counts.shape[1] != len(harm):
        raise ValueError("counts_by_category must be areas × categories, one harm weight each.")
    if (harm < 0).any() or not np.isfinite(harm).all():
        raise ValueError("Harm weights must be finite and not negative.")
    component_weights = _component_weights(weights)

    _counts(counts.ravel())
    incidents = counts.sum(axis=1)
    rates = empirical_bayes_rates(incidents, population, area_km2)
    people = np.asarray(population, dtype=np.float64)
    km2 = np.full(n_areas, np.nan) if area_km2 is None else np.asarray(area_km2, np.float64)

    with np.errstate(invalid="ignore", divide="ignore"):
        impact = np.where(incidents > 0, counts @ harm / incidents, np.nan)

    if (night_unsafe_mean is not None and night_unsafe_n is None) or (
        fear_share is not None and fear_n is None
    ):
        raise ValueError("A perception indicator needs its number of answers (its n).")
    unsafe = _per_area(night_unsafe_mean, n_areas)
    unsafe_n = _per_area(night_unsafe_n, n_areas, fill=0.0)
    fear = _per_area(fear_share, n_areas)
    fear_count = _per_area(fear_n, n_areas, fill=0.0)
    if ((unsafe < 1) | (unsafe > 5)).any():
        raise ValueError("Night-time ratings are on a 1-5 scale.")
    if ((fear < 0) | (fear > 1)).any():
        raise ValueError("The fear-of-crime share is between 0 and 1.")
    unsafe = np.where(unsafe_n >= min_place_evaluations, unsafe, np.nan)
    fear = np.where(fear_count >= min_survey_respondents, fear, np.nan)
    perception_parts = np.column_stack([(unsafe - 1.0) / 4.0, fear])
    has_perception = np.isfinite(perception_parts).any(axis=1)
    perception = np.full(n_areas, np.nan)
    perception[has_perception] = np.nanmean(perception_parts[has_perception], axis=1)

    # Likelihood is ranked within its basis: a rate per km² is not compared with one per resident.
    basis = np.array(rates.basis)
    likelihood_score = np.full(n_areas, np.nan)
    for pool_basis in (BASIS_RESIDENTS, BASIS_AREA):
        pool = basis == pool_basis
        likelihood_score[pool] = percentile_scores(rates.smoothed[pool])
    scores = np.column_stack(
        [likelihood_score, percentile_scores(impact), percentile_scores(perception)]
    )

    available = np.isfinite(scores)
    applied = np.where(available, component_weights, 0.0)
    total = applied.sum(axis=1)
    has_index = total > 0
    applied[has_index] /= total[has_index, None]
    index = np.where(has_index, np.sum(np.where(available, scores, 0.0) * applied, axis=1), np.nan)
    rank = np.full(n_areas, -1)
    if has_index.any():
        rank[has_index] = stats.rankdata(-index[has_index], method="min").astype(int)

    results = []
    for i, area in enumerate(areas):
        used = tuple(
            name for k, name in enumerate(COMPONENTS) if available[i, k] and applied[i, k] > 0
        )
        results.append(
            AreaRisk(
                area=area,
                incidents=int(incidents[i]),
                population=_optional(people[i]),
                area_km2=_optional(km2[i]),
                likelihood_basis=rates.basis[i],
                raw_rate=_optional(rates.raw[i]),
                likelihood=_optional(rates.smoothed[i]),
                shrinkage_weight=_optional(rates.shrinkage_weights[i]),
                impact=_optional(impact[i]),
                night_unsafe_mean=_optional(unsafe[i]),
                night_unsafe_n=int(unsafe_n[i]),
                fear_share=_optional(fear[i]),
                fear_n=int(fear_count[i]),
                perception=_optional(perception[i]),
                likelihood_score=_optional(scores[i, 0]),
                impact_score=_optional(scores[i, 1]),
                perception_score=_optional(scores[i, 2]),
                weights_used={name: float(applied[i, COMPONENTS.index(name)]) for name in used},
                components_used=used,
                index=_optional(index[i]),
                rank=int(rank[i]) if has_index[i] else None,
            )
        )
    return results


def _component_weights(weights: Mapping[str, float]) -> FloatArray:
    unknown = set(weights) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"Unknown components: {sorted(unknown)}.")
    values = np.array([float(weights.get(name, 0.0)) for name in COMPONENTS])
    if (values < 0).any() or not np.isfinite(values).all() or values.sum() <= 0:
        raise ValueError("Component weights must be finite, not negative, and not all zero.")
    return values


def _counts(values: ArrayLike) -> FloatArray:
    c = np.asarray(values, dtype=np.float64)
    if c.ndim != 1 or not np.isfinite(c).all() or (c < 0).any() or (c != np.round(c)).any():
        raise ValueError("Counts must be whole numbers, not negative.")
    return c


def _per_area(values: ArrayLike | None, n: int, fill: float = np.nan) -> FloatArray:
    if values is None:
        return np.full(n, fill)
    array = np.asarray(values, dtype=np.float64)
    if array.shape != (n,):
        raise ValueError("Each perception input must have one value per area.")
    return np.where(np.isnan(array), fill, array)


def _optional(value: np.float64) -> float | None:
    return float(value) if np.isfinite(value) else None
