"""The council dashboard's risk analytics panels in a real browser: with runs, meeting WCAG 2.2 AA
(axe) on a desktop and at 360 px, in English and Greek, the forecasts' chart drawn without a
script error; without runs, "no analysis yet"."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from curim.analytics.services.grid import grid_lay_out
from curim.areas.models import Area
from tests.councils.factories import council_create, member_create
from tests.councils.test_dashboard_analytics import _all_runs
from tests.e2e.test_accessibility import SCREENS, problems_on

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _session(live_server: LiveServer) -> str:
    client = Client()
    client.force_login(member_create(council_create()).person)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.mark.usefixtures("piraeus")
def test_the_panels_meet_wcag_aa_in_both_languages_on_both_screens(
    browser: Browser, live_server: LiveServer
) -> None:
    session = _session(live_server)
    page_url = live_server.url + "/council/dashboard/"
    empty = browser.new_context().new_page()
    empty.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    empty.goto(page_url)
    assert empty.get_by_text("No analysis yet.").count() == 4
    empty.context.close()

    _all_runs(grid_lay_out(municipality=Area.objects.get(code="piraeus")))
    problems = {}
    errors: list[str] = []
    for language in ("en", "el"):
        for screen in ("desktop", "phone"):
            context = browser.new_context(viewport=SCREENS[screen])  # type: ignore[arg-type]
            context.add_cookies(
                [
                    {"name": "django_language", "value": language, "url": live_server.url},
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": session,
                        "url": live_server.url,
                    },
                ]
            )
            page = context.new_page()
            errors.clear()
            page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
            response = page.goto(page_url + "#analytics")
            assert response is not None
            assert response.status == 200
            assert page.locator("#analytics").is_visible()
            assert page.locator("#analytics ~ table, #analytics ~ * table").count() >= 4
            # The forecasts' chart was drawn (Chart.js sized its canvas), without a script error.
            page.wait_for_function(
                "document.getElementById('chart-forecasts').getAttribute('style') !== null"
            )
            if found := problems_on(page, phone=screen == "phone") + errors:
                problems[f"{language} {screen}"] = found
            context.close()
    assert problems == {}
