"""The council's dashboard: each figure against a count made here from the rows each test
writes, the CSVs equal to the tables, who may open it, bad filters, the number of queries,
and Greek."""

import csv
import io
import math
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from councils.models import ActionItemStatus, Council, RecommendationStatus
from councils.views.dashboard import CSV_FIGURES
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.areas.models import Area
from curim.reports.models import Category, Report
from tests.councils.factories import (
    action_item_with,
    council_create,
    member_create,
    recommendation_adopted,
    recommendation_proposed,
)
from tests.factories import user_create, user_with_role
from victims.selectors import victim_support_latest_year

pytestmark = pytest.mark.usefixtures("piraeus")

URL = "/council/dashboard/"
PERIOD = {"first_month": "2025-01", "last_month": "2025-12"}
READERS = [Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY, Role.ANALYST, Role.ADMIN]
CATEGORY_OF = {"crime": "theft", "incivility": "graffiti", "cyber": "phishing"}


def _reports(plan: list[tuple[str, str | None, int, int, str]]) -> None:
    """(group, district code or None, year, month, status) → one report each, mid-month."""
    categories = {c.slug: c for c in Category.objects.all()}
    areas = {a.code: a for a in Area.objects.all()}
    rows = []
    for group, district, year, month, status in plan:
        area = areas[district] if district else None
        point = area.geometry.point_on_surface if area else None
        rows.append(
            Report(
                category=categories[CATEGORY_OF[group]],
                description="For the council's dashboard",
                occurred_at=datetime(year, month, 15, 12, tzinfo=UTC),
                severity=3,
                feeling_unsafe=3,
                status=status,
                area=area,
                location=point,
                public_location=point,
            )
        )
    Report.objects.bulk_create(rows)


def _plan(scale: int = 1) -> list[tuple[str, str | None, int, int, str]]:
    plan: list[tuple[str, str | None, int, int, str]] = []
    for n in range(scale):
        plan += [("crime", "piraeus-1", 2024, 1 + n % 12, "published")] * 3
        plan += [("crime", "piraeus-1", 2025, 1 + n % 12, "published")] * 9
        plan += [("crime", "piraeus-1", 2025, 6, "rejected")] * 4  # never counted
        plan += [("incivility", "piraeus-2", 2025, 3, "resolved")] * 2
        plan += [("cyber", None, 2025, 11, "forwarded")] * 5
    return plan


def _shown(cell: str, digits: int) -> str:
    """A CSV cell as the table writes it (in English)."""
    return "—" if cell == "" else f"{float(cell):.{digits}f}"


def _table(response: Any, name: str) -> Any:
    return response.context["tables"][name]


def _csv(client: Client, figure: str, query: dict[str, str]) -> list[list[str]]:
    response = client.get(f"/council/dashboard/{figure}.csv", query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def council() -> Council:
    return council_create()


@pytest.fixture
def member(council: Council) -> User:
    return member_create(council).person


@pytest.fixture
def member_client(client: Client, member: User) -> Client:
    client.force_login(member)
    return client


def test_the_report_changes_are_counted_from_the_rows(member_client: Client) -> None:
    _reports(_plan())
    response = member_client.get(URL, {**PERIOD, "district": "piraeus-1"})
    assert response.status_code == 200
    table = _table(response, "report_changes")
    crime = next(row for row in table.rows if row[0] == "Crime witnessed")
    # Counted here: 3 crimes in 2024, 9 in 2025 in piraeus-1 (the rejected ones do not count).
    previous, recent = 3, 9
    z = (recent - previous) / math.sqrt(previous + recent)
    assert crime[1] == recent  # in the period (2025)
    assert crime[3:5] == [previous, recent]
    assert crime[5] == "3.00"
    assert crime[6] == f"{z:.2f}"
    # Exact: 2 × P(X ≤ 3), X ~ Binomial(12, ½).
    p = 2 * sum(math.comb(12, i) for i in range(4)) / 2**12
    assert crime[7] == f"{p:.3f}"
    population = Area.objects.get(code="piraeus-1").population
    assert population is not None
    assert crime[2] == f"{recent * 1000 / population:.2f}"
    assert f"{z:.2f}".encode() in response.content


def test_the_whole_municipality_counts_every_district_and_the_unlocated(
    member_client: Client,
) -> None:
    _reports(_plan())
    response = member_client.get(URL, PERIOD)
    rows = {row[0]: row for row in _table(response, "report_changes").rows}
    assert rows["All groups"][1] == 9 + 2 + 5
    assert rows["Cyber threat"][1] == 5


def test_each_csv_equals_its_table(member_client: Client, council: Council) -> None:
    _reports(_plan())
    recommendation = recommendation_adopted(council)
    item = action_item_with(recommendation)
    type(item).objects.filter(pk=item.pk).update(due_on=date(2025, 1, 1))
    query = {**PERIOD, "district": "piraeus-1"}
    response = member_client.get(URL, query)
    changes = _csv(member_client, "report-changes", query)
    table = _table(response, "report_changes")
    assert len(changes) - 1 == len(table.rows)
    for line, row in zip(changes[1:], table.rows, strict=True):
        assert int(line[5]) == row[3]
        assert int(line[8]) == row[4]
        assert _shown(line[10], 2) == row[6]
        assert _shown(line[11], 3) == row[7]
    counts = _csv(member_client, "report-counts", query)
    assert [int(line[6]) for line in counts[1:]] == [
        row[2] for row in _table(response, "report_counts").rows
    ]
    statuses = _csv(member_client, "recommendations", query)
    assert [int(line[1]) for line in statuses[1:]] == [
        row[1] for row in _table(response, "recommendations").rows
    ]
    overdue = _csv(member_client, "overdue-actions", query)
    assert [line[0] for line in overdue[1:]] == [
        row[0] for row in _table(response, "overdue_actions").rows
    ]
    victims = _csv(member_client, "victim-support", query)
    assert len(victims) - 1 == len(_table(response, "victim_support").rows)


def test_recommendations_by_status_and_overdue_items_are_counted(
    member_client: Client, council: Council
) -> None:
    adopted = [recommendation_adopted(council) for _ in range(2)]
    recommendation_proposed(council)
    other = council_create()  # not the member's council, never adopted in public
    recommendation_proposed(other)
    today = timezone.localdate()
    late = action_item_with(adopted[0])
    done = action_item_with(adopted[0])
    future = action_item_with(adopted[1])
    model = type(late)
    model.objects.filter(pk=late.pk).update(due_on=today - timedelta(days=3))
    model.objects.filter(pk=done.pk).update(
        due_on=today - timedelta(days=3), status=ActionItemStatus.COMPLETED
    )
    model.objects.filter(pk=future.pk).update(due_on=today + timedelta(days=3))
    response = member_client.get(URL)
    counts = {row[0]: row[1] for row in _table(response, "recommendations").rows}
    assert counts[str(RecommendationStatus.ADOPTED.label)] == 2
    assert counts[str(RecommendationStatus.PROPOSED.label)] == 1
    assert sum(counts.values()) == 3
    overdue = _table(response, "overdue_actions").rows
    assert [(row[0], row[1], row[4]) for row in overdue] == [(adopted[0].reference, late.title, 3)]


@pytest.mark.parametrize("role", list(Role))
def test_only_the_council_analysts_and_admins_open_it(client: Client, role: Role) -> None:
    client.force_login(user_with_role(role))
    expected = 200 if role in READERS else 404
    assert client.get(URL).status_code == expected
    for figure in CSV_FIGURES:
        assert client.get(f"/council/dashboard/{figure}.csv").status_code == expected


def test_anonymous_visitors_log_in_first_and_others_get_a_404(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.force_login(user_create(is_superuser=True, is_staff=True))  # no council role
    assert client.get(URL).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "first_month=2025-13",
        "first_month=last+year",
        "first_month=2025-06&last_month=2025-01",
        "first_month=1990-01&last_month=2025-01",
        "district=atlantis",
        "year=nineteen",
        "first_month=2025-0%00",
        "district=%ED%A0%80",  # a lone surrogate, as UTF-8 bytes
        "first_month=%D9%A1%D9%A2%D9%A3%D9%A4-%D9%A0%D9%A1",  # Arabic-Indic digits
    ],
)
def test_a_bad_filter_says_what_is_wrong(member_client: Client, query: str) -> None:
    response = member_client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert b"govuk-error-summary" in response.content
    csv_response = member_client.get(f"/council/dashboard/report-changes.csv?{query}")
    assert csv_response.status_code == 400


def test_the_number_of_queries_does_not_grow(member_client: Client, council: Council) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert member_client.get(URL, PERIOD).status_code == 200
        return len(captured)

    _reports(_plan())
    item = action_item_with(recommendation_adopted(council))
    type(item).objects.filter(pk=item.pk).update(due_on=date(2025, 1, 1))
    queries()  # the first reading of a completed year's unit statistics stores them
    few = queries()
    _reports(_plan(scale=5))
    for _ in range(3):
        more = action_item_with(recommendation_adopted(council))
        type(more).objects.filter(pk=more.pk).update(due_on=date(2025, 2, 1))
    assert queries() == few


def test_in_greek_with_greek_numbers(member_client: Client) -> None:
    _reports(_plan())
    response = member_client.get(
        URL, {**PERIOD, "district": "piraeus-1"}, HTTP_ACCEPT_LANGUAGE="el"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="el"' in page
    assert "Πίνακας του συμβουλίου" in page
    z = (9 - 3) / math.sqrt(12)
    assert f"{z:.2f}".replace(".", ",") in page  # 1,73
    assert "3,00" in page  # the rate ratio


def test_the_unit_s_statistics_name_the_completed_year_they_show(member_client: Client) -> None:
    # The current year is not published: the section shows, and names, the latest completed
    # year (the one before, or in January, within its grace period, the one before that).
    today = timezone.localdate()
    this_year = today.year
    shown = this_year - (1 if today.month > 1 else 2)
    assert victim_support_latest_year() == shown
    page = member_client.get(URL, {"year": this_year}).content.decode()
    assert f"Victim Support Unit, {shown}" in page
    assert f"Victim Support Unit, {this_year}<" not in page
    csv_rows = member_client.get(
        "/council/dashboard/victim-support.csv", {"year": this_year}
    ).content.decode()
    assert f"{shown},total," in csv_rows
