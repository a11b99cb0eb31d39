"""Difference-in-differences of counts: Poisson regression with area and period fixed effects.

Model: log E[y_at] = α_a + γ_t + δ D_at, D_at = 1 when area a is treated and period t is after
the intervention starts. exp(δ) is the rate ratio: the treated areas' counts after, relative to
what the control areas' change says they would have been.

Fit: the Poisson maximum likelihood. For given (γ, δ) the area effects have a closed form,
exp(α_a) = R_a / Σ_t exp(γ_t + δ D_at) (R_a the area's total), so Newton's method runs on (γ, δ)
alone, on the concentrated (multinomial) log-likelihood, whose maximiser is the Poisson one;
steps are halved until the log-likelihood rises. An area whose counts are all zero has
α_a = −∞ and contributes nothing to (γ, δ): it is dropped and listed (`dropped_areas`), as
fixest and ppmlhdfe do; so is a period with no count in any remaining area.

Inference, by area (the cluster):
- "cluster": the cluster-robust (sandwich) variance of the full model, whose (γ, δ) block is
  H⁻¹ (Σ_a s_a s_aᵀ) H⁻¹ with H the concentrated information and s_a area a's score (its α_a
  component is zero at the maximum), times CR1's small-sample factor. By default
  G/(G−1) · (N−1)/(N−K), G areas, N cells, K = G + T parameters (every area and period effect
  and δ): statsmodels' `GLM(...).fit(cov_type="cluster")` with area and period dummies
  (`use_correction=True`). `small_sample="stata"` applies G/(G−1) alone, as Stata's
  `poisson ..., vce(cluster area)` does. The 95% interval and the p-value are normal (Wald).
- "randomization" (few clusters: fewer than 20 areas, or a single treated or control area, where
  cluster-robust errors are unreliable, Cameron & Miller 2015): the treatment is reassigned
  among the areas, keeping the number treated; every assignment when there are at most
  `max_enumeration` of them, else `draws` seeded random ones plus the observed one. The
  statistic is the score of δ under the null model: for a hypothesised δ₀ the untreated counts
  are ỹ = y·exp(−δ₀ D) (the sharp null of a constant rate ratio), the two-way null fit on ỹ is
  R̃_a C̃_t / Ñ, and S(assignment) = Σ_{treated a, post t} (ỹ_at − R̃_a C̃_t / Ñ), a sum of one
  number per area. The p-value is the share of assignments with |S| ≥ |S_observed|; the 95%
  interval is every δ₀ the test does not reject at 5% (test inversion, over a grid of δ₀ from
  δ̂ − 6 to δ̂ + 6 in steps of 0.01, its outer ends refined by bisection). A side on which the
  test never rejects within that range is open (None); so are both when the smallest p-value
  the assignments allow exceeds 5%.
"""

import math
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import special, stats

from interventions.evaluation.errors import Z_95, EvaluationInputError

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

FEW_AREAS = 20
MAX_ENUMERATION = 5000
DRAWS = 4999
GRID_HALF_WIDTH = 6.0
GRID_STEP = 0.01
ALPHA = 0.05

Inference = Literal["auto", "cluster", "randomization"]
SmallSample = Literal["statsmodels", "stata"]


@dataclass(frozen=True)
class Panel:
    """A complete areas × periods table of counts, zero areas and periods already dropped."""

    counts: Floats  # areas × periods
    treated: Bools  # per area
    post: Bools  # per period
    areas: tuple[int, ...]  # the input's index of each row
    periods: tuple[int, ...]  # the input's index of each column
    dropped_areas: tuple[int, ...]
    dropped_periods: tuple[int, ...]

    @property
    def exposure(self) -> Floats:
        """D_at: treated area × post period, as 0/1."""
        return np.outer(self.treated, self.post).astype(np.float64)


@dataclass(frozen=True)
class Fit:
    """The Poisson fit: θ = (γ_1 … γ_{T−1}, δ), its cluster-robust covariance (uncorrected)."""

    theta: Floats
    covariance: Floats  # H⁻¹ (Σ s_a s_aᵀ) H⁻¹, before the small-sample factor
    iterations: int


@dataclass(frozen=True)
class DiDResult:
    """The DiD estimate. `ci_low`/`ci_high` bound δ (None: open on that side)."""

    estimate: float  # δ, the log rate ratio
    rate_ratio: float  # exp(δ)
    percent_change: float  # 100 (exp(δ) − 1)
    se: float | None  # CR1 cluster-robust by area (under either method); None: not computable
    ci_low: float | None
    ci_high: float | None
    p_value: float | None  # of δ = 0, by the method below; None: not computable
    method: Literal["cluster", "randomization"]
    small_sample: SmallSample
    n_areas: int
    n_treated: int
    n_control: int
    n_periods: int
    dropped_areas: tuple[int, ...]  # input indices of all-zero areas
    dropped_periods: tuple[int, ...]  # input indices of periods with no count at all
    n_assignments: int | None = None  # randomization: assignments compared (observed included)
    exact: bool | None = None  # randomization: every assignment enumerated
    seed: int | None = None
    note: str = ""

    @property
    def rate_ratio_ci(self) -> tuple[float | None, float | None]:
        low = None if self.ci_low is None else math.exp(self.ci_low)
        high = None if self.ci_high is None else math.exp(self.ci_high)
        return low, high


def prepare_panel(
    area: npt.ArrayLike,
    period: npt.ArrayLike,
    count: npt.ArrayLike,
    treated: npt.ArrayLike,
    post: npt.ArrayLike,
) -> Panel:
    """Check the long-form panel and make the table; raise EvaluationInputError when unusable.

    `area` and `period` index `treated` (one flag per area) and `post` (one per period); every
    area has exactly one count per period (a period without events is a count of 0).
    """
    try:
        area_, period_, count_, treated_, post_ = (
            np.asarray(values, dtype=np.float64).ravel()
            for values in (area, period, count, treated, post)
        )
    except (TypeError, ValueError) as error:
        raise EvaluationInputError(
            "non_numeric", "The counts, indices and flags must all be numbers."
        ) from error
    for values in (area_, period_, count_, treated_, post_):
        if not np.all(np.isfinite(values)):
            raise EvaluationInputError(
                "non_finite", "The counts, indices and flags must all be finite numbers."
            )
    if not area_.size == period_.size == count_.size:
        raise EvaluationInputError(
            "shape", "Area, period and count must have one value per cell each."
        )
    n_areas, n_periods = treated_.size, post_.size
    if (
        np.any(area_ != np.round(area_))
        or np.any(period_ != np.round(period_))
        or np.any((area_ < 0) | (area_ >= n_areas))
        or np.any((period_ < 0) | (period_ >= n_periods))
    ):
        raise EvaluationInputError(
            "index", "Every area and period index must point to a known area and period."
        )
    if np.any(count_ < 0):
        raise EvaluationInputError("negative", "Counts cannot be negative.")
    if not (np.all(np.isin(treated_, (0, 1))) and np.all(np.isin(post_, (0, 1)))):
        raise EvaluationInputError("flag", "Treated and post flags must be 0/1 or true/false.")
    is_treated, is_post = treated_ == 1, post_ == 1
    if not is_treated.any():
        raise EvaluationInputError("no_treated", "There is no treated (intervention) area.")
    if is_treated.all():
        raise EvaluationInputError("no_control", "There is no control (comparison) area.")
    if not is_post.any():
        raise EvaluationInputError("no_post", "There is no period after the intervention.")
    if is_post.all():
        raise EvaluationInputError("no_pre", "There is no period before the intervention.")

    rows, cols = area_.astype(np.intp), period_.astype(np.intp)
    seen = np.zeros((n_areas, n_periods), dtype=np.intp)
    np.add.at(seen, (rows, cols), 1)
    if np.any(seen > 1):
        raise EvaluationInputError("duplicate", "An area has more than one count for a period.")
    if np.any(seen == 0):
        raise EvaluationInputError(
            "incomplete",
            "Every area needs a count for every period (a period without events counts 0).",
        )
    table = np.zeros((n_areas, n_periods))
    table[rows, cols] = count_

    if table[is_treated].sum() == 0:
        raise EvaluationInputError(
            "treated_all_zero", "The treated areas have no events at all: nothing to compare."
        )
    if table[~is_treated].sum() == 0:
        raise EvaluationInputError(
            "control_all_zero", "The control areas have no events at all: nothing to compare."
        )
    for group, name in ((is_treated, "treated"), (~is_treated, "control")):
        for window, when in ((~is_post, "before"), (is_post, "after")):
            if table[np.ix_(group, window)].sum() == 0:
                raise EvaluationInputError(
                    "window_all_zero",
                    f"The {name} areas have no events {when} the intervention: "
                    "the rate ratio cannot be estimated.",
                )

    keep_areas = table.sum(axis=1) > 0
    keep_periods = table[keep_areas].sum(axis=0) > 0
    return Panel(
        counts=table[np.ix_(keep_areas, keep_periods)],
        treated=is_treated[keep_areas],
        post=is_post[keep_periods],
        areas=tuple(int(i) for i in np.flatnonzero(keep_areas)),
        periods=tuple(int(i) for i in np.flatnonzero(keep_periods)),
        dropped_areas=tuple(int(i) for i in np.flatnonzero(~keep_areas)),
        dropped_periods=tuple(int(i) for i in np.flatnonzero(~keep_periods)),
    )


def _design(panel: Panel) -> Floats:
    """X[a, t] = (period dummies for t = 1 … T−1, D_at): areas × periods × T."""
    n_areas, n_periods = panel.counts.shape
    design = np.zeros((n_areas, n_periods, n_periods))
    design[:, 1:, : n_periods - 1] = np.eye(n_periods)[1:, 1:]
    design[:, :, n_periods - 1] = panel.exposure
    return design


def _loglik(counts: Floats, eta: Floats) -> float:
    log_p = eta - special.logsumexp(eta, axis=1, keepdims=True)
    return float(np.sum(counts * log_p))


def _moments(counts: Floats, design: Floats, eta: Floats) -> tuple[Floats, Floats]:
    """The fitted means μ (areas × periods) and the concentrated information H at η."""
    totals = counts.sum(axis=1)
    p = special.softmax(eta, axis=1)
    mu: Floats = totals[:, None] * p
    mean_x = np.einsum("at,atk->ak", p, design)
    information: Floats = np.einsum("at,atk,atl->kl", mu, design, design) - np.einsum(
        "a,ak,al->kl", totals, mean_x, mean_x
    )
    return mu, information


def _no_convergence() -> EvaluationInputError:
    return EvaluationInputError(
        "no_convergence", "The Poisson regression did not converge on these counts."
    )


def fit(panel: Panel, *, tolerance: float = 1e-11, max_iterations: int = 100) -> Fit:
    """Newton's method on the concentrated Poisson log-likelihood (see the module's text)."""
    counts = panel.counts
    design = _design(panel)
    theta = np.zeros(design.shape[2])
    eta = design @ theta
    loglik = _loglik(counts, eta)
    iterations = 0
    try:
        while True:
            iterations += 1
            if iterations > max_iterations:
                raise _no_convergence()
            mu, information = _moments(counts, design, eta)
            gradient = np.einsum("at,atk->k", counts - mu, design)
            step = np.linalg.solve(information, gradient)
            for _ in range(60):  # halve the step until the log-likelihood does not fall
                candidate = theta + step
                candidate_eta = design @ candidate
                candidate_loglik = _loglik(counts, candidate_eta)
                if candidate_loglik >= loglik - 1e-12 * abs(loglik):
                    break
                step = step / 2
            theta, eta, loglik = candidate, candidate_eta, candidate_loglik
            if np.max(np.abs(step)) < tolerance:
                break
        if not np.all(np.isfinite(theta)):
            raise _no_convergence()
        mu, information = _moments(counts, design, eta)
        bread = np.linalg.inv(information)
    except np.linalg.LinAlgError as error:
        raise _no_convergence() from error
    scores = np.einsum("at,atk->ak", counts - mu, design)
    covariance = bread @ (scores.T @ scores) @ bread
    return Fit(theta=theta, covariance=covariance, iterations=iterations)


def small_sample_factor(panel: Panel, small_sample: SmallSample) -> float | None:
    """CR1's factor: G/(G−1) · (N−1)/(N−K) (statsmodels), or G/(G−1) (Stata).

    None when the model has as many parameters as cells (N = K): statsmodels' factor is then
    undefined, and the fit is exact anyway (every score is zero).
    """
    n_areas, n_periods = (int(n) for n in panel.counts.shape)
    factor = n_areas / (n_areas - 1)
    if small_sample == "statsmodels":
        n_cells, n_params = n_areas * n_periods, n_areas + n_periods
        if n_cells <= n_params:
            return None
        factor *= (n_cells - 1) / (n_cells - n_params)
    return factor


def assignments(
    panel: Panel, *, max_enumeration: int = MAX_ENUMERATION, draws: int = DRAWS, seed: int = 0
) -> tuple[Bools, bool]:
    """Treatment assignments to compare, the observed one first, and whether all were listed.

    Every way of choosing as many treated areas among the panel's areas when there are at most
    `max_enumeration`; else `draws` uniformly random ones (with replacement, seeded).
    """
    n_areas, n_treated = panel.treated.size, int(panel.treated.sum())
    observed = panel.treated[None, :]
    if math.comb(n_areas, n_treated) <= max_enumeration:
        listed = np.zeros((math.comb(n_areas, n_treated), n_areas), dtype=np.bool_)
        for row, chosen in enumerate(combinations(range(n_areas), n_treated)):
            listed[row, list(chosen)] = True
        others = listed[~np.all(listed == observed, axis=1)]
        return np.vstack([observed, others]), True
    rng = np.random.default_rng(seed)
    order = np.argsort(rng.random((draws, n_areas)), axis=1)[:, :n_treated]
    drawn = np.zeros((draws, n_areas), dtype=np.bool_)
    np.put_along_axis(drawn, order, True, axis=1)
    return np.vstack([observed, drawn]), False


def area_scores(panel: Panel, delta0: float) -> Floats:
    """Each area's term of the score statistic under the sharp null δ = δ₀ (module's text)."""
    untreated = panel.counts * np.exp(-delta0 * panel.exposure)
    totals = untreated.sum(axis=1)
    after = untreated[:, panel.post].sum(axis=1)
    scores: Floats = after - totals * (after.sum() / totals.sum())
    return scores


def randomization_p_value(panel: Panel, delta0: float, assigned: Bools) -> float:
    """Share of `assigned` (observed first) whose |S| is at least the observed |S|."""
    statistics = assigned.astype(np.float64) @ area_scores(panel, delta0)
    observed = abs(statistics[0])
    tolerance = 1e-9 * max(1.0, float(np.max(np.abs(statistics))))
    return float(np.mean(np.abs(statistics) >= observed - tolerance))


def _inverted_interval(
    panel: Panel, centre: float, assigned: Bools
) -> tuple[float | None, float | None]:
    """The δ₀ the randomization test does not reject at 5%: its outer ends, None if open."""

    def accepted(delta0: float) -> bool:
        return randomization_p_value(panel, delta0, assigned) > ALPHA

    steps = round(GRID_HALF_WIDTH / GRID_STEP)
    grid = centre + GRID_STEP * np.arange(-steps, steps + 1)
    inside = np.array([accepted(float(d)) for d in grid])
    if not inside.any():
        return None, None

    def refine(inner: float, outer: float) -> float:
        for _ in range(40):
            middle = (inner + outer) / 2
            if accepted(middle):
                inner = middle
            else:
                outer = middle
        return (inner + outer) / 2

    first, last = int(np.argmax(inside)), int(len(inside) - 1 - np.argmax(inside[::-1]))
    low = None if first == 0 else refine(float(grid[first]), float(grid[first - 1]))
    high = None if last == len(grid) - 1 else refine(float(grid[last]), float(grid[last + 1]))
    return low, high


def poisson_did(
    area: npt.ArrayLike,
    period: npt.ArrayLike,
    count: npt.ArrayLike,
    treated: npt.ArrayLike,
    post: npt.ArrayLike,
    *,
    inference: Inference = "auto",
    small_sample: SmallSample = "statsmodels",
    max_enumeration: int = MAX_ENUMERATION,
    draws: int = DRAWS,
    seed: int = 0,
) -> DiDResult:
    """The DiD rate ratio of a counts panel, with its 95% interval (see the module's text).

    `inference="auto"` uses randomization inference when there are fewer than 20 areas or a
    single treated or control area (after dropping all-zero areas), else the CR1 errors.
    """
    panel = prepare_panel(area, period, count, treated, post)
    result = fit(panel)
    delta = float(result.theta[-1])
    factor = small_sample_factor(panel, small_sample)
    variance = float(result.covariance[-1, -1]) * (factor or 0.0)
    se = math.sqrt(variance) if variance > 0 else None
    n_areas, n_periods = panel.counts.shape
    n_treated = int(panel.treated.sum())
    n_control = n_areas - n_treated
    if inference == "auto":
        few = n_areas < FEW_AREAS or min(n_treated, n_control) < 2
        inference = "randomization" if few else "cluster"
    n_assignments: int | None = None
    exact: bool | None = None
    note = ""
    if inference == "cluster":
        method: Literal["cluster", "randomization"] = "cluster"
        low: float | None = None
        high: float | None = None
        p_value: float | None = None
        if se is None:
            note = "The standard error cannot be computed: the model fits every cell exactly."
        else:
            low, high = delta - Z_95 * se, delta + Z_95 * se
            p_value = float(2 * stats.norm.sf(abs(delta) / se))
    else:
        method = "randomization"
        assigned, exact = assignments(
            panel, max_enumeration=max_enumeration, draws=draws, seed=seed
        )
        n_assignments = int(assigned.shape[0])
        low, high = _inverted_interval(panel, delta, assigned)
        p_value = randomization_p_value(panel, 0.0, assigned)
        if 1 / n_assignments > ALPHA:
            note = (
                f"With {n_assignments} possible assignments the smallest attainable p-value is "
                f"{1 / n_assignments:.3f}, above 0.05: no finite 95% interval exists."
            )
        elif low is None or high is None:
            note = "The randomization test does not reject on one side: the interval is open."
    return DiDResult(
        estimate=delta,
        rate_ratio=math.exp(delta),
        percent_change=100 * math.expm1(delta),
        se=se,
        ci_low=low,
        ci_high=high,
        p_value=p_value,
        method=method,
        small_sample=small_sample,
        n_areas=n_areas,
        n_treated=n_treated,
        n_control=n_control,
        n_periods=n_periods,
        dropped_areas=panel.dropped_areas,
        dropped_periods=panel.dropped_periods,
        n_assignments=n_assignments,
        exact=exact,
        seed=None if exact in (None, True) else seed,
        note=note,
    )
