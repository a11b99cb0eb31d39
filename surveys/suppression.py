"""Which cells of one indicator's table are hidden, so that no arithmetic recovers a small group.

The table of one wave and indicator publishes, per district × group cell and per total (over
districts, over groups, over both), n and figures that are functions of sums over the cell's
respondents (docs/surveys.md, "Suppression", says which and why). Its *atoms* are the
district × group cells, plus, per group, the respondents without a district (who count in the
totals over districts only, and are never published on their own). Every published cell is the
union of some atoms; a published figure of a cell is a function of the cell's sums, and a sum
over a cell is the sum of its atoms' sums.

So an attacker who knew every shown cell's sums exactly (the worst case) could recover, for any
set of atoms S, S's sums exactly when the 0/1 vector of S is a linear combination of the shown
cells' 0/1 vectors over the atoms (it is in their row space), and nothing exact otherwise. The
rule: hide every cell of fewer than k respondents; then, while some union S of atoms with
0 < n(S) < k is in the row space of the shown cells, hide the one, two or three shown cells of
fewest respondents together whose hiding takes S out of the row space (else the smallest shown
cell that holds part of S). Hiding only shrinks the row space, so what was safe stays safe, and
each round hides a cell, so it ends. Last, a hidden cell that the shown ones give away anyway is
shown again (it has at least k respondents, and showing it reveals nothing new).
"""

import itertools
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

Key = tuple[int | None, str]  # (district or None for all, group or "" for all)
Atom = tuple[int | None, str]  # (district or None for "without a district", group)

TOLERANCE = 1e-9


def hidden_cells(counts: Mapping[Key, int], k: int) -> set[Key]:
    """The cells of one indicator's table to hide, given every cell's n (the totals included).

    `counts` holds every published cell of the table: the district × group cells (area, group),
    the districts' totals (area, ""), the groups' totals (None, group) and the total (None, "").
    Respondents without a district count in the groups' totals and the total only: their
    atoms' n is what the groups' totals hold beyond their districts' cells.
    """
    keys = sorted(counts, key=_order_key)
    atoms: dict[Atom, int] = {key: n for key, n in counts.items() if key[0] is not None and key[1]}
    for (area, group), n in counts.items():
        if area is None and group:
            inside = sum(m for (a, g), m in atoms.items() if a is not None and g == group)
            if n > inside:
                atoms[(None, group)] = n - inside
    atom_list = sorted(atoms, key=lambda a: (a[0] is None, a[0] or 0, a[1]))
    column = {atom: j for j, atom in enumerate(atom_list)}
    matrix = np.zeros((len(keys), len(atom_list)))
    for i, (area, group) in enumerate(keys):
        for atom in atom_list:
            if (area is None or atom[0] == area) and (not group or atom[1] == group):
                matrix[i, column[atom]] = 1.0
    atom_n = np.array([atoms[a] for a in atom_list], dtype=float)

    hidden = {key for key in keys if counts[key] < k}
    while True:
        shown = [i for i, key in enumerate(keys) if key not in hidden]
        union = disclosed_union(matrix[shown], atom_n, k)
        if union is None:
            break
        target = np.zeros(len(atom_list))
        target[union] = 1.0
        hidden.update(keys[i] for i in _cheapest_cover(matrix, shown, target, keys, counts))
    # A hidden cell that the shown ones give away anyway (its vector is in their row space) has
    # at least k respondents (else the search would have found it) and showing it adds nothing
    # to the row space: it is shown.
    shown_rows = matrix[[i for i, key in enumerate(keys) if key not in hidden]]
    for i, key in enumerate(keys):
        if key in hidden and counts[key] >= k and in_row_space(shown_rows, matrix[i]):
            hidden.discard(key)
    return hidden


def _cheapest_cover(
    matrix: npt.NDArray[np.float64],
    shown: list[int],
    target: npt.NDArray[np.float64],
    keys: list[Key],
    counts: Mapping[Key, int],
) -> tuple[int, ...]:
    """The shown cells, at most three, of fewest respondents together whose hiding takes
    `target` out of the row space of the shown cells (ties: fewer cells, then by key); when
    no three do, the smallest shown cell that holds part of it."""
    sets: list[tuple[int, ...]] = [
        combo for size in (1, 2, 3) for combo in itertools.combinations(shown, size)
    ]
    sets.sort(
        key=lambda c: (sum(counts[keys[i]] for i in c), len(c), [_order_key(keys[i]) for i in c])
    )
    for combo in sets:
        rest = [i for i in shown if i not in combo]
        if not in_row_space(matrix[rest], target):
            return combo
    touching = [i for i in shown if (matrix[i] * target).any()]
    return (min(touching, key=lambda i: (counts[keys[i]], _order_key(keys[i]))),)


def _order_key(key: Key) -> tuple[int, str]:
    return (-1 if key[0] is None else key[0], key[1])


def in_row_space(rows: npt.NDArray[np.float64], vector: npt.NDArray[np.float64]) -> bool:
    """Whether `vector` is a linear combination of `rows` (least squares leaves no residual)."""
    if not len(rows):
        return not vector.any()
    coefficients, *_ = np.linalg.lstsq(rows.T, vector, rcond=None)
    return bool(np.abs(rows.T @ coefficients - vector).max() < TOLERANCE)


def disclosed_union(
    rows: npt.NDArray[np.float64], atom_n: npt.NDArray[np.float64], k: int
) -> list[int] | None:
    """A set of atoms with 0 < n < k whose sums follow from the rows' sums, or None.

    A 0/1 vector c is in the row space of `rows` iff it is orthogonal to their null space: with
    v_a the row of atom a in a basis of the null space, iff Σ_{a∈S} v_a = 0. Only atoms of fewer
    than k respondents can be in such an S; an atom with v_a = 0 is known on its own. The others
    are searched depth-first, in order of n, never past k respondents.
    """
    if rows.shape[0]:
        _, singular, vt = np.linalg.svd(rows)
        rank = int((singular > TOLERANCE * max(rows.shape)).sum())
        null = vt[rank:].T
    else:
        null = np.eye(len(atom_n))
    small = [a for a in np.argsort(atom_n, kind="stable") if 0 < atom_n[a] < k]
    for a in small:
        if np.abs(null[a]).max(initial=0.0) < TOLERANCE:
            return [int(a)]
    candidates = [int(a) for a in small]

    def search(
        start: int, chosen: list[int], total: float, vector: npt.NDArray[np.float64]
    ) -> list[int] | None:
        for position in range(start, len(candidates)):
            a = candidates[position]
            n = total + atom_n[a]
            if n >= k:
                break  # sorted by n: the rest are no smaller
            v = vector + null[a]
            if np.abs(v).max(initial=0.0) < TOLERANCE:
                return [*chosen, a]
            found = search(position + 1, [*chosen, a], n, v)
            if found is not None:
                return found
        return None

    return search(0, [], 0.0, np.zeros(null.shape[1]))
