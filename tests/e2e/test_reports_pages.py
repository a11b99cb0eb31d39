"""The citizens' reporting pages on the design system: radios beside their labels on a phone
(finding 4), a readable "Report abuse" button (finding 5), and a report and an evaluation filed
with the keyboard alone, the focus always visible."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from curim.accounts.roles import Role
from curim.areas.demo import DEMO_AREAS
from curim.areas.services import areas_load_file
from curim.reports.models import Category, Comment, PlaceEvaluation, Report
from curim.reports.services.submission import ReportDraft, report_submit
from curim.reports.services.workflow import report_transition
from tests.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(autouse=True)
def _offline_map(settings: SettingsWrapper) -> None:
    # No internet in tests: base-map tiles come from a blank image of our own.
    settings.MAP_TILE_URL = "/static/img/blank-tile.png?{z}{x}{y}"
    areas_load_file(path=DEMO_AREAS)


def _page(browser: Browser, live_server: LiveServer, screen: dict[str, int], **kw: str) -> Page:
    context = browser.new_context(viewport=screen)  # type: ignore[arg-type]
    url = live_server.url
    cookies: list[dict[str, str]] = [
        {"name": "django_language", "value": kw.get("language", "en"), "url": url}
    ]
    if "session" in kw:
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": kw["session"], "url": url})
    context.add_cookies(cookies)  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def close_pages(browser: Browser) -> Iterator[None]:
    yield
    for context in browser.contexts:
        context.close()


def _beside_their_labels(page: Page) -> list[str]:
    """Each radio and checkbox whose label is not on its row, just right of it."""
    wrong = []
    boxes = page.locator("main input[type=radio], main input[type=checkbox]")
    assert boxes.count() > 0
    for box in boxes.all():
        ident = box.get_attribute("id")
        label = page.locator(f'label[for="{ident}"]')
        a, b = box.bounding_box(), label.bounding_box()
        assert a is not None
        assert b is not None
        same_row = a["y"] <= b["y"] + b["height"] / 2 <= a["y"] + a["height"]
        just_right = 0 <= b["x"] - (a["x"] + a["width"]) < 40
        if not (same_row and just_right):
            wrong.append(f"{ident}: input {a}, label {b}")
    return wrong


@pytest.mark.parametrize("language", ["en", "el"])
@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_radios_of_rate_a_place_sit_beside_their_labels(
    browser: Browser,
    live_server: LiveServer,
    close_pages: None,
    language: str,
    screen: dict[str, int],
) -> None:
    # Finding 4: a rule for text inputs (width: 100%) once stretched radios across the page,
    # their labels pushed below them.
    page = _page(browser, live_server, screen, language=language)
    page.goto(live_server.url + "/places/evaluate/")
    assert _beside_their_labels(page) == []
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]


def _report_with_a_comment() -> Report:
    moderator = user_with_role(Role.MODERATOR, email="moderator@example.org")
    draft = ReportDraft(
        category=Category.objects.get(slug="graffiti"),
        description="Tags sprayed on the school wall",
        occurred_at=timezone.now(),
        severity=2,
        feeling_unsafe=3,
        location=Point(23.6465, 37.9425, srid=4326),
    )
    report, _ = report_submit(draft=draft, reporter=None, client_address="192.0.2.44")
    report_transition(report=report, to_status="published", actor=moderator)
    author = user_with_role(Role.CITIZEN, email="author@example.org")
    Comment.objects.create(report=report, author=author, body="Seen it too.")
    return report


CONTRAST = """element => {
  function rgb(text) { return text.match(/[\\d.]+/g).map(Number); }
  function luminance(c) {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  let node = element, background = null;
  while (node && node.nodeType === 1) {
    const colour = rgb(getComputedStyle(node).backgroundColor);
    if (colour.length < 4 || colour[3] > 0) { background = colour; break; }
    node = node.parentElement;
  }
  background = background || [255, 255, 255];
  const a = luminance(rgb(getComputedStyle(element).color)), b = luminance(background);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_report_abuse_under_a_comment_is_readable(
    browser: Browser, live_server: LiveServer, close_pages: None, screen: dict[str, int]
) -> None:
    # Finding 5: the button's text was white on the page's white.
    report = _report_with_a_comment()
    client = Client()
    client.force_login(user_with_role(Role.CITIZEN, email="citizen@example.org"))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page = _page(browser, live_server, screen, session=session)
    page.goto(f"{live_server.url}/reports/{report.public_id}/")
    button = page.get_by_role("button", name="Report abuse")
    expect(button).to_be_visible()
    assert button.evaluate(CONTRAST) >= 4.5
    box = button.bounding_box()
    assert box is not None
    assert box["width"] > 40
    assert box["height"] > 10
    button.click()
    expect(page.get_by_text("A moderator will look at this comment.")).to_be_visible()


FOCUS_SHOWN = """() => {
  const element = document.activeElement, style = getComputedStyle(element);
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return outlined || style.boxShadow !== "none";
}"""


def _tab_to(page: Page, target: str | Locator, *, most: int = 60) -> None:
    """Press Tab until the focus is on the target (a CSS selector or a locator), checking on
    the way that every element that gets the focus shows it."""
    wanted = page.locator(target) if isinstance(target, str) else target
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")
        assert page.evaluate(FOCUS_SHOWN), f"the focus is not visible on {focused}"
        if wanted.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def test_a_report_is_filed_with_the_keyboard_alone(
    browser: Browser, live_server: LiveServer, close_pages: None
) -> None:
    page = _page(browser, live_server, DESKTOP)
    page.goto(live_server.url + "/reports/new/")
    _tab_to(page, "#id_category")
    page.keyboard.type("Graffiti")
    expect(page.locator("#id_category")).to_have_value("graffiti")
    # The map takes the focus and moves with the arrow keys; a button puts the pin at its
    # centre (a keyboard has no click on the map).
    _tab_to(page, "#report-map")
    page.keyboard.press("ArrowRight")  # a little east, still in Piraeus
    _tab_to(page, page.get_by_role("button", name="Place the pin at the centre of the map"))
    page.keyboard.press("Enter")
    expect(page.locator("#location-readout")).to_contain_text("37.9")
    _tab_to(page, "#id_description")
    page.keyboard.type("Tags sprayed on the school wall")
    _tab_to(page, "#id_severity")
    page.keyboard.type("4")
    _tab_to(page, "#id_feeling_unsafe")
    page.keyboard.type("3")
    _tab_to(page, page.get_by_role("button", name="Send the report"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you, your report has been sent"
    )
    report = Report.objects.get()
    assert (report.category.slug, report.severity, report.feeling_unsafe) == ("graffiti", 4, 3)
    assert report.location is not None
    assert report.location.x > settings.MAP_CENTRE[1]  # the map moved east before the pin


def test_a_place_is_rated_with_the_keyboard_alone(
    browser: Browser, live_server: LiveServer, close_pages: None
) -> None:
    page = _page(browser, live_server, PHONE)
    page.goto(live_server.url + "/places/evaluate/")
    _tab_to(page, "#evaluation-map")
    _tab_to(page, page.get_by_role("button", name="Place the pin at the centre of the map"))
    page.keyboard.press("Space")
    expect(page.locator("#location-readout")).to_contain_text("37.9")
    _tab_to(page, "#id_time_of_day_0")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("By night")).to_be_checked()
    for name in ("feeling", "lighting", "visibility", "people", "security", "walk_path"):
        _tab_to(page, f"#id_{name}")
        page.keyboard.type("2")
    _tab_to(page, page.get_by_role("button", name="Send the evaluation"))
    page.keyboard.press("Enter")
    done = page.locator("#evaluation-done")
    expect(done).to_be_focused()
    expect(done).to_have_text("Thank you! Your evaluation is recorded.")
    evaluation = PlaceEvaluation.objects.get()
    assert (evaluation.time_of_day, evaluation.feeling) == ("night", 2)
