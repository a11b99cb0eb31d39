"""The Knox near-repeat test (space bands × time bands, seeded permutations) in NumPy/SciPy.

Same method as Ratcliffe's Near Repeat Calculator (Johnson et al. 2007's Monte Carlo Knox test),
with two differences users of the calculator asked for: every band's label is built from the
edges and closure its counts were computed with, and every run takes an explicit seed.
docs/analytics/near-repeat.md writes the method out; tests/analytics/test_near_repeat.py checks
it against hand counts, full enumeration of the permutations and a brute-force re-computation.
"""

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from curim.analytics.hotspots import require_greek_grid_metres

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Closure = Literal["left", "right"]

# The calculator counts a pair d apart in the band [a, b) (Steenbeek's NRC vignette shows that
# its "101 to 200" is really [100, 200)), so the same edges here give the same counts.
DEFAULT_CLOSURE: Final[Closure] = "left"
MICROSECONDS_PER_DAY: Final = 86_400_000_000


@dataclass(frozen=True)
class Band:
    """One interval of distances (metres) or time differences (days) and its label.

    `contains` and `label` read the same four fields the counting used, so a label can never
    say something other than what was counted.
    """

    lower: float
    upper: float
    lower_closed: bool
    upper_closed: bool
    unit: str

    @property
    def label(self) -> str:
        if self.lower == self.upper:
            return f"{_number(self.lower)} {self.unit}"
        opening = "[" if self.lower_closed else "("
        closing = "]" if self.upper_closed else ")"
        return f"{opening}{_number(self.lower)}, {_number(self.upper)}{closing} {self.unit}"

    def contains(self, value: float) -> bool:
        above = value >= self.lower if self.lower_closed else value > self.lower
        below = value <= self.upper if self.upper_closed else value < self.upper
        return bool(above and below)


@dataclass(frozen=True, eq=False)
class KnoxTest:
    """Knox test results; tables are (space band, time band), rows and columns in band order."""

    space_bands: tuple[Band, ...]
    time_bands: tuple[Band, ...]
    # Pairs of events (each unordered pair once) in each space band × time band.
    observed: IntArray
    # Mean of the same table over the permutations.
    expected: FloatArray
    # observed / expected; NaN where expected is 0 (no permutation put a pair there).
    ratios: FloatArray
    # One-sided: (1 + permutations with a count >= observed) / (1 + permutations).
    p_values: FloatArray
    n_events: int
    n_permutations: int
    seed: int
    closed: Closure
    # Pairs of events within the largest space edge (the pairs the permutations re-time).
    n_close_pairs: int

    @property
    def space_labels(self) -> list[str]:
        return [band.label for band in self.space_bands]

    @property
    def time_labels(self) -> list[str]:
        return [band.label for band in self.time_bands]


def knox_test(
    x: ArrayLike,
    y: ArrayLike,
    t: ArrayLike | Sequence[dt.date],
    *,
    space_edges_m: Sequence[float],
    time_edges_days: Sequence[float],
    n_permutations: int,
    seed: int,
    closed: Closure = DEFAULT_CLOSURE,
    same_location_band: bool = False,
) -> KnoxTest:
    """Knox test of events at x, y (EPSG:2100 metres) and times t (days, or datetimes).

    closed="left" counts a pair in [a, b) (the calculator's computation), "right" in (a, b]
    with the first band [0, b]. With same_location_band, pairs exactly 0 m apart get a band
    of their own, and the first band then starts just above 0. A last time edge of infinity
    adds an open-ended band ("more than ... days"). Permutation k re-times the events with the
    k-th rng.permutation(n) of numpy.random.default_rng(seed).
    """
    require_greek_grid_metres(x, y)
    eastings = np.asarray(x, dtype=np.float64)
    northings = np.asarray(y, dtype=np.float64)
    n = len(eastings)
    if n < 2:
        raise ValueError("The Knox test needs at least two events.")
    times, units_per_day = _times_in_integer_units_or_days(t, n)
    if closed not in ("left", "right"):
        raise ValueError('closed must be "left" ([a, b)) or "right" ((a, b]).')
    space_edges = _edges(space_edges_m, "Space", allow_infinite_last=False)
    time_edges = _edges(time_edges_days, "Time", allow_infinite_last=True)
    if isinstance(n_permutations, bool) or not isinstance(n_permutations, int | np.integer):
        raise ValueError("n_permutations must be a whole number.")
    if n_permutations < 1:
        raise ValueError("n_permutations must be at least 1 (999 is usual).")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ValueError("seed must be an integer, so that the run can be repeated exactly.")

    space_bands = _bands(space_edges, closed, "m", same_location_band=same_location_band)
    time_bands = _bands(time_edges, closed, "days", same_location_band=False)

    first, second, distances = _close_pairs(eastings, northings, space_edges[-1])
    space_band = _band_index(distances, space_edges, closed, same_location_band)
    kept = space_band >= 0
    first, second, space_band = first[kept], second[kept], space_band[kept]

    # Edges in the times' own units: integer microseconds compare exactly with whole days.
    scaled_time_edges = time_edges * units_per_day
    shape = (len(space_bands), len(time_bands))
    observed = _table(times, first, second, space_band, scaled_time_edges, closed, shape)

    rng = np.random.default_rng(int(seed))
    total = np.zeros(shape, dtype=np.float64)
    at_least_observed = np.zeros(shape, dtype=np.int64)
    # A loop over permutations only; each one is vectorised over the pairs.
    for _ in range(n_permutations):
        retimed = times[rng.permutation(n)]
        table = _table(retimed, first, second, space_band, scaled_time_edges, closed, shape)
        total += table
        at_least_observed += table >= observed

    expected = total / n_permutations
    ratios = np.full(shape, np.nan)
    np.divide(observed, expected, out=ratios, where=expected > 0)
    p_values = (at_least_observed + 1.0).astype(np.float64) / (n_permutations + 1.0)
    for result_table in (observed, expected, ratios, p_values):
        result_table.setflags(write=False)
    return KnoxTest(
        space_bands=space_bands,
        time_bands=time_bands,
        observed=observed,
        expected=expected,
        ratios=ratios,
        p_values=p_values,
        n_events=n,
        n_permutations=int(n_permutations),
        seed=int(seed),
        closed=closed,
        n_close_pairs=len(first),
    )


def _times_in_integer_units_or_days(
    t: ArrayLike | Sequence[dt.date], n: int
) -> tuple[FloatArray, float]:
    """Times as float64 and how many of their units make a day.

    Datetimes become whole microseconds since the earliest (exact in float64 for ~285 years),
    so a difference of exactly 7 days is exactly 7 × 86,400,000,000, never 6.999999.
    """
    values = np.asarray(t)
    if values.dtype == object:
        values = _python_datetimes(values)
    if values.ndim != 1 or len(values) != n:
        raise ValueError(f"t must hold one time per event: {n} events, {values.size} times.")
    if values.dtype.kind == "M":
        microseconds = values.astype("datetime64[us]")
        if np.isnat(microseconds).any():
            raise ValueError("Every event needs a time (found NaT).")
        offsets = (microseconds - microseconds.min()).astype(np.int64)
        return offsets.astype(np.float64), float(MICROSECONDS_PER_DAY)
    if values.dtype.kind not in "iuf":
        raise ValueError("t must be day numbers or datetimes.")
    days = values.astype(np.float64)
    if not np.isfinite(days).all():
        raise ValueError("Every event needs a finite time.")
    return days, 1.0


def _python_datetimes(values: NDArray[np.object_]) -> NDArray[np.datetime64]:
    """datetime/date objects as datetime64[us]; aware ones in UTC, and no mix of the two."""
    items = values.ravel().tolist()
    if not all(isinstance(item, dt.date) for item in items):
        raise ValueError("t must be day numbers or datetimes.")
    aware = [isinstance(item, dt.datetime) and item.tzinfo is not None for item in items]
    if any(aware) and not all(aware):
        raise ValueError("t mixes times with and without a time zone.")
    utc = [
        item.astimezone(dt.UTC).replace(tzinfo=None) if is_aware else item
        for item, is_aware in zip(items, aware, strict=True)
    ]
    return np.array([np.datetime64(item, "us") for item in utc]).reshape(values.shape)


def _edges(values: Sequence[float], name: str, *, allow_infinite_last: bool) -> FloatArray:
    edges = np.asarray(values, dtype=np.float64)
    if edges.ndim != 1 or len(edges) < 2:
        raise ValueError(f"{name} edges need at least two values, e.g. [0, 100, 200].")
    if np.isnan(edges).any() or not np.isfinite(edges[:-1]).all():
        raise ValueError(f"{name} edges must be finite numbers.")
    if not allow_infinite_last and not np.isfinite(edges[-1]):
        raise ValueError(f"{name} edges must be finite numbers.")
    if edges[0] != 0:
        raise ValueError(f"{name} edges must start at 0 (got {_number(edges[0])}).")
    if not (np.diff(edges) > 0).all():
        raise ValueError(f"{name} edges must be strictly increasing (got {edges.tolist()}).")
    return edges


def _bands(
    edges: FloatArray, closed: Closure, unit: str, *, same_location_band: bool
) -> tuple[Band, ...]:
    bands = []
    if same_location_band:
        bands.append(Band(0.0, 0.0, True, True, unit))
    for index, (lower, upper) in enumerate(itertools.pairwise(edges)):
        first = index == 0
        if closed == "left":
            lower_closed = not (first and same_location_band)
            upper_closed = False
        else:
            lower_closed = first and not same_location_band
            upper_closed = bool(np.isfinite(upper))
        bands.append(Band(float(lower), float(upper), lower_closed, upper_closed, unit))
    return tuple(bands)


def _band_index(
    values: FloatArray, edges: FloatArray, closed: Closure, same_location_band: bool
) -> IntArray:
    """Band of each value, -1 outside every band; the rule `_bands` labels."""
    if closed == "left":
        # edges[i] <= v < edges[i + 1]
        index = np.searchsorted(edges, values, side="right") - 1
        index[values >= edges[-1]] = -1
    else:
        # edges[i] < v <= edges[i + 1], and 0 in the first band
        index = np.searchsorted(edges, values, side="left") - 1
        index[values == edges[0]] = 0
        index[values > edges[-1]] = -1
    index[values < edges[0]] = -1
    if same_location_band:
        index = np.where(index >= 0, index + 1, -1)
        index[values == 0] = 0
    return index.astype(np.int64)


def _close_pairs(
    eastings: FloatArray, northings: FloatArray, radius: float
) -> tuple[IntArray, IntArray, FloatArray]:
    """Each unordered pair i < j at most `radius` apart, with its distance √(Δx² + Δy²).

    The tree is asked for a hair more than radius; the bands then use our own distances, so a
    pair exactly on the last edge is in or out by the closure alone.
    """
    points = np.column_stack([eastings, northings])
    pairs = cKDTree(points).query_pairs(r=radius * (1 + 1e-9) + 1e-9, output_type="ndarray")
    first = pairs[:, 0].astype(np.int64)
    second = pairs[:, 1].astype(np.int64)
    distances = np.hypot(eastings[first] - eastings[second], northings[first] - northings[second])
    return first, second, distances


def _table(
    times: FloatArray,
    first: IntArray,
    second: IntArray,
    space_band: IntArray,
    scaled_time_edges: FloatArray,
    closed: Closure,
    shape: tuple[int, int],
) -> IntArray:
    """The space × time table of the fixed pairs with the events at these times."""
    gaps = np.abs(np.take(times, first) - np.take(times, second))
    # Most pairs are further apart in time than the last edge: band only the others.
    near = np.flatnonzero(gaps <= scaled_time_edges[-1])
    time_band = _band_index(gaps[near], scaled_time_edges, closed, False)
    counted = time_band >= 0
    cell = space_band[near[counted]] * shape[1] + time_band[counted]
    return np.bincount(cell, minlength=shape[0] * shape[1]).reshape(shape).astype(np.int64)


def _number(value: float) -> str:
    if np.isinf(value):
        return "∞"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.12g}"
