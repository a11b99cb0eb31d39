"""Minutes from circulation to the public, in a real browser on a phone-sized screen: the
secretary circulates the draft minutes of a held meeting; a later meeting has adopted the
decision that approves them (and another decision that does not); the chair (a member whose
membership position is chair) approves the minutes naming that decision; the secretary
publishes them; the public reads the public summary on the meeting's page, never the full
text."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from councils.models import AgendaItemKind, MinutesState, Position, Visibility
from councils.services.minutes import minutes_create
from tests.councils.factories import (
    council_create,
    decision_adopted,
    item_of,
    meeting_held,
    member_create,
    secretary_of,
)
from tests.e2e.test_council_meetings import _sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUMMARY = "The council agreed to light the quay by spring."
FULL_TEXT = "Full minutes, with the closed briefing by the police."
LABEL = "The decision of a later meeting that approves these minutes"


def test_the_chair_approves_the_minutes_and_the_public_reads_the_summary(
    page: Page, live_server: LiveServer
) -> None:
    council = council_create()
    secretary = secretary_of(council)
    chair = member_create(council, position=Position.CHAIR, display_name="Maria Chair").person
    meeting = meeting_held(council, visibility=Visibility.SPLIT)
    minutes_create(meeting=meeting, by=secretary, text=FULL_TEXT, public_summary=SUMMARY)
    later = meeting_held(
        council,
        title_en="Plenary of the spring",
        starts_at=meeting.starts_at + timedelta(days=14),
        visibility=Visibility.PUBLIC,
        items=(
            ("Cameras at the station", True, AgendaItemKind.DECISION),
            ("Approval of the previous minutes", True, AgendaItemKind.DECISION),
        ),
    )
    items = list(later.agenda_items.order_by("order"))
    decision_adopted(items[0], text="Cameras are not needed.")
    approving = decision_adopted(items[1], text="The minutes are approved as circulated.")
    decision_adopted(item_of(meeting, public=True), text="Light the quay.")  # not later: no

    # The secretary circulates the draft.
    _sign_in(page, live_server, secretary)
    page.goto(live_server.url + f"/council/manage/meetings/{meeting.pk}/")
    page.get_by_role("button", name="Circulate to the members").click()
    page.get_by_role("button", name="Take back to draft").wait_for()
    minutes = meeting.minutes
    minutes.refresh_from_db()
    assert minutes.state == MinutesState.CIRCULATED

    # The chair approves them, naming the decision of the later meeting.
    _sign_in(page, live_server, chair)
    page.goto(live_server.url + f"/council/manage/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Approve the minutes (the chair)").click()
    page.get_by_role("heading", name="Approve the minutes").wait_for()
    group = page.get_by_role("group", name=LABEL)
    offered = group.locator("label").all_inner_texts()
    assert any("Cameras are not needed." in text for text in offered)
    assert not any("Light the quay." in text for text in offered)  # the same meeting's
    assert group.locator("input:checked").count() == 0  # nothing chosen by itself
    # Approving without naming a decision says what to do, and approves nothing.
    page.get_by_role("button", name="Approve the minutes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose the decision that approves these minutes."
    )
    minutes.refresh_from_db()
    assert minutes.state == MinutesState.CIRCULATED
    wanted = next(text for text in offered if "approved as circulated" in text)
    assert "Plenary of the spring" in wanted
    page.get_by_role("radio", name=wanted).check()
    page.get_by_role("button", name="Approve the minutes").click()
    page.get_by_role("button", name="Approve the minutes").wait_for(state="detached")
    minutes.refresh_from_db()
    assert minutes.state == MinutesState.APPROVED
    assert minutes.approved_by_decision_id == approving.pk
    assert minutes.approved_by_id == chair.pk
    # Approved minutes are frozen: the chair is back on the meeting, which says so.
    expect(page.locator("#minutes")).to_be_visible()
    expect(page.get_by_text("Approved", exact=True).first).to_be_visible()

    # The secretary publishes the public summary.
    _sign_in(page, live_server, secretary)
    page.goto(live_server.url + f"/council/manage/meetings/{meeting.pk}/")
    expect(page.get_by_role("link", name="Change the draft")).to_have_count(0)
    page.get_by_role("button", name="Publish the public summary").click()
    page.get_by_role("button", name="Publish the public summary").wait_for(state="detached")
    minutes.refresh_from_db()
    assert minutes.state == MinutesState.PUBLISHED

    # The public reads the summary, never the full text.
    page.context.clear_cookies()
    page.goto(live_server.url + f"/council/meetings/{meeting.pk}/")
    expect(page.get_by_text(SUMMARY)).to_be_visible()
    assert FULL_TEXT not in page.content()
    link = page.get_by_role("link", name="the meeting that approved them")
    assert link.get_attribute("href") == f"/council/meetings/{later.pk}/"
