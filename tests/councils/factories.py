"""Council records for tests, built through the services (so they are what the app makes)."""

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from councils.models import (
    ActionItem,
    AgendaItem,
    AgendaItemKind,
    Council,
    Decision,
    DecisionOutcome,
    Meeting,
    MeetingStatus,
    Membership,
    Minutes,
    Organisation,
    Position,
    Recommendation,
    RecommendationStatus,
    Sector,
    Visibility,
)
from councils.services.actions import action_item_create, progress_update_add
from councils.services.bodies import council_save, membership_save, organisation_save
from councils.services.decisions import decision_record
from councils.services.meetings import agenda_item_add, meeting_create, meeting_transition
from councils.services.minutes import minutes_approve, minutes_circulate, minutes_create
from councils.services.recommendations import recommendation_create, recommendation_transition
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.areas.models import Area
from tests.factories import area_create, user_with_role

_numbers = itertools.count(1)


def council_create(**fields: Any) -> Council:
    n = next(_numbers)
    values: dict[str, Any] = {
        "slug": f"council-{n}",
        "name_en": f"Council {n}",
        "name_el": f"Συμβούλιο {n}",
        "term_starts_on": date(2020, 1, 1),
        "reference_prefix": f"LC{n}",
    }
    values.update(fields)
    if "area" not in values:
        values["area"] = area_create(level=Area.Level.MUNICIPALITY)
    return council_save(council=Council(**values))


def organisation_create(sector: str = Sector.CIVIL_SOCIETY, **fields: Any) -> Organisation:
    n = next(_numbers)
    values: dict[str, Any] = {"name_en": f"Organisation {n}", "name_el": f"Φορέας {n}"}
    values.update(fields)
    return organisation_save(organisation=Organisation(sector=sector, **values))


def member_create(
    council: Council,
    *,
    position: str = Position.MEMBER,
    role: Role = Role.COUNCIL_MEMBER,
    person: User | None = None,
    organisation: Organisation | None = None,
    starts_on: date = date(2020, 1, 1),
    ends_on: date | None = None,
    name_public: bool = False,
    display_name: str = "",
) -> Membership:
    if person is None:
        person = user_with_role(role, display_name=display_name)
    membership = Membership(
        council=council,
        person=person,
        organisation=organisation or organisation_create(),
        position=position,
        starts_on=starts_on,
        ends_on=ends_on,
        name_public=name_public,
    )
    return membership_save(membership=membership)


def secretary_of(council: Council) -> User:
    """A secretary who sits on the council (made on first use)."""
    found = council.memberships.filter(position=Position.SECRETARY).first()
    if found is not None:
        return found.person
    return member_create(council, position=Position.SECRETARY, role=Role.COUNCIL_SECRETARY).person


def chair_of(council: Council) -> User:
    found = council.memberships.filter(position=Position.CHAIR).first()
    if found is not None:
        return found.person
    return member_create(council, position=Position.CHAIR).person


def meeting_planned(
    council: Council,
    *,
    visibility: str = Visibility.SPLIT,
    starts_at: datetime | None = None,
    items: tuple[tuple[str, bool, str], ...] = (),
    **fields: Any,
) -> Meeting:
    """A planned meeting with agenda items given as (title, public, kind)."""
    starts = starts_at or timezone.now() - timedelta(days=30)
    values: dict[str, Any] = {
        "title_en": "Plenary",
        "title_el": "Ολομέλεια",
        "place": "Town hall",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "visibility": visibility,
    }
    values.update(fields)
    by = secretary_of(council)
    meeting = meeting_create(council=council, by=by, **values)
    for title, public, kind in items:
        agenda_item_add(meeting=meeting, by=by, title=title, public=public, kind=kind)
    return meeting


def meeting_held(council: Council, **kwargs: Any) -> Meeting:
    """A convened and held meeting (by default split, with a public and a closed decision
    item)."""
    kwargs.setdefault(
        "items",
        (
            ("Street lighting in the port area", True, AgendaItemKind.DECISION),
            ("Operational briefing by the police", False, AgendaItemKind.DECISION),
        ),
    )
    meeting = meeting_planned(council, **kwargs)
    by = secretary_of(council)
    meeting_transition(meeting=meeting, to_status=MeetingStatus.CONVENED, by=by)
    return meeting_transition(meeting=meeting, to_status=MeetingStatus.HELD, by=by)


def item_of(meeting: Meeting, *, public: bool) -> AgendaItem:
    item = meeting.agenda_items.filter(public=public, carried_over=False).order_by("order").first()
    assert item is not None
    return item


def decision_adopted(item: AgendaItem, text: str = "Adopted as proposed.") -> Decision:
    return decision_record(
        agenda_item=item,
        by=secretary_of(item.meeting.council),
        text=text,
        outcome=DecisionOutcome.ADOPTED,
    )


def recommendation_proposed(council: Council, **fields: Any) -> Recommendation:
    values: dict[str, Any] = {"title_en": "Light the port", "title_el": "Φωτισμός λιμανιού"}
    values.update(fields)
    return recommendation_create(council=council, by=secretary_of(council), **values)


def recommendation_adopted(
    council: Council, *, decision: Decision | None = None, **fields: Any
) -> Recommendation:
    """A recommendation adopted by a decision on the public item of a held meeting."""
    if decision is None:
        decision = decision_adopted(item_of(meeting_held(council), public=True))
    recommendation = recommendation_proposed(council, **fields)
    return recommendation_transition(
        recommendation=recommendation,
        to_status=RecommendationStatus.ADOPTED,
        by=secretary_of(council),
        decision=decision,
    )


def action_item_with(
    recommendation: Recommendation,
    *,
    weight: str | None = None,
    percents: tuple[int, ...] = (),
    owner: Organisation | None = None,
) -> ActionItem:
    """An action item with progress updates of these percents, a day apart, oldest first."""
    council = recommendation.council
    by = secretary_of(council)
    item = action_item_create(
        recommendation=recommendation,
        by=by,
        title_en=f"Task {next(_numbers)}",
        owner_organisation=owner or organisation_create(Sector.MUNICIPALITY),
        weight=Decimal(weight) if weight is not None else None,
    )
    today = timezone.localdate()
    for days_ago, percent in zip(range(len(percents), 0, -1), percents, strict=True):
        progress_update_add(item=item, by=by, on=today - timedelta(days=days_ago), percent=percent)
    item.refresh_from_db()
    return item


def minutes_approved(meeting: Meeting, *, summary: str = "The council met.") -> Minutes:
    """Minutes of a held meeting, circulated and approved by a decision of a later meeting
    (which this holds), the chair signing."""
    council = meeting.council
    by = secretary_of(council)
    minutes = minutes_create(meeting=meeting, by=by, text="Minutes.", public_summary=summary)
    minutes_circulate(minutes=minutes, by=by)
    later = meeting_held(
        council,
        starts_at=meeting.starts_at + timedelta(days=7),
        visibility=Visibility.PUBLIC,
        items=(("Approval of the previous minutes", True, AgendaItemKind.DECISION),),
    )
    decision = decision_adopted(item_of(later, public=True))
    return minutes_approve(minutes=minutes, decision=decision, by=chair_of(council))
