"""A citizen answers the survey in Greek; after the background refresh, an analyst sees it."""

import time

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from curim.accounts.roles import Role
from curim.areas.demo import DEMO_AREAS
from curim.areas.models import Area
from curim.areas.services import areas_load_file
from curim.core.services import outbox_sweep
from surveys.answers import Definition, answers_parse
from surveys.models import (
    Indicator,
    IndicatorItem,
    Question,
    Response,
    Section,
    Survey,
    SurveyRefresh,
)
from surveys.services.responses import responses_import
from tests.e2e.header import open_from_the_menu
from tests.factories import PASSWORD, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _offline_map(settings: SettingsWrapper) -> None:
    settings.MAP_TILE_URL = "/static/img/blank-tile.png?{z}{x}{y}"
    areas_load_file(path=DEMO_AREAS)


def _wave() -> Survey:
    survey = Survey.objects.create(
        code="baseline",
        title_en="Baseline safety survey",
        title_el="Έρευνα αίσθησης ασφάλειας",
        status=Survey.Status.OPEN,
    )
    section = Section.objects.create(survey=survey, title_en="Safety", title_el="Ασφάλεια")
    Question.objects.create(
        survey=survey,
        section=section,
        code="safe_day",
        kind="likert",
        text_en="How safe do you feel in your neighbourhood by day?",
        text_el="Πόσο ασφαλής νιώθετε στη γειτονιά σας τη μέρα;",
    )
    indicator = Indicator.objects.create(
        code="perception",
        name_en="Perception of safety",
        name_el="Αντίληψη ασφάλειας",
        method="mean",
    )
    IndicatorItem.objects.create(indicator=indicator, question_code="safe_day")
    return survey


def _refreshed(survey: Survey) -> None:
    """Wait for the real worker to bring the wave's estimates up to date."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        outbox_sweep()
        state = SurveyRefresh.objects.filter(survey=survey).first()
        if state and state.state == "idle" and state.refreshed_through == state.changed_at:
            return
        time.sleep(0.3)
    pytest.fail("the estimates were not refreshed")


def test_a_greek_answer_reaches_the_analysts_dashboard(
    page: Page, live_server: LiveServer, celery_worker: str
) -> None:
    survey = _wave()
    analyst = user_with_role(Role.ANALYST, email="analyst@example.org")
    # Twelve earlier paper questionnaires, imported: each felt rather unsafe (2 of 5).
    definition = Definition.load(survey)
    earlier = {"group": "resident", "district": "piraeus-1", "safe_day": "2"}
    rows = [answers_parse(definition, earlier, complete=True, unknown_allowed=False)] * 12
    responses_import(survey=survey, rows=rows, filename="paper.csv", imported_by=analyst)
    _refreshed(survey)

    # A citizen answers on a phone set to Greek.
    greek = page.context.browser.new_context(viewport={"width": 390, "height": 844}, locale="el-GR")
    citizen = greek.new_page()
    citizen.goto(live_server.url + "/surveys/")
    citizen.get_by_role("link", name="Έρευνα αίσθησης ασφάλειας").click()
    expect(citizen.get_by_text("Πόσο ασφαλής νιώθετε στη γειτονιά σας τη μέρα;")).to_be_visible()
    citizen.get_by_role("button", name="Αποστολή των απαντήσεών μου").click()
    expect(citizen.get_by_text("Αυτή η ερώτηση χρειάζεται απάντηση.").first).to_be_visible()
    citizen.get_by_label("Κάτοικος").check()
    citizen.get_by_label("Η δημοτική σας κοινότητα").select_option("piraeus-1")
    citizen.locator('input[name="safe_day"][value="5"]').check()
    citizen.get_by_role("button", name="Αποστολή των απαντήσεών μου").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text(
        "Ευχαριστούμε για τις απαντήσεις σας"
    )
    greek.close()
    assert Response.objects.filter(source="web", status="complete").count() == 1
    _refreshed(survey)

    # The analyst's dashboard counts 13 respondents: (12 × 25 + 100) / 13 = 30.8.
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill("analyst@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    open_from_the_menu(page, "Survey indicators")
    everyone = page.locator("#table-district tbody tr").filter(has_text="All")
    expect(everyone).to_contain_text("30.8")
    expect(everyone).to_contain_text("13")
    piraeus = Area.objects.get(code="piraeus-1").name_en
    expect(page.locator("#table-district tbody tr").filter(has_text=piraeus)).to_contain_text(
        "30.8"
    )
    expect(page.locator("#choropleth path.leaflet-interactive").first).to_be_attached()
    assert errors == []
