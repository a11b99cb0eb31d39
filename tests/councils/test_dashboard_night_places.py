"""The dashboard's "places rated least safe at night", against a count made here.

A generator writes varied place evaluations (night and day, spread over months and across the
period's edges in local time, some cells on a district border, some with too few ratings, some
with the same mean); the panel is then recomputed in plain Python from those rows, with exact
fractions, and compared with what the page's table shows and what its CSV holds. The panel's
rules, as docs/councils.md states them:

- night ratings only; made in the period's months, in local (Athens) days;
- in a district, only the ratings placed in that district;
- a cell is listed only with at least EVALUATIONS_PER_CELL_MIN ratings;
- least safe first (lowest mean feeling), more ratings first on a tie, ten at most;
- a cell on a border is listed under the first of its districts by code.

Each test also checks that its data would show a broken rule: the reference computed without
the rule differs from the one with it.
"""

import csv
import io
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from itertools import groupby
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from curim.areas.models import Area
from curim.reports.models import PlaceEvaluation
from tests.councils.factories import council_create, member_create
from tests.councils.page_tables import page_tables

pytestmark = pytest.mark.usefixtures("piraeus")

URL = "/council/dashboard/"
CSV_URL = "/council/dashboard/night-places.csv"
CAPTION = "Mean night ratings per place (1 poor … 5 good)"
PARAMETERS = ("feeling", "lighting", "visibility", "people", "security", "walk_path")
LOCAL = ZoneInfo("Europe/Athens")
MIN_RATINGS = 3  # the map's minimum, written here rather than imported
SHOWN = 10
FIRST, LAST = date(2025, 1, 1), date(2025, 12, 31)  # the period 2025-01 … 2025-12
PERIOD = {"first_month": "2025-01", "last_month": "2025-12"}


@dataclass(frozen=True)
class Rating:
    cell: int
    lon: float
    lat: float
    district: str | None
    night: bool
    at: datetime  # aware, UTC
    scores: tuple[int, ...]


@dataclass(frozen=True)
class Rules:
    """The panel's rules; a test turns one off to see that its data would notice."""

    night_only: bool = True
    local_days: bool = True
    min_ratings: int = MIN_RATINGS
    district_filter: bool = True
    more_ratings_first: bool = True
    border_first_code: bool = True


@dataclass(frozen=True)
class Row:
    cell: int
    district: str | None
    ratings: int
    means: tuple[Fraction, ...]  # in PARAMETERS' order

    @property
    def key(self) -> tuple[Fraction, int]:
        return (self.means[0], self.ratings)


def _in_period(rating: Rating, rules: Rules) -> bool:
    day = rating.at.astimezone(LOCAL).date() if rules.local_days else rating.at.date()
    return FIRST <= day <= LAST


def reference(ratings: list[Rating], district: str = "", rules: Rules = Rules()) -> list[Row]:
    """The panel, from the rows: every listed cell, in order (cells tied on both the mean and
    the count stay together; their order among themselves is the page's to choose)."""
    kept = [
        r
        for r in ratings
        if (r.night or not rules.night_only)
        and _in_period(r, rules)
        and (not district or not rules.district_filter or r.district == district)
    ]
    by_cell: dict[int, list[Rating]] = defaultdict(list)
    for r in kept:
        by_cell[r.cell].append(r)
    rows = []
    for cell, found in by_cell.items():
        if len(found) < rules.min_ratings:
            continue
        codes = sorted(r.district for r in found if r.district)
        means = tuple(
            Fraction(sum(r.scores[i] for r in found), len(found)) for i in range(len(PARAMETERS))
        )
        first = codes[0 if rules.border_first_code else -1] if codes else None
        rows.append(Row(cell, first, len(found), means))
    sign = -1 if rules.more_ratings_first else 1
    rows.sort(key=lambda row: (row.means[0], sign * row.ratings, row.cell))
    return rows


def _ratings(seed: int, districts: list[str]) -> list[Rating]:
    """Varied ratings: 24 cells, a few of them on a border, each with 0–8 night ratings and
    some day ones, at times spread over 2024-11 … 2026-02 and at the period's local edges."""
    rng = random.Random(seed)  # noqa: S311 - a repeatable sequence, not a secret
    edges = [
        datetime(2024, 12, 31, 22, 30, tzinfo=UTC),  # 2025-01-01 00:30 in Athens: inside
        datetime(2024, 12, 31, 21, 30, tzinfo=UTC),  # 2024-12-31 23:30 in Athens: outside
        datetime(2025, 12, 31, 21, 30, tzinfo=UTC),  # 2025-12-31 23:30 in Athens: inside
        datetime(2025, 12, 31, 22, 30, tzinfo=UTC),  # 2026-01-01 00:30 in Athens: outside
    ]
    start = datetime(2024, 11, 1, tzinfo=UTC)
    span = (datetime(2026, 3, 1, tzinfo=UTC) - start).total_seconds()
    ratings: list[Rating] = []
    for cell in range(24):
        lon, lat = round(23.62 + 0.0011 * cell, 5), round(37.93 + 0.0007 * (cell % 5), 5)
        home = rng.choice(districts)
        border = [home, rng.choice(districts)] if cell % 3 == 2 else [home]
        tends = rng.randint(1, 4)  # how safe it tends to feel there
        for n in range(rng.randint(0, 8)):
            at = (
                rng.choice(edges)
                if rng.random() < 0.2
                else start + timedelta(seconds=rng.uniform(0, span))
            )
            scores = tuple(rng.randint(tends, min(tends + 2, 5)) for _ in PARAMETERS)
            ratings.append(Rating(cell, lon, lat, border[n % len(border)], True, at, scores))
        for _ in range(rng.randint(0, 3)):  # by day it feels otherwise: never counted
            at = start + timedelta(seconds=rng.uniform(0, span))
            ratings.append(Rating(cell, lon, lat, home, False, at, (1, 1, 1, 1, 1, 1)))
    # Two cells made to tie on the mean feeling (2) in 2025, with 3 and 4 ratings: the one
    # with more ratings comes first; a third, with 2 ratings, feels worst but is too little.
    # And a cell rated where no district is known (listed, with no district).
    for cell, feelings in ((30, (1, 2, 3)), (31, (2, 2, 2, 2)), (32, (1, 1)), (33, (1, 2, 2))):
        for n, feeling in enumerate(feelings):
            at = datetime(2025, 3 + n, 10, 20, tzinfo=UTC)
            lon, lat = round(23.65 + 0.0013 * (cell - 29), 5), 37.951
            scores = (feeling, 3, 3, 3, 3, 3)
            district = None if cell == 33 else districts[0]
            ratings.append(Rating(cell, lon, lat, district, True, at, scores))
    return ratings


def _store(ratings: list[Rating]) -> None:
    areas = {a.code: a for a in Area.objects.filter(code__in={r.district for r in ratings})}
    made = PlaceEvaluation.objects.bulk_create(
        PlaceEvaluation(
            location=Point(r.lon + 0.0001, r.lat + 0.0001, srid=4326),
            public_location=Point(r.lon, r.lat, srid=4326),
            area=areas[r.district] if r.district else None,
            time_of_day="night" if r.night else "day",
            **dict(zip(PARAMETERS, r.scores, strict=True)),
        )
        for r in ratings
    )
    for evaluation, r in zip(made, ratings, strict=True):  # the day it was made, as planned
        PlaceEvaluation.objects.filter(pk=evaluation.pk).update(created_at=r.at)


def _cell_at(ratings: list[Rating]) -> Callable[[float, float], int]:
    where = {(r.lon, r.lat): r.cell for r in ratings}

    def cell(lon: float, lat: float) -> int:
        return where[(round(lon, 5), round(lat, 5))]

    return cell


def _shown(value: Fraction) -> str:
    """A mean as the English page writes it: two decimals."""
    return f"{float(value):.2f}"


def _assert_same_ranking(ours: list[Row], got: list[tuple[int, Fraction, int]]) -> None:
    """`got` (cell, mean feeling, ratings), in the page's order, is `ours` cut at ten: the same
    sequence of (mean, ratings), and the same cells for each; where the cut falls inside a tie,
    the page lists some of the tied cells."""
    assert len(got) == min(len(ours), SHOWN)
    assert [(mean, n) for _cell, mean, n in got] == [row.key for row in ours[: len(got)]]
    shown = {key: {c for c, *_ in group} for key, group in groupby(got, lambda g: (g[1], g[2]))}
    for key, group in groupby(ours, lambda row: row.key):
        cells = {row.cell for row in group}
        if key in shown:
            last = key == (got[-1][1], got[-1][2])
            assert shown[key] <= cells if last else shown[key] == cells


def _member(client: Client) -> Client:
    client.force_login(member_create(council_create()).person)
    return client


def _panel(client: Client, query: dict[str, str]) -> tuple[list[list[str]], list[dict[str, str]]]:
    page = client.get(URL, query)
    assert page.status_code == 200
    table = page_tables(page.content.decode()).get(CAPTION, [])
    download = client.get(CSV_URL, query)
    assert download.status_code == 200
    return table, list(csv.DictReader(io.StringIO(download.content.decode())))


def _compare(
    ratings: list[Rating], ours: list[Row], table: list[list[str]], lines: list[dict[str, str]]
) -> None:
    cell_at = _cell_at(ratings)
    names = dict(Area.objects.values_list("code", "name_en"))
    by_cell = {row.cell: row for row in ours}
    # The CSV: exact means, rank by rank.
    got = [(cell_at(float(line["longitude"]), float(line["latitude"])), line) for line in lines]
    assert {cell for cell, _ in got} <= set(by_cell), "the panel lists a cell not counted here"
    for rank, (cell, line) in enumerate(got, start=1):
        row = by_cell[cell]
        assert int(line["rank"]) == rank
        assert int(line["ratings"]) == row.ratings
        assert line["district"] == (row.district or "")
        assert line["district_name"] == (names[row.district] if row.district else "")
        for name, mean in zip(PARAMETERS, row.means, strict=True):
            assert float(line[name]) == pytest.approx(float(mean), abs=1e-9), name
    _assert_same_ranking(
        ours, [(cell, by_cell[cell].means[0], by_cell[cell].ratings) for cell, _ in got]
    )
    # The page's table: the same places in the same order, as a reader sees them.
    assert len(table) == len(got)
    for rank, (cells, (cell, line)) in enumerate(zip(table, got, strict=True), start=1):
        row = by_cell[cell]
        lon, lat = (float(line["longitude"]), float(line["latitude"]))
        assert cells[0] == str(rank)
        assert cells[1] == (names[row.district] if row.district else "—")
        assert cells[2] == f"{lon:.5f}, {lat:.5f}"
        assert cells[3] == str(row.ratings)
        assert cells[4:] == [_shown(mean) for mean in row.means]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_panel_is_the_count_of_the_night_ratings(client: Client, seed: int) -> None:
    districts = list(Area.objects.filter(level="district").order_by("code").values_list("code"))
    codes = [code for (code,) in districts]
    ratings = _ratings(seed, codes)
    _store(ratings)
    ours = reference(ratings)
    table, lines = _panel(_member(client), PERIOD)
    _compare(ratings, ours, table, lines)
    # The data would show each rule broken: the panel computed without it is another.
    broken = [
        Rules(night_only=False),
        Rules(local_days=False),
        Rules(min_ratings=1),
        Rules(more_ratings_first=False),
    ]
    for rules in broken:
        assert _ranking(reference(ratings, rules=rules)) != _ranking(ours), rules
    other_district = reference(ratings, rules=Rules(border_first_code=False))
    assert [row.district for row in other_district[:SHOWN]] != [
        row.district for row in ours[:SHOWN]
    ]
    assert len(ours) > SHOWN  # the cut at ten matters
    assert any(row.district is None for row in ours[:SHOWN])  # an unplaced cell, listed


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_in_a_district_only_its_ratings_count(client: Client, seed: int) -> None:
    codes = list(
        Area.objects.filter(level="district").order_by("code").values_list("code", flat=True)
    )
    ratings = _ratings(seed, codes)
    _store(ratings)
    member = _member(client)
    for district in codes:
        ours = reference(ratings, district)
        table, lines = _panel(member, {**PERIOD, "district": district})
        _compare(ratings, ours, table, lines)
        assert {line["district"] for line in lines} <= {district}
    # A border cell's other district's ratings would be counted without the filter.
    assert any(
        _ranking(reference(ratings, d, replace(Rules(), district_filter=False)))
        != _ranking(reference(ratings, d))
        for d in codes
    )


def test_the_edges_of_the_period_are_local_days(client: Client) -> None:
    """A rating made just after midnight in Athens on 1 January, still the last day of the year
    before in UTC, counts in the new year; one made just after midnight on the next 1 January,
    still 31 December in UTC, does not."""
    code = Area.objects.filter(level="district").order_by("code").values_list("code", flat=True)[0]
    times = {
        1: [(2024, 12, 31, 22), (2025, 1, 1, 8), (2025, 12, 31, 21)],  # 3 in local days, 2 in UTC
        2: [(2025, 2, 1, 21), (2025, 6, 1, 21), (2025, 12, 31, 22)],  # 2 in local days, 3 in UTC
    }
    edge = [
        Rating(
            cell, 23.63 + cell / 100, 37.94, code, True, datetime(*t, 30, tzinfo=UTC), (cell,) * 6
        )
        for cell, found in times.items()
        for t in found
    ]
    _store(edge)
    ours = reference(edge)
    assert [row.cell for row in ours] == [1]
    table, lines = _panel(_member(client), PERIOD)
    _compare(edge, ours, table, lines)
    assert [row.cell for row in reference(edge, rules=Rules(local_days=False))] == [2]


def test_with_no_place_rated_enough_the_page_says_so(client: Client) -> None:
    codes = list(
        Area.objects.filter(level="district").order_by("code").values_list("code", flat=True)
    )
    few = [
        Rating(1, 23.64, 37.94, codes[0], True, datetime(2025, 5, n, 21, tzinfo=UTC), (1,) * 6)
        for n in range(1, MIN_RATINGS)
    ]
    _store(few)
    assert reference(few) == []
    member = _member(client)
    page = member.get(URL, PERIOD).content.decode()
    assert "No place has enough night ratings in this period." in page
    table, lines = _panel(member, PERIOD)
    assert table == []
    assert lines == []


def _ranking(rows: list[Row]) -> list[tuple[Fraction, int, frozenset[int]]]:
    """The panel's first ten as its ties show it: (mean, ratings, the cells of that tie)."""
    cut = rows[:SHOWN]
    return [
        (key[0], key[1], frozenset(row.cell for row in group))
        for key, group in groupby(cut, lambda row: row.key)
    ]
