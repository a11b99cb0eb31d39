"""Prospective hotspot maps for the coming week and their backtest by PAI and PEI*.

Three ways to score analysis cells for the week after a cut-off (a prospective near-repeat
surface, last period's counts, a retrospective kernel density), the selection of the top cells
covering a share of the area, and a rolling weekly backtest. Every formula and convention is
written out in docs/analytics/prospective-hotspots.md; tests/analytics/test_prospective.py
checks them by hand, by brute force and against scikit-learn's KernelDensity.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.spatial import cKDTree

from curim.analytics.hotspots import require_greek_grid_metres

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

Method = Literal["prospective", "last_period", "retrospective_kde"]
METHODS: Final[tuple[Method, ...]] = ("prospective", "last_period", "retrospective_kde")
AREA_SHARES: Final = (0.01, 0.05, 0.10)
DAYS_PER_WEEK: Final = 7.0
# The Gaussian kernel is cut at this many bandwidths, where it is exp(-32) ≈ 1.3e-14 of its peak.
KDE_TRUNCATION_BANDWIDTHS: Final = 8.0
# Cumulative area is compared with the target share with this relative slack, so that 5 cells
# of 1/100 of the area cover 5% despite rounding in the sum.
AREA_RELATIVE_SLACK: Final = 1e-12


@dataclass(frozen=True)
class Cells:
    """Analysis cells: centres in EPSG:2100 metres, areas (m²) and the grid's cell width (m)."""

    x: FloatArray
    y: FloatArray
    area: FloatArray
    cell_size_m: float


@dataclass(frozen=True)
class Events:
    """Events: the cell each falls in (an index into Cells), its point in EPSG:2100 metres and
    its time in days since any fixed origin (the same origin as the cut-offs)."""

    cell: IntArray
    x: FloatArray
    y: FloatArray
    day: FloatArray


@dataclass(frozen=True)
class ProspectiveSettings:
    """Bowers, Johnson & Pease (2004): an event `w` weeks before the cut-off (see
    prospective_scores), in a cell at distance `d` from the scored cell, adds
    1/(1 + w) × 1/(1 + d / cell width), for d within the bandwidth and w within the window."""

    bandwidth_m: float = 400.0
    window_weeks: int = 8


@dataclass(frozen=True)
class LastPeriodSettings:
    """Counts of events in the last `weeks` whole weeks before the cut-off."""

    weeks: int = 1


@dataclass(frozen=True)
class RetrospectiveKdeSettings:
    """A Gaussian kernel density of the events of the last `window_weeks` weeks, with a fixed
    isotropic bandwidth (the kernel's standard deviation) in metres."""

    bandwidth_m: float = 200.0
    window_weeks: int = 52


@dataclass(frozen=True)
class HotspotSettings:
    prospective: ProspectiveSettings = field(default_factory=ProspectiveSettings)
    last_period: LastPeriodSettings = field(default_factory=LastPeriodSettings)
    retrospective_kde: RetrospectiveKdeSettings = field(default_factory=RetrospectiveKdeSettings)


@dataclass(frozen=True)
class Selection:
    """The top cells covering a share of the area, best first."""

    cells: IntArray
    area_share: float


@dataclass(frozen=True)
class SelectionAccuracy:
    """How a selection did in one test period; the ratios are nan when it had no events."""

    events: int
    captured: int
    # The most events any set of the same number of cells captured in the period (PEI*'s n*).
    best_possible: int
    area_share: float
    hit_rate: float
    pai: float
    pei_star: float


@dataclass(frozen=True)
class PeriodEvaluation:
    method: Method
    target_area_share: float
    cutoff_day: float
    accuracy: SelectionAccuracy


@dataclass(frozen=True)
class BacktestSummary:
    """Means over the test periods that had events; the others are only counted."""

    method: Method
    area_share: float
    periods: int
    periods_without_events: int
    hit_rate: float
    pai: float
    pei_star: float


@dataclass(frozen=True)
class Backtest:
    summaries: tuple[BacktestSummary, ...]
    periods: tuple[PeriodEvaluation, ...]

    def rows(self) -> list[dict[str, str | float | int]]:
        """One row per method × area share, for a CSV writer (the column names are stable)."""
        return [
            {
                "method": summary.method,
                "area_share": summary.area_share,
                "periods": summary.periods,
                "hit_rate": summary.hit_rate,
                "pai": summary.pai,
                "pei_star": summary.pei_star,
                "periods_without_events": summary.periods_without_events,
            }
            for summary in self.summaries
        ]

    def summary(self, method: Method, area_share: float) -> BacktestSummary:
        for summary in self.summaries:
            if summary.method == method and summary.area_share == area_share:
                return summary
        raise KeyError((method, area_share))


# --- Inputs ---------------------------------------------------------------------------------


def as_days(values: ArrayLike) -> FloatArray:
    """Days as floats: numbers are taken as days already; numpy datetime64 values become days
    since 1970-01-01 (naive, so give them in one time zone)."""
    array = np.asarray(values)
    if array.dtype.kind == "M":
        milliseconds = array.astype("datetime64[ms]").astype(np.int64)
        return np.asarray(milliseconds / 86_400_000.0, dtype=np.float64)
    return np.asarray(array, dtype=np.float64)


def analysis_cells(
    x: ArrayLike, y: ArrayLike, *, cell_size_m: float, area: ArrayLike | None = None
) -> Cells:
    """Cells from their centres; every area is cell_size_m² unless given (clipped edge cells)."""
    require_greek_grid_metres(x, y)
    centres_x = np.asarray(x, dtype=np.float64)
    if not (np.isfinite(cell_size_m) and cell_size_m > 0):
        raise ValueError("The cell width must be a positive number of metres.")
    if area is None:
        areas = np.full(len(centres_x), cell_size_m**2, dtype=np.float64)
    else:
        areas = np.asarray(area, dtype=np.float64)
        if areas.shape != centres_x.shape:
            raise ValueError("There must be one area per cell.")
        if not (np.isfinite(areas).all() and (areas > 0).all()):
            raise ValueError("Cell areas must be positive numbers.")
    return Cells(centres_x, np.asarray(y, dtype=np.float64), areas, float(cell_size_m))


def crime_events(
    cells: Cells, *, cell: ArrayLike, x: ArrayLike, y: ArrayLike, day: ArrayLike
) -> Events:
    """Events with the index of their cell, their point and their time (days or datetime64)."""
    indices = np.asarray(cell, dtype=np.int64)
    points_x = np.asarray(x, dtype=np.float64)
    points_y = np.asarray(y, dtype=np.float64)
    days = as_days(day)
    if not (indices.shape == points_x.shape == points_y.shape == days.shape) or indices.ndim != 1:
        raise ValueError("cell, x, y and day must be one-dimensional and of the same length.")
    if len(indices):
        require_greek_grid_metres(points_x, points_y)
    if ((indices < 0) | (indices >= len(cells.x))).any():
        raise ValueError("An event's cell index is outside the cells.")
    if not np.isfinite(days).all():
        raise ValueError("Event times must be finite.")
    return Events(indices, points_x, points_y, days)


# --- Scores -----------------------------------------------------------------------------------


def _in_window(events: Events, cutoff_day: float, weeks: int) -> NDArray[np.bool_]:
    """cutoff − 7 weeks <= day < cutoff: an age in (0, 7 weeks] days."""
    if weeks < 1:
        raise ValueError("A window must be at least one week.")
    return (events.day < cutoff_day) & (events.day >= cutoff_day - weeks * DAYS_PER_WEEK)


def proximity_weights(cells: Cells, *, bandwidth_m: float) -> sparse.csr_array:
    """w_ij = 1 / (1 + d_ij / cell width) for cell centres at most bandwidth_m apart, w_ii = 1."""
    if not bandwidth_m >= 0:
        raise ValueError("The bandwidth must be a non-negative number of metres.")
    points = np.column_stack([cells.x, cells.y])
    pairs = cKDTree(points).query_pairs(r=bandwidth_m, output_type="ndarray")
    distances = np.hypot(*(points[pairs[:, 0]] - points[pairs[:, 1]]).T)
    weights = 1.0 / (1.0 + distances / cells.cell_size_m)
    n = len(points)
    diagonal = np.arange(n, dtype=np.int64)
    rows = np.concatenate([pairs[:, 0], pairs[:, 1], diagonal])
    columns = np.concatenate([pairs[:, 1], pairs[:, 0], diagonal])
    values = np.concatenate([weights, weights, np.ones(n)])
    return sparse.csr_array((values, (rows, columns)), shape=(n, n), dtype=np.float64)


def prospective_scores(
    cells: Cells,
    events: Events,
    *,
    cutoff_day: float,
    settings: ProspectiveSettings | None = None,
    proximity: sparse.csr_array | None = None,
) -> FloatArray:
    """S_i = Σ_e 1/(1 + w_e) × v_{i, cell(e)} over the events of the last window_weeks weeks,
    with w_e = ceil((cutoff − day_e) / 7) − 1 the weeks ago (0 for an age in (0, 7] days, 1 for
    (7, 14], …) and v the proximity_weights; pass those precomputed when scoring many weeks."""
    settings = settings or ProspectiveSettings()
    recent = _in_window(events, cutoff_day, settings.window_weeks)
    weeks_ago = np.ceil((cutoff_day - events.day[recent]) / DAYS_PER_WEEK) - 1.0
    recency = np.bincount(
        events.cell[recent], weights=1.0 / (1.0 + weeks_ago), minlength=len(cells.x)
    )
    if proximity is None:
        proximity = proximity_weights(cells, bandwidth_m=settings.bandwidth_m)
    return np.asarray(proximity @ recency, dtype=np.float64)


def last_period_scores(
    cells: Cells,
    events: Events,
    *,
    cutoff_day: float,
    settings: LastPeriodSettings | None = None,
) -> FloatArray:
    """Events per cell in the last `weeks` weeks before the cut-off."""
    settings = settings or LastPeriodSettings()
    recent = _in_window(events, cutoff_day, settings.weeks)
    return np.bincount(events.cell[recent], minlength=len(cells.x)).astype(np.float64)


def retrospective_kde_scores(
    cells: Cells,
    events: Events,
    *,
    cutoff_day: float,
    settings: RetrospectiveKdeSettings | None = None,
) -> FloatArray:
    """f(c_i) = 1 / (n 2π h²) Σ_e exp(−|c_i − p_e|² / (2h²)) over the n events of the window,
    at each cell centre c_i (a density per m²; zero everywhere when the window is empty)."""
    settings = settings or RetrospectiveKdeSettings()
    bandwidth = settings.bandwidth_m
    if not bandwidth > 0:
        raise ValueError("The kernel bandwidth must be a positive number of metres.")
    window = _in_window(events, cutoff_day, settings.window_weeks)
    n = int(window.sum())
    if n == 0:
        return np.zeros(len(cells.x), dtype=np.float64)
    centres = cKDTree(np.column_stack([cells.x, cells.y]))
    points = cKDTree(np.column_stack([events.x[window], events.y[window]]))
    distances = centres.sparse_distance_matrix(
        points, max_distance=KDE_TRUNCATION_BANDWIDTHS * bandwidth, output_type="ndarray"
    )
    kernel = np.exp(-0.5 * (distances["v"] / bandwidth) ** 2)
    totals = np.bincount(distances["i"], weights=kernel, minlength=len(cells.x))
    return np.asarray(totals / (n * 2.0 * np.pi * bandwidth**2), dtype=np.float64)


def method_scores(
    method: Method,
    cells: Cells,
    events: Events,
    *,
    cutoff_day: float,
    settings: HotspotSettings,
    proximity: sparse.csr_array | None = None,
) -> FloatArray:
    """The scores of one method; proximity (prospective only) as in prospective_scores."""
    if method == "prospective":
        return prospective_scores(
            cells,
            events,
            cutoff_day=cutoff_day,
            settings=settings.prospective,
            proximity=proximity,
        )
    if method == "last_period":
        return last_period_scores(
            cells, events, cutoff_day=cutoff_day, settings=settings.last_period
        )
    if method == "retrospective_kde":
        return retrospective_kde_scores(
            cells, events, cutoff_day=cutoff_day, settings=settings.retrospective_kde
        )
    raise ValueError(f"Unknown method {method!r}.")


# --- Selection and accuracy -------------------------------------------------------------------


def cell_ranking(scores: ArrayLike) -> IntArray:
    """Cell indices from the highest score down; equal scores in increasing cell index."""
    values = np.asarray(scores, dtype=np.float64)
    if not np.isfinite(values).all():
        raise ValueError("Scores must be finite numbers.")
    return np.lexsort((np.arange(len(values)), -values)).astype(np.int64)


def top_cells_by_area(scores: ArrayLike, area: ArrayLike, *, share: float) -> Selection:
    """The smallest number of top-ranked cells whose cumulative area is at least `share` of the
    total area (so a selection may cover a little more than the share, never less)."""
    areas = np.asarray(area, dtype=np.float64)
    if not 0 < share <= 1:
        raise ValueError("The area share must be in (0, 1].")
    ranking = cell_ranking(scores)
    if len(ranking) != len(areas):
        raise ValueError("There must be one area per score.")
    total = areas.sum()
    cumulative = np.cumsum(areas[ranking])
    target = share * total * (1.0 - AREA_RELATIVE_SLACK)
    count = int(np.searchsorted(cumulative, target, side="left")) + 1
    count = min(count, len(ranking))
    return Selection(cells=ranking[:count], area_share=float(cumulative[count - 1] / total))


def selection_accuracy(selection: Selection, test_counts: ArrayLike) -> SelectionAccuracy:
    """Hit rate n/N, PAI = (n/N) / (a/A) and PEI* = n / n*, where n* is the sum of the largest
    test counts over as many cells as the selection holds. All three are nan when N = 0."""
    counts = np.asarray(test_counts, dtype=np.int64)
    total = int(counts.sum())
    captured = int(counts[selection.cells].sum())
    size = len(selection.cells)
    best_possible = int(np.sort(counts)[::-1][:size].sum())
    if total == 0:
        hit_rate = pai = pei_star = float("nan")
    else:
        hit_rate = captured / total
        pai = hit_rate / selection.area_share
        pei_star = captured / best_possible
    return SelectionAccuracy(
        events=total,
        captured=captured,
        best_possible=best_possible,
        area_share=selection.area_share,
        hit_rate=hit_rate,
        pai=pai,
        pei_star=pei_star,
    )


def period_counts(cells: Cells, events: Events, *, start_day: float, days: float) -> IntArray:
    """Events per cell with start_day <= day < start_day + days."""
    inside = (events.day >= start_day) & (events.day < start_day + days)
    return np.bincount(events.cell[inside], minlength=len(cells.x)).astype(np.int64)


def hotspot_map(
    method: Method,
    cells: Cells,
    events: Events,
    *,
    cutoff_day: float,
    area_shares: Sequence[float] = AREA_SHARES,
    settings: HotspotSettings | None = None,
) -> tuple[Selection, ...]:
    """The hotspot cells for the week starting at cutoff_day, one selection per area share,
    from the events before it: the map for the coming week."""
    scores = method_scores(
        method, cells, events, cutoff_day=cutoff_day, settings=settings or HotspotSettings()
    )
    return tuple(top_cells_by_area(scores, cells.area, share=share) for share in area_shares)


# --- Backtest ---------------------------------------------------------------------------------


def backtest(
    cells: Cells,
    events: Events,
    *,
    end_day: float,
    periods: int,
    area_shares: Sequence[float] = AREA_SHARES,
    methods: Sequence[Method] = METHODS,
    settings: HotspotSettings | None = None,
) -> Backtest:
    """Rolling weekly backtest: test week j (j = 0 … periods−1) starts at the cut-off
    end_day − 7 (periods − j); each method scores the cells from the events before the cut-off,
    and is judged on the events of [cut-off, cut-off + 7)."""
    settings = settings or HotspotSettings()
    if periods < 1:
        raise ValueError("A backtest needs at least one period.")
    cutoffs = [end_day - DAYS_PER_WEEK * (periods - j) for j in range(periods)]
    # The same cells every week: the prospective method's neighbours are found once.
    proximity = proximity_weights(cells, bandwidth_m=settings.prospective.bandwidth_m)
    evaluations: list[PeriodEvaluation] = []
    for cutoff in cutoffs:
        counts = period_counts(cells, events, start_day=cutoff, days=DAYS_PER_WEEK)
        for method in methods:
            scores = method_scores(
                method, cells, events, cutoff_day=cutoff, settings=settings, proximity=proximity
            )
            for share in area_shares:
                selection = top_cells_by_area(scores, cells.area, share=share)
                evaluations.append(
                    PeriodEvaluation(method, share, cutoff, selection_accuracy(selection, counts))
                )
    summaries = tuple(
        _summary(method, share, evaluations) for method in methods for share in area_shares
    )
    return Backtest(summaries=summaries, periods=tuple(evaluations))


def _summary(
    method: Method, share: float, evaluations: Sequence[PeriodEvaluation]
) -> BacktestSummary:
    mine = [
        evaluation.accuracy
        for evaluation in evaluations
        if evaluation.method == method and evaluation.target_area_share == share
    ]
    defined = [accuracy for accuracy in mine if accuracy.events > 0]

    def mean(values: list[float]) -> float:
        return float(np.mean(values)) if values else float("nan")

    return BacktestSummary(
        method=method,
        area_share=share,
        periods=len(defined),
        periods_without_events=len(mine) - len(defined),
        hit_rate=mean([accuracy.hit_rate for accuracy in defined]),
        pai=mean([accuracy.pai for accuracy in defined]),
        pei_star=mean([accuracy.pei_star for accuracy in defined]),
    )
