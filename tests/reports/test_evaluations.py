"""Rating how safe a place feels, and the averaged public map of the ratings."""

from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.accounts.models import User
from curim.reports.models import PlaceEvaluation
from tests.reports.conftest import CENTRE, connections_recorded

pytestmark = pytest.mark.usefixtures("piraeus")
URL = "/api/v1/evaluations/"


def _body(**overrides: Any) -> dict[str, Any]:
    body = {
        "latitude": CENTRE[1],
        "longitude": CENTRE[0],
        "time_of_day": "night",
        "feeling": 2,
        "lighting": 1,
        "visibility": 2,
        "people": 3,
        "security": 1,
        "walk_path": 4,
    }
    body.update(overrides)
    return body


def _post(client: Client, **overrides: Any) -> tuple[int, dict[str, Any]]:
    response = client.post(URL, _body(**overrides), content_type="application/json")
    return response.status_code, response.json()


def test_a_citizen_rates_a_place(client: Client) -> None:
    status, body = _post(client)
    assert status == 201
    evaluation = PlaceEvaluation.objects.get(public_id=body["id"])
    assert evaluation.area.code == "piraeus-1"
    assert evaluation.public_location != evaluation.location


def test_the_public_map_shows_averages_per_cell_and_never_the_exact_point(
    client: Client,
) -> None:
    _post(client, feeling=1)
    _post(client, feeling=4, longitude=CENTRE[0] + 0.00005)  # the same 50 m cell
    _post(client, feeling=4, latitude=CENTRE[1] + 0.00005)
    _post(client, feeling=5, time_of_day="day")
    response = client.get(f"{URL}?time_of_day=night")
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert len(body["features"]) == 1
    cell = body["features"][0]
    assert cell["properties"]["count"] == 3
    assert cell["properties"]["feeling"] == 3.0
    assert str(CENTRE[0]) not in response.content.decode()
    assert set(cell["properties"]) == {
        "count",
        "feeling",
        "lighting",
        "visibility",
        "people",
        "security",
        "walk_path",
    }
    assert len(client.get(URL).json()["features"]) == 1  # day and night share the cell


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"feeling": 0}, "feeling"),
        ({"lighting": 6}, "lighting"),
        ({"time_of_day": "dusk"}, "time_of_day"),
        ({"latitude": 100}, "latitude"),
        ({"latitude": 48.85, "longitude": 2.29}, "location"),
        ({"walk_path": None}, "walk_path"),
    ],
)
def test_bad_ratings_are_refused_per_field(
    client: Client, overrides: dict[str, Any], field: str
) -> None:
    body = {k: v for k, v in _body(**overrides).items() if v is not None}
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not PlaceEvaluation.objects.exists()


def test_anonymous_ratings_are_limited_per_address(
    client: Client, settings: SettingsWrapper
) -> None:
    settings.REPORTS_ANONYMOUS_PER_HOUR = 1
    assert _post(client)[0] == 201
    assert _post(client)[0] == 429


def test_registered_raters_are_limited_per_account(
    client: Client, settings: SettingsWrapper, citizen: User
) -> None:
    settings.REPORTS_SIGNED_IN_PER_HOUR = 1
    client.force_login(citizen)
    assert _post(client)[0] == 201
    status, body = _post(client)
    assert status == 429
    assert "account" in str(body["detail"])
    assert PlaceEvaluation.objects.count() == 1


def test_the_filters_are_checked(client: Client) -> None:
    assert client.get(f"{URL}?time_of_day=noon").status_code == 400
    assert client.get(f"{URL}?since=soon").status_code == 400


def test_no_two_answers_subtracted_single_out_a_rating(client: Client) -> None:
    # A cell with three ratings by day and one by night: over both times of day it shows the
    # three by day alone, or its count and averages less the day's would give the night one.
    for _ in range(3):
        _post(client, feeling=5, time_of_day="day")
    _post(client, feeling=1, time_of_day="night")
    (both,) = client.get(URL).json()["features"]
    (day,) = client.get(f"{URL}?time_of_day=day").json()["features"]
    assert both["properties"] == day["properties"]
    assert (both["properties"]["count"], both["properties"]["feeling"]) == (3, 5.0)
    assert client.get(f"{URL}?time_of_day=night").json()["features"] == []
    # Two periods would do the same for the days between them: no period is offered.
    refused = client.get(f"{URL}?since=2026-01-01")
    assert refused.status_code == 400
    assert list(refused.json()) == ["since"]
    for _ in range(2):
        _post(client, feeling=2, time_of_day="night")
    (both,) = client.get(URL).json()["features"]
    assert (both["properties"]["count"], both["properties"]["feeling"]) == (6, 3.33)


def test_the_evaluation_page_opens(client: Client) -> None:
    assert client.get("/places/evaluate/").status_code == 200


def test_a_cell_with_too_few_ratings_is_not_shown(client: Client) -> None:
    _post(client)
    _post(client)
    assert client.get(URL).json()["features"] == []


def test_the_cells_are_read_where_the_router_sends_the_ratings(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The hand-written statement asks the router about the ratings' table, as the ORM would,
    # so that it follows the routing (curim/core/replica.py) should this view read a replica.
    from django.db import router

    from curim.core import replica

    for feeling in (1, 2, 3):
        _post(client, feeling=feeling)
    routed = router.db_for_read

    def replica_for_ratings(model: Any, **hints: Any) -> str | None:
        return "replica" if model is PlaceEvaluation else routed(model, **hints)

    monkeypatch.setattr(router, "db_for_read", replica_for_ratings)
    asked = connections_recorded(monkeypatch, replica)
    assert [f["properties"]["count"] for f in client.get(URL).json()["features"]] == [3]
    assert asked == ["replica"]
