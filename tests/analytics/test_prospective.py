"""Prospective hotspots and their backtest: PAI and PEI* on hand-computed cases, the near-repeat
surface against a brute-force loop, the kernel density against scikit-learn's KernelDensity, the
selection by area share, and a seeded near-repeat scenario where the prospective map wins."""

import csv
import io
import math

import numpy as np
import pytest
from numpy.typing import NDArray
from sklearn.neighbors import KernelDensity  # type: ignore[import-untyped]

from curim.analytics.prospective import (
    Cells,
    Events,
    HotspotSettings,
    ProspectiveSettings,
    RetrospectiveKdeSettings,
    analysis_cells,
    as_days,
    backtest,
    cell_ranking,
    crime_events,
    hotspot_map,
    last_period_scores,
    period_counts,
    prospective_scores,
    retrospective_kde_scores,
    selection_accuracy,
    top_cells_by_area,
)

TOLERANCE = 1e-9
# A corner near Piraeus in EPSG:2100.
X0, Y0 = 470_000.0, 4_200_000.0
CELL_M = 100.0


def square_grid(columns: int, rows: int) -> Cells:
    """Cell centres row by row: cell = row * columns + column."""
    row, column = np.divmod(np.arange(rows * columns), columns)
    return analysis_cells(
        X0 + (column + 0.5) * CELL_M, Y0 + (row + 0.5) * CELL_M, cell_size_m=CELL_M
    )


def events_in_cells(
    cells: Cells, cell: list[int] | NDArray[np.int64], day: list[float] | NDArray[np.float64]
) -> Events:
    """Events at the centres of their cells."""
    indices = np.asarray(cell, dtype=np.int64)
    return crime_events(cells, cell=indices, x=cells.x[indices], y=cells.y[indices], day=day)


# --- PAI and PEI* by hand -----------------------------------------------------------------------

HAND_SCORES = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
HAND_COUNTS = [2, 0, 1, 0, 0, 3, 0, 0, 0, 0]


@pytest.mark.parametrize(
    ("share", "captured", "hit_rate", "pai", "best_possible", "pei_star"),
    [
        # Cells 0 and 1: 2 of 6 events on 20% of the area; the best 2 cells hold 3 + 2.
        (0.2, 2, 2 / 6, (2 / 6) / 0.2, 5, 2 / 5),
        # Cells 0, 1, 2: 3 of 6 on 30%; the best 3 cells hold 3 + 2 + 1.
        (0.3, 3, 3 / 6, (3 / 6) / 0.3, 6, 3 / 6),
        # Cells 0 … 5 hold every event: PEI* is 1.
        (0.6, 6, 1.0, 1.0 / 0.6, 6, 1.0),
    ],
)
def test_pai_and_pei_star_match_a_hand_computed_case(
    share: float, captured: int, hit_rate: float, pai: float, best_possible: int, pei_star: float
) -> None:
    selection = top_cells_by_area(HAND_SCORES, np.ones(10), share=share)
    accuracy = selection_accuracy(selection, HAND_COUNTS)

    assert accuracy.events == 6
    assert accuracy.captured == captured
    assert accuracy.best_possible == best_possible
    assert accuracy.area_share == pytest.approx(share, abs=1e-15)
    assert accuracy.hit_rate == pytest.approx(hit_rate, abs=1e-15)
    assert accuracy.pai == pytest.approx(pai, abs=1e-12)
    assert accuracy.pei_star == pytest.approx(pei_star, abs=1e-15)


def test_pai_uses_the_area_actually_selected_with_unequal_cells() -> None:
    # Cell 0 is a clipped edge cell of a quarter of the others' area: 0.25 of 3.25.
    selection = top_cells_by_area([3, 2, 1, 0], [0.25, 1, 1, 1], share=0.05)
    accuracy = selection_accuracy(selection, [1, 1, 0, 0])

    assert selection.cells.tolist() == [0]
    assert accuracy.area_share == pytest.approx(0.25 / 3.25, abs=1e-15)
    assert accuracy.pai == pytest.approx(0.5 / (0.25 / 3.25), abs=1e-12)
    assert accuracy.pei_star == 1.0


def test_a_period_without_events_has_undefined_metrics() -> None:
    accuracy = selection_accuracy(top_cells_by_area(HAND_SCORES, np.ones(10), share=0.2), [0] * 10)

    assert accuracy.events == 0
    assert accuracy.captured == 0
    assert math.isnan(accuracy.hit_rate)
    assert math.isnan(accuracy.pai)
    assert math.isnan(accuracy.pei_star)


# --- Selection by area share ----------------------------------------------------------------------


def test_ties_are_broken_by_increasing_cell_index() -> None:
    assert cell_ranking([1, 3, 3, 0, 3]).tolist() == [1, 2, 4, 0, 3]
    assert cell_ranking([0, 0, 0]).tolist() == [0, 1, 2]


@pytest.mark.parametrize(
    ("share", "cells", "covered"),
    [
        (0.10, [1], 0.1),
        # Fewest top cells reaching at least the share: 2 cells (20%) for 15%.
        (0.15, [1, 2], 0.2),
        # Exactly reached: no further cell.
        (0.20, [1, 2], 0.2),
        # The third-ranked cell is 5 of the 10 units of area.
        (0.21, [1, 2, 4], 0.7),
        (1.00, [1, 2, 4, 0, 3], 1.0),
    ],
)
def test_the_selection_is_the_fewest_top_cells_covering_the_share(
    share: float, cells: list[int], covered: float
) -> None:
    selection = top_cells_by_area([1, 3, 3, 0, 3], [2, 1, 1, 1, 5], share=share)

    assert selection.cells.tolist() == cells
    assert selection.area_share == pytest.approx(covered, abs=1e-15)


def test_k_percent_of_a_hundred_equal_cells_is_k_cells() -> None:
    # 0.07 × 62,500 × 100 is not 7 × 62,500 in floating point; the selection must still stop at 7.
    scores = np.arange(100.0)
    for k in range(1, 101):
        selection = top_cells_by_area(scores, np.full(100, 62_500.0), share=k / 100)
        assert len(selection.cells) == k, k


def test_an_area_share_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="area share"):
        top_cells_by_area([1.0], [1.0], share=0.0)


# --- The three surfaces -------------------------------------------------------------------------


def test_the_prospective_weight_decays_by_whole_weeks_and_cell_distances() -> None:
    cells = square_grid(columns=6, rows=1)
    # One event 10 days before the cut-off (in the week before last: 1 week ago) in cell 0.
    scores = prospective_scores(cells, events_in_cells(cells, [0], [90.0]), cutoff_day=100.0)

    # 1/(1+1) × 1/(1+d/100 m): d = 0, 100, …, 400 m; 500 m is beyond the 400 m band.
    expected = [0.5, 0.5 / 2, 0.5 / 3, 0.5 / 4, 0.5 / 5, 0.0]
    assert np.abs(scores - expected).max() <= 1e-15


def test_the_prospective_window_is_eight_weeks_before_the_cut_off() -> None:
    cells = square_grid(columns=1, rows=1)
    days = [100.0 - 56.5, 100.0 - 56.0, 100.0 - 49.5, 100.0 - 7.0, 100.0 - 0.5, 100.0]
    scores = prospective_scores(cells, events_in_cells(cells, [0] * 6, days), cutoff_day=100.0)

    # Weeks ago: 56.5 days is outside the window, 56 and 49.5 days are in the 8th week (7 weeks
    # ago), 7 and 0.5 days in the last week (0 weeks ago); the cut-off itself is the future.
    assert scores.tolist() == [1 / 8 + 1 / 8 + 1 + 1]


def brute_force_prospective(
    cells: Cells, events: Events, cutoff: float, settings: ProspectiveSettings
) -> list[float]:
    scores = []
    for cx, cy in zip(cells.x, cells.y, strict=True):
        total = 0.0
        for cell, day in zip(events.cell, events.day, strict=True):
            age_days = cutoff - day
            if not 0 < age_days <= 7 * settings.window_weeks:
                continue
            distance = math.dist((cx, cy), (cells.x[cell], cells.y[cell]))
            if distance <= settings.bandwidth_m:
                weeks_ago = math.ceil(age_days / 7) - 1
                total += 1 / (1 + weeks_ago) / (1 + distance / cells.cell_size_m)
        scores.append(total)
    return scores


def test_the_prospective_surface_matches_a_brute_force_loop() -> None:
    rng = np.random.default_rng(20070514)
    cells = square_grid(columns=12, rows=9)
    events = events_in_cells(cells, rng.integers(0, 108, 150), rng.uniform(0, 120, 150))
    for settings in (ProspectiveSettings(), ProspectiveSettings(bandwidth_m=250, window_weeks=3)):
        scores = prospective_scores(cells, events, cutoff_day=100.0, settings=settings)
        expected = brute_force_prospective(cells, events, 100.0, settings)
        assert np.abs(scores - expected).max() <= 1e-12


def test_last_period_counts_the_week_before_the_cut_off() -> None:
    cells = square_grid(columns=3, rows=1)
    events = events_in_cells(cells, [0, 0, 1, 2, 2], [92.9, 93.0, 99.9, 100.0, 95.0])

    assert last_period_scores(cells, events, cutoff_day=100.0).tolist() == [1.0, 1.0, 1.0]


def sklearn_density(
    cells: Cells, points: NDArray[np.float64], bandwidth: float
) -> NDArray[np.float64]:
    reference = KernelDensity(kernel="gaussian", bandwidth=bandwidth, atol=0, rtol=0)
    reference.fit(points)
    log_density = reference.score_samples(np.column_stack([cells.x, cells.y]))
    return np.exp(np.asarray(log_density, dtype=np.float64))


@pytest.mark.parametrize("bandwidth", [80.0, 200.0, 450.0])
def test_the_retrospective_density_matches_scikit_learn(bandwidth: float) -> None:
    rng = np.random.default_rng(2008)
    cells = square_grid(columns=30, rows=20)
    n = 400
    x = X0 + rng.uniform(0, 3000, n)
    y = Y0 + rng.uniform(0, 2000, n)
    cell = (np.floor((y - Y0) / CELL_M) * 30 + np.floor((x - X0) / CELL_M)).astype(np.int64)
    day = rng.uniform(0, 500, n)
    events = crime_events(cells, cell=cell, x=x, y=y, day=day)
    settings = RetrospectiveKdeSettings(bandwidth_m=bandwidth, window_weeks=52)

    scores = retrospective_kde_scores(cells, events, cutoff_day=450.0, settings=settings)

    window = (day < 450.0) & (day >= 450.0 - 364.0)
    expected = sklearn_density(cells, np.column_stack([x[window], y[window]]), bandwidth)
    assert np.abs(scores - expected).max() <= TOLERANCE * expected.max()


def test_the_retrospective_density_is_zero_without_events_in_its_window() -> None:
    cells = square_grid(columns=3, rows=3)
    events = events_in_cells(cells, [4], [500.0])

    assert retrospective_kde_scores(cells, events, cutoff_day=100.0).tolist() == [0.0] * 9


# --- Inputs ---------------------------------------------------------------------------------------


def test_degrees_and_stray_cell_indices_are_refused() -> None:
    with pytest.raises(ValueError, match="degrees"):
        analysis_cells([23.7, 23.8], [37.9, 38.0], cell_size_m=100)
    cells = square_grid(columns=2, rows=1)
    with pytest.raises(ValueError, match="outside the cells"):
        crime_events(cells, cell=[2], x=[X0 + 10], y=[Y0 + 10], day=[1.0])


def test_datetimes_become_days_since_1970() -> None:
    days = as_days(np.array(["1970-01-08T12:00", "2026-12-03"], dtype="datetime64[m]"))

    assert days.tolist() == [7.5, float(np.datetime64("2026-12-03", "D").astype(np.int64))]


# --- Backtest -------------------------------------------------------------------------------------


def test_the_backtest_excludes_weeks_without_events_from_its_means() -> None:
    cells = square_grid(columns=10, rows=10)
    # Test weeks start on days 70, 77 and 84; the second has no events.
    events = events_in_cells(
        cells,
        [0, 0, 1, 55, 0, 1, 12, 99, 0],
        [60.0, 65.0, 69.0, 69.5, 70.5, 71.0, 72.0, 74.0, 85.0],
    )
    result = backtest(cells, events, end_day=91.0, periods=3, area_shares=(0.01, 0.05))

    for summary in result.summaries:
        mine = [
            evaluation
            for evaluation in result.periods
            if evaluation.method == summary.method
            and evaluation.target_area_share == summary.area_share
        ]
        assert [evaluation.cutoff_day for evaluation in mine] == [70.0, 77.0, 84.0]
        assert math.isnan(mine[1].accuracy.pai)
        assert summary.periods == 2
        assert summary.periods_without_events == 1
        defined = [mine[0].accuracy, mine[2].accuracy]
        assert summary.pai == pytest.approx(np.mean([a.pai for a in defined]), abs=1e-15)
        assert summary.pei_star == pytest.approx(np.mean([a.pei_star for a in defined]), abs=1e-15)
        assert summary.hit_rate == pytest.approx(np.mean([a.hit_rate for a in defined]), abs=1e-15)

    # Last week's counts before day 70: cells 0 (×2), 1 and 55. 1% is cell 0 alone, which
    # catches 1 of the 4 events of the first test week and the one event of the third.
    last_week = result.summary("last_period", 0.01)
    assert last_week.hit_rate == pytest.approx((1 / 4 + 1) / 2, abs=1e-15)
    assert last_week.pai == pytest.approx((25 + 100) / 2, abs=1e-12)


def test_a_backtest_with_no_events_at_all_reports_undefined_means() -> None:
    cells = square_grid(columns=4, rows=4)
    result = backtest(cells, events_in_cells(cells, [], []), end_day=28.0, periods=2)

    for row in result.rows():
        assert row["periods"] == 0
        assert row["periods_without_events"] == 2
        assert math.isnan(float(row["pai"]))


def test_the_test_week_never_feeds_its_own_scores() -> None:
    cells = square_grid(columns=5, rows=5)
    past = events_in_cells(cells, [3, 3, 7], [10.0, 12.0, 13.0])
    with_future = events_in_cells(cells, [3, 3, 7, 20, 20, 20], [10.0, 12.0, 13.0, 14.0, 15, 16])
    for scores in (prospective_scores, last_period_scores, retrospective_kde_scores):
        assert np.array_equal(
            scores(cells, past, cutoff_day=14.0), scores(cells, with_future, cutoff_day=14.0)
        )
    assert period_counts(cells, with_future, start_day=14.0, days=7.0)[20] == 3


def test_rows_have_stable_columns_and_write_as_csv() -> None:
    cells = square_grid(columns=4, rows=4)
    events = events_in_cells(cells, [1, 2, 3, 5], [1.0, 8.0, 15.0, 16.0])
    rows = backtest(cells, events, end_day=21.0, periods=2).rows()

    columns = ["method", "area_share", "periods", "hit_rate", "pai", "pei_star"]
    assert [list(row)[:6] for row in rows] == [columns] * 9
    assert [(row["method"], row["area_share"]) for row in rows] == [
        (method, share)
        for method in ("prospective", "last_period", "retrospective_kde")
        for share in (0.01, 0.05, 0.10)
    ]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    assert buffer.getvalue().splitlines()[0].startswith("method,area_share,periods,hit_rate,pai")


# --- A generated near-repeat scenario ---------------------------------------------------------

SCENARIO_COLUMNS = SCENARIO_ROWS = 30
SCENARIO_WEEKS = 80


def near_repeat_events(
    cells: Cells,
    *,
    seed: int,
    background_per_week: float = 10.0,
    hotspot_intensity: float = 1.5,
    offspring: tuple[float, float] = (0.45, 0.2),
) -> Events:
    """Background events, Poisson(background_per_week) a week, hotspot_intensity times as likely
    in one 5 × 5 block (a long-standing hotspot a kernel density finds), and contagion: every
    event draws Poisson(offspring[0]) more in the next week and Poisson(offspring[1]) the week
    after, each up to 2 cells away in either direction."""
    rng = np.random.default_rng(seed)
    intensity = np.ones((SCENARIO_ROWS, SCENARIO_COLUMNS))
    intensity[5:10, 5:10] = hotspot_intensity
    background = (intensity / intensity.sum()).ravel()
    weeks: list[tuple[NDArray[np.int64], NDArray[np.int64]]] = []
    for week in range(SCENARIO_WEEKS):
        new = rng.choice(
            SCENARIO_ROWS * SCENARIO_COLUMNS, size=rng.poisson(background_per_week), p=background
        )
        rows, columns = [new // SCENARIO_COLUMNS], [new % SCENARIO_COLUMNS]
        for lag, mean in enumerate(offspring, start=1):
            if week >= lag:
                parent_rows, parent_columns = weeks[week - lag]
                children = rng.poisson(mean, size=len(parent_rows))
                child_rows = np.repeat(parent_rows, children) + rng.integers(-2, 3, children.sum())
                child_columns = np.repeat(parent_columns, children) + rng.integers(
                    -2, 3, children.sum()
                )
                inside = (
                    (child_rows >= 0)
                    & (child_rows < SCENARIO_ROWS)
                    & (child_columns >= 0)
                    & (child_columns < SCENARIO_COLUMNS)
                )
                rows.append(child_rows[inside])
                columns.append(child_columns[inside])
        weeks.append((np.concatenate(rows), np.concatenate(columns)))
    row = np.concatenate([rows for rows, _ in weeks])
    column = np.concatenate([columns for _, columns in weeks])
    week_of = np.concatenate([np.full(len(rows), week) for week, (rows, _) in enumerate(weeks)])
    n = len(row)
    return crime_events(
        cells,
        cell=row * SCENARIO_COLUMNS + column,
        x=X0 + (column + rng.uniform(0, 1, n)) * CELL_M,
        y=Y0 + (row + rng.uniform(0, 1, n)) * CELL_M,
        day=week_of * 7.0 + rng.uniform(0, 7, n),
    )


def test_with_near_repeats_the_prospective_map_beats_both_baselines() -> None:
    cells = square_grid(columns=SCENARIO_COLUMNS, rows=SCENARIO_ROWS)
    events = near_repeat_events(cells, seed=7)

    result = backtest(
        cells, events, end_day=SCENARIO_WEEKS * 7.0, periods=26, settings=HotspotSettings()
    )

    for share in (0.01, 0.05, 0.10):
        prospective = result.summary("prospective", share)
        assert prospective.periods == 26
        for baseline in ("last_period", "retrospective_kde"):
            other = result.summary(baseline, share)
            assert prospective.pai > 1.25 * other.pai, (share, baseline)
            assert prospective.pei_star > 1.25 * other.pei_star, (share, baseline)
            assert prospective.hit_rate > other.hit_rate, (share, baseline)


def test_the_map_for_the_coming_week_ranks_the_cells_near_last_weeks_events_first() -> None:
    cells = square_grid(columns=10, rows=10)
    # Last week in cell 44, three weeks ago in cell 0; the cut-off's own week is the future.
    events = events_in_cells(cells, [44, 0, 99], [97.0, 80.0, 100.0])

    one, five = hotspot_map(
        "prospective", cells, events, cutoff_day=100.0, area_shares=(0.01, 0.05)
    )

    assert one.cells.tolist() == [44]
    # Then its four rook neighbours (0.5), in cell order, 100 m away.
    assert five.cells.tolist() == [44, 34, 43, 45, 54]
    assert five.area_share == pytest.approx(0.05, abs=1e-15)


def test_without_near_repeats_the_retrospective_density_wins_instead() -> None:
    # The control: the same process with no contagion and a stable block three times as likely.
    cells = square_grid(columns=SCENARIO_COLUMNS, rows=SCENARIO_ROWS)
    events = near_repeat_events(
        cells, seed=7, background_per_week=25.0, hotspot_intensity=3.0, offspring=(0.0, 0.0)
    )

    result = backtest(cells, events, end_day=SCENARIO_WEEKS * 7.0, periods=26)

    for share in (0.01, 0.05):
        density = result.summary("retrospective_kde", share)
        assert density.pai > result.summary("prospective", share).pai, share
        assert density.pai > result.summary("last_period", share).pai, share


def test_each_backtest_week_judges_the_map_made_at_its_cut_off() -> None:
    cells = square_grid(columns=SCENARIO_COLUMNS, rows=SCENARIO_ROWS)
    events = near_repeat_events(cells, seed=11)

    result = backtest(cells, events, end_day=SCENARIO_WEEKS * 7.0, periods=4)

    assert len(result.periods) == 4 * 3 * 3
    for evaluation in result.periods:
        (selection,) = hotspot_map(
            evaluation.method,
            cells,
            events,
            cutoff_day=evaluation.cutoff_day,
            area_shares=(evaluation.target_area_share,),
        )
        counts = period_counts(cells, events, start_day=evaluation.cutoff_day, days=7.0)
        assert evaluation.accuracy == selection_accuracy(selection, counts)
