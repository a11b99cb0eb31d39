"""The page where the chair approves circulated minutes: each decision offered in full with its
meeting's local day, none chosen by itself, and a clear error when none is named."""

from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.utils import translation
from django.utils.formats import date_format

from councils.models import (
    AgendaItemKind,
    Meeting,
    Minutes,
    MinutesState,
    Position,
    Visibility,
)
from councils.services.minutes import minutes_circulate, minutes_create
from tests.councils.factories import (
    council_create,
    decision_adopted,
    item_of,
    meeting_held,
    member_create,
    secretary_of,
)

pytestmark = pytest.mark.django_db

LONG = "The minutes are approved as circulated, " + "with the corrections read out, " * 4


@pytest.fixture
def world(client: Client) -> tuple[Client, str]:
    council = council_create()
    secretary = secretary_of(council)
    meeting = meeting_held(council, starts_at=datetime(2026, 3, 1, 10, tzinfo=UTC))
    minutes = minutes_create(meeting=meeting, by=secretary, text="We met.", public_summary="Met.")
    minutes_circulate(minutes=minutes, by=secretary)
    # 22:30 UTC on 9 March is 00:30 on 10 March in Athens.
    later = meeting_held(
        council,
        starts_at=datetime(2026, 3, 9, 22, 30, tzinfo=UTC),
        visibility=Visibility.PUBLIC,
        items=(("Approval of the previous minutes", True, AgendaItemKind.DECISION),),
    )
    decision_adopted(item_of(later, public=True), text=LONG)
    client.force_login(member_create(council, position=Position.CHAIR).person)
    return client, f"/council/manage/meetings/{meeting.pk}/minutes/approve/"


def test_each_decision_is_a_radio_in_full_with_its_local_day(world: tuple[Client, str]) -> None:
    client, url = world
    page = client.get(url).content.decode()
    assert 'type="radio"' in page
    assert "checked" not in page  # nothing chosen by itself
    assert date_format(date(2026, 3, 10), "DATE_FORMAT") in page
    assert date_format(date(2026, 3, 9), "DATE_FORMAT") not in page
    assert "with the corrections read out, with the corrections read out" in page
    with translation.override("el"):
        greek = client.get(url, HTTP_ACCEPT_LANGUAGE="el").content.decode()
        assert date_format(date(2026, 3, 10), "DATE_FORMAT") in greek


def test_approving_without_a_decision_says_what_to_do(world: tuple[Client, str]) -> None:
    client, url = world
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Choose the decision that approves these minutes." in response.content.decode()
    assert Minutes.objects.get().state == MinutesState.CIRCULATED
    greek = client.post(url, {}, HTTP_ACCEPT_LANGUAGE="el").content.decode()
    assert "Επιλέξτε την απόφαση που εγκρίνει αυτά τα πρακτικά." in greek


def test_anybody_but_the_chair_is_told_at_once(world: tuple[Client, str]) -> None:
    client, url = world
    minutes = Minutes.objects.get()
    council = minutes.meeting.council
    refused = "Only the council's chair or vice-chair approves minutes."
    assert refused not in client.get(url).content.decode()  # the chair
    client.force_login(member_create(council).person)
    page = client.get(url).content.decode()
    assert refused in page
    assert 'type="radio"' not in page
    client.force_login(member_create(council, position=Position.VICE_CHAIR).person)
    assert 'type="radio"' in client.get(url).content.decode()


def test_the_meeting_page_offers_the_approval_to_the_chair_only(
    world: tuple[Client, str],
) -> None:
    client, url = world
    meeting_page = url.removesuffix("minutes/approve/")
    link = "Approve the minutes (the chair)"
    assert link in client.get(meeting_page).content.decode()
    meeting = Meeting.objects.get(pk=meeting_page.rstrip("/").rsplit("/", 1)[-1])
    for person in (secretary_of(meeting.council), member_create(meeting.council).person):
        other = Client()
        other.force_login(person)
        page = other.get(meeting_page)
        assert page.status_code == 200
        assert link not in page.content.decode()
