"""Raking at its edges, on the cells' counts alone: margins of a person or less are met like
any other, and margins no weights can meet are said to be so in the log."""

import logging
import random

import pytest

from surveys.weights import DIMENSIONS, RAKING_MAX_ROUNDS, Cell, _raked


def margin(population: int, area_id: int | None = None, gender: str = "") -> dict[str, object]:
    return {"area_id": area_id, "gender": gender, "age_band": "", "population": population}


def test_raking_meets_margins_of_a_person_or_less(caplog: pytest.LogCaptureFixture) -> None:
    counts: dict[Cell, int] = {
        (1, "woman", "18-24"): 3,
        (1, "man", "18-24"): 5,
        (2, "woman", "18-24"): 4,  # no margin for district 2: its respondents weigh nothing
        (2, "man", "18-24"): 2,
    }
    # The districts come first, so every margin is scaled to their total, one person: the
    # women's margin becomes 1/10,000 of a person.
    margins = [margin(1, area_id=1), margin(1, gender="woman"), margin(9999, gender="man")]
    with caplog.at_level(logging.WARNING, logger="surveys.weights"):
        weights, settled = _raked(counts, margins)
    assert settled
    assert not [r for r in caplog.records if r.name == "surveys.weights"]
    assert weights[(1, "woman", "18-24")] * 3 == pytest.approx(1e-4, rel=1e-9)
    assert weights[(1, "man", "18-24")] * 5 == pytest.approx(0.9999, rel=1e-9)
    assert weights[(2, "woman", "18-24")] == 0.0
    assert weights[(2, "man", "18-24")] == 0.0


def test_margins_no_weights_can_meet_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    # District 1 holds only women and must weigh 900 of 1,000, where all women weigh 100.
    counts: dict[Cell, int] = {
        (1, "woman", "18-24"): 2,
        (2, "woman", "18-24"): 2,
        (2, "man", "18-24"): 2,
    }
    margins = [
        margin(900, area_id=1),
        margin(100, area_id=2),
        margin(100, gender="woman"),
        margin(900, gender="man"),
    ]
    with caplog.at_level(logging.WARNING, logger="surveys.weights"):
        weights, settled = _raked(counts, margins)
    assert not settled
    assert [r.getMessage() for r in caplog.records if r.name == "surveys.weights"] == [
        f"raking did not settle within {RAKING_MAX_ROUNDS} rounds"
    ]
    # The last round's weights, which meet the last dimension raked (gender) and not the
    # districts: women 100 (all in district 1 by now), men 900.
    assert weights[(1, "woman", "18-24")] * 2 == pytest.approx(100, rel=1e-9)
    assert weights[(2, "woman", "18-24")] == pytest.approx(0, abs=1e-9)
    assert weights[(2, "man", "18-24")] * 2 == pytest.approx(900, rel=1e-9)


# The raking as it was written before it moved to NumPy (2026-12-06): a loop over the cells, each
# category's sum added in the cells' order. Kept as the reference the arrays must match to the
# bit, margins met or not.
def _reference_raked(
    counts: dict[Cell, int], targets: dict[int, dict[object, float]]
) -> tuple[dict[Cell, float], bool]:
    def totals_of(weights: dict[Cell, float], i: int) -> dict[object, float]:
        totals: dict[object, float] = {}
        for cell, w in weights.items():
            totals[cell[i]] = totals.get(cell[i], 0.0) + w
        return totals

    def met(weights: dict[Cell, float]) -> bool:
        for i, values in targets.items():
            for value, total in totals_of(weights, i).items():
                if total > 0 and abs(total - values[value]) > 1e-12 * values[value]:
                    return False
        return True

    weights = {
        cell: (float(n) if all(cell[i] in values for i, values in targets.items()) else 0.0)
        for cell, n in counts.items()
    }
    for _ in range(RAKING_MAX_ROUNDS):
        for i, values in targets.items():
            totals = totals_of(weights, i)
            for cell in weights:
                total = totals.get(cell[i], 0.0)
                if total > 0:
                    weights[cell] *= values[cell[i]] / total
        if met(weights):
            return {cell: w / counts[cell] for cell, w in weights.items()}, True
    return {cell: w / counts[cell] for cell, w in weights.items()}, False


def _reference_targets(
    counts: dict[Cell, int], margins: list[dict[str, object]]
) -> dict[int, dict[object, float]]:
    # As surveys.weights._raked scales them: each dimension's reachable margins to the first's
    # total.
    typed: dict[int, dict[object, float]] = {}
    for m in margins:
        named = [i for i, dim in enumerate(DIMENSIONS) if m[dim] not in (None, "")]
        if len(named) == 1:
            i = named[0]
            typed.setdefault(i, {})[m[DIMENSIONS[i]]] = float(m["population"])  # type: ignore[arg-type]
    targets = dict(sorted(typed.items()))
    common = None
    for i, values in targets.items():
        reachable = {v: p for v, p in values.items() if v in {cell[i] for cell in counts}}
        total = sum(reachable.values())
        if total > 0:
            common = total if common is None else common
            targets[i] = {v: p * common / total for v, p in reachable.items()}
    return targets


def _random_wave(rng: random.Random) -> tuple[dict[Cell, int], list[dict[str, object]]]:
    districts = list(range(1, rng.randint(2, 6)))
    genders = ["woman", "man"]
    bands = ["18-24", "25-44", "45-64", "65+"][: rng.randint(2, 4)]
    counts: dict[Cell, int] = {}
    for d in [*districts, None]:
        for g in genders:
            for b in bands:
                if rng.random() < 0.75:
                    counts[(d, g, b)] = rng.randint(1, 40)
    margins: list[dict[str, object]] = []
    # Each dimension raked or not; a margin may name a category nobody answered from (district
    # 99), and a population may be 0.
    if rng.random() < 0.8:
        for d in [*districts, 99]:
            if rng.random() < 0.9:
                population = 0 if rng.random() < 0.1 else rng.randint(50, 5000)
                margins.append(margin(population, area_id=d))
    # Past the first dimension, a category may have no margin: its respondents weigh 0 from the
    # start, not only once their dimension's turn comes.
    if rng.random() < 0.8:
        for g in genders:
            if rng.random() < 0.9:
                margins.append(margin(rng.randint(100, 20000), gender=g))
    if rng.random() < 0.6:
        for b in bands:
            if rng.random() < 0.9:
                margins.append(
                    {
                        "area_id": None,
                        "gender": "",
                        "age_band": b,
                        "population": rng.randint(10, 9000),
                    }
                )
    return counts, margins


def test_the_arrays_rake_as_the_loop_over_cells_did_to_the_bit() -> None:
    rng = random.Random(20261206)  # noqa: S311 - a repeatable sequence, not a secret
    waves = [_random_wave(rng) for _ in range(150)]
    # And the edges: every district's population 0 (its margins are then left as typed, and
    # weigh everyone 0), no respondents at all, one cell.
    counts, _ = waves[0]
    waves += [
        (counts, [margin(0, area_id=1), margin(0, area_id=2), margin(50, gender="man")]),
        ({}, [margin(10, area_id=1), margin(10, gender="woman")]),
        ({(1, "woman", "18-24"): 3}, [margin(10, area_id=1), margin(7, gender="woman")]),
    ]
    unmet = 0
    for counts, margins in waves:
        if not margins:
            continue
        expected, expected_settled = _reference_raked(counts, _reference_targets(counts, margins))
        weights, settled = _raked(counts, margins)
        assert settled == expected_settled
        assert list(weights) == list(expected)
        assert weights == expected  # every float equal, not approximately
        unmet += not settled
    assert 10 <= unmet <= len(waves) - 10, unmet  # both kinds were tried


@pytest.mark.django_db
def test_a_wave_s_design_counts_its_own_respondents_only() -> None:
    # Two waves in one database (as every city has after its second): each wave's cells count
    # that wave's complete responses, never the other's.
    from surveys.weights import design
    from tests.surveys.generate import build_wave

    first = build_wave(seed=21, n=60)
    second = build_wave(seed=22, n=40, districts=first.districts, follows=first.survey)
    for wave in (first, second):
        complete = int((wave.people["status"] == "complete").sum())
        assert sum(cell.n for cell in design(wave.survey).cells) == complete
