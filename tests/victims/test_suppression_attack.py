"""The unit's suppression against an attacker who knows the rule (`victims.selectors._suppress`)
and reads what the council reads: every cell of a dimension, hidden or not, and the total
when it is shown. For every small table, the attacker gathers every table that gives the same
publication; a hidden count from 1 to k − 1 must have more than one value among them, or the
publication says it exactly.

Small dimensions (3 to 5 cells) and counts (0 up to 9–14) are tried whole: an outside review
found such a case in the earlier rule (4 and 6 hidden, the other 6 shown by key order: the
hidden pair could only be 4 and 6)."""

import itertools
from collections import defaultdict

import pytest

from victims.selectors import _suppress


def _pinned(k: int, cells: int, largest: int) -> list[tuple[tuple[int, ...], int]]:
    """The (table, cell) pairs whose hidden count below k the publication gives exactly."""
    keys = [f"{i:02d}" for i in range(1, cells + 1)]
    publications: dict[object, list[tuple[int, ...]]] = defaultdict(list)
    for table in itertools.product(range(largest + 1), repeat=cells):
        total = sum(table)
        shown = total >= k
        published = tuple(
            cell.count
            for cell in _suppress(dict(zip(keys, table, strict=True)), k, total_shown=shown)
        )
        publications[(published, total if shown else None)].append(table)
    pinned = []
    for (published, _total), tables in publications.items():
        for i, count in enumerate(published):
            if count is not None:
                continue
            values = {table[i] for table in tables}
            pinned += [(table, i) for table in tables if 0 < table[i] < k and len(values) == 1]
    return pinned


@pytest.mark.parametrize(
    ("k", "cells", "largest"),
    [(3, 3, 10), (3, 4, 9), (5, 3, 16), (5, 4, 12), (3, 5, 6)],
)
def test_no_hidden_small_count_is_pinned_by_the_total_and_the_rule(
    k: int, cells: int, largest: int
) -> None:
    assert _pinned(k, cells, largest) == []
