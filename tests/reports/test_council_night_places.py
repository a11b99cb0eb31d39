"""The places rated least safe at night, for the council: recomputed with pandas from the
ratings each test makes; never a cell with fewer ratings than the map shows; nothing for those
who may not read it."""

import random
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.reports.models import EVALUATIONS_PER_CELL_MIN, PlaceEvaluation
from curim.reports.selectors import COUNCIL_FIGURE_READERS, places_least_safe_at_night
from curim.reports.services.evaluations import EvaluationDraft, evaluation_submit
from curim.reports.statistics import night_places_csv_rows
from tests.factories import user_create, user_with_role
from tests.reports.conftest import CENTRE, FALIRO

PARAMETERS = ["feeling", "lighting", "visibility", "people", "security", "walk_path"]
# Places at least 150 m apart, so that each is its own 50 m cell: (name, lon, lat).
PLACES = [
    ("square", CENTRE[0], CENTRE[1]),
    ("north", CENTRE[0], CENTRE[1] + 0.0015),
    ("east", CENTRE[0] + 0.002, CENTRE[1]),
    ("south", CENTRE[0], CENTRE[1] - 0.0015),
    ("faliro", FALIRO[0], FALIRO[1]),
    ("faliro-north", FALIRO[0], FALIRO[1] + 0.0015),
]

pytestmark = pytest.mark.usefixtures("piraeus")


@pytest.fixture
def council_member(db: None) -> User:
    return user_with_role(Role.COUNCIL_MEMBER, email="member@example.org")


def _rate(place: str, time_of_day: str, scores: dict[str, int], when: datetime) -> dict[str, Any]:
    _, lon, lat = next(p for p in PLACES if p[0] == place)
    with time_machine.travel(when, tick=False):
        evaluation = evaluation_submit(
            draft=EvaluationDraft(
                location=Point(lon, lat, srid=4326), time_of_day=time_of_day, **scores
            ),
            evaluator=None,
            client_address=None,
        )
    district = evaluation.area.code if evaluation.area else None
    return {"place": place, "district": district, "time_of_day": time_of_day, "at": when, **scores}


@pytest.fixture
def ratings() -> list[dict[str, Any]]:
    rng = random.Random(5)  # noqa: S311 - a repeatable sequence, not a secret
    # How many night ratings each place gets (fewer than the minimum at "south"), and how it
    # tends to feel there.
    plan = {
        "square": (6, 1),
        "north": (4, 2),
        "east": (5, 3),
        "south": (2, 1),
        "faliro": (7, 2),
        "faliro-north": (3, 4),
    }
    rows = []
    for place, (count, low) in plan.items():
        for n in range(count):
            scores = {name: rng.randint(low, min(low + 2, 5)) for name in PARAMETERS}
            rows.append(_rate(place, "night", scores, datetime(2026, 3, 1 + n, 21, tzinfo=UTC)))
        # By day the same places feel safe: none of it counts.
        rows.append(
            _rate(place, "day", dict.fromkeys(PARAMETERS, 5), datetime(2026, 3, 1, 10, tzinfo=UTC))
        )
        rows.append(
            _rate(place, "day", dict.fromkeys(PARAMETERS, 1), datetime(2026, 3, 2, 10, tzinfo=UTC))
        )
    return rows


def _expected(rows: list[dict[str, Any]], **where: Any) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame = frame[frame["time_of_day"] == "night"]
    if "district" in where:
        frame = frame[frame["district"] == where["district"]]
    if "since" in where:
        frame = frame[frame["at"].dt.tz_convert("Europe/Athens").dt.date >= where["since"]]
    if "until" in where:
        frame = frame[frame["at"].dt.tz_convert("Europe/Athens").dt.date <= where["until"]]
    cells = frame.groupby("place").agg(
        ratings=("feeling", "size"), **{name: (name, "mean") for name in PARAMETERS}
    )
    cells = cells[cells["ratings"] >= 3]
    return cells.sort_values(["feeling", "ratings"], ascending=[True, False])


def _place_of(longitude: float, latitude: float) -> str:
    """Which test place a cell centre belongs to: the nearest, within half a cell's diagonal."""
    distances = {
        name: ((lon - longitude) ** 2 + (lat - latitude) ** 2) ** 0.5 for name, lon, lat in PLACES
    }
    name = min(distances, key=lambda n: distances[n])
    assert distances[name] < 0.0005
    return name


def test_the_places_and_their_means_match_pandas_least_safe_first(
    ratings: list[dict[str, Any]], council_member: User
) -> None:
    expected = _expected(ratings)
    places = places_least_safe_at_night(council_member)
    assert [_place_of(p.longitude, p.latitude) for p in places] == list(expected.index)
    for place in places:
        row = expected.loc[_place_of(place.longitude, place.latitude)]
        assert place.ratings == row["ratings"]
        for name in PARAMETERS:
            assert getattr(place, name) == pytest.approx(row[name], abs=1e-9)
    districts = expected.index.map(
        lambda name: next(r["district"] for r in ratings if r["place"] == name)
    )
    assert [p.district.key for p in places] == list(districts)
    assert "piraeus-3" in set(districts)
    assert places[0].district.name_el.endswith("Δημοτική Κοινότητα")


def test_a_cell_with_fewer_ratings_than_the_map_shows_is_never_listed(
    ratings: list[dict[str, Any]], council_member: User
) -> None:
    assert EVALUATIONS_PER_CELL_MIN == 3
    places = places_least_safe_at_night(council_member, limit=100)
    assert "south" not in {_place_of(p.longitude, p.latitude) for p in places}
    assert min(p.ratings for p in places) >= EVALUATIONS_PER_CELL_MIN
    # "south" feels least safe of all, so it would lead the list if it were shown.
    south = [r["feeling"] for r in ratings if r["place"] == "south" and r["time_of_day"] == "night"]
    assert sum(south) / len(south) <= places[0].feeling


def test_the_list_filters_by_district_period_and_length(
    ratings: list[dict[str, Any]], council_member: User
) -> None:
    in_faliro = places_least_safe_at_night(council_member, district="piraeus-3")
    assert [_place_of(p.longitude, p.latitude) for p in in_faliro] == list(
        _expected(ratings, district="piraeus-3").index
    )
    since = date(2026, 3, 3)
    later = places_least_safe_at_night(council_member, since=since)
    assert [(_place_of(p.longitude, p.latitude), p.ratings) for p in later] == list(
        _expected(ratings, since=since)["ratings"].items()
    )
    assert places_least_safe_at_night(council_member, until=date(2026, 2, 28)) == []
    assert len(places_least_safe_at_night(council_member, limit=2)) == 2


def test_the_period_takes_its_last_day_whole_and_the_list_may_hold_one_place(
    ratings: list[dict[str, Any]], council_member: User
) -> None:
    # The night ratings fall at 23:00 in Piraeus, one a day from 1 March: the 4th is counted
    # whole, the 5th not at all.
    until = date(2026, 3, 4)
    earlier = places_least_safe_at_night(council_member, until=until)
    assert [(_place_of(p.longitude, p.latitude), p.ratings) for p in earlier] == list(
        _expected(ratings, until=until)["ratings"].items()
    )
    assert max(p.ratings for p in earlier) == 4
    (least_safe,) = places_least_safe_at_night(council_member, limit=1)
    assert _place_of(least_safe.longitude, least_safe.latitude) == _expected(ratings).index[0]


def test_the_csv_ranks_the_places(ratings: list[dict[str, Any]], council_member: User) -> None:
    places = places_least_safe_at_night(council_member)
    header, *rows = list(night_places_csv_rows(places))
    assert header[:4] == ["rank", "longitude", "latitude", "district"]
    assert [row[0] for row in rows] == list(range(1, len(places) + 1))
    first = dict(zip(header, rows[0], strict=True))
    assert (first["ratings"], first["feeling"]) == (places[0].ratings, places[0].feeling)
    assert first["district"] == places[0].district.key


def test_the_number_of_queries_does_not_grow_with_the_places(council_member: User) -> None:
    def queries() -> int:
        user = User.objects.get(pk=council_member.pk)
        with CaptureQueriesContext(connection) as captured:
            places_least_safe_at_night(user)
        return len(captured)

    scores = dict.fromkeys(PARAMETERS, 2)
    for _ in range(3):
        _rate("square", "night", scores, datetime(2026, 3, 1, 21, tzinfo=UTC))
    few = queries()
    for name, _lon, _lat in PLACES:
        for _ in range(3):
            _rate(name, "night", scores, datetime(2026, 3, 1, 21, tzinfo=UTC))
    assert queries() == few == 3  # the user's roles, the cells, their districts
    assert PlaceEvaluation.objects.count() == 3 + 3 * len(PLACES)


@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "no role",
        "superuser without a role",
        *(r for r in Role if r not in COUNCIL_FIGURE_READERS),
    ],
)
def test_who_may_not_read_the_places_gets_nothing(ratings: list[dict[str, Any]], who: str) -> None:
    user: User | AnonymousUser
    if who == "anonymous":
        user = AnonymousUser()
    elif who == "no role":
        user = user_create()
    elif who == "superuser without a role":
        user = user_create(is_superuser=True, is_staff=True)
    else:
        user = user_with_role(Role(who))
    assert places_least_safe_at_night(user) == []


@pytest.mark.parametrize("role", COUNCIL_FIGURE_READERS)
def test_the_council_analysts_and_admins_read_the_places(
    ratings: list[dict[str, Any]], role: Role
) -> None:
    assert len(places_least_safe_at_night(user_with_role(role))) == 5
