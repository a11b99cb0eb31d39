"""The survey's pages in a real browser: each radio's label beside its input on a phone (finding
4), the dashboard within a phone's width with nothing interactive inside an image (finding 8),
the resume link copied with an announcement (finding 15), and a survey answered from start to
finish with the keyboard alone, its focus always visible."""

import itertools
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from curim.accounts.roles import Role
from curim.areas.demo import DEMO_AREAS
from curim.areas.models import Area
from curim.areas.services import areas_load_file
from surveys.models import (
    Choice,
    Indicator,
    IndicatorEstimate,
    Question,
    Response,
    Section,
    Survey,
)
from tests.e2e.test_accessibility import problems_on
from tests.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
FOCUS = "rgb(255, 221, 0)"  # GOV.UK's focus colour, #ffdd00


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
        low_label_en="Not at all",
        low_label_el="Καθόλου",
        high_label_en="Very much",
        high_label_el="Πάρα πολύ",
    )
    seen = Question.objects.create(
        survey=survey,
        section=section,
        code="seen",
        kind="multiple",
        required=False,
        text_en="What have you seen lately?",
        text_el="Τι είδατε πρόσφατα;",
    )
    for position, (code, en, el) in enumerate(
        [("graffiti", "Graffiti", "Γκράφιτι"), ("dealing", "Drug dealing", "Διακίνηση ναρκωτικών")]
    ):
        Choice.objects.create(question=seen, position=position, code=code, label_en=en, label_el=el)
    return survey


def _page(
    browser: Browser,
    live_server: LiveServer,
    language: str,
    size: dict[str, int],
    session: str = "",
) -> Page:
    context = browser.new_context(viewport=size)  # type: ignore[arg-type]
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    if session:
        cookies.append(
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}
        )
    context.add_cookies(cookies)  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _session(role: Role) -> str:
    client = Client()
    client.force_login(user_with_role(role))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# Where each radio and checkbox is, and where the text of its label is drawn.
BOXES = """() => [...document.querySelectorAll('main input[type=radio], main input[type=checkbox]')]
  .filter(input => input.name !== 'website')
  .map(input => {
    const label = document.querySelector(`label[for="${input.id}"]`) || input.closest('label');
    const range = document.createRange();
    const texts = [...label.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim());
    range.setStartBefore(texts[0]);
    range.setEndAfter(texts[texts.length - 1]);
    const text = range.getBoundingClientRect();
    const box = input.getBoundingClientRect();
    return {name: input.name, value: input.value, label: label.textContent.trim(),
            input: {left: box.left, right: box.right, top: box.top, bottom: box.bottom},
            text: {left: text.left, right: text.right, top: text.top, bottom: text.bottom}};
  })"""


def _beside(boxes: list[dict[str, Any]], width: int) -> list[str]:
    """What is wrong: a label's text not on its input's line, or not just right of it, or an
    input or label out of the screen."""
    wrong = []
    for b in boxes:
        i, t = b["input"], b["text"]
        middle = (t["top"] + t["bottom"]) / 2
        if not i["top"] <= middle <= i["bottom"]:
            wrong.append(f"{b['name']}={b['value']}: its label {b['label']!r} is not on its line")
        if not -5 <= t["left"] - i["right"] <= 40:
            wrong.append(f"{b['name']}={b['value']}: its label {b['label']!r} is not beside it")
        if i["left"] < -12 or t["right"] > width:
            wrong.append(f"{b['name']}={b['value']}: out of the screen")
    return wrong


@pytest.mark.parametrize("language", ["en", "el"])
def test_each_radio_has_its_label_beside_it_on_a_phone(
    browser: Browser, live_server: LiveServer, language: str
) -> None:
    survey = _wave()
    page = _page(browser, live_server, language, PHONE)
    page.goto(f"{live_server.url}/surveys/{survey.code}/")
    boxes = page.evaluate(BOXES)
    assert {b["name"] for b in boxes} == {"group", "safe_day", "seen"}
    assert _beside(boxes, PHONE["width"]) == []
    # The scale is stacked on a phone, one point a line (GOV.UK's own choice): the 5 never
    # wraps alone under the 1 to 4.
    scale = [b["input"] for b in boxes if b["name"] == "safe_day"]
    assert len(scale) == 5
    assert all(low["bottom"] <= high["top"] + 1 for low, high in itertools.pairwise(scale))
    assert problems_on(page, phone=True) == []
    # On a desktop the five points are on one line.
    page.set_viewport_size({"width": DESKTOP["width"], "height": DESKTOP["height"]})
    boxes = page.evaluate(BOXES)
    assert _beside(boxes, DESKTOP["width"]) == []
    tops = {round(b["input"]["top"]) for b in boxes if b["name"] == "safe_day"}
    assert len(tops) == 1, tops
    page.context.close()


def test_paper_entry_has_each_label_beside_its_radio_on_a_phone(
    browser: Browser, live_server: LiveServer
) -> None:
    survey = _wave()
    page = _page(browser, live_server, "en", PHONE, _session(Role.ANALYST))
    page.goto(f"{live_server.url}/surveys/{survey.code}/paper/")
    boxes = page.evaluate(BOXES)
    assert len(boxes) == 3 + 5 + 2
    assert _beside(boxes, PHONE["width"]) == []
    page.context.close()


def _focus_shown(page: Page) -> str:
    """The focused element, if GOV.UK's focus colour shows on it (or, for a radio or checkbox,
    on the circle or square its label draws); "" when the focus is invisible."""
    shown: str = page.evaluate(
        """(focus) => {
      const el = document.activeElement;
      if (!el || el === document.body) { return ''; }
      const styles = [getComputedStyle(el)];
      if (el.matches('input[type=radio], input[type=checkbox]')) {
        const label = document.querySelector(`label[for="${el.id}"]`) || el.closest('label');
        if (label) {
          styles.push(getComputedStyle(label, '::before'), getComputedStyle(label, '::after'));
        }
      }
      const shown = styles.some(s => [s.outlineColor, s.backgroundColor, s.boxShadow,
        s.borderColor].some(v => v && v.includes(focus)) && s.outlineStyle !== 'none'
        || s.boxShadow.includes(focus) || s.backgroundColor === focus);
      return shown ? (el.id || el.name || el.tagName) : '';
    }""",
        FOCUS,
    )
    return shown


def _tab_to(page: Page, selector: str, limit: int = 40) -> None:
    """Press Tab until the selector has the focus, the focus visible at every stop."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert _focus_shown(page), page.evaluate("document.activeElement.outerHTML")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def test_a_survey_is_answered_with_the_keyboard_alone(
    browser: Browser, live_server: LiveServer
) -> None:
    survey = _wave()
    page = _page(browser, live_server, "en", DESKTOP)
    page.goto(f"{live_server.url}/surveys/{survey.code}/")
    # The group: Tab into the radios, the arrow moves to the next choice and picks it.
    _tab_to(page, "input[name=group]")
    page.keyboard.press("ArrowDown")
    assert _focus_shown(page)
    # The district: a select, chosen with the arrow keys.
    _tab_to(page, "select[name=district]")
    page.keyboard.press("ArrowDown")
    # The scale: into it, then right to the 4.
    _tab_to(page, "input[name=safe_day]")
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
        assert _focus_shown(page)
    # A checkbox, ticked with the space bar.
    _tab_to(page, "input[name=seen]")
    page.keyboard.press("Space")
    _tab_to(page, "button[value=send]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your answers")
    response = Response.objects.get()
    answers = {a.question.code: a for a in response.answers.select_related("question", "choice")}
    assert response.group == "shop_owner"  # the second choice
    assert response.area is not None
    assert answers["safe_day"].number == 4
    assert answers["seen"].choice is not None
    assert answers["seen"].choice.code == "graffiti"
    assert {a.question.code for a in response.answers.all()} == {"safe_day", "seen"}
    page.context.close()


def test_the_resume_link_is_a_link_copied_with_an_announcement(
    browser: Browser, live_server: LiveServer
) -> None:
    survey = _wave()
    page = _page(browser, live_server, "en", PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/surveys/{survey.code}/")
    page.get_by_label("Resident").check()
    page.get_by_label("Your district").select_option(index=1)
    page.get_by_role("button", name="Save and continue later").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are saved")
    link = page.locator("#resume-link")
    href = link.get_attribute("href")
    assert href
    assert "?resume=" in href
    assert link.inner_text() == href
    copy = page.get_by_role("button", name="Copy the link")
    expect(copy).to_be_visible()
    status = page.get_by_role("status")
    expect(status).to_have_attribute("aria-live", "polite")
    copy.click()
    expect(status).to_have_text("The link is copied. Paste it somewhere you will find it.")
    assert page.evaluate("navigator.clipboard.readText()") == href
    assert problems_on(page, phone=True) == []
    # The link takes another device back to the saved answers.
    other = _page(browser, live_server, "en", PHONE)
    other.goto(href)
    expect(other.get_by_label("Resident")).to_be_checked()
    other.context.close()
    page.context.close()


def test_without_scripts_the_copy_button_is_hidden_and_the_link_is_there(
    browser: Browser, live_server: LiveServer
) -> None:
    survey = _wave()
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{live_server.url}/surveys/{survey.code}/")
    page.get_by_label("Resident").check()
    page.get_by_label("Your district").select_option(index=1)
    page.get_by_role("button", name="Save and continue later").click()
    expect(page.locator("#resume-link")).to_be_visible()
    expect(page.get_by_role("button", name="Copy the link")).to_be_hidden()
    expect(page.get_by_label("Your e-mail address")).to_be_visible()
    context.close()


@pytest.mark.parametrize("language", ["en", "el"])
def test_the_dashboard_fits_a_phone_and_its_tables_scroll_in_their_box(
    browser: Browser, live_server: LiveServer, language: str
) -> None:
    survey = _wave()
    indicator = Indicator.objects.create(
        code="perception", name_en="Perception of safety", name_el="Αντίληψη ασφάλειας"
    )
    district = Area.objects.filter(level="district").order_by("code").first()
    for area, estimate in [(None, 54.12), (district, 61.0)]:
        IndicatorEstimate.objects.create(
            survey=survey,
            indicator=indicator,
            area=area,
            n=40,
            estimate=estimate,
            ci_low=41.2,
            ci_high=66.9,
            effective_n=35.4,
        )
    page = _page(browser, live_server, language, PHONE, _session(Role.ANALYST))
    page.goto(f"{live_server.url}/surveys/dashboard/")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-district')")
    expect(page.locator("#choropleth path.leaflet-interactive").first).to_be_attached()
    # No page wider than the phone, no axe violation (nested-interactive was one).
    assert problems_on(page, phone=True) == []
    # The table is wider than the phone and scrolls inside its own box, its first column kept.
    box = page.locator("#table-district .curim-table-scroll")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    first = page.locator("#table-district tbody th").first
    before = first.bounding_box()
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert first.bounding_box() == before
    # Numbers in the language's format.
    everyone = page.locator("#table-district tbody tr").last
    expect(everyone).to_contain_text("54,1" if language == "el" else "54.1")
    expect(everyone).to_contain_text("41,2–66,9" if language == "el" else "41.2–66.9")
    page.context.close()
