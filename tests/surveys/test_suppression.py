"""Suppression attacked with linear algebra: no group of fewer than k respondents is recoverable.

The attacker below is written independently of surveys/suppression.py. It knows, for every cell
a table shows, the exact sums over the cell's respondents (n, the weight total, the weighted sum
of y: the worst case, as if every published figure could be inverted), and that every cell is
the sum of its atoms (district × group, and per group the respondents without a district). A set
of atoms is recoverable when its 0/1 vector is a linear combination of the shown cells' vectors
(adding it to them leaves their rank unchanged); then its sums, hence its n and mean, follow.
Every set of atoms with fewer than k respondents is tried.
"""

import csv
import io
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from django.test import Client, override_settings
from django.utils import timezone

from curim.accounts.roles import Role
from surveys.dashboard import dashboard_for
from surveys.estimates import estimates_compute
from surveys.models import Indicator, RespondentGroup, Survey
from surveys.services.refresh import estimates_refresh
from surveys.services.statistics import cell_statistics_rebuild
from surveys.suppression import (
    Key,
    _cheapest_cover,
    disclosed_union,
    hidden_cells,
    in_row_space,
)
from tests.factories import user_with_role
from tests.html import parse
from tests.surveys.generate import GROUPS, build_wave
from tests.surveys.test_estimates import reference_y

Atoms = dict[tuple[int | None, str], tuple[int, float, float]]  # (n, Σw, Σwy)


def cells_of(atoms: Atoms) -> dict[tuple[int | None, str], list[tuple[int | None, str]]]:
    """Every published cell with the atoms it adds up: district × group, the districts' totals
    (without the respondents who have no district), the groups' totals and the grand total."""
    districts = sorted({a for a, _ in atoms if a is not None})
    groups = sorted({g for _, g in atoms})
    cells = {}
    for area in [*districts, None]:
        for group in [*groups, ""]:
            members = [
                atom
                for atom in atoms
                if (area is None or atom[0] == area) and (not group or atom[1] == group)
            ]
            if members:
                cells[(area, group)] = members
    return cells


def counts_of(atoms: Atoms) -> dict[tuple[int | None, str], int]:
    return {key: sum(atoms[a][0] for a in members) for key, members in cells_of(atoms).items()}


def vector(atoms: Atoms, members: list[tuple[int | None, str]]) -> np.ndarray:
    order = sorted(atoms, key=lambda a: (a[0] is None, a[0] or 0, a[1]))
    return np.array([1.0 if atom in members else 0.0 for atom in order])


def small_sets(sizes: list[tuple[Any, int]], k: int) -> Iterator[list[Any]]:
    """Every non-empty set of the atoms whose respondents add up to fewer than k."""

    def grow(start: int, chosen: list[Any], total: int) -> Iterator[list[Any]]:
        for i in range(start, len(sizes)):
            atom, n = sizes[i]
            if total + n < k:
                yield [*chosen, atom]
                yield from grow(i + 1, [*chosen, atom], total + n)

    yield from grow(0, [], 0)


def attack(atoms: Atoms, hidden: set[tuple[int | None, str]], k: int) -> list[dict[str, Any]]:
    """Every set of atoms of fewer than k respondents whose n and mean follow from the shown
    cells, with what the attacker works out (n and mean) and the truth."""
    order = sorted(atoms, key=lambda a: (a[0] is None, a[0] or 0, a[1]))
    column = {atom: j for j, atom in enumerate(order)}
    shown = [(key, members) for key, members in cells_of(atoms).items() if key not in hidden]
    rows = np.zeros((len(shown), len(order)))
    values = np.zeros((len(shown), 3))
    for i, (_, members) in enumerate(shown):
        for atom in members:
            rows[i, column[atom]] = 1.0
            values[i] += atoms[atom]
    rank = np.linalg.matrix_rank(rows) if len(shown) else 0
    found = []
    sizes = sorted(((a, atoms[a][0]) for a in order if atoms[a][0] < k), key=lambda x: x[1])
    for subset in small_sets(sizes, k):
        target = np.zeros(len(order))
        target[[column[a] for a in subset]] = 1.0
        if np.linalg.matrix_rank(np.vstack([rows, target])) > rank:
            continue  # not a combination of the shown cells
        coefficients, *_ = np.linalg.lstsq(rows.T, target, rcond=None)
        n, weight, weighted_sum = coefficients @ values
        truth = np.sum([atoms[a] for a in subset], axis=0)
        found.append(
            {
                "atoms": subset,
                "n": n,
                "mean": weighted_sum / weight,
                "true_n": truth[0],
                "true_mean": truth[2] / truth[1],
            }
        )
    return found


def random_atoms(rng: np.random.Generator, k: int) -> Atoms:
    """A table of 2–7 districts × 3 groups, many cells near or under k, some empty, and
    sometimes respondents without a district; weights vary from respondent to respondent."""
    atoms: Atoms = {}
    districts = int(rng.integers(2, 8))
    for area in [*range(1, districts + 1), None]:
        for group in GROUPS:
            if area is None:
                n = int(rng.integers(1, 6)) if rng.random() < 0.4 else 0
            elif rng.random() < 0.1:
                n = 0
            elif rng.random() < 0.5:
                n = int(rng.integers(1, k + 3))
            else:
                n = int(rng.integers(k, 6 * k))
            if n:
                w = rng.uniform(0.5, 3.0, size=n)
                y = rng.uniform(0, 100, size=n)
                atoms[(area, group)] = (n, float(w.sum()), float((w * y).sum()))
    return atoms


def primary(atoms: Atoms, k: int) -> set[tuple[int | None, str]]:
    return {key for key, n in counts_of(atoms).items() if n < k}


# --- The rule, attacked ----------------------------------------------------------------------


@pytest.mark.parametrize("k", [5, 10, 20, 30, 50])
def test_no_small_group_is_recoverable_from_generated_tables(k: int) -> None:
    rng = np.random.default_rng(1000 + k)
    exposed_without_the_rule = 0
    for _ in range(60):
        atoms = random_atoms(rng, k)
        hidden = hidden_cells(counts_of(atoms), k)
        assert primary(atoms, k) <= hidden
        assert attack(atoms, hidden, k) == []
        exposed_without_the_rule += bool(attack(atoms, primary(atoms, k), k))
    # The attacker is no straw man: hiding only the small cells leaves most tables open.
    assert exposed_without_the_rule > 20


def test_the_attacker_recovers_exactly_what_it_claims() -> None:
    rng = np.random.default_rng(7)
    found = []
    for _ in range(20):
        atoms = random_atoms(rng, 30)
        found += attack(atoms, primary(atoms, 30), 30)
    assert found
    for f in found:
        assert f["n"] == pytest.approx(f["true_n"], abs=1e-9)
        assert f["mean"] == pytest.approx(f["true_mean"], rel=1e-9)


def live_example() -> Atoms:
    """The case found on live data at k = 30: a district's employees (15) and shop owners (14),
    both hidden, n = 29 together, under a shown district total."""
    rng = np.random.default_rng(29)

    def atom(n: int) -> tuple[int, float, float]:
        w = rng.uniform(0.5, 3.0, size=n)
        return (n, float(w.sum()), float((w * rng.uniform(0, 100, size=n)).sum()))

    return {
        (1, "resident"): atom(120),
        (1, "employee"): atom(15),
        (1, "shop_owner"): atom(14),
        (2, "resident"): atom(200),
        (2, "employee"): atom(60),
        (2, "shop_owner"): atom(45),
        (3, "resident"): atom(90),
        (3, "employee"): atom(40),
        (3, "shop_owner"): atom(35),
    }


def test_two_hidden_siblings_of_29_at_k_30_are_no_longer_recoverable() -> None:
    atoms = live_example()
    # Hiding the two small cells alone (which the rule before this one left as it was, a
    # margin with two hidden cells) gives both away together, n and mean exact.
    (found,) = [
        f for f in attack(atoms, primary(atoms, 30), 30) if len(f["atoms"]) == 2
    ]  # fmt: skip
    assert sorted(found["atoms"]) == [(1, "employee"), (1, "shop_owner")]
    assert found["n"] == pytest.approx(29)
    assert found["mean"] == pytest.approx(found["true_mean"], rel=1e-12)
    hidden = hidden_cells(counts_of(atoms), 30)
    assert attack(atoms, hidden, 30) == []
    # District 1's residents would give the pair away as 1's total less them, and each group's
    # total less the other districts' cells would give each of the pair: district 1's residents
    # and district 3's (the smaller) three groups go, and every total stays.
    assert hidden == {(area, group) for area in (1, 3) for group in GROUPS}


def test_respondents_without_a_district_are_protected_too() -> None:
    # Every district cell shown, with the group's total: the three employees without a
    # district would be the total less the districts.
    atoms: Atoms = {
        (1, "employee"): (40, 40.0, 2000.0),
        (2, "employee"): (50, 50.0, 2600.0),
        (None, "employee"): (3, 3.0, 300.0),
        (1, "resident"): (80, 80.0, 4000.0),
        (2, "resident"): (70, 70.0, 3500.0),
    }
    assert attack(atoms, primary(atoms, 10), 10)  # open without the rule
    hidden = hidden_cells(counts_of(atoms), 10)
    assert attack(atoms, hidden, 10) == []


def test_a_lone_hidden_cell_takes_the_cheapest_rectangle_with_it() -> None:
    counts: dict[Key, int] = {(7, ""): 60, (7, "women"): 5, (7, "men"): 30, (7, "other"): 25}
    counts |= {(8, ""): 100, (8, "women"): 20, (8, "men"): 40, (8, "other"): 40}
    counts |= {(None, ""): 160, (None, "women"): 25, (None, "men"): 70, (None, "other"): 65}
    # District 7's women would be its total less its other groups, and their group's total less
    # district 8's: the cheapest cells that stop both, and every other way, are the rectangle
    # of district 7's others and district 8's women and others (85 respondents); the totals stay.
    assert hidden_cells(counts, 10) == {(7, "women"), (7, "other"), (8, "women"), (8, "other")}
    # With one district, its groups are the groups' totals: both go.
    one = {key: n for key, n in counts.items() if key[0] != 8}
    one |= {(None, ""): 60, (None, "women"): 5, (None, "men"): 30, (None, "other"): 25}
    assert hidden_cells(one, 10) == {(7, "women"), (None, "women"), (7, "other"), (None, "other")}


def test_the_cover_is_the_cheapest_set_of_one_to_three_cells_else_one_touching_cell() -> None:
    # Unit rows over atoms, to reach what no real table needs yet. Keys and counts per row:
    keys: list[Key] = [(1, "a"), (2, "a"), (3, "a"), (4, "a"), (5, "a")]
    target = np.array([1.0, 0.0])
    # One shown row gives the target away, and hiding it alone is the cheapest cover, cheaper
    # than any pair that holds it (hiding the cheaper other row takes nothing away).
    single = np.array([[1.0, 0.0], [0.0, 1.0]])
    counts = {keys[0]: 20, keys[1]: 5}
    assert _cheapest_cover(single, [0, 1], target, keys[:2], counts) == (0,)
    # Four shown copies of the target: no three hidden take it away. The fallback hides the
    # shown row of fewest respondents among those that hold part of the target (row 2), not
    # the smaller row 4 that holds none of it; the loop of `hidden_cells` then goes on.
    copies = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    counts = {keys[0]: 50, keys[1]: 40, keys[2]: 30, keys[3]: 60, keys[4]: 10}
    assert _cheapest_cover(copies, [0, 1, 2, 3, 4], target, keys, counts) == (2,)


def test_with_nothing_shown_only_the_empty_set_is_recoverable() -> None:
    nothing = np.zeros((0, 3))
    assert in_row_space(nothing, np.zeros(3))
    assert not in_row_space(nothing, np.array([0.0, 1.0, 0.0]))


def test_a_cover_may_hide_every_shown_cell() -> None:
    # Two shown copies of the target: hiding both leaves nothing that gives it away.
    keys: list[Key] = [(1, "a"), (2, "a")]
    rows = np.array([[0.0, 1.0], [0.0, 1.0]])
    counts = {keys[0]: 40, keys[1]: 50}
    assert _cheapest_cover(rows, [0, 1], np.array([0.0, 1.0]), keys, counts) == (0, 1)


def test_a_union_of_atoms_is_disclosed_only_below_k_respondents() -> None:
    district_total = np.array([[1.0, 1.0]])  # the only shown cell: the sum of two atoms
    assert disclosed_union(district_total, np.array([4.0, 5.0]), 10) == [0, 1]
    assert disclosed_union(district_total, np.array([5.0, 5.0]), 10) is None  # 10 is k
    assert disclosed_union(district_total, np.array([6.0, 6.0]), 10) is None
    # A shown atom on its own, and nothing shown at all.
    assert disclosed_union(np.array([[0.0, 1.0]]), np.array([30.0, 3.0]), 10) == [1]
    assert disclosed_union(np.zeros((0, 2)), np.array([3.0, 4.0]), 10) is None


def test_an_empty_cell_is_hidden_and_protects_nobody() -> None:
    # No respondent to recover: the empty cell is below k and hidden, nothing else for it.
    counts: dict[Key, int] = {(1, "a"): 0, (1, "b"): 30, (2, "a"): 30, (2, "b"): 40}
    counts |= {(1, ""): 30, (2, ""): 70, (None, "a"): 30, (None, "b"): 70, (None, ""): 100}
    assert hidden_cells(counts, 10) == {(1, "a")}


def test_a_table_of_fewer_than_k_respondents_hides_every_cell() -> None:
    counts: dict[Key, int] = {(1, "a"): 2, (1, "b"): 1, (2, "a"): 3, (2, "b"): 1}
    counts |= {(1, ""): 3, (2, ""): 4, (None, "a"): 5, (None, "b"): 2, (None, ""): 7}
    assert hidden_cells(counts, 10) == set(counts)


def test_a_cell_of_exactly_k_respondents_is_shown() -> None:
    counts: dict[Key, int] = {(1, "a"): 10, (1, "b"): 12, (2, "a"): 11, (2, "b"): 30}
    counts |= {(1, ""): 22, (2, ""): 41, (None, "a"): 21, (None, "b"): 42, (None, ""): 63}
    assert hidden_cells(counts, 10) == set()
    assert hidden_cells(counts, 11) == {(1, "a"), (1, "b"), (2, "a"), (2, "b")}
    # Four cells of exactly k: hidden, none would be given away by the totals; shown, none is.
    even: dict[Key, int] = {(1, "a"): 10, (1, "b"): 10, (2, "a"): 10, (2, "b"): 10}
    even |= {(1, ""): 20, (2, ""): 20, (None, "a"): 20, (None, "b"): 20, (None, ""): 40}
    assert hidden_cells(even, 10) == set()


def test_no_hidden_cell_is_given_away_by_the_shown_ones() -> None:
    # A hidden cell that the shown ones give away protects nothing: the rule shows it.
    rng = np.random.default_rng(5)
    for _ in range(30):
        atoms = random_atoms(rng, 20)
        cells = cells_of(atoms)
        hidden = hidden_cells(counts_of(atoms), 20)
        rows = np.array([vector(atoms, m) for key, m in cells.items() if key not in hidden])
        rank = np.linalg.matrix_rank(rows) if len(rows) else 0
        for key in hidden:
            stacked = np.vstack([rows, vector(atoms, cells[key])]) if len(rows) else None
            assert stacked is None or np.linalg.matrix_rank(stacked) > rank, key


# --- Generated waves, through the platform ---------------------------------------------------


def csv_shows_what_the_rule_shows(
    response: Any, expected: dict[tuple[str, str, str], bool]
) -> None:
    """An estimates CSV has a row per cell (indicator, district, group) and, for the cells
    `expected` says are hidden, blanks only."""
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    seen = {(r["indicator"], r["district"], r["group"]): r for r in rows}
    assert seen.keys() == expected.keys()
    for key, suppressed in expected.items():
        row = seen[key]
        values = [row[c] for c in ("n", "estimate", "std_error", "ci_low", "ci_high")]
        assert row["suppressed"] == ("yes" if suppressed else "no"), key
        assert (values == [""] * 5) if suppressed else ("" not in values), key
        assert (row["effective_n"] == "") is suppressed, key


def api_shows_what_the_rule_shows(
    client: Client, survey: str, expected: dict[tuple[str, str, str], bool]
) -> None:
    """So for `/api/v1/indicators/`: nulls only, in the hidden cells."""
    api = client.get(f"/api/v1/indicators/?survey={survey}&page_size=1000").json()
    served = {(r["indicator"], r["area"] or "all", r["group"] or "all"): r for r in api["results"]}
    assert served.keys() == expected.keys()
    for key, suppressed in expected.items():
        item = served[key]
        values = [
            item[c] for c in ("n", "estimate", "std_error", "ci_low", "ci_high", "effective_n")
        ]
        assert item["suppressed"] is suppressed, key
        assert (values == [None] * 6) if suppressed else (None not in values), key


def wave_atoms(wave: Any, code: str) -> Atoms:
    """An indicator's atoms from the raw answers (unweighted: w = 1), districts by their pk."""
    y = reference_y(wave)
    y = y[y["indicator"] == code]
    pks = [district.pk for district in wave.districts]
    atoms: Atoms = {}
    for (area, group), part in y.groupby(["area", "group"]):
        atom = (pks[int(str(area))], str(group))
        atoms[atom] = (len(part), float(len(part)), float(part["y"].sum()))
    return atoms


@pytest.mark.django_db
def test_no_small_group_is_recoverable_from_a_generated_wave() -> None:
    wave = build_wave(seed=12, n=700)
    cell_statistics_rebuild(survey=wave.survey)
    codes = dict(Indicator.objects.values_list("pk", "code"))
    for k in (5, 10, 20, 30, 50):
        with override_settings(SURVEY_MIN_CELL_SIZE=k):
            estimates = estimates_compute(wave.survey)
        for indicator_id, code in codes.items():
            atoms = wave_atoms(wave, code)
            hidden = {
                (e.area_id, e.group)
                for e in estimates
                if e.indicator_id == indicator_id and e.suppressed
            }
            shown = [e for e in estimates if e.indicator_id == indicator_id and not e.suppressed]
            assert all((e.n or 0) >= k for e in shown)
            assert attack(atoms, hidden, k) == [], (k, code)


@pytest.mark.django_db
@override_settings(SURVEY_MIN_CELL_SIZE=30)
def test_the_csv_the_api_and_the_dashboard_show_nothing_the_rule_hides(client: Client) -> None:
    wave = build_wave(seed=13, n=500)
    estimates_refresh(survey=wave.survey)
    code_of = {d.pk: d.code for d in wave.districts}
    expected: dict[tuple[str, str, str], bool] = {}
    for code in ("perception", "trust", "participation"):
        counts = counts_of(wave_atoms(wave, code))
        hidden = hidden_cells(counts, 30)
        for area, group in counts:
            key = (code, "all" if area is None else code_of[area], group or "all")
            expected[key] = (area, group) in hidden
    assert any(expected.values())
    assert not all(expected.values())

    client.force_login(user_with_role(Role.ANALYST))
    csv_shows_what_the_rule_shows(client.get("/surveys/dashboard/indicators.csv"), expected)
    api_shows_what_the_rule_shows(client, wave.survey.code, expected)

    for code in ("perception", "trust", "participation"):
        board = dashboard_for(user_with_role(Role.ANALYST), wave.survey.code, code)
        for line in board.by_district:
            assert line.suppressed is expected[(code, line.key or "all", "all")]
            assert line.n is None if line.suppressed else line.n is not None
            assert line.estimate is None if line.suppressed else line.estimate is not None
        for line in board.by_group:
            assert line.suppressed is expected[(code, "all", line.key or "all")]

    # Published, the wave's public outputs read the same rows: the same cells hidden.
    Survey.objects.filter(pk=wave.survey.pk).update(
        status=Survey.Status.CLOSED, results_published_at=timezone.now()
    )
    client.logout()
    code = wave.survey.code
    csv_shows_what_the_rule_shows(client.get(f"/surveys/results/{code}/indicators.csv"), expected)
    api_shows_what_the_rule_shows(client, code, expected)
    page = parse(client.get(f"/surveys/results/{code}/").content.decode())
    names = {d.code: d.name_en for d in wave.districts}
    labels = {group: str(label) for group, label in RespondentGroup.choices}
    for (indicator, district, group), suppressed in expected.items():
        if district != "all" and group != "all":
            continue  # the page shows the margins: districts over groups, groups over districts
        by = "district" if group == "all" else "group"
        label = names.get(district, "All") if by == "district" else labels.get(group, "All")
        table = page.find(id_=f"table-{by}-{indicator}")
        rows = {r.find("th").text: r for r in table.find_all("tr") if r.find_all("td")}
        cells = [td.text for td in rows[label].find_all("td")]
        assert ("fewer than 30 respondents" in cells[0]) is suppressed, (indicator, district, group)
        assert (cells[1:4] == ["—", "—", "—"]) is suppressed, (indicator, district, group)
