"""The council's recommendation workflow in a real browser, on a phone-sized screen: the
secretary records a recommendation and adds an action item; its owner posts progress, and the
recommendation's page shows the number with its rule."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from councils.models import ActionItem, Recommendation
from curim.accounts.models import User
from tests.councils.factories import (
    council_create,
    member_create,
    organisation_create,
    secretary_of,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, live_server: LiveServer, user: User) -> None:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": live_server.url}]
    )


def test_a_recommendation_is_recorded_followed_and_reported_on(
    page: Page, live_server: LiveServer
) -> None:
    council = council_create()
    organisation_create(name_en="Hellenic Police")
    owner = member_create(council, display_name="Maria Owner").person
    _sign_in(page, live_server, secretary_of(council))

    page.goto(live_server.url + "/council/manage/recommendations/")
    page.get_by_role("link", name="Record a recommendation").click()
    page.get_by_role("button", name="Save").click()
    assert page.locator(".govuk-error-summary").is_visible()  # no title: said, nothing saved
    page.get_by_label("Title (English)").fill("Light the port")
    page.get_by_label("Hellenic Police").check()
    page.get_by_label("High").check()
    page.get_by_role("button", name="Save").click()
    reference = Recommendation.objects.get().reference
    page.get_by_role("heading", name="Light the port").wait_for()

    page.get_by_role("link", name="Add an action item").click()
    page.get_by_label("Title (English)").fill("Survey the quay")
    page.get_by_label("Owner organisation").select_option(label="Hellenic Police")
    page.get_by_label("Owner (optional)").select_option(label="Maria Owner")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Survey the quay").wait_for()

    _sign_in(page, live_server, owner)
    page.goto(live_server.url + "/council/manage/recommendations/my-action-items/")
    page.get_by_role("link", name="Post progress").click()
    page.get_by_label("Progress (%)").fill("40")
    page.get_by_label("What was done").fill("Walked the quay with the port police.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Progress recorded.").wait_for()
    assert ActionItem.objects.get().status == "in_progress"

    page.goto(live_server.url + f"/council/manage/recommendations/{reference}/")
    assert page.get_by_text("The latest progress of its 1 action item").is_visible()
    assert page.get_by_text("40% (Maria Owner). Walked the quay").is_visible()
