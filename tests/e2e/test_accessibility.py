"""WCAG 2.2 AA, checked in a real browser by axe-core (tests/e2e/vendor/axe-core, from npm):
no page has a serious or critical violation, on a desktop (1280 px) or a phone (360 px), in
English or Greek; no page scrolls sideways on the phone; no page throws a script error.

The pages come from the permission matrix (tests/permissions/): its walk knows every URL of the
URLconf, its world has an object for each converter and a signed-in session for each actor, and
its expectation table says which actor gets a page (a 200) for a GET. `html_pages(actor)` lists
every such page; all are checked but the PENDING ones, not on the design system yet.

Every page is checked in both languages on both screens by the first actor (in the matrix's
order) who can open it; every other actor who can open it checks it too, in one of the four
(language, screen) pairs, turning through them page by page, so each actor's own navigation and
buttons are checked without running axe 4 × 335 times (see docs/testing.md).
"""

import functools
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.permissions.expectations import ROWS
from tests.permissions.test_matrix import declared, walked_by
from tests.permissions.walk import Endpoint, endpoints
from tests.permissions.world import ACTORS, ANONYMOUS, CITIZEN, world_build
from tests.test_content_security_policy import NOT_PAGES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
# The rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FAILING = {"serious", "critical"}
SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
LANGUAGES = ("en", "el")
# Neither pages nor HTML: the API, the Django admin (its own templates, checked apart).
NOT_OURS = ("api:", "open311:", "admin:")

# The pages not on the design system yet, by app: every other page that any actor can open is
# checked. Each block empties as its app's templates move to the partials of
# templates/components/, until the check covers every page of the URLconf.
PENDING_CORE: set[str] = set()

PENDING_REPORTS: set[str] = set()

PENDING_MODERATION: set[str] = set()

PENDING_SURVEYS: set[str] = set()

PENDING_VICTIMS: set[str] = set()

PENDING = PENDING_CORE | PENDING_REPORTS | PENDING_MODERATION | PENDING_SURVEYS | PENDING_VICTIMS
COMBOS = [(language, screen) for language in LANGUAGES for screen in SCREENS]


def html_pages(actor: str) -> list[Endpoint]:
    """Every page the actor can open: the URLs whose GET the matrix declares a 200 for them."""
    return [
        endpoint
        for endpoint in endpoints()
        if not endpoint.key.startswith(NOT_OURS)
        and endpoint.name not in NOT_PAGES
        and actor in walked_by(endpoint.key)
        and declared(ROWS[endpoint.key], actor, "GET") == 200
    ]


@functools.cache
def first_opener() -> dict[str, str]:
    """For each page checked, the first actor (in the matrix's order) who can open it."""
    first: dict[str, str] = {}
    for actor in ACTORS:
        for endpoint in html_pages(actor):
            first.setdefault(endpoint.key, actor)
    return first


def plan(actor: str) -> dict[tuple[str, str], list[Endpoint]]:
    """The pages the actor's check opens, by (language, screen)."""
    planned: dict[tuple[str, str], list[Endpoint]] = {combo: [] for combo in COMBOS}
    pages = [endpoint for endpoint in html_pages(actor) if endpoint.key not in PENDING]
    turn = ACTORS.index(actor)
    for number, endpoint in enumerate(sorted(pages, key=lambda endpoint: endpoint.key)):
        if first_opener()[endpoint.key] == actor:
            combos = COMBOS
        else:
            combos = [COMBOS[(number + turn) % len(COMBOS)]]
        for combo in combos:
            planned[combo].append(endpoint)
    return planned


ACTORS_WITH_PAGES = [actor for actor in ACTORS if html_pages(actor)]


# The controls a finger aims at, smaller than 44 × 44 px on screen: buttons, fields, boxes and the
# header's and map's links (links inside a sentence are exempt, as in WCAG 2.5.8). Hidden ones
# (the honeypot field off screen, the skip link before it is focused) are not aimed at.
SMALL_TARGETS = """() => [...document.querySelectorAll(
    "button, input:not([type=hidden]), select, a.govuk-button, header a, .leaflet-bar a")]
  .filter(e => e.checkVisibility({visibilityProperty: true}))
  .map(e => [e, e.getBoundingClientRect()])
  .filter(([e, r]) => r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0)
  .filter(([e, r]) => Math.round(r.width) < 44 || Math.round(r.height) < 44)
  .map(([e, r]) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}`
    + `${e.className && typeof e.className === "string" ? "." + e.className.split(" ")[0] : ""}`
    + ` ${Math.round(r.width)}×${Math.round(r.height)}`)"""


def problems_on(page: Page, *, phone: bool) -> list[str]:
    """What is wrong with the page on screen: axe's serious and critical violations, a page
    wider than the screen (on a phone)."""
    page.evaluate(AXE)
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_AA,
    )
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in results["violations"]
        if v["impact"] in FAILING
    ]
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if phone and widths[0] > widths[1]:
        found.append(f"{widths[0]} px wide on a {widths[1]} px screen")
    if phone:
        found += [f"touch target {small}" for small in page.evaluate(SMALL_TARGETS)]
    return found


def _browse(
    browser: Browser, live_server: LiveServer, *, language: str, screen: str, session: str = ""
) -> Page:
    """A page of a new browser context: the screen's size, the language, the actor's session."""
    context = browser.new_context(viewport=SCREENS[screen])  # type: ignore[arg-type]
    cookies = [{"name": "django_language", "value": language, "url": live_server.url}]
    if session:
        cookies.append(
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}
        )
    context.add_cookies(cookies)  # type: ignore[arg-type]
    return context.new_page()


def _started(page: Page) -> None:
    # GOV.UK Frontend ran: its module was allowed by the Content-Security-Policy and started.
    # Polled while the next page loads too, when it has no body yet.
    page.wait_for_function(
        "document.body !== null && document.body.classList.contains('govuk-frontend-supported')"
    )


def test_the_pages_meet_wcag_aa_on_a_desktop_and_a_phone_in_both_languages(
    browser: Browser, live_server: LiveServer
) -> None:
    # One test for every actor: building the world is most of the cost of a check.
    world = world_build()
    problems: dict[str, list[str]] = {}
    errors: list[str] = []
    for actor in ACTORS_WITH_PAGES:
        for (language, screen), endpoints_planned in plan(actor).items():
            if not endpoints_planned:
                continue
            session = world.sessions.get(actor, "")
            page = _browse(browser, live_server, language=language, screen=screen, session=session)
            page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
            for endpoint in endpoints_planned:
                path = endpoint.path(world)
                response = page.goto(live_server.url + path)
                assert response is not None, (actor, endpoint.key, path)
                assert response.status == 200, (actor, endpoint.key, path)
                assert page.locator("html").get_attribute("lang") == language, path
                _started(page)
                if found := problems_on(page, phone=screen == "phone") + errors:
                    problems[f"{actor} {path} ({language}, {screen})"] = found
                errors.clear()
            page.context.close()
    assert problems == {}, "\n".join(f"{where}: {found}" for where, found in problems.items())


def test_every_page_is_checked_in_both_languages_on_both_screens() -> None:
    # The plan leaves nothing out: each page not pending is opened in all four pairs by someone,
    # and every actor opens every page of theirs at least once.
    seen: dict[str, set[tuple[str, str]]] = {}
    for actor in ACTORS_WITH_PAGES:
        planned = plan(actor)
        opened = {
            endpoint.key for endpoints_planned in planned.values() for endpoint in endpoints_planned
        }
        assert opened == {endpoint.key for endpoint in html_pages(actor)} - PENDING, actor
        for combo, endpoints_planned in planned.items():
            for endpoint in endpoints_planned:
                seen.setdefault(endpoint.key, set()).add(combo)
    assert all(combos == set(COMBOS) for combos in seen.values())
    # A pending page that no longer exists is a name to take off the list.
    pages = {endpoint.key for actor in ACTORS for endpoint in html_pages(actor)}
    assert PENDING - pages == set()


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/register/"])
def test_a_form_sent_empty_meets_wcag_aa_and_its_summary_leads_to_the_fields(
    browser: Browser, live_server: LiveServer, path: str
) -> None:
    for language in LANGUAGES:
        for screen in SCREENS:
            page = _browse(browser, live_server, language=language, screen=screen)
            page.goto(live_server.url + path)
            page.locator("main form button[type=submit]").click()
            # The title says so first: it is the first thing a screen reader reads. Waiting for
            # it first also waits for the answer (the page sent still passes `_started`).
            expect(page).to_have_title(re.compile(r"^(Error|Σφάλμα):"))
            _started(page)
            summary = page.locator(".govuk-error-summary")
            # GOV.UK Frontend moves focus to the summary, so it is read out first.
            expect(summary).to_be_focused()
            assert problems_on(page, phone=screen == "phone") == [], (path, language, screen)
            link = summary.get_by_role("link").first
            target = link.get_attribute("href")
            assert target is not None
            link.click()
            expect(page.locator(target)).to_be_focused()
            page.context.close()


def test_every_actor_s_pages_come_from_the_matrix() -> None:
    # The list the check will grow to: every page each actor can open (no world needed).
    anonymous = {endpoint.key for endpoint in html_pages(ANONYMOUS)}
    assert {"core:home", "accounts:login", "reports:map", "victims:help"} <= anonymous
    assert "accounts:profile" not in anonymous
    assert "accounts:profile" in {endpoint.key for endpoint in html_pages(CITIZEN)}
    assert not any(key.startswith(NOT_OURS) for key in anonymous)


def test_the_check_sees_a_planted_violation_a_page_too_wide_and_a_small_target(
    browser: Browser, live_server: LiveServer
) -> None:
    # Proves the check above can fail: an unlabelled field, a wide box and a small button on
    # the home page.
    context = browser.new_context(viewport=SCREENS["phone"])  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert problems_on(page, phone=True) == []
    page.evaluate(
        """() => {
          const main = document.querySelector("main");
          main.append(document.createElement("input"));
          const wide = document.createElement("img");
          wide.alt = "";
          wide.width = 900;
          main.append(wide);
          const small = document.createElement("button");
          small.id = "small";
          small.textContent = "x";
          main.append(small);
        }"""
    )
    found = problems_on(page, phone=True)
    assert any(problem.startswith("touch target button#small") for problem in found), found
    assert any(problem.startswith("label (critical)") for problem in found), found
    assert any("px wide on a 360 px screen" in problem for problem in found), found
    context.close()
