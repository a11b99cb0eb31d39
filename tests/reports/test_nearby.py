"""The duplicate hint: same category, near, recent, public, computed on public locations."""

from collections.abc import Callable

import pytest
import time_machine
from django.test import Client

from curim.reports.models import Report
from tests.reports.conftest import CENTRE, FALIRO

MakeReport = Callable[..., Report]


def _nearby(client: Client, category: str, at: tuple[float, float]) -> set[str]:
    response = client.get(
        f"/api/v1/reports/nearby/?category={category}&latitude={at[1]}&longitude={at[0]}"
    )
    assert response.status_code == 200
    return {feature["id"] for feature in response.json()["features"]}


def test_a_recent_public_report_of_the_same_kind_nearby_is_suggested(
    client: Client, make_report: MakeReport
) -> None:
    near = make_report(category="graffiti", at=CENTRE)
    make_report(category="noise", at=CENTRE)
    make_report(category="graffiti", at=FALIRO)
    make_report(category="graffiti", at=CENTRE, status="submitted")
    assert _nearby(client, "graffiti", (CENTRE[0] + 0.0002, CENTRE[1])) == {str(near.public_id)}


def test_old_reports_are_not_suggested(client: Client, make_report: MakeReport) -> None:
    with time_machine.travel("2026-01-01 10:00Z"):
        make_report(category="graffiti", at=CENTRE)
    with time_machine.travel("2026-03-01 10:00Z"):
        assert _nearby(client, "graffiti", CENTRE) == set()


@pytest.mark.parametrize(
    "query",
    [
        "category=graffiti&latitude=91&longitude=23",
        "category=nope&latitude=37&longitude=23",
        "latitude=37&longitude=23",
    ],
)
def test_bad_queries_answer_400(client: Client, db: None, query: str) -> None:
    assert client.get(f"/api/v1/reports/nearby/?{query}").status_code == 400
