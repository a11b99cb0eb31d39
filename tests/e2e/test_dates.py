"""Dates in a Greek session, in a real browser (issue 11, finding 1): the date of birth shows in
the case's edit page and survives saving it untouched; the new-case page fills in the day."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from curim.accounts.models import User
from tests.victims.clients import case_create, member, verified_client

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BIRTH = datetime.date(1980, 1, 2)


def _greek_unit_session(page: Page, live_server: LiveServer) -> User:
    """A case worker's session, second factor passed, with Greek chosen as the switcher does."""
    worker = member()
    client = verified_client(worker)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "el", "url": live_server.url},
        ]
    )
    return worker


def test_a_greek_date_of_birth_shows_and_survives_an_untouched_save(
    page: Page, live_server: LiveServer
) -> None:
    worker = _greek_unit_session(page, live_server)
    case = case_create(worker, person_fields={"full_name": "Eleni P.", "date_of_birth": BIRTH})

    page.goto(live_server.url + reverse("victims:case_edit", args=[case.pk]))
    expect(page.locator("html")).to_have_attribute("lang", "el")
    birth = page.locator("[name='person-date_of_birth']")
    expect(birth).to_have_attribute("type", "date")
    # What the browser holds, not what the page wrote: it empties a value that is not ISO.
    assert birth.evaluate("input => input.value") == "1980-01-02"

    page.locator("form.narrow [type=submit]").click()
    expect(page).to_have_url(live_server.url + reverse("victims:case", args=[case.pk]))
    assert case.person is not None
    case.person.refresh_from_db()
    assert case.person.date_of_birth == BIRTH


def test_the_greek_new_case_page_fills_in_the_intake_date(
    page: Page, live_server: LiveServer
) -> None:
    _greek_unit_session(page, live_server)
    page.goto(live_server.url + reverse("victims:case_new"))
    expect(page.locator("html")).to_have_attribute("lang", "el")
    intake = page.locator("[name='case-intake_date']")
    assert intake.evaluate("input => input.value") == timezone.localdate().isoformat()
