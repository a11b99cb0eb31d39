"""A meeting's agenda pack (PDF): its agenda with the closed items, the minutes it is to
approve, and the dashboard's figures as they were when the meeting was convened (later reports
do not change them); who may open it; the link on the meeting's page for members only."""

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from councils import dashboard as board
from councils.models import AgendaItemKind, Council, Meeting, MeetingEvidence, MeetingStatus
from councils.services.meetings import meeting_transition
from councils.services.minutes import minutes_circulate, minutes_create
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.areas.models import Area
from curim.reports.models import Category, Report
from curim.reports.selectors import council_report_figures
from curim.reports.statistics import month_add, month_start, period_default
from tests.councils.factories import (
    council_create,
    meeting_held,
    meeting_planned,
    member_create,
    secretary_of,
)
from tests.factories import user_create, user_with_role

pytestmark = pytest.mark.usefixtures("piraeus")

PUBLIC_ITEM = "Street lighting along Akti Miaouli"
CLOSED_ITEM = "Operational briefing on the harbour patrols"
MINUTES_TEXT = "The council heard the residents of Kastella about the night buses."
BEFORE = 37  # crime reports in Piraeus 1 when the meeting is convened
AFTER = 5  # and those reported after


def _reports(count: int) -> None:
    """`count` accepted crime reports in Piraeus 1, two months ago (inside the dashboard's
    default period of the last 12 complete months)."""
    month = month_add(month_start(timezone.localdate()), -2)
    area = Area.objects.get(code="piraeus-1")
    point = area.geometry.point_on_surface
    Report.objects.bulk_create(
        Report(
            category=Category.objects.get(slug="theft"),
            description="For the agenda pack",
            occurred_at=datetime(month.year, month.month, 10, 12, tzinfo=UTC),
            severity=3,
            feeling_unsafe=3,
            status="published",
            area=area,
            location=point,
            public_location=point,
        )
        for _ in range(count)
    )


def _pdf_text(response: Any) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _url(meeting: Meeting) -> str:
    return reverse("councils:meeting_pack", args=[meeting.pk])


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def council() -> Council:
    return council_create(name_en="Piraeus Local Council for Crime Prevention")


@pytest.fixture
def convened(council: Council) -> Meeting:
    """An earlier held meeting with circulated minutes, and a split meeting convened after the
    first BEFORE reports."""
    earlier = meeting_held(council, starts_at=timezone.now() - timedelta(days=40))
    by = secretary_of(council)
    minutes = minutes_create(meeting=earlier, by=by, text=MINUTES_TEXT, public_summary="We met.")
    minutes_circulate(minutes=minutes, by=by)
    _reports(BEFORE)
    meeting = meeting_planned(
        council,
        starts_at=timezone.now() + timedelta(days=7),
        items=(
            ("Approval of the previous minutes", True, AgendaItemKind.DECISION),
            (PUBLIC_ITEM, True, AgendaItemKind.CONSULTATION),
            (CLOSED_ITEM, False, AgendaItemKind.INFORMATION),
        ),
    )
    return meeting_transition(meeting=meeting, to_status=MeetingStatus.CONVENED, by=by)


def _crime_in_piraeus_1(rows: list[list[object]], columns: list[str]) -> int:
    group, district, recent = (columns.index(c) for c in ("group", "district", "recent_reports"))
    [found] = [r[recent] for r in rows if r[group] == "crime" and r[district] == "piraeus-1"]
    assert isinstance(found, int)
    return found


def test_convening_takes_the_dashboards_figures_once_per_meeting(convened: Meeting) -> None:
    evidence = MeetingEvidence.objects.get(meeting=convened)
    table = evidence.figures["tables"]["report_changes"]
    assert _crime_in_piraeus_1(table["rows"], table["columns"]) == BEFORE
    assert set(evidence.figures["tables"]) == {
        "report_changes",
        "report_counts",
        "night_places",
        "indicator_changes",
        "victim_support",
        "recommendations",
        "overdue_actions",
    }
    assert convened.convened_at is not None
    assert abs(evidence.taken_at - convened.convened_at) < timedelta(seconds=5)


def test_the_pack_shows_the_agenda_the_minutes_and_the_figures_of_the_convening(
    council: Council, convened: Meeting
) -> None:
    _reports(AFTER)  # after convening: the live dashboard counts them, the pack does not
    secretary = secretary_of(council)
    first, last = period_default(timezone.localdate())
    live = board.report_changes_table(
        council_report_figures(secretary, first_month=first, last_month=last)
    ).csv
    assert _crime_in_piraeus_1(live[1:], live[0]) == BEFORE + AFTER

    response = _client(secretary).get(_url(convened))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response)
    assert PUBLIC_ITEM in text
    assert CLOSED_ITEM in text  # members read the closed items too
    assert MINUTES_TEXT in text
    assert "Last 12 months" in text
    # The row of crime in Piraeus 1 (its district name) carries the count of the convening.
    assert f" {BEFORE} " in f" {text} "
    assert f" {BEFORE + AFTER} " not in f" {text} "


def test_a_planned_meeting_has_a_pack_without_figures(council: Council) -> None:
    meeting = meeting_planned(
        council,
        starts_at=timezone.now() + timedelta(days=7),
        items=((CLOSED_ITEM, False, AgendaItemKind.INFORMATION),),
    )
    response = _client(secretary_of(council)).get(_url(meeting))
    assert response.status_code == 200
    text = _pdf_text(response)
    assert CLOSED_ITEM in text
    assert "The figures are taken when the meeting is convened" in text
    assert not MeetingEvidence.objects.filter(meeting=meeting).exists()


def test_the_pack_is_in_greek_for_a_greek_reader(council: Council, convened: Meeting) -> None:
    client = _client(secretary_of(council))
    response = client.get(_url(convened), headers={"accept-language": "el"})
    assert "Ημερήσια διάταξη" in _pdf_text(response)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member", 200),
        ("secretary", 200),
        ("member_elsewhere", 404),
        ("former_member", 404),
        ("role_without_seat", 404),
        ("analyst", 404),
        ("admin", 404),
        ("citizen", 404),
    ],
)
def test_only_the_councils_members_get_the_pack(
    council: Council, convened: Meeting, who: str, status: int
) -> None:
    users = {
        "member": lambda: member_create(council).person,
        "secretary": lambda: secretary_of(council),
        "member_elsewhere": lambda: member_create(council_create()).person,
        "former_member": lambda: (
            member_create(council, ends_on=timezone.localdate() - timedelta(days=1)).person
        ),
        "role_without_seat": lambda: user_with_role(Role.COUNCIL_MEMBER),
        "analyst": lambda: user_with_role(Role.ANALYST),
        "admin": lambda: user_with_role(Role.ADMIN),
        "citizen": lambda: user_create(),
    }
    assert _client(users[who]()).get(_url(convened)).status_code == status


def test_a_visitor_is_asked_to_log_in(convened: Meeting) -> None:
    response = Client().get(_url(convened))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_meeting_page_links_the_pack_for_members_only(
    council: Council, convened: Meeting
) -> None:
    page = reverse("councils:meeting", args=[convened.pk])
    link = _url(convened)
    member = _client(member_create(council).person).get(page)
    assert link in member.content.decode()
    assert "private" in member["Cache-Control"]
    for visitor in (None, member_create(council_create()).person, user_with_role(Role.ANALYST)):
        response = _client(visitor).get(page)
        assert response.status_code == 200
        assert link not in response.content.decode()
        assert "pack.pdf" not in response.content.decode()
