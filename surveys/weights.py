"""Respondent weights of a wave: post-stratification or raking, computed per profile cell.

Respondents with the same district, gender and age band get the same weight, so weights are
computed on the counts of respondents per cell (one SQL query), never respondent by respondent:
- when the wave's margins give populations of full cells (district × gender × age band), each
  respondent of cell h weighs N_h / n_h (post-stratification);
- when they give only one-way margins (a district, a gender or an age band on its own), the
  weights are raked: iterative proportional fitting to each margin in turn until every margin
  with respondents is met to 1e-12, or for 1,000 rounds when no weights meet them all (logged),
  on arrays over the cells (NumPy);
- a respondent whose cell (or category, when raking) has no population weighs 0 and drops out
  of weighted estimates.
Without margins every respondent weighs 1 and `Design.weighted` is False: the estimates are
unweighted.

`design` also says what the weights were calibrated to (the post-strata, or each raked
dimension), which the standard errors need (see `surveys.estimates`).
"""

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db.models import Count

from surveys.models import PopulationMargin, Response, Survey

logger = logging.getLogger(__name__)

RAKING_TOLERANCE = 1e-12
RAKING_MAX_ROUNDS = 1000

Cell = tuple[int | None, str, str]  # (district id, gender, age band)
Floats = npt.NDArray[np.float64]
Indices = npt.NDArray[np.intp]
DIMENSIONS = ("area_id", "gender", "age_band")


@dataclass(frozen=True)
class CellWeight:
    area_id: int | None
    gender: str
    age_band: str
    weight: float
    n: int = 0  # complete responses in the cell


@dataclass(frozen=True)
class Design:
    """A wave's weighting: every profile cell with complete responses, and the calibration.

    `factors` lists what the weights were calibrated to, each as the dimensions (indices into
    DIMENSIONS) whose combination forms one factor: [(0, 1, 2)] for post-strata (district ×
    gender × age band), [(0,), (1,), (2,)] (those raked) for raking, [] when unweighted (every
    weight 1). `settled` is False when raking met not every margin: no weights of these
    responses meet them all (the weights are the last round's).
    """

    cells: list[CellWeight]
    weighted: bool
    factors: list[tuple[int, ...]]
    settled: bool = True


def design(survey: Survey) -> Design:
    """The weight and count of each profile cell with complete responses, and the calibration."""
    margins: list[dict[str, Any]] = [
        dict(row)
        for row in PopulationMargin.objects.filter(survey=survey)
        .order_by("area_id", "gender", "age_band")
        .values("area_id", "gender", "age_band", "population")
    ]
    # Both read in one order, so that a refresh sums in the same order and gives the same bits.
    counts: dict[Cell, int] = {
        (row["area_id"], row["gender"], row["age_band"]): row["n"]
        for row in Response.objects.filter(survey=survey, status=Response.Status.COMPLETE)
        .values("area_id", "gender", "age_band")
        .annotate(n=Count("id"))
        .order_by("area_id", "gender", "age_band")
    }
    factors: list[tuple[int, ...]]
    settled = True
    if not margins:
        weights = dict.fromkeys(counts, 1.0)
        factors = []
    else:
        full: dict[Cell, int] = {
            (m["area_id"], m["gender"], m["age_band"]): m["population"]
            for m in margins
            if m["area_id"] is not None and m["gender"] and m["age_band"]
        }
        if full:
            weights = {cell: full.get(cell, 0) / n for cell, n in counts.items()}
        else:
            weights, settled = _raked(counts, margins)
        factors = calibration_factors(margins)
    cells = [
        CellWeight(*cell, weight=w, n=counts[cell])
        for cell, w in sorted(weights.items(), key=_order)
    ]
    return Design(cells=cells, weighted=bool(margins), factors=factors, settled=settled)


def calibration_factors(margins: list[dict[str, Any]]) -> list[tuple[int, ...]]:
    """What margins (rows with area_id, gender, age_band) calibrate the weights to, as
    `Design.factors` says: the post-strata when any margin names a full cell, else each
    dimension that has one-way margins (raked), else nothing."""
    if any(m["area_id"] is not None and m["gender"] and m["age_band"] for m in margins):
        return [(0, 1, 2)]
    raked = set()
    for margin in margins:
        named = [i for i, dim in enumerate(DIMENSIONS) if margin[dim] not in (None, "")]
        if len(named) == 1:
            raked.add(named[0])
    return [(i,) for i in sorted(raked)]


def _order(item: tuple[Cell, float]) -> tuple[int, str, str]:
    (area_id, gender, age_band), _ = item
    return (area_id or 0, gender, age_band)


def _raked(
    counts: dict[Cell, int], margins: list[dict[str, Any]]
) -> tuple[dict[Cell, float], bool]:
    """The raked weight per respondent of each cell, and whether every margin was met."""
    # One-way margins per dimension: {dimension index: {value: population}}, the dimensions in
    # DIMENSIONS' order whatever the margins' order (the common total below is the first's).
    typed: dict[int, dict[object, float]] = {}
    for margin in margins:
        named = [i for i, dim in enumerate(DIMENSIONS) if margin[dim] not in (None, "")]
        if len(named) == 1:
            i = named[0]
            typed.setdefault(i, {})[margin[DIMENSIONS[i]]] = float(margin["population"])
    targets = dict(sorted(typed.items()))
    # Cells whose category of a raked dimension has no population weigh nothing.
    present = {i: {cell[i] for cell in counts} for i in targets}
    # Margins can only be met over categories that have respondents; each dimension's
    # reachable targets are scaled to one common total, or raking would chase totals that
    # disagree and never settle.
    common = None
    for i, values in targets.items():
        reachable = {v: p for v, p in values.items() if v in present[i]}
        total = sum(reachable.values())
        if total > 0:
            common = total if common is None else common
            targets[i] = {v: p * common / total for v, p in reachable.items()}
    # Arrays over the cells, in the counts' order: np.bincount adds in that order, as a loop over
    # the cells would, so the weights are the same to the bit at every refresh. Per raked
    # dimension, each cell's category as an index into its targets, one more index for a
    # category without a target (its cells weigh 0 from the start, so its sum stays 0).
    if not counts:
        return {}, True  # no respondents: no weights, and no margin with respondents to meet
    cells = list(counts)
    n = np.array([counts[cell] for cell in cells], dtype=np.float64)
    dimensions: list[tuple[Indices, Floats]] = []
    for i, values in targets.items():
        index = {value: k for k, value in enumerate(values)}
        codes = np.array([index.get(cell[i], len(index)) for cell in cells], dtype=np.intp)
        goal = np.array([*values.values(), 0.0], dtype=np.float64)
        dimensions.append((codes, goal))
    weights = n.copy()
    for codes, goal in dimensions:
        weights[codes == len(goal) - 1] = 0.0
    settled = False
    for _ in range(RAKING_MAX_ROUNDS):
        for codes, goal in dimensions:
            totals = np.bincount(codes, weights=weights, minlength=len(goal))
            factors = np.divide(goal, totals, out=np.ones_like(totals), where=totals > 0)
            weights *= factors[codes]
        if _met(weights, dimensions):
            settled = True
            break
    else:
        logger.warning("raking did not settle within %d rounds", RAKING_MAX_ROUNDS)
    # Per respondent, not per cell: the cell total spread over its respondents.
    return dict(zip(cells, (weights / n).tolist(), strict=True)), settled


def _met(weights: Floats, dimensions: list[tuple[Indices, Floats]]) -> bool:
    """Every category with weight meets its target to RAKING_TOLERANCE."""
    for codes, goal in dimensions:
        totals = np.bincount(codes, weights=weights, minlength=len(goal))
        off = (totals > 0) & (np.abs(totals - goal) > RAKING_TOLERANCE * goal)
        if off.any():
            return False
    return True
