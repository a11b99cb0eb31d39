"""A citizen asks for support; a unit member enrols a TOTP device, logs in with a code, opens
the intake, records consent, a session and a referral."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from curim.accounts.roles import Role
from curim.accounts.totp import totp_code, totp_step
from tests.factories import PASSWORD, user_with_role
from victims.models import AccessLog, Case, IntakeRequest, Referral, Service, SupportSession

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_unit_member_takes_an_intake_to_a_referral(page: Page, live_server: LiveServer) -> None:
    from django.utils import timezone

    Service.objects.create(
        name_en="Legal Aid Office", name_el="Γραφείο Νομικής Βοήθειας", kind="legal"
    )
    user_with_role(Role.VSU_STAFF, email="worker@example.org")

    # A citizen asks to be contacted, from the help page.
    page.goto(live_server.url + "/support/")
    expect(page.locator("#quick-exit")).to_be_visible()
    page.get_by_role("button", name="Ask to be contacted").click()
    page.get_by_label("How should we address you?").fill("Sofia")
    page.get_by_label("Phone call").check()
    page.get_by_label("Phone (optional)").fill("6900000001")
    page.get_by_label("I agree to the two statements above.").check()
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", name="Your request has been sent")).to_be_visible()
    assert IntakeRequest.objects.count() == 1

    # The worker logs in; the unit's pages ask first for a second factor.
    page.goto(live_server.url + "/accounts/login/?next=/vsu/intake/")
    page.get_by_label("E-mail address").fill("worker@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.locator("[name=code]").fill(totp_code(secret, step=totp_step(timezone.now())))
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("heading", name="Intake requests")).to_be_visible()

    # Open the intake as a case.
    page.get_by_role("link", name="Open", exact=True).click()
    expect(page.get_by_text("Sofia").first).to_be_visible()
    page.get_by_label("Offence type").select_option("harassment")
    page.get_by_label("Your profession on this case").select_option("social_worker")
    page.get_by_role("button", name="Open a case").click()
    case = Case.objects.get()
    expect(page.get_by_role("heading", name=case.reference)).to_be_visible()

    # Consent to the referral, then the session, then the referral.
    page.get_by_role("button", name="Record consent").click()
    page.get_by_label("Consent to").select_option("referral")
    page.get_by_label("Service (for a referral)").select_option(label="Legal Aid Office")
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_text("Consent recorded.")).to_be_visible()

    page.get_by_role("button", name="Record a session or contact").click()
    page.get_by_label("Kind of support").select_option("social")
    page.get_by_label("Channel").select_option("in_person")
    page.get_by_label("Duration (minutes)").fill("45")
    page.get_by_label("Notes").fill("First meeting; she wants legal advice.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Session recorded.")).to_be_visible()

    page.get_by_role("button", name="Refer to a service").click()
    page.locator("select[name=service]").select_option(label="Legal Aid Office")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Referral recorded.")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("Referral to Legal Aid Office")
    expect(page.locator("#timeline")).to_contain_text("First meeting; she wants legal advice.")

    assert SupportSession.objects.get(case=case).notes == "First meeting; she wants legal advice."
    assert Referral.objects.get(case=case).consent.scope == "referral"
    actions = set(AccessLog.objects.filter(case_id=case.pk).values_list("action", flat=True))
    assert {"create", "view"} <= actions
