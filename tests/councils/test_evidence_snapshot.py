"""The agenda pack's evidence snapshot holds the council's own figures, as a member of that
council reads them, whoever convenes the meeting: an admin who sits on no council, or a
secretary of two councils, takes the same snapshot as the council's own secretary."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from councils.models import Council, Meeting, MeetingEvidence, MeetingStatus, Position
from councils.services.meetings import meeting_transition
from curim.accounts.models import User
from curim.accounts.roles import Role
from tests.councils.factories import (
    action_item_with,
    council_create,
    meeting_planned,
    member_create,
    recommendation_adopted,
    recommendation_proposed,
    secretary_of,
)
from tests.factories import user_with_role

pytestmark = pytest.mark.usefixtures("piraeus")


def _records(council: Council, *, proposed: int, adopted: int, overdue: int) -> None:
    for n in range(proposed):
        recommendation_proposed(council, title_en=f"{council.slug} proposal {n}")
    for n in range(adopted):
        recommendation_adopted(council, title_en=f"{council.slug} adopted {n}")
    for n in range(overdue):
        item = action_item_with(recommendation_proposed(council, title_en=f"{council.slug} {n}"))
        type(item).objects.filter(pk=item.pk).update(
            due_on=timezone.localdate() - timedelta(days=3)
        )


@pytest.fixture
def councils() -> tuple[Council, Council]:
    """Ours: 3 proposals (not public), 1 adopted, 2 overdue items on 2 more proposals.
    Theirs: 4 adopted in public, 5 proposals, 1 overdue item."""
    ours, theirs = council_create(), council_create()
    _records(ours, proposed=3, adopted=1, overdue=2)
    _records(theirs, proposed=5, adopted=4, overdue=1)
    return ours, theirs


def _convened_by(council: Council, by: User) -> dict[str, Any]:
    meeting = meeting_planned(
        council,
        starts_at=timezone.now() + timedelta(days=7),
        items=(("Evidence", True, "information"),),
    )
    meeting = meeting_transition(meeting=meeting, to_status=MeetingStatus.CONVENED, by=by)
    figures = MeetingEvidence.objects.get(meeting=meeting).figures
    assert isinstance(figures, dict)
    return figures


def _statuses(figures: dict[str, Any]) -> dict[str, int]:
    return dict(figures["tables"]["recommendations"]["rows"])


def _overdue_titles(figures: dict[str, Any]) -> list[str]:
    table = figures["tables"]["overdue_actions"]
    reference = table["columns"].index("recommendation")
    return sorted(str(row[reference]) for row in table["rows"])


def _expected(council: Council) -> tuple[dict[str, int], list[str]]:
    """Counted here from what the fixture made for this council."""
    statuses = {"proposed": 3 + 2, "adopted": 1}
    overdue = sorted(
        council.recommendations.filter(action_items__isnull=False).values_list(
            "reference", flat=True
        )
    )
    return statuses, overdue


@pytest.mark.parametrize("convener", ["own secretary", "admin", "secretary of two councils"])
def test_the_snapshot_holds_the_councils_figures_whoever_convenes(
    councils: tuple[Council, Council], convener: str
) -> None:
    ours, theirs = councils
    if convener == "own secretary":
        by = secretary_of(ours)
    elif convener == "admin":
        by = user_with_role(Role.ADMIN)
    else:
        by = secretary_of(theirs)
        member_create(ours, person=by, position=Position.SECRETARY, role=Role.COUNCIL_SECRETARY)
    figures = _convened_by(ours, by)
    statuses, overdue = _expected(ours)
    found = _statuses(figures)
    assert {s: found[s] for s in statuses} == statuses
    assert sum(found.values()) == sum(statuses.values())  # nothing of the other council
    assert _overdue_titles(figures) == overdue
    assert all(ref.startswith(ours.reference_prefix) for ref in overdue)
    # The figures of the other apps are there as a member reads them (not emptied for a reader
    # without a role, not widened for one with more).
    report_rows = figures["tables"]["report_changes"]["rows"]
    assert report_rows, "the report figures are a council member's"


def test_the_admins_snapshot_equals_the_councils_own(
    councils: tuple[Council, Council],
) -> None:
    ours, _theirs = councils
    by_secretary = _convened_by(ours, secretary_of(ours))
    by_admin = _convened_by(ours, user_with_role(Role.ADMIN))
    assert by_admin == by_secretary


def test_a_snapshot_taken_for_a_meeting_is_the_councils(councils: tuple[Council, Council]) -> None:
    ours, theirs = councils
    figures = _convened_by(theirs, secretary_of(theirs))
    found = _statuses(figures)
    assert found["adopted"] == 4
    assert found["proposed"] == 5 + 1
    assert not any(ref.startswith(ours.reference_prefix) for ref in _overdue_titles(figures)), (
        "another council's items"
    )
    assert isinstance(Meeting.objects.filter(council=theirs).first(), Meeting)
