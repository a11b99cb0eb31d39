"""The demo council of Piraeus: loaded through the services after the accounts and the survey
waves, once (loading again adds nothing), with every status of a recommendation, minutes
approved by a decision of the next meeting, and a strategy aimed at the survey's indicators."""

from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from councils.demo_records import MEETINGS, SEATS, SLUG
from councils.models import (
    ActionItem,
    Council,
    Meeting,
    MeetingEvidence,
    MeetingStatus,
    Membership,
    Minutes,
    MinutesState,
    Objective,
    ProgressUpdate,
    Recommendation,
    RecommendationStatus,
    RecommendationStatusChange,
    RecordChange,
    Sector,
    Strategy,
    Visibility,
)
from councils.models.choices import Position
from councils.selectors import public_meetings, public_members, public_recommendations
from curim.accounts.demo import demo_email
from curim.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = StringIO()
    call_command("councils_demo_load", "--force", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Council,
            Membership,
            Meeting,
            Minutes,
            Recommendation,
            RecommendationStatusChange,
            ActionItem,
            ProgressUpdate,
            RecordChange,
            Strategy,
            Objective,
        )
    }


def test_it_asks_for_the_accounts_first(piraeus: None) -> None:
    with pytest.raises(CommandError, match="demo_load"):
        _load()


def test_the_demo_council_loads_once_with_its_whole_history(piraeus: None) -> None:
    call_command("demo_load", "--force", stdout=StringIO())
    call_command("surveys_demo_load", "--force", stdout=StringIO())
    assert "8 new meetings" in _load()
    council = Council.objects.get(slug=SLUG)
    assert council.name_el
    assert council.purpose_el

    # About fifteen members from every sector and in every position, the demo accounts among
    # them; some names public, some not.
    seats = council.memberships.select_related("organisation", "person")
    assert seats.count() == len(SEATS) == 15
    assert {s.organisation.sector for s in seats} >= set(Sector.values) - {Sector.OTHER}
    assert {s.position for s in seats} == set(Position.values)
    people = {s.person.email for s in seats}
    assert {demo_email(Role.COUNCIL_SECRETARY), demo_email(Role.COUNCIL_MEMBER)} <= people
    secretary = seats.get(person__email=demo_email(Role.COUNCIL_SECRETARY))
    assert secretary.position == Position.SECRETARY
    assert {s.name_public for s in seats} == {True, False}
    assert len(public_members()) == 15

    # Eight meetings of 2020–2023, closed with attendance, each convened with its evidence.
    meetings = list(council.meetings.order_by("starts_at"))
    assert len(meetings) == len(MEETINGS) == 8
    assert {m.starts_at.year for m in meetings} == {2020, 2021, 2022, 2023}
    assert all(m.status == MeetingStatus.CLOSED for m in meetings)
    assert all(m.attendance.exists() for m in meetings)
    assert MeetingEvidence.objects.filter(meeting__council=council).count() == 8
    agenda = [i for m in meetings for i in m.agenda_items.all()]
    assert {i.public for i in agenda} == {True, False}
    assert {m.visibility for m in meetings} == set(Visibility.values)
    assert all(m.title_el for m in meetings)

    # Minutes: each approved by a decision of the next meeting (the last ones wait for the next
    # term), published unless the meeting was closed; each change left a history row.
    for earlier, later in pairwise(meetings):
        minutes = earlier.minutes
        assert minutes.state in (MinutesState.APPROVED, MinutesState.PUBLISHED)
        assert minutes.approved_by_decision.agenda_item.meeting == later
        assert minutes.approved_at.date() == later.starts_at.date()
        published = earlier.visibility != Visibility.CLOSED
        assert (minutes.state == MinutesState.PUBLISHED) == published
        actions = set(minutes.changes.values_list("action", flat=True))
        assert {RecordChange.Action.CREATED, RecordChange.Action.STATUS} <= actions
    assert meetings[-1].minutes.state == MinutesState.CIRCULATED

    # Twelve recommendations in every status, with action items, progress and timelines
    # dated from the meetings, numbered in the year they were proposed.
    recommendations = council.recommendations.all()
    assert recommendations.count() == 12
    assert {r.status for r in recommendations} == set(RecommendationStatus.values)
    assert all(r.title_el for r in recommendations)
    assert ActionItem.objects.filter(recommendation__council=council).count() >= 12
    assert ProgressUpdate.objects.filter(action_item__recommendation__council=council).exists()
    adopted = recommendations.exclude(adopted_by=None)
    for r in adopted:
        change = r.status_changes.get(to_status=RecommendationStatus.ADOPTED)
        assert change.changed_at.date() == r.adopted_by.agenda_item.meeting.starts_at.date()
        assert r.reference.startswith(
            f"LCCP-{r.status_changes.earliest('changed_at').changed_at.year}-"
        )
    assert {r.reference[5:9] for r in recommendations} <= {"2020", "2021", "2022", "2023"}
    assert public_recommendations()  # those adopted in public
    assert len(public_meetings()) == 7  # the closed meeting is not among them

    # The strategy 2020–2023: objectives aimed at the survey's indicators, from the baseline
    # wave to the follow-up, with the recommendations as measures.
    strategy = council.strategies.get()
    assert (strategy.starts_year, strategy.ends_year, strategy.published) == (2020, 2023, True)
    objectives = Objective.objects.filter(priority__strategy=strategy)
    assert objectives.count() == 4
    assert {o.baseline_survey.code for o in objectives} == {"baseline-2020"}
    assert {o.target_survey.code for o in objectives} == {"follow-up-2023"}
    assert {o.indicator.code for o in objectives} == {
        "perception",
        "fear",
        "trust",
        "participation",
    }
    assert all(o.measures.get().recommendations.exists() for o in objectives)

    # Loading again adds nothing.
    before = _counts()
    assert "0 new meetings" in _load()
    assert _counts() == before
