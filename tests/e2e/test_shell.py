"""A visitor opens the home page, switches to Greek and logs in, in a real browser."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from curim.accounts.roles import Role
from tests.factories import PASSWORD, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_citizen_switches_to_greek_and_logs_in(page: Page, live_server: LiveServer) -> None:
    user_with_role(Role.CITIZEN, email="eleni@example.org")
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Co-producing urban security")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_label("Language").select_option("el")
    page.get_by_role("button", name="Change language").click()
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
    page.get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", name="Administration", level=1)).to_be_visible()
