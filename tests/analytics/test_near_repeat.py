"""The Knox test against hand counts, full enumeration of the permutations, and a brute-force
re-computation (a double loop over pairs, intervals read from the labels) with the same seed."""

import datetime as dt
import itertools
import math
import re
import zoneinfo
from collections.abc import Callable, Sequence

import numpy as np
import pytest

from curim.analytics.near_repeat import KnoxTest, knox_test

TOLERANCE = 1e-9
# A corner near Piraeus in EPSG:2100.
X0, Y0 = 470_000.0, 4_200_000.0
SPACE_EDGES = [0, 100, 200, 400]
TIME_EDGES = [0, 7, 14, 21]

# Five events (metres from the corner, day numbers). Pairs within 400 m, worked by hand:
#   0-1: 100 m, 3 d    0-2: 150 m, 7 d    1-2: 180.3 m, 4 d
#   0-3:   0 m, 20 d   1-3: 100 m, 17 d   2-3: 150 m, 13 d    event 4 is 850+ m from all.
HAND_X = [0.0, 0.0, 150.0, 0.0, 1000.0]
HAND_Y = [0.0, 100.0, 0.0, 0.0, 0.0]
HAND_DAYS = [0.0, 3.0, 7.0, 20.0, 9.0]


def hand_test(**options: object) -> KnoxTest:
    settings: dict[str, object] = {
        "space_edges_m": SPACE_EDGES,
        "time_edges_days": TIME_EDGES,
        "n_permutations": 99,
        "seed": 14,
    }
    settings.update(options)
    return knox_test(
        np.add(HAND_X, X0),
        np.add(HAND_Y, Y0),
        HAND_DAYS,
        **settings,  # type: ignore[arg-type]
    )


# --- Labels read back as intervals -------------------------------------------------------------

LABEL = re.compile(r"^([\[(])(\S+), (\S+)([\])]) (m|days)$")


def interval_of(label: str) -> Callable[[float], bool]:
    """The set of values a label describes, read from the label text alone."""
    if match := re.fullmatch(r"(\S+) m", label):
        value = float(match.group(1))
        return lambda v: v == value
    match = LABEL.fullmatch(label)
    assert match, label
    opening, lower_text, upper_text, closing, _unit = match.groups()
    lower = float(lower_text)
    upper = math.inf if upper_text == "∞" else float(upper_text)

    def contains(v: float) -> bool:
        above = v >= lower if opening == "[" else v > lower
        below = v <= upper if closing == "]" else v < upper
        return above and below

    return contains


def reference_table(
    x: Sequence[float],
    y: Sequence[float],
    days: Sequence[float],
    space_labels: list[str],
    time_labels: list[str],
) -> np.ndarray:
    """Counts of pairs in each labelled cell: a double loop, with intervals from the labels."""
    space = [interval_of(label) for label in space_labels]
    time = [interval_of(label) for label in time_labels]
    table = np.zeros((len(space), len(time)), dtype=np.int64)
    for i, j in itertools.combinations(range(len(x)), 2):
        distance = math.hypot(x[i] - x[j], y[i] - y[j])
        gap = abs(days[i] - days[j])
        rows = [r for r, inside in enumerate(space) if inside(distance)]
        columns = [c for c, inside in enumerate(time) if inside(gap)]
        assert len(rows) <= 1, "labelled space bands overlap"
        assert len(columns) <= 1, "labelled time bands overlap"
        if rows and columns:
            table[rows[0], columns[0]] += 1
    return table


def reference_knox(
    x: Sequence[float],
    y: Sequence[float],
    days: Sequence[float],
    result: KnoxTest,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Observed, expected and p by brute force, re-timing with the documented seeded stream."""
    observed = reference_table(x, y, days, result.space_labels, result.time_labels)
    rng = np.random.default_rng(result.seed)
    tables = []
    for _ in range(result.n_permutations):
        order = rng.permutation(len(days))
        retimed = [days[k] for k in order]
        tables.append(reference_table(x, y, retimed, result.space_labels, result.time_labels))
    stacked = np.array(tables)
    expected = stacked.mean(axis=0)
    p = (1 + (stacked >= observed).sum(axis=0)) / (1 + result.n_permutations)
    return observed, expected, p


# --- Hand counts ------------------------------------------------------------------------------


def test_the_hand_counted_table_with_bands_closed_on_the_left() -> None:
    result = hand_test()

    assert result.space_labels == ["[0, 100) m", "[100, 200) m", "[200, 400) m"]
    assert result.time_labels == ["[0, 7) days", "[7, 14) days", "[14, 21) days"]
    assert result.observed.tolist() == [[0, 0, 1], [2, 2, 1], [0, 0, 0]]
    assert result.n_events == 5
    assert result.n_close_pairs == 6


def test_the_hand_counted_table_with_bands_closed_on_the_right() -> None:
    result = hand_test(closed="right")

    assert result.space_labels == ["[0, 100] m", "(100, 200] m", "(200, 400] m"]
    assert result.time_labels == ["[0, 7] days", "(7, 14] days", "(14, 21] days"]
    assert result.observed.tolist() == [[1, 0, 2], [2, 1, 0], [0, 0, 0]]


def test_a_same_location_band_takes_the_pairs_zero_metres_apart() -> None:
    result = hand_test(same_location_band=True)

    assert result.space_labels == ["0 m", "(0, 100) m", "[100, 200) m", "[200, 400) m"]
    assert result.observed.tolist() == [[0, 0, 1], [0, 0, 0], [2, 2, 1], [0, 0, 0]]


def test_an_infinite_last_time_edge_adds_an_open_ended_band() -> None:
    result = hand_test(time_edges_days=[0, 7, math.inf])

    assert result.time_labels == ["[0, 7) days", "[7, ∞) days"]
    assert result.observed.tolist() == [[0, 1], [2, 3], [0, 0]]
    # With every time difference counted, each row's total is the same in every permutation.
    np.testing.assert_allclose(result.expected.sum(axis=1), [1, 5, 0], atol=TOLERANCE)


# --- Labels say what was counted ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("closed", "space_label", "time_label"),
    [("left", "[100, 200) m", "[7, 14) days"), ("right", "[0, 100] m", "[0, 7] days")],
)
def test_a_pair_exactly_on_an_edge_lands_in_the_band_its_label_names(
    closed: str, space_label: str, time_label: str
) -> None:
    athens = zoneinfo.ZoneInfo("Europe/Athens")
    times = [
        dt.datetime(2025, 3, 1, 22, 0, tzinfo=athens),
        dt.datetime(2025, 3, 8, 20, 0, tzinfo=dt.UTC),
    ]
    result = knox_test(
        [X0, X0 + 100],
        [Y0, Y0],
        times,
        space_edges_m=[0, 100, 200],
        time_edges_days=[0, 7, 14],
        n_permutations=9,
        seed=1,
        closed=closed,  # type: ignore[arg-type]
    )

    row = result.space_labels.index(space_label)
    column = result.time_labels.index(time_label)
    assert result.observed[row, column] == 1
    assert result.observed.sum() == 1


@pytest.mark.parametrize("closed", ["left", "right"])
@pytest.mark.parametrize("same_location_band", [False, True])
def test_labels_read_as_intervals_count_what_the_test_counted(
    closed: str, same_location_band: bool
) -> None:
    # A 50 m lattice and whole days: many pairs fall exactly on an edge.
    rng = np.random.default_rng(2100)
    x = (rng.integers(0, 10, 80) * 50.0).tolist()
    y = (rng.integers(0, 10, 80) * 30.0).tolist()
    days = rng.integers(0, 40, 80).astype(float).tolist()
    result = knox_test(
        np.add(x, X0),
        np.add(y, Y0),
        days,
        space_edges_m=[0, 50, 150, 300],
        time_edges_days=[0, 7, 14, 28, math.inf],
        n_permutations=5,
        seed=3,
        closed=closed,  # type: ignore[arg-type]
        same_location_band=same_location_band,
    )

    expected = reference_table(x, y, days, result.space_labels, result.time_labels)
    assert (result.observed == expected).all()
    # Both the first space band and the first time band are exercised.
    assert expected[:, 0].sum() > 0
    assert expected[0].sum() > 0


# --- Permutations --------------------------------------------------------------------------------


@pytest.mark.parametrize("closed", ["left", "right"])
def test_expected_and_p_values_match_a_brute_force_run_with_the_same_seed(closed: str) -> None:
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 600, 30).tolist()
    y = rng.uniform(0, 600, 30).tolist()
    days = rng.integers(0, 60, 30).astype(float).tolist()
    result = knox_test(
        np.add(x, X0),
        np.add(y, Y0),
        days,
        space_edges_m=[0, 100, 200, 400],
        time_edges_days=[0, 7, 14, 28],
        n_permutations=60,
        seed=20_260_314,
        closed=closed,  # type: ignore[arg-type]
    )

    observed, expected, p = reference_knox(x, y, days, result)
    assert (result.observed == observed).all()
    assert np.abs(result.expected - expected).max() <= TOLERANCE
    assert np.abs(result.p_values - p).max() <= TOLERANCE
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(expected > 0, observed / expected, np.nan)
    np.testing.assert_allclose(result.ratios, ratios, atol=TOLERANCE, equal_nan=True)


def test_monte_carlo_p_values_approach_the_full_enumeration_of_the_permutations() -> None:
    labels_test = hand_test()
    exact_tables = np.array(
        [
            reference_table(
                HAND_X,
                HAND_Y,
                [HAND_DAYS[k] for k in order],
                labels_test.space_labels,
                labels_test.time_labels,
            )
            for order in itertools.permutations(range(5))
        ]
    )
    assert len(exact_tables) == 120
    exact_p = (exact_tables >= labels_test.observed).mean(axis=0)
    exact_mean = exact_tables.mean(axis=0)

    result = hand_test(n_permutations=20_000, seed=99)

    # Within 4.5 standard errors of a proportion estimated from 20,000 draws.
    standard_error = np.sqrt(exact_p * (1 - exact_p) / 20_000) + 1 / 20_001
    assert (np.abs(result.p_values - exact_p) <= 4.5 * standard_error).all()
    assert np.abs(result.expected - exact_mean).max() <= 0.05
    # The cell the test is about: two pairs within [100, 200) m and [0, 7) days.
    assert 0.1 < exact_p[1, 0] < 0.9


def test_when_every_event_has_the_same_time_nothing_can_be_clustered() -> None:
    same_day = knox_test(
        np.add(HAND_X, X0),
        np.add(HAND_Y, Y0),
        [5.0] * 5,
        space_edges_m=SPACE_EDGES,
        time_edges_days=[0, 7],
        n_permutations=50,
        seed=1,
    )

    assert same_day.observed.ravel().tolist() == [1, 5, 0]
    np.testing.assert_array_equal(same_day.expected, same_day.observed)
    np.testing.assert_array_equal(same_day.ratios[:2], [[1.0], [1.0]])
    # No permutation ever put a pair at 200-400 m: the ratio is undefined, p is 1.
    assert np.isnan(same_day.ratios[2, 0])
    assert (same_day.p_values == 1.0).all()


def test_a_planted_near_repeat_pattern_is_found_in_its_band_and_nowhere_else() -> None:
    rng = np.random.default_rng(1964)
    n_background, n_planted = 700, 80
    x = rng.uniform(0, 3_000, n_background)
    y = rng.uniform(0, 3_000, n_background)
    days = rng.uniform(0, 730, n_background)
    # A follow-up 20-190 m and 0-6.5 days after each of 80 events.
    sources = rng.choice(n_background, n_planted, replace=False)
    angle = rng.uniform(0, 2 * np.pi, n_planted)
    reach = rng.uniform(20, 190, n_planted)
    x = np.concatenate([x, x[sources] + reach * np.cos(angle)])
    y = np.concatenate([y, y[sources] + reach * np.sin(angle)])
    days = np.concatenate([days, days[sources] + rng.uniform(0, 6.5, n_planted)])

    result = knox_test(
        x + X0,
        y + Y0,
        days,
        space_edges_m=[0, 200, 400, 800],
        time_edges_days=[0, 7, 14, 21, 28],
        n_permutations=199,
        seed=2007,
    )

    assert result.space_labels[0] == "[0, 200) m"
    assert result.time_labels[0] == "[0, 7) days"
    assert result.ratios[0, 0] > 1.5
    assert result.p_values[0, 0] == 1 / 200
    elsewhere = np.ones(result.ratios.shape, dtype=bool)
    elsewhere[0, 0] = False
    assert (np.abs(result.ratios[elsewhere] - 1) < 0.35).all()
    assert (result.p_values[elsewhere] > 0.01).all()


# --- Reproducibility -----------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_result_and_another_seed_another() -> None:
    first = hand_test(seed=5, n_permutations=200)
    again = hand_test(seed=5, n_permutations=200)
    other = hand_test(seed=6, n_permutations=200)

    for name in ("observed", "expected", "ratios", "p_values"):
        np.testing.assert_array_equal(getattr(first, name), getattr(again, name))
    assert not np.array_equal(first.expected, other.expected)
    assert (first.seed, other.seed) == (5, 6)


def test_datetimes_and_day_numbers_give_the_same_table() -> None:
    start = np.datetime64("2025-01-01T00:00", "us")
    as_datetimes = start + (np.array(HAND_DAYS) * 86_400_000_000).astype("timedelta64[us]")

    from_days = hand_test()
    from_datetimes = knox_test(
        np.add(HAND_X, X0),
        np.add(HAND_Y, Y0),
        as_datetimes,
        space_edges_m=SPACE_EDGES,
        time_edges_days=TIME_EDGES,
        n_permutations=99,
        seed=14,
    )

    np.testing.assert_array_equal(from_days.observed, from_datetimes.observed)
    np.testing.assert_array_equal(from_days.p_values, from_datetimes.p_values)


# --- Refused inputs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"x": [23.7, 23.71, 23.72, 23.73, 23.74], "y": [37.9] * 5}, "degrees"),
        ({"t": [0.0, 1.0, 2.0]}, "one time per event: 5 events, 3 times"),
        ({"t": [0.0, 1.0, math.nan, 3.0, 4.0]}, "finite time"),
        ({"t": ["a", "b", "c", "d", "e"]}, "day numbers or datetimes"),
        ({"space_edges_m": [0, 200, 100]}, "Space edges must be strictly increasing"),
        ({"time_edges_days": [0, 14, 7]}, "Time edges must be strictly increasing"),
        ({"space_edges_m": [50, 100]}, "Space edges must start at 0"),
        ({"space_edges_m": [0, math.inf]}, "Space edges must be finite"),
        ({"space_edges_m": [0]}, "at least two values"),
        ({"n_permutations": 0}, "at least 1"),
        ({"seed": None}, "seed must be an integer"),
        ({"closed": "both"}, "closed must be"),
    ],
)
def test_bad_inputs_are_refused_with_a_clear_message(
    change: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {
        "x": np.add(HAND_X, X0),
        "y": np.add(HAND_Y, Y0),
        "t": HAND_DAYS,
        "space_edges_m": SPACE_EDGES,
        "time_edges_days": TIME_EDGES,
        "n_permutations": 9,
        "seed": 1,
    }
    arguments.update(change)

    with pytest.raises(ValueError, match=re.escape(message)):
        knox_test(**arguments)  # type: ignore[arg-type]


def test_times_with_and_without_a_time_zone_are_not_mixed() -> None:
    times = [dt.datetime(2025, 1, d) for d in range(1, 5)] + [
        dt.datetime(2025, 1, 5, tzinfo=dt.UTC)
    ]

    with pytest.raises(ValueError, match="with and without a time zone"):
        knox_test(
            np.add(HAND_X, X0),
            np.add(HAND_Y, Y0),
            times,
            space_edges_m=SPACE_EDGES,
            time_edges_days=TIME_EDGES,
            n_permutations=9,
            seed=1,
        )


def test_events_too_far_apart_for_any_band_give_an_empty_table() -> None:
    result = knox_test(
        [X0, X0 + 5_000, X0 + 10_000],
        [Y0, Y0, Y0],
        [0.0, 1.0, 2.0],
        space_edges_m=SPACE_EDGES,
        time_edges_days=TIME_EDGES,
        n_permutations=19,
        seed=1,
    )

    assert result.n_close_pairs == 0
    assert result.observed.sum() == 0
    assert np.isnan(result.ratios).all()
    assert (result.p_values == 1.0).all()
