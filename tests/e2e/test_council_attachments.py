"""Files on agenda items in a real browser: the secretary attaches a PDF to a public item (and
is told on the field when a file is not what its name says), and once the meeting is convened
the public finds the file on the meeting's page and downloads it."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from councils.models import MeetingStatus, Visibility
from councils.services.meetings import meeting_transition
from tests.councils.factories import council_create, meeting_planned, secretary_of
from tests.e2e.test_council_meetings import _sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SHOTS = os.environ.get("CURIM_SHOTS", "")  # a directory: screenshots of the page, to look at


def test_the_secretary_attaches_a_file_and_the_public_downloads_it(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    council = council_create()
    secretary = secretary_of(council)
    meeting = meeting_planned(
        council,
        visibility=Visibility.PUBLIC,
        items=(("Street lighting in the port", True, "information"),),
    )
    _sign_in(page, live_server, secretary)

    page.goto(live_server.url + f"/council/manage/meetings/{meeting.pk}/")
    page.get_by_role("button", name="Files of item 1").click()
    page.get_by_role("heading", name="Files of item 1").wait_for()

    # A page of HTML named as a PDF: refused on the field, nothing stored.
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"<html><body>not a pdf</body></html>")
    page.locator("[name=title]").fill("Lighting survey")
    page.locator("[name=file]").set_input_files(str(fake))
    page.get_by_role("button", name="Attach the file").click()
    page.locator("#id_file-error").wait_for()
    assert "whatever its name says" in page.locator("#id_file-error").inner_text()

    lighting = tmp_path / "lighting.pdf"
    lighting.write_bytes(PDF)
    page.locator("[name=title]").fill("Lighting survey")
    page.locator("[name=file]").set_input_files(str(lighting))
    page.get_by_role("button", name="Attach the file").click()
    page.get_by_text("The file is attached.").wait_for()
    assert page.get_by_role("link", name="Lighting survey").count() == 1
    if SHOTS:
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SHOTS}/attachments-{width}.png", full_page=True)

    meeting_transition(meeting=meeting, to_status=MeetingStatus.CONVENED, by=secretary)
    page.context.clear_cookies()
    page.goto(live_server.url + f"/council/meetings/{meeting.pk}/")
    link = page.get_by_role("link", name="Lighting survey")
    href = link.get_attribute("href")
    assert href is not None
    assert href.startswith(f"/council/meetings/{meeting.pk}/attachments/")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "lighting-survey.pdf"
    with open(download.value.path(), "rb") as received:
        assert received.read() == PDF
