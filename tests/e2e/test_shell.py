"""A visitor opens the home page, switches to Greek and logs in, in a real browser; the header
works on a phone (its menu opens and closes) and nothing covers it."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from curim.accounts.roles import Role
from curim.accounts.totp import totp_code, totp_step
from tests.e2e.header import open_from_the_menu
from tests.factories import PASSWORD, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_citizen_switches_to_greek_and_logs_in(page: Page, live_server: LiveServer) -> None:
    user_with_role(Role.CITIZEN, email="eleni@example.org")
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Co-producing urban security")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("navigation", name="Language").get_by_role("button", name="Ελληνικά").click()
    expect(page.locator("html")).to_have_attribute("lang", "el")
    expect(page.get_by_role("heading", level=1)).to_have_text("Συν-παραγωγή αστικής ασφάλειας")

    page.get_by_role("link", name="Σύνδεση").click()
    page.get_by_label("Διεύθυνση e-mail").fill("Eleni@example.org")
    page.get_by_label("Κωδικός").fill(PASSWORD)
    page.get_by_role("button", name="Σύνδεση").click()

    expect(page.get_by_role("link", name="Ο λογαριασμός μου")).to_be_visible()
    page.get_by_role("link", name="Ο λογαριασμός μου").click()
    expect(page.get_by_text("eleni@example.org")).to_be_visible()


def test_a_wrong_password_is_told_in_the_form(page: Page, live_server: LiveServer) -> None:
    user_with_role(Role.CITIZEN, email="nikos@example.org")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill("nikos@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct")
    expect(page.get_by_role("link", name="My account")).to_have_count(0)


def test_an_admin_reaches_the_django_admin_from_the_navigation(
    page: Page, live_server: LiveServer
) -> None:
    user_with_role(Role.ADMIN, email="root@example.org")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill("root@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    open_from_the_menu(page, "Administration")
    # The admin asks for a second factor first: enrolled here, on the first visit.
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.locator("[name=code]").fill(totp_code(secret, step=totp_step(timezone.now())))
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("heading", name="Administration", level=1)).to_be_visible()


def test_the_menu_opens_and_closes_on_a_phone(page: Page, live_server: LiveServer) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/")
    main = page.get_by_role("navigation", name="Main")
    menu = main.get_by_role("button", name="Menu")
    # Closed at first: the site's name, "Menu" and the account and language links show.
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(main.get_by_role("link", name="Risk map")).to_be_hidden()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    header = page.locator("header").bounding_box()
    assert header is not None
    assert header["height"] < 120, header
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    main.get_by_role("link", name="Risk map").click()
    expect(page).to_have_url(live_server.url + "/map/")
    # On a desktop there is no "Menu": the links are there.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(main.get_by_role("button", name="Menu")).to_be_hidden()
    expect(main.get_by_role("link", name="Risk map")).to_be_visible()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_quick_exit_covers_nothing_of_the_header_and_stays_in_view(
    page: Page, live_server: LiveServer, settings: SettingsWrapper, width: int
) -> None:
    settings.VSU_QUICK_EXIT_URL = live_server.url + "/?left"
    page.set_viewport_size({"width": width, "height": 740})
    page.goto(live_server.url + "/support/request/")
    header = page.locator("header").bounding_box()
    button = page.locator("#quick-exit").bounding_box()
    assert header is not None
    assert button is not None
    assert button["y"] >= header["y"] + header["height"], (button, header)
    # Every link and button of the header can still be clicked where it is.
    for target in page.locator("header a:visible, header button:visible").all():
        target.click(trial=True)
    # Scrolled down, the button is still at hand.
    page.mouse.wheel(0, 2000)
    expect(page.locator("#quick-exit")).to_be_in_viewport()
    page.locator("#quick-exit").click()
    expect(page).to_have_url(live_server.url + "/?left")
