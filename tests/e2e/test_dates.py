"""Dates and numbers in a real browser (issue 11, finding 1 and deliverable 6).

In a Greek session the date of birth shows in a case's edit page and survives saving it
untouched, and the new-case page fills in the day; scripts write days and numbers as the
server does in each language, the survey dashboard's charts included.
"""

import datetime

import pytest
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from curim.accounts.models import User
from curim.accounts.roles import Role
from surveys.dashboard import dashboard_for
from surveys.services.refresh import estimates_refresh
from tests.factories import user_with_role
from tests.surveys.generate import build_wave
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

    page.locator("main form [type=submit]").click()
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


@pytest.mark.parametrize("language", ["en", "el"])
def test_scripts_write_days_and_numbers_as_the_server_does(
    page: Page, live_server: LiveServer, language: str
) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page.goto(live_server.url + "/")
    days = [datetime.date(2026, month, 1) for month in range(1, 13)] + [BIRTH]
    numbers = [54.1, 0.05, 99.95, 7]
    shown = page.evaluate(
        "([days, numbers]) => [days.map(d => curimFormat.day(d)),"
        " numbers.map(n => curimFormat.number(n, 1))]",
        [[day.isoformat() for day in days], numbers],
    )
    with translation.override(language):
        assert shown[0] == [formats.date_format(day, "DATE_FORMAT") for day in days]
        assert shown[1] == [floatformat(number, 1) for number in numbers]


def test_the_greek_survey_dashboard_charts_write_greek_numbers(
    page: Page, live_server: LiveServer
) -> None:
    wave = build_wave(seed=41, n=400)
    estimates_refresh(survey=wave.survey)
    analyst = user_with_role(Role.ANALYST)
    client = Client()
    client.force_login(analyst)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "el", "url": live_server.url},
        ]
    )
    page.goto(live_server.url + reverse("surveys:dashboard") + "?indicator=perception")
    expect(page.locator("#chart-district")).to_be_attached()
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-district')")
    locale, point, interval = page.evaluate(
        "() => { const chart = Chart.getChart('chart-district');"
        " const label = chart.options.plugins.tooltip.callbacks.label;"
        " return [chart.options.locale, label({dataIndex: 0, datasetIndex: 1}),"
        " label({dataIndex: 0, datasetIndex: 0})]; }"
    )
    board = dashboard_for(analyst, None, "perception")
    row = next(row for row in board.by_district if not row.suppressed)
    with translation.override("el"):
        assert locale == "el"
        assert point == floatformat(row.estimate, 1)
        assert "," in point
        assert interval == f"95%: {floatformat(row.ci_low, 1)}–{floatformat(row.ci_high, 1)}"
