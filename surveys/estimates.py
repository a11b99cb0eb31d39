"""Indicator estimates of a wave: n, estimate, standard error, 95% interval, effective n.

The method (docs/surveys.md says the same for analysts, with the R calls that reproduce it):
- an item's score is 100 × (answer − lowest) / (highest − lowest) on the question's own range
  (the Likert scale, the number range, or the choices' scores); reverse-coded, 100 minus that;
- a respondent's score for an indicator is the mean of their item scores (at least one item
  answered); y is that score (method "mean") or 100 when it reaches the threshold, else 0
  ("share", a percentage);
- with weights w (1 when the wave has no margins; see weights.py), for each wave × indicator ×
  district × group cell (a domain d) and their totals: the estimate ȳ_d = Σ_d wy / Σ_d w;
  its variance as R's survey package computes it for a domain mean on a design calibrated by
  postStratify() or rake(): the linearised values z_i = 1_d(i)(y_i − ȳ_d) / Σ_d w are replaced
  by their residuals r from the least-squares fit on the calibration variables (the post-strata,
  or every raked dimension's categories), u = w r, and Var = n/(n−1) Σ (u − ū)² over the whole
  sample of n respondents (a domain is a subset of the design, not a design of its own);
  Kish's effective sample size (Σw)² / Σw²; the 95% interval is Wilson's on ȳ/100 with the
  effective n implied by the standard error (see `wilson_95`), which stays within 0–100.
- a cell with fewer than SURVEY_MIN_CELL_SIZE respondents (k) is suppressed: no n, no values;
  and so are the cells that would let arithmetic on the shown ones recover a group of fewer
  than k (surveys/suppression.py).

The calibration variables and the weights are constant within a fine cell (district × group ×
gender × age band), so the refresh keeps per fine cell and indicator only n, the mean of y and
the sum of squared deviations from it (`CellStatistic`, written by
`surveys.services.statistics`); every estimate follows from them with NumPy, since within a fine
cell Σ (r_i − t)² = m2/(Σ_d w)² + n (a − t)² for any constant t (the fit, which is constant
there too). New responses merge into these by Chan's formula, without reading the others
(incremental). No sum of squares is ever subtracted from another, so nothing is lost to
cancellation (a cell where everybody answers alike has an error of exactly 0).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from django.conf import settings

from surveys.models import CellStatistic, Survey
from surveys.suppression import hidden_cells
from surveys.weights import Design, design

Z_95 = 1.959963984540054
# A standard error below this (score points) is rounding noise of identical answers: the
# interval then takes Kish's effective n instead of the one implied by the error.
SE_NOISE = 1e-9

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class FineCells:
    """One indicator's fine cells (district × group × gender × age band), as parallel arrays."""

    profile: npt.NDArray[np.intp]  # index into the design's profile cells
    n: Floats
    mean: Floats
    m2: Floats  # sum of squared deviations from the cell's mean


@dataclass(frozen=True)
class DomainStatistics:
    """Per domain: n, the weighted mean, its calibrated variance, Kish's effective n."""

    n: Floats
    mean: Floats
    variance: Floats  # NaN when the design has a single respondent
    effective_n: Floats


def calibration_hat(design: Design) -> Floats:
    """The projection onto the calibration variables, between profile cells.

    The calibration's model matrix X has a row per respondent, constant within a profile cell
    (district × gender × age band), with a 0/1 column per category of each factor the weights
    were calibrated to. For per-respondent values z whose sums per profile cell are S, the
    least-squares fit on X (base weights 1) is X β with β = (XᵀX)⁺ XᵀS; its value in profile
    cell c is (H S)_c with H = X_c (XᵀX)⁺ X_cᵀ, XᵀX = Σ_c N_c x_c x_cᵀ over the N_c respondents
    of each cell. Without calibration H is 0.
    """
    cells = design.cells
    columns: dict[tuple[int, tuple[object, ...]], int] = {}
    rows: list[list[int]] = []
    for cell in cells:
        profile = (cell.area_id, cell.gender, cell.age_band)
        rows.append(
            [
                columns.setdefault((k, tuple(profile[i] for i in factor)), len(columns))
                for k, factor in enumerate(design.factors)
            ]
        )
    x = np.zeros((len(cells), len(columns)))
    for c, row in enumerate(rows):
        x[c, row] = 1.0
    counts = np.array([cell.n for cell in cells], dtype=float)
    gram = x.T @ (counts[:, None] * x)
    hat: Floats = x @ np.linalg.pinv(gram, hermitian=True) @ x.T
    return hat


def domain_statistics(
    design: Design, fine: FineCells, domains: npt.NDArray[np.intp], n_domains: int
) -> DomainStatistics:
    """The estimates of n_domains domains of one indicator, from its fine cells' n, mean, m2.

    `domains` pairs fine cells with the domains they belong to: a (pairs × 2) array of (fine
    cell, domain). Only profile cells of positive weight may appear in `fine`.

    The variance is the one R's survey package gives a domain mean (svyby / svymean) on a
    design `svydesign(ids=~1, weights=~1)` calibrated by postStratify() or (the limit of)
    rake(): with z_i = 1_d(i) (y_i − ȳ_d) / Σ_d w, the residuals r of z from the least-squares
    fit on the calibration variables, u = w r over the WHOLE sample of n respondents (those
    outside the domain, or without an answer, have z = 0 but still count), and
    Var = n/(n−1) Σ (u_i − ū)². The calibration variables are constant within a fine cell, so
    within one: Σ (r_i − t)² = m2 / (Σ_d w)² + n (a − f − t)², with a = (mean − ȳ_d)/Σ_d w and f
    the fit of the profile cell; no sum of squares is subtracted from another.
    """
    cells = design.cells
    w_profile = np.array([cell.weight for cell in cells])
    n_profile = np.array([cell.n for cell in cells], dtype=float)
    n_total = float(n_profile.sum())
    hat = calibration_hat(design)

    f_idx, d_idx = domains[:, 0], domains[:, 1]
    p_idx = fine.profile[f_idx]
    w = w_profile[p_idx]
    n, mean, m2 = fine.n[f_idx], fine.mean[f_idx], fine.m2[f_idx]

    def per_domain(values: Floats) -> Floats:
        return np.bincount(d_idx, weights=values, minlength=n_domains).astype(np.float64)

    n_d = per_domain(n)
    sum_w = per_domain(w * n)
    sum_ww = per_domain(w * w * n)
    y_bar = per_domain(w * n * mean) / sum_w
    # A domain whose fine cells all have the same mean has exactly that mean (no rounding),
    # so that its residuals are exactly 0 when everybody answered alike.
    low = np.full(n_domains, np.inf)
    high = np.full(n_domains, -np.inf)
    np.minimum.at(low, d_idx, mean)
    np.maximum.at(high, d_idx, mean)
    y_bar = np.where(low == high, low, y_bar)

    a = (mean - y_bar[d_idx]) / sum_w[d_idx]
    n_profiles = len(cells)
    # Per profile cell and domain: Σ z (S), the respondents with z (k), the fit (F).
    s = np.zeros((n_profiles, n_domains))
    k = np.zeros((n_profiles, n_domains))
    np.add.at(s, (p_idx, d_idx), n * a)
    np.add.at(k, (p_idx, d_idx), n)
    fit = hat @ s
    # ū: the mean of u = w r over all n respondents.
    u_bar = (w_profile[:, None] * (s - n_profile[:, None] * fit)).sum(axis=0) / n_total
    # Σ (u − ū)² = Σ_c w_c² Σ_{i∈c} (r_i − t_c)², t_c = ū / w_c: the respondents with z first...
    t = u_bar[None, :] / w_profile[:, None]
    inside = w * w * (m2 / sum_w[d_idx] ** 2 + n * (a - fit[p_idx, d_idx] - t[p_idx, d_idx]) ** 2)
    # ...then those with z = 0 (outside the domain, or without an answer): r = −f.
    rest = np.maximum(n_profile[:, None] - k, 0.0)
    outside = (w_profile[:, None] ** 2 * rest * (fit + t) ** 2).sum(axis=0)
    squares = per_domain(inside) + outside
    variance = n_total / (n_total - 1) * squares if n_total > 1 else np.full(n_domains, np.nan)
    return DomainStatistics(
        n=n_d, mean=y_bar, variance=variance, effective_n=sum_w * sum_w / sum_ww
    )


@dataclass(frozen=True)
class Estimate:
    indicator_id: int
    area_id: int | None  # None: all districts
    group: str  # "": all groups
    n: int | None  # None when suppressed
    weighted: bool
    suppressed: bool
    estimate: float | None
    std_error: float | None
    ci_low: float | None
    ci_high: float | None
    effective_n: float | None

    @classmethod
    def suppressed_cell(
        cls, indicator_id: int, area_id: int | None, group: str, weighted: bool
    ) -> "Estimate":
        return cls(
            indicator_id=indicator_id,
            area_id=area_id,
            group=group,
            n=None,
            weighted=weighted,
            suppressed=True,
            estimate=None,
            std_error=None,
            ci_low=None,
            ci_high=None,
            effective_n=None,
        )


def estimates_compute(survey: Survey) -> list[Estimate]:
    """Every estimate of a wave, from its cell statistics (kept by the refresh)."""
    full = design(survey)
    # Respondents of weight 0 are not in the design (R's data would leave them out).
    the_design = replace(full, cells=[c for c in full.cells if c.weight > 0])
    profiles = {(c.area_id, c.gender, c.age_band): i for i, c in enumerate(the_design.cells)}
    rows: dict[int, list[tuple[int | None, str, int, int, float, float]]] = {}
    for indicator_id, area_id, group, gender, age_band, n, mean, m2 in (
        CellStatistic.objects.filter(survey=survey)
        .order_by("indicator_id", "area_id", "group", "gender", "age_band")
        .values_list("indicator_id", "area_id", "group", "gender", "age_band", "n", "mean", "m2")
    ):
        profile = profiles.get((area_id, gender, age_band))
        if profile is not None and n > 0:
            rows.setdefault(indicator_id, []).append((area_id, group, profile, n, mean, m2))
    k = settings.SURVEY_MIN_CELL_SIZE
    estimates = []
    for indicator_id, cells in sorted(rows.items()):
        keys, stats = _indicator_statistics(the_design, cells)
        hidden = hidden_cells({key: int(n) for key, n in zip(keys, stats.n, strict=True)}, k)
        for (domain_area, group), n, mean, variance, kish in zip(
            keys, stats.n, stats.mean, stats.variance, stats.effective_n, strict=True
        ):
            if (domain_area, group) in hidden:
                estimates.append(
                    Estimate.suppressed_cell(indicator_id, domain_area, group, full.weighted)
                )
                continue
            se = None if math.isnan(variance) else math.sqrt(max(float(variance), 0.0))
            low, high = (None, None) if se is None else interval_95(float(mean), se, float(kish))
            estimates.append(
                Estimate(
                    indicator_id=indicator_id,
                    area_id=domain_area,
                    group=group,
                    n=int(n),
                    weighted=full.weighted,
                    suppressed=False,
                    estimate=float(mean),
                    std_error=se,
                    ci_low=low,
                    ci_high=high,
                    effective_n=float(kish) if full.weighted else float(n),
                )
            )
    return estimates


def _indicator_statistics(
    the_design: Design, cells: Sequence[tuple[int | None, str, int, int, float, float]]
) -> tuple[list[tuple[int | None, str]], DomainStatistics]:
    """One indicator's domains (every district × group, and the totals) and their statistics.

    Respondents without a district count in the totals over districts only.
    """
    fine = FineCells(
        profile=np.array([c[2] for c in cells], dtype=np.intp),
        n=np.array([c[3] for c in cells], dtype=float),
        mean=np.array([c[4] for c in cells], dtype=float),
        m2=np.array([c[5] for c in cells], dtype=float),
    )
    index: dict[tuple[int | None, str], int] = {}
    pairs: list[tuple[int, int]] = []
    for f, (area_id, group, *_) in enumerate(cells):
        # Without a district (None), the first two keys are the totals: no cell of its own.
        for key in dict.fromkeys(((area_id, group), (area_id, ""), (None, group), (None, ""))):
            pairs.append((f, index.setdefault(key, len(index))))
    keys = sorted(index, key=lambda key: (key[0] or 0, key[1]))
    order = np.array([index[key] for key in keys], dtype=np.intp)
    stats = domain_statistics(the_design, fine, np.array(pairs, dtype=np.intp), len(index))
    return keys, DomainStatistics(
        n=stats.n[order],
        mean=stats.mean[order],
        variance=stats.variance[order],
        effective_n=stats.effective_n[order],
    )


def wilson_95(estimate: Floats, std_error: Floats, effective_n: Floats) -> tuple[Floats, Floats]:
    """95% intervals of scores on 0–100 (means or shares), vectorised: Wilson's score interval
    for p = estimate / 100 with the effective sample size n* = p(1 − p) / Var(p) implied by the
    standard error (R's `svyciprop(method = "wilson", df = Inf)`), or Kish's effective n when
    that is undefined (p is 0 or 1, or the error is 0: everybody answered alike). It never
    leaves 0–100 and, with n* finite, never collapses to a point.
    """
    p = np.asarray(estimate, dtype=float) / 100.0
    v = (np.asarray(std_error, dtype=float) / 100.0) ** 2
    pq = p * (1.0 - p)
    implied = (np.asarray(std_error) > SE_NOISE) & (pq > 0)
    n_star = np.where(implied, pq / np.where(implied, v, 1.0), np.asarray(effective_n, float))
    z2 = Z_95 * Z_95
    denominator = 1.0 + z2 / n_star
    centre = (p + z2 / (2.0 * n_star)) / denominator
    half = Z_95 / denominator * np.sqrt(pq / n_star + z2 / (4.0 * n_star * n_star))
    # The interval holds the estimate (at 0 or 100 it ends there: no rounding across it).
    estimate = 100.0 * p
    return (
        np.clip(np.minimum(100.0 * (centre - half), estimate), 0.0, 100.0),
        np.clip(np.maximum(100.0 * (centre + half), estimate), 0.0, 100.0),
    )


def interval_95(estimate: float, std_error: float, effective_n: float) -> tuple[float, float]:
    """The 95% interval of one score (see `wilson_95`)."""
    low, high = wilson_95(np.array([estimate]), np.array([std_error]), np.array([effective_n]))
    return float(low[0]), float(high[0])
