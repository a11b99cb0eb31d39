"""Published survey results in a real browser: an analyst publishes two waves from the survey
data page; then anybody, on a phone and in Greek, finds the results from the surveys page and
reads every indicator with its change since the baseline."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from curim.accounts.roles import Role
from surveys.models import Survey
from tests.e2e.test_accessibility import problems_on
from tests.e2e.test_survey_changes import SCREENS, _offline_map, _waves
from tests.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

__all__ = ["_offline_map"]  # the map's tiles from disk, for every test here


def test_an_analyst_publishes_and_the_public_reads_the_results_in_greek_on_a_phone(
    browser: Browser, live_server: LiveServer
) -> None:
    _waves()
    Survey.objects.update(status=Survey.Status.CLOSED)
    client = Client()
    client.force_login(user_with_role(Role.ANALYST))
    staff = browser.new_context(viewport=SCREENS["desktop"])  # type: ignore[arg-type]
    staff.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
        ]
    )
    page = staff.new_page()
    page.set_default_timeout(15_000)
    for title in ("Baseline 2020", "Follow-up 2023"):
        page.goto(f"{live_server.url}/surveys/staff/")
        row = page.locator("tbody tr", has_text=title)
        row.get_by_role("link", name="Publish the results").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Publish the results: {title}")
        assert problems_on(page, phone=False) == []
        page.get_by_role("button", name="Publish the results").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            f"The results of {title} are published."
        )
    expect(page.locator("tbody tr", has_text="Follow-up 2023")).to_contain_text(
        "Results: published"
    )
    staff.close()

    public = browser.new_context(viewport=SCREENS["phone"])  # type: ignore[arg-type]
    public.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "el", "url": live_server.url}]
    )
    page = public.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/surveys/")
    page.get_by_role("link", name="Τι βρήκαν οι προηγούμενες έρευνες").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Αποτελέσματα των ερευνών ασφάλειας")
    assert problems_on(page, phone=True) == []
    page.get_by_role("link", name="Επαναληπτική μέτρηση 2023").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Επαναληπτική μέτρηση 2023")

    glance = page.locator("#table-glance")
    expect(glance.locator("thead")).to_contain_text("Μεταβολή από Αρχική μέτρηση 2020")
    everyone = glance.locator("tbody tr").first
    expect(everyone).to_contain_text("Αντίληψη ασφάλειας")
    expect(everyone).to_contain_text("58,0")
    expect(everyone).to_contain_text("+3,9 (+0,1 έως +7,7)")
    expect(everyone.locator(".govuk-tag")).to_have_text("σημαντική")
    district = page.locator("#table-district-perception tbody tr").first
    expect(district).to_contain_text("+1,0 (−7,3 έως +9,3)")
    expect(page.get_by_role("heading", name="Πώς προκύπτουν αυτοί οι αριθμοί")).to_be_visible()
    assert problems_on(page, phone=True) == []
    assert errors == []

    # The CSV a reader downloads holds the same change, unrounded.
    with page.expect_download() as download:
        page.get_by_role("link", name="Όλες οι μεταβολές από την αρχική μέτρηση (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    everybody = next(r for r in rows if r["district"] == "all" and r["group"] == "all")
    assert (everybody["survey_from"], everybody["survey_to"]) == ("baseline-2020", "follow-up-2023")
    assert float(everybody["change"]) == pytest.approx(3.9, abs=1e-12)
    assert everybody["significant"] == "yes"
    public.close()
