"""The council's main flows in a real browser, on a phone-sized screen:

- the secretary, in Greek, schedules a meeting, builds its agenda, convenes it (every member is
  e-mailed through the outbox), marks it held, records the attendance, a decision and the
  draft minutes, and records a recommendation adopted by that decision;
- a member reads the dashboard and downloads the meeting's agenda pack;
- the public follows a recommendation from the meeting that adopted it to its progress.

Fields are found by their names, so the Greek flow reads the Greek page without hard-coding its
labels; what the page says is checked against the Greek catalogue through `gettext`.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from councils.models import (
    Attendance,
    Decision,
    Meeting,
    MeetingStatus,
    Minutes,
    Recommendation,
    RecommendationStatus,
    Visibility,
)
from councils.services.convening import CONVENING_EMAIL_TASK
from curim.accounts.models import User
from curim.core.models import OutboxTask
from tests.councils.factories import (
    action_item_with,
    council_create,
    meeting_held,
    member_create,
    recommendation_adopted,
    secretary_of,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, live_server: LiveServer, user: User, language: str = "en") -> None:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {"name": name, "value": client.cookies[name].value, "url": live_server.url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )


def _greek(text: str) -> str:
    with translation.override("el"):
        return translation.gettext(text)


def _press(page: Page, text: str) -> None:
    page.get_by_role("button", name=_greek(text)).click()


def test_the_secretary_runs_a_meeting_in_greek(page: Page, live_server: LiveServer) -> None:
    council = council_create()
    secretary = secretary_of(council)
    member_create(council, display_name="Eleni Member")
    _sign_in(page, live_server, secretary, "el")

    page.goto(live_server.url + "/council/manage/meetings/new/")
    assert page.locator("html").get_attribute("lang") == "el"
    # It began an hour ago: a meeting is marked held only once it has started.
    starts = timezone.localtime() - timedelta(hours=1)
    page.locator("[name=title_en]").fill("Plenary on the port")
    page.locator("[name=title_el]").fill("Ολομέλεια για το λιμάνι")
    page.locator("[name=starts_at]").fill(f"{starts:%Y-%m-%dT%H:%M}")
    page.locator("[name=ends_at]").fill(f"{starts + timedelta(hours=2):%Y-%m-%dT%H:%M}")
    page.locator("[name=place]").fill("Δημαρχείο Πειραιά")
    page.locator("[name=visibility][value=public]").check()
    page.locator("form[method=post] button[type=submit]").last.click()
    page.get_by_role("heading", name="Ολομέλεια για το λιμάνι").wait_for()
    meeting = Meeting.objects.get(title_en="Plenary on the port")

    page.get_by_role("link", name=_greek("Add an agenda item")).click()
    page.locator("[name=title]").fill("Φωτισμός στην προβλήτα")
    page.locator("[name=kind]").select_option("decision")
    page.locator("form[method=post] button[type=submit]").last.click()
    page.get_by_text("Φωτισμός στην προβλήτα").first.wait_for()

    _press(page, "Convene the meeting and e-mail the members")
    page.get_by_role("button", name=_greek("Mark as held")).wait_for()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CONVENED
    invitations = OutboxTask.objects.filter(task_name=CONVENING_EMAIL_TASK)
    assert invitations.count() == council.memberships.count() == 2  # the secretary and Eleni

    _press(page, "Mark as held")
    page.locator("a[href$='/attendance/']").first.click()
    for status in page.locator("select[name^=status_]").all():
        status.select_option("present")
    page.locator("form[method=post] button[type=submit]").last.click()
    page.locator("a[href$='/attendance/']").first.wait_for()
    assert Attendance.objects.filter(meeting=meeting, status="present").count() == 2

    page.locator("a[href$='/decision/']").first.click()
    page.locator("[name=text]").fill("Εγκρίνεται η πρόταση φωτισμού.")
    page.locator("[name=outcome][value=adopted]").check()
    page.locator("form[method=post] button[type=submit]").last.click()
    page.get_by_text("Εγκρίνεται η πρόταση φωτισμού.").first.wait_for()
    decision = Decision.objects.get(agenda_item__meeting=meeting)

    page.get_by_role("link", name=_greek("Draft the minutes")).click()
    page.locator("[name=text]").fill("Πρακτικά της συνεδρίασης.")
    page.locator("[name=public_summary]").fill("Το συμβούλιο ενέκρινε τον φωτισμό.")
    page.locator("form[method=post] button[type=submit]").last.click()
    _press(page, "Circulate to the members")
    page.get_by_role("button", name=_greek("Take back to draft")).wait_for()
    assert Minutes.objects.get(meeting=meeting).state == "circulated"

    page.goto(live_server.url + "/council/manage/recommendations/new/")
    page.locator("[name=title_en]").fill("Light the quay")
    page.locator("[name=title_el]").fill("Φωτισμός της προβλήτας")
    page.locator("[name=priority]").first.check()
    page.locator("[name=adopted_by]").select_option(str(decision.pk))
    page.locator("form[method=post] button[type=submit]").last.click()
    page.get_by_role("heading", name="Φωτισμός της προβλήτας").wait_for()
    recommendation = Recommendation.objects.get(title_en="Light the quay")
    assert recommendation.status == RecommendationStatus.ADOPTED
    assert recommendation.adopted_by_id == decision.pk


def test_a_member_reads_the_dashboard_and_downloads_the_pack(
    page: Page, live_server: LiveServer
) -> None:
    council = council_create()
    member = member_create(council, display_name="Nikos Member").person
    meeting = meeting_held(council, visibility=Visibility.SPLIT)
    _sign_in(page, live_server, member)

    page.goto(live_server.url + "/council/dashboard/")
    page.get_by_role("heading", level=1).wait_for()
    assert page.locator("table").count() >= 1

    page.goto(live_server.url + f"/council/meetings/{meeting.pk}/")
    link = page.get_by_role("link", name="agenda pack")
    href = link.get_attribute("href")
    assert href == f"/council/meetings/{meeting.pk}/pack.pdf"
    with page.expect_download() as download:
        page.evaluate(
            "href => { const a = document.createElement('a'); a.href = href;"
            " a.download = 'pack.pdf'; document.body.appendChild(a); a.click(); }",
            href,
        )
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_the_public_follows_a_recommendation_to_its_progress(
    page: Page, live_server: LiveServer
) -> None:
    council = council_create()
    recommendation = recommendation_adopted(council, title_en="Light the port")
    action_item_with(recommendation, percents=(20, 60))
    page.context.clear_cookies()

    page.goto(live_server.url + "/council/")
    page.get_by_role("link", name="Recommendations").first.click()
    page.get_by_role("link", name="Light the port").click()
    page.get_by_role("heading", name="Light the port").wait_for()
    assert page.get_by_text("60%").first.is_visible()
    meeting = recommendation.adopted_by.agenda_item.meeting
    adopted_in = page.locator(f"a[href='/council/meetings/{meeting.pk}/']")
    assert adopted_in.count() >= 1
    adopted_in.first.click()
    page.wait_for_url(f"**/council/meetings/{meeting.pk}/")
    assert page.locator("html").get_attribute("lang") == "en"
