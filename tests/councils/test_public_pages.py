"""The council's public pages and calendar: nothing closed, drafted or private ever appears in
them (the leak test reads every page and the .ics, in English and Greek, and looks for every
planted secret and for what must be shown); their number of queries does not grow with the
meetings, items and recommendations; the calendar parses as RFC 5545 with a link back to each
meeting; and the pages speak Greek, dates included."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from councils.models import AgendaItemKind, Council, MeetingKind, Visibility
from councils.selectors import public_recommendations
from councils.services.minutes import minutes_circulate, minutes_create
from tests.councils.factories import (
    action_item_with,
    meeting_held,
    recommendation_adopted,
    secretary_of,
)
from tests.councils.test_public import SECRET, SHOWN, _world

pytestmark = pytest.mark.django_db

CIRCULATED = "Circulated-minutes-K9 not yet approved"
CIRCULATED_SUMMARY = "Circulated-summary-K9 not yet approved"


def _world_with_circulated_minutes() -> Council:
    """test_public's world (a closed item, draft minutes, a comment, a private name, ...) and
    a public meeting whose minutes were circulated to the members, not approved."""
    council = _world()
    meeting = meeting_held(
        council,
        visibility=Visibility.PUBLIC,
        items=(("Circulated meeting item", True, AgendaItemKind.INFORMATION),),
    )
    minutes = minutes_create(
        meeting=meeting,
        by=secretary_of(council),
        text=CIRCULATED,
        public_summary=CIRCULATED_SUMMARY,
    )
    minutes_circulate(minutes=minutes, by=secretary_of(council))
    return council


def public_urls(council: Council) -> list[str]:
    """Every public page and feed, with every meeting of the council (the closed and planned
    ones too, which must answer 404) and every recommendation (a proposal too)."""
    urls = [
        reverse("councils:home"),
        reverse("councils:recommendations"),
        reverse("councils:calendar"),
        reverse("councils:calendar") + "?kind=plenary",
    ]
    urls += [
        reverse("councils:meeting", args=[pk])
        for pk in council.meetings.values_list("pk", flat=True)
    ]
    urls += [
        reverse("councils:recommendation", args=[reference])
        for reference in council.recommendations.values_list("reference", flat=True)
    ]
    return urls


def everything_shown(client: Client, council: Council, language: str) -> str:
    texts = []
    for url in public_urls(council):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code in {200, 404}, url
        body = response.content.decode()
        if url.startswith(reverse("councils:calendar")):
            body = body.replace("\r\n ", "")  # unfold the .ics lines (RFC 5545 3.1)
        texts.append(body)
    return "\n".join(texts)


@pytest.mark.parametrize("language", ["en", "el"])
def test_no_public_page_or_feed_shows_anything_closed_drafted_or_private(
    client: Client, language: str
) -> None:
    council = _world_with_circulated_minutes()
    text = everything_shown(client, council, language)
    secrets = {**SECRET, "circulated": CIRCULATED, "circulated summary": CIRCULATED_SUMMARY}
    leaked = {name: secret for name, secret in secrets.items() if secret in text}
    assert leaked == {}
    # What must be shown is, so that an empty page cannot pass (the strategy has no page yet).
    expected = {name: shown for name, shown in SHOWN.items() if name != "strategy"}
    if language == "el":  # the factories give the recommendation a Greek title too
        expected["recommendation"] = "Φωτισμός λιμανιού"
    missing = {name: shown for name, shown in expected.items() if shown not in text}
    assert missing == {}


def test_a_member_sees_the_same_public_pages(client: Client) -> None:
    council = _world_with_circulated_minutes()
    client.force_login(secretary_of(council))
    text = everything_shown(client, council, "en")
    assert SECRET["closed item"] not in text
    assert SECRET["draft minutes"] not in text
    assert CIRCULATED_SUMMARY not in text


def test_the_meetings_page_splits_upcoming_and_past_and_links_each(client: Client) -> None:
    council = _world()
    later = meeting_held(
        council,
        visibility=Visibility.PUBLIC,
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=2),
        title_en="Happening-now plenary",
        items=(("Now", True, AgendaItemKind.INFORMATION),),
    )
    page = client.get(reverse("councils:home")).content.decode()
    upcoming, past = page.split('id="past-meetings"')
    assert reverse("councils:meeting", args=[later.pk]) in upcoming
    assert "Happening-now plenary" not in past
    for meeting in council.meetings.exclude(pk=later.pk).filter(visibility="public"):
        if meeting.status in {"held", "closed"}:
            assert reverse("councils:meeting", args=[meeting.pk]) in past


def test_a_recommendation_shows_its_progress_with_the_rule_and_its_dated_timeline(
    client: Client,
) -> None:
    _world()
    page = client.get(reverse("councils:recommendations")).content.decode()
    assert "40%" in page
    assert "The latest progress of its 1 action item." in page  # the rule, next to it
    assert "Proposed" in page
    assert "Adopted" in page


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_pages_take_a_fixed_number_of_queries(client: Client) -> None:
    council = _world()
    public_meeting = council.meetings.filter(visibility="public", status="held").first()
    assert public_meeting is not None
    reference = public_recommendations()[0].reference
    urls = [
        reverse("councils:home"),
        reverse("councils:recommendations"),
        reverse("councils:calendar"),
        reverse("councils:meeting", args=[public_meeting.pk]),
        reverse("councils:recommendation", args=[reference]),
    ]
    before = {url: _queries(client, url) for url in urls}
    for _ in range(3):
        recommendation = recommendation_adopted(council)
        action_item_with(recommendation, weight="2", percents=(10, 60))
        action_item_with(recommendation)
    meeting_held(
        council,
        visibility=Visibility.PUBLIC,
        items=tuple((f"More {n}", True, AgendaItemKind.DECISION) for n in range(4)),
    )
    after = {url: _queries(client, url) for url in urls}
    assert after == before


def test_the_calendar_is_rfc_5545_with_a_link_back_to_each_meeting(client: Client) -> None:
    council = _world()
    meeting_held(
        council,
        visibility=Visibility.PUBLIC,
        kind=MeetingKind.WORKING_GROUP,
        title_en="Working group on lighting",
        items=(("Lamps", True, AgendaItemKind.INFORMATION),),
    )
    response = client.get(reverse("councils:calendar"))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    public_ids = {
        str(pk)
        for pk in council.meetings.exclude(visibility="closed")
        .exclude(status="planned")
        .values_list("pk", flat=True)
    }
    assert {str(event["uid"]).split("@")[0] for event in events} == public_ids
    for event in events:
        meeting_id = str(event["uid"]).split("@")[0]
        assert str(event["url"]) == "http://testserver" + reverse(
            "councils:meeting", args=[meeting_id]
        )
        assert event.decoded("dtend") > event.decoded("dtstart")
        assert str(event["summary"])
        assert str(event["location"])
    only = Calendar.from_ical(
        client.get(reverse("councils:calendar") + "?kind=working_group").content
    )
    assert [str(e["summary"]) for e in only.walk("VEVENT")] == ["Working group on lighting"]
    assert len(only.walk("VEVENT")) == 1


def test_an_unknown_kind_of_meeting_is_a_400_saying_what_is_known(client: Client) -> None:
    for kind in ("nonsense", "plenary%00", "%ED%A0%80", "x" * 5000):
        response = client.get(reverse("councils:calendar") + "?kind=" + kind)
        assert response.status_code == 400
        assert "plenary" in response.content.decode()


def test_the_pages_speak_greek_with_greek_dates(client: Client) -> None:
    council = _world()
    meeting = council.meetings.filter(visibility="public", status="held").first()
    assert meeting is not None
    for url, words in (
        (reverse("councils:home"), "Μέλη"),
        (reverse("councils:meeting", args=[meeting.pk]), "Ημερήσια διάταξη"),
        (reverse("councils:recommendations"), "Χρονολόγιο"),
    ):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="el").content.decode()
        assert words in page, url
        # Dates in Greek's one format (curim/formats/el): 1/12/2026.
        assert re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", page), url
    page = client.get(
        reverse("councils:meeting", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="el"
    ).content.decode()
    assert "Ολομέλεια" in page  # the meeting's Greek title


def test_a_meeting_or_recommendation_that_is_not_public_is_a_404(client: Client) -> None:
    council = _world()
    closed = council.meetings.get(visibility="closed")
    assert client.get(reverse("councils:meeting", args=[closed.pk])).status_code == 404
    proposal = council.recommendations.get(status="proposed")
    url = reverse("councils:recommendation", args=[proposal.reference])
    assert client.get(url).status_code == 404
    assert client.get("/council/meetings/not-a-uuid/").status_code == 404
