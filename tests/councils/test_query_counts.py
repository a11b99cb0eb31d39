"""Every council page, file and API list reads a fixed number of queries, however many meetings,
agenda items, recommendations and action items the council has.

The URLs come from the URLconf (every route under `council/` and `api/v1/council/`), so a new
page joins this test by itself; one whose keyword arguments this test cannot fill fails until
`VALUES` says how. Each is read as the council's secretary (who sees everything, closed items
and drafts included) and anonymously, before and after the council grows; a URL that answers
405 to GET (a form's POST) is left to its own tests.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver

from councils.models import (
    ActionItem,
    AgendaAttachment,
    AgendaItemKind,
    Council,
    Measure,
    Meeting,
    MeetingStatus,
    Objective,
    Priority,
    Recommendation,
    Strategy,
    Visibility,
)
from councils.services.actions import action_item_update
from councils.services.meetings import agenda_attachment_add, meeting_transition
from councils.services.strategy import (
    measure_interventions_set,
    measure_recommendations_set,
    strategy_part_save,
)
from curim.accounts.roles import Role
from interventions.models import InterventionStatus
from surveys.models import Indicator
from tests.councils.factories import (
    action_item_with,
    council_create,
    meeting_held,
    meeting_planned,
    minutes_approved,
    recommendation_adopted,
    secretary_of,
)
from tests.councils.test_strategy_page import _wave
from tests.factories import user_with_role
from tests.interventions.conftest import intervention_made
from tests.permissions.walk import _keywords, _patterns

pytestmark = pytest.mark.django_db

PREFIXES = ("council/", "api/v1/council/")
PDF = b"%PDF-1.4\n%%EOF\n"


@dataclass
class Records:
    council: Council
    meeting: Meeting
    recommendation: Recommendation
    strategy: Strategy
    action_item: ActionItem
    attachment: AgendaAttachment  # a file of the meeting's public item


# How to fill each keyword argument of a council URL from the records.
VALUES: dict[str, Callable[[Records], Any]] = {
    "meeting_id": lambda r: r.meeting.pk,
    "reference": lambda r: r.recommendation.reference,
    "order": lambda r: 1,  # the meeting's first agenda item
    "item_id": lambda r: r.action_item.pk,  # owned by the secretary, for "my action items"
    "council_slug": lambda r: r.council.slug,
    "starts_year": lambda r: r.strategy.starts_year,
    "ends_year": lambda r: r.strategy.ends_year,
    "attachment_id": lambda r: r.attachment.public_id,
    # a form's POST only: its GET answers 405 whatever the proposal
    "proposal_id": lambda r: uuid.UUID(int=0),
}


def council_routes() -> list[tuple[str, str]]:
    """(name, route) of every council URL."""
    found = []
    for namespace, route, pattern in _patterns(get_resolver().url_patterns):
        plain = route.lstrip("^")
        if plain.startswith(PREFIXES):
            found.append((f"{namespace}{pattern.name}", plain))
    return found


def _path(route: str, records: Records) -> str:
    path = "/" + route.rstrip("$")
    for keyword in _keywords(route):
        assert keyword in VALUES, f"say in VALUES how to fill <{keyword}> of {route}"
        value = str(VALUES[keyword](records))
        path = path.replace(f"<uuid:{keyword}>", value).replace(f"<int:{keyword}>", value)
        path = path.replace(f"<str:{keyword}>", value).replace(f"<slug:{keyword}>", value)
        path = path.replace(f"<{keyword}>", value)
    assert "<" not in path, path
    return path


def _counts(client: Client, paths: list[str]) -> dict[str, tuple[int, int]]:
    """(status, number of queries) of a GET of each path."""
    counts = {}
    for path in paths:
        with CaptureQueriesContext(connection) as captured:
            status = client.get(path).status_code
        counts[path] = (status, len(captured))
    return counts


def _strategy(council: Council) -> Strategy:
    return strategy_part_save(
        part=Strategy(
            council=council, title_en="Safer", starts_year=2024, ends_year=2027, published=True
        )
    )


def _priority_with_measures(
    strategy: Strategy, order: int, recommendations: list[Recommendation]
) -> None:
    """A priority with an objective on an indicator measured from a published wave, and a
    measure per recommendation, carried out by a public and a planned intervention."""
    indicator = Indicator.objects.create(
        code=f"counted-{order}", name_en="Feeling safe", method="mean"
    )
    priority = strategy_part_save(part=Priority(strategy=strategy, order=order, title_en="Nights"))
    objective = strategy_part_save(
        part=Objective(
            priority=priority,
            order=1,
            title_en="More people feel safe",
            target_kind="indicator",
            indicator=indicator,
            baseline_survey=_wave(published=True),
            target_value=60,
            target_year=2027,
        )
    )
    for n, recommendation in enumerate(recommendations, start=1):
        measure = strategy_part_save(part=Measure(objective=objective, order=n, title_en=f"M{n}"))
        measure_recommendations_set(measure=measure, recommendations=[recommendation])
        by = user_with_role(Role.ANALYST)
        interventions = [
            intervention_made(by=by, status=InterventionStatus.COMPLETED),
            intervention_made(by=by),
        ]
        measure_interventions_set(measure=measure, interventions=interventions)


def _meeting_with_files(council: Council) -> tuple[Meeting, AgendaAttachment]:
    """A held split meeting (a public and a closed item) with a file on each item."""
    by = secretary_of(council)
    meeting = meeting_planned(
        council,
        items=(("Lamps", True, AgendaItemKind.DECISION), ("Patrols", False, "decision")),
    )
    attachments = [
        agenda_attachment_add(
            item=item, by=by, title=f"File {item.order}", file=SimpleUploadedFile("f.pdf", PDF)
        )
        for item in meeting.agenda_items.order_by("order")
    ]
    meeting_transition(meeting=meeting, to_status=MeetingStatus.CONVENED, by=by)
    return meeting_transition(meeting=meeting, to_status=MeetingStatus.HELD, by=by), attachments[0]


def _files_added(meeting: Meeting) -> None:
    # The meeting is held: its agenda is fixed for the services, so the rows are planted.
    for item in meeting.agenda_items.all():
        for n in range(3):
            attachment = AgendaAttachment(agenda_item=item, title=f"More {n}", size=len(PDF))
            attachment.file.save("more.pdf", ContentFile(PDF), save=False)
            attachment.save()


def _grow(council: Council, strategy: Strategy, meeting: Meeting) -> None:
    _files_added(meeting)
    grown = []
    for _ in range(3):
        recommendation = recommendation_adopted(council)
        action_item_with(recommendation, weight="2", percents=(10, 60))
        action_item_with(recommendation, percents=(30,))
        grown.append(recommendation)
    _priority_with_measures(strategy, 2, grown)
    meeting = meeting_held(
        council,
        visibility=Visibility.SPLIT,
        items=tuple((f"More {n}", n % 2 == 0, AgendaItemKind.DECISION) for n in range(5)),
    )
    minutes_approved(meeting)


def test_the_walk_finds_the_council_s_urls() -> None:
    names = {name for name, _ in council_routes()}
    assert {"councils:home", "councils:meeting", "councils:dashboard"} <= names


@pytest.mark.usefixtures("piraeus")  # the interventions' districts
@pytest.mark.parametrize("who", ["secretary", "anonymous"])
def test_no_council_url_reads_more_queries_as_the_council_grows(who: str) -> None:
    council = council_create()
    meeting, attachment = _meeting_with_files(council)
    minutes_approved(meeting)
    recommendation = recommendation_adopted(council)
    secretary = secretary_of(council)
    item = action_item_update(
        item=action_item_with(recommendation, percents=(20,)), by=secretary, owner_person=secretary
    )
    records = Records(council, meeting, recommendation, _strategy(council), item, attachment)
    _priority_with_measures(records.strategy, 1, [records.recommendation])
    client = Client()
    if who == "secretary":
        client.force_login(secretary_of(council))
    paths = [_path(route, records) for _, route in council_routes()]
    before = _counts(client, paths)
    opened = [path for path, (status, _) in before.items() if status == 200]
    if who == "secretary":
        refused = {path: status for path, (status, _) in before.items() if status not in (200, 405)}
        assert not refused, f"the secretary should open these: {refused}"
    else:
        assert opened  # the public pages
    _grow(council, records.strategy, meeting)
    after = _counts(client, paths)
    grew = {
        path: (before[path][1], after[path][1]) for path in opened if after[path] != before[path]
    }
    assert not grew, f"(before, after) queries: {grew}"
