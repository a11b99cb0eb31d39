"""What a dot of the risk map holds: the counts of published reports in a box (the API's
summary), and the public list of published reports it links to, with the same filters."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from curim.accounts.models import User
from curim.reports.models import Category, Report
from tests.reports.conftest import CENTRE, FALIRO

MakeReport = Callable[..., Report]
ATHENS = ZoneInfo("Europe/Athens")


def _box(point: tuple[float, float], half: float = 0.002) -> str:
    lon, lat = point
    return f"{lon - half},{lat - half},{lon + half},{lat + half}"


def _summary(client: Client, query: str = "") -> dict[str, Any]:
    response = client.get(f"/api/v1/reports/summary/?{query}")
    assert response.status_code == 200, response.content
    return response.json()  # type: ignore[no-any-return]


def test_the_summary_counts_published_reports_in_the_box_per_group_and_category(
    client: Client, make_report: MakeReport
) -> None:
    make_report(category="graffiti", occurred_at=datetime(2026, 3, 2, 23, 30, tzinfo=ATHENS))
    make_report(category="graffiti", occurred_at=datetime(2026, 3, 5, 10, tzinfo=ATHENS))
    make_report(category="noise", occurred_at=datetime(2026, 3, 4, 10, tzinfo=ATHENS))
    make_report(category="theft", occurred_at=datetime(2026, 3, 3, 10, tzinfo=ATHENS))
    make_report(category="graffiti", at=FALIRO)  # outside the box
    make_report(category="graffiti", status="submitted")  # not moderated
    make_report(category="sexual-harassment")  # never public
    assert _summary(client, f"bbox={_box(CENTRE)}") == {
        "count": 4,
        "groups": [
            {
                "group": "incivility",
                "count": 3,
                "categories": [
                    {"category": "graffiti", "count": 2},
                    {"category": "noise", "count": 1},
                ],
            },
            {"group": "crime", "count": 1, "categories": [{"category": "theft", "count": 1}]},
        ],
        # Local days: 23:30 in Athens on 2 March is still 2 March.
        "first_occurred_on": "2026-03-02",
        "last_occurred_on": "2026-03-05",
    }


def test_the_summary_lists_a_groups_categories_in_the_taxonomys_order(
    client: Client, make_report: MakeReport
) -> None:
    # The taxonomy's own order (its positions), as the report form lists them, not by name.
    noise = Category.objects.get(slug="noise")
    Category.objects.filter(slug="graffiti").update(position=noise.position + 1)
    make_report(category="graffiti")
    make_report(category="noise")
    (incivility,) = _summary(client)["groups"]
    assert [c["category"] for c in incivility["categories"]] == ["noise", "graffiti"]


def test_the_summary_takes_the_lists_filters(client: Client, make_report: MakeReport) -> None:
    make_report(category="graffiti", occurred_at=timezone.now() - timedelta(days=40))
    make_report(category="graffiti")
    make_report(category="theft")
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert _summary(client, f"bbox={_box(CENTRE)}&since={since}")["count"] == 2
    assert _summary(client, f"bbox={_box(CENTRE)}&group=crime")["count"] == 1
    assert _summary(client, "category=graffiti")["count"] == 2
    assert _summary(client, "area=piraeus-3")["count"] == 0


def test_an_empty_box_holds_nothing(client: Client, make_report: MakeReport) -> None:
    make_report()
    assert _summary(client, f"bbox={_box((23.0, 38.5))}") == {
        "count": 0,
        "groups": [],
        "first_occurred_on": None,
        "last_occurred_on": None,
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [("bbox=1,2,3", "bbox"), ("bbox=5,5,1,1", "bbox"), ("since=yesterday", "since")],
)
def test_a_bad_filter_of_the_summary_answers_400_for_its_field(
    client: Client, db: None, query: str, field: str
) -> None:
    response = client.get(f"/api/v1/reports/summary/?{query}")
    assert response.status_code == 400
    assert field in response.json()


# --- The public list of reports -------------------------------------------------------------
def test_the_list_shows_published_public_reports_in_the_box_newest_first(
    client: Client, make_report: MakeReport
) -> None:
    older = make_report(description="Older tags on the wall")
    newer = make_report(category="noise", description="Music until 4 am")
    far = make_report(at=FALIRO, description="Far away")
    hidden = make_report(status="submitted", description="Waiting for a moderator")
    private = make_report(category="sexual-harassment", description="Never public")
    page = client.get(f"/reports/?bbox={_box(CENTRE)}").content.decode()
    assert page.index(str(newer.public_id)) < page.index(str(older.public_id))
    assert "2 reports in the chosen part of the map" in page
    assert "Incivility: 2" in page
    for report in (far, hidden, private):
        assert str(report.public_id) not in page
        assert report.description not in page
    everywhere = client.get("/reports/").content.decode()
    assert str(far.public_id) in everywhere
    assert str(hidden.public_id) not in everywhere


def test_the_list_shows_no_private_field(
    client: Client, make_report: MakeReport, citizen: User
) -> None:
    report = make_report(
        reporter=citizen, contact_email="secret-contact@example.org", client_address="203.0.113.9"
    )
    page = client.get("/reports/").content.decode()
    assert str(report.public_id) in page
    for secret in (citizen.email, "secret-contact@example.org", "203.0.113.9"):
        assert secret not in page
    assert f"{report.location.y:.5f}" not in page


def test_the_list_pages_by_20_and_its_links_keep_the_filters(
    client: Client, make_report: MakeReport
) -> None:
    for n in range(21):
        make_report(description=f"Report number {n}")
    make_report(category="noise")
    first = client.get("/reports/?category=graffiti").content.decode()
    assert first.count('class="meta"') == 20
    assert "?category=graffiti&amp;page=2" in first
    second = client.get("/reports/?category=graffiti&page=2").content.decode()
    assert second.count('class="meta"') == 1
    assert "Report number 0" in second


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("bbox=1,2,3", "Give four numbers"),
        ("since=2026-03-05&until=2026-03-01", "The end date is before the start date."),
        ("group=nope", "Select a valid choice."),
    ],
)
def test_a_bad_filter_of_the_list_says_what_is_wrong(
    client: Client, db: None, query: str, message: str
) -> None:
    response = client.get(f"/reports/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_list_and_the_legend_speak_greek(client: Client, make_report: MakeReport) -> None:
    make_report()
    client.cookies["django_language"] = "el"
    assert "1 αναφορά στο επιλεγμένο τμήμα του χάρτη" in client.get(
        f"/reports/?bbox={_box(CENTRE)}"
    ).content.decode("utf-8")
    legend = client.get("/map/").content.decode()
    assert "Υπόμνημα" in legend
    assert "πλάτους τουλάχιστον 50 μ." in legend
