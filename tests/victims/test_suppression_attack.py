"""The unit's suppression against an attacker who knows the rule (`victims.selectors._suppress`)
and reads what the council reads: every cell of a dimension, hidden or not, and the total
when it is shown. For every small table, the attacker gathers every table that gives the same
publication; a hidden count from 1 to k − 1 must have more than one value among them, or the
publication says it exactly; and it must still be 0 as far as the attacker can tell, or the
publication says that someone is there.

Small dimensions (3 to 5 cells) and counts (0 up to 7–24) are tried whole: an outside review
found such a case in the earlier rule (4 and 6 hidden, the other 6 shown by key order: the
hidden pair could only be 4 and 6)."""

import itertools
from collections import defaultdict

import pytest

from victims.selectors import _suppress


def _narrowed(k: int, cells: int, largest: int) -> tuple[list[object], list[object]]:
    """The (table, cell) pairs whose hidden count below k the publication gives exactly, and
    those (of tables whose total is at most `largest`, so that the enumeration's own bound
    says nothing) whose hidden count below k cannot be 0 as far as the publication tells: it
    would say that someone is there."""
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
    pinned: list[object] = []
    someone: list[object] = []
    for (published, _total), tables in publications.items():
        for i, count in enumerate(published):
            if count is not None:
                continue
            values = {table[i] for table in tables}
            small = [table for table in tables if 0 < table[i] < k]
            pinned += [(table, i) for table in small if len(values) == 1]
            someone += [(t, i) for t in small if 0 not in values and sum(t) <= largest]
    return pinned, someone


@pytest.mark.parametrize(
    ("k", "cells", "largest"),
    [(3, 3, 14), (3, 4, 12), (5, 3, 24), (5, 4, 16), (3, 5, 7)],
)
def test_no_hidden_small_count_is_pinned_or_known_to_hold_someone(
    k: int, cells: int, largest: int
) -> None:
    pinned, someone = _narrowed(k, cells, largest)
    assert pinned == []
    assert someone == []
