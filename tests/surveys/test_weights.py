"""Raking at its edges, on the cells' counts alone: margins of a person or less are met like
any other, and margins no weights can meet are said to be so in the log."""

import logging

import pytest

from surveys.weights import RAKING_MAX_ROUNDS, Cell, _raked


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
