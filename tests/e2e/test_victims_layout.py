"""The unit's pages on a 360 px phone (findings 4, 5 and 8 of the design review).

Finding 4: a radio's or a checkbox's label sat apart from its box (the support request, the
safe-contact options of the case forms). Finding 5: "Withdraw" (a consent) and "End" (an
assignment) were white text on white. Finding 8: the unit's lists and the case page were wider
than the phone.
"""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Locator, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from curim.accounts.models import User
from curim.accounts.roles import Role
from tests.e2e.test_accessibility import AXE, WCAG_AA
from tests.victims.clients import case_with_everything, member, service_create, verified_client
from victims.audit import access_log_write
from victims.models import AccessLog, Case, Channel, Service
from victims.services import cases as case_services
from victims.services.intake import intake_request_submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 360, "height": 740}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
LONG = "Κέντρο Υποστήριξης Θυμάτων Εγκληματικών Πράξεων και Ενδοοικογενειακής Βίας Πειραιά"


def _signed_in(page: Page, live_server: LiveServer, user: User) -> None:
    session = verified_client(user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def _beside(control: Locator, label: Locator) -> None:
    """The label starts just right of its box, on the same line."""
    box, text = control.bounding_box(), label.bounding_box()
    assert box is not None
    assert text is not None
    assert text["x"] >= box["x"] + box["width"] - 1, (box, text)
    assert text["x"] - (box["x"] + box["width"]) < 40, (box, text)
    middle = box["y"] + box["height"] / 2
    assert text["y"] <= middle <= text["y"] + text["height"], (box, text)


def _every_choice_beside_its_label(page: Page) -> int:
    boxes = page.locator("main input[type=radio], main input[type=checkbox]")
    count = boxes.count()
    for index in range(count):
        control = boxes.nth(index)
        ident = control.get_attribute("id")
        # GOV.UK draws its own box over the real input: the label's ::before is what is seen,
        # and the input lies under it. Both must sit at the start of the label's line.
        _beside(control, page.locator(f"label[for='{ident}']"))
    return count


def _fits(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url}: {widths[0]} px wide on a {widths[1]} px screen"


def test_the_support_request_s_choices_sit_beside_their_labels_on_a_phone(
    page: Page, live_server: LiveServer
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/support/request/")
    assert _every_choice_beside_its_label(page) >= 3  # the channels and the agreement
    _fits(page)
    # Sent empty, the errors do not move the boxes away from their labels either.
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert _every_choice_beside_its_label(page) >= 3


@pytest.mark.parametrize("path", ["new", "edit"])
def test_the_safe_contact_options_sit_beside_their_labels_on_a_phone(
    page: Page, live_server: LiveServer, path: str
) -> None:
    worker = member()
    case = case_with_everything(worker)
    _signed_in(page, live_server, worker)
    page.set_viewport_size(PHONE)
    url = "/vsu/cases/new/" if path == "new" else f"/vsu/cases/{case.pk}/edit/"
    page.goto(live_server.url + url)
    expect(page.get_by_label("No SMS")).to_be_visible()
    assert _every_choice_beside_its_label(page) >= 2
    _fits(page)


def _contrast(page: Page, selector: str) -> list[str]:
    """axe's colour-contrast violations within the elements `selector` finds."""
    page.evaluate(AXE)
    results = page.evaluate(
        "([tags, include]) => axe.run({include: [[include]]}, {runOnly: {type: 'tag',"
        " values: tags}, resultTypes: ['violations']})",
        [WCAG_AA, selector],
    )
    return [
        " ".join(node["target"])
        for violation in results["violations"]
        if violation["id"] == "color-contrast"
        for node in violation["nodes"]
    ]


def _visible_text(button: Locator) -> None:
    expect(button).to_be_visible()
    colours = button.evaluate(
        "b => { const s = getComputedStyle(b); return [s.color, s.backgroundColor]; }"
    )
    assert colours[0] != colours[1], colours
    assert colours[0] not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)") or colours[1] not in (
        "rgb(255, 255, 255)",
        "rgba(0, 0, 0, 0)",
    ), colours


def test_withdraw_and_end_are_readable_buttons(page: Page, live_server: LiveServer) -> None:
    supervisor = member(Role.VSU_SUPERVISOR)
    case = case_with_everything(supervisor)
    _signed_in(page, live_server, supervisor)
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.goto(live_server.url + f"/vsu/cases/{case.pk}/")
        withdraw = page.get_by_role("button", name="Withdraw")
        end = page.get_by_role("button", name="End")
        expect(withdraw.first).to_be_visible()
        for button in (withdraw.first, end.first):
            _visible_text(button)
        assert _contrast(page, "main") == []
    # And they work.
    page.get_by_role("button", name="Withdraw").first.click()
    expect(page.get_by_text("Consent withdrawn.")).to_be_visible()


def _busy_unit(supervisor: User) -> Case:
    """A case and a log with many rows, long names and a long address: the widest pages."""
    service_create(LONG)
    long_site = "https://example.org/" + "support-for-victims-of-crime/" * 4
    Service.objects.filter(name_en=LONG).update(website=long_site, email="a" * 40 + "@example.org")
    case = case_with_everything(supervisor)
    for _ in range(20):
        access_log_write(
            user=supervisor,
            action=AccessLog.Action.LIST,
            cases=Case.objects.all(),
            detail="status=active offence_type=domestic_violence",
        )
    case_services.case_status_change(case=case, by=supervisor, to_status="assessment", note="")
    person = case.person
    assert person is not None
    person.address = LONG
    person.save()
    return case


def test_the_unit_s_pages_fit_a_phone(page: Page, live_server: LiveServer) -> None:
    supervisor = member(Role.VSU_SUPERVISOR, email="a-long-address-of-a-supervisor@example.org")
    case = _busy_unit(supervisor)
    intake_request_submit(
        name=LONG, phone="6970 000 111", email="", channel=Channel.PHONE, safe_times="", message=""
    )
    _signed_in(page, live_server, supervisor)
    page.set_viewport_size(PHONE)
    for path in ("/vsu/", "/vsu/audit/", "/vsu/services/", "/vsu/dashboard/", "/vsu/intake/"):
        page.goto(live_server.url + path)
        _fits(page)
    page.goto(live_server.url + f"/vsu/cases/{case.pk}/")
    _fits(page)
    # The access log scrolls in its own box, with its first column (when) in view.
    page.goto(live_server.url + "/vsu/audit/")
    region = page.locator(".curim-table-scroll")
    expect(region).to_be_visible()
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")


def test_the_case_page_reads_as_a_list_of_details_on_a_phone(
    page: Page, live_server: LiveServer
) -> None:
    # Primero's case worker on a phone: each detail's name above its value, no table to pan.
    worker = member()
    case = case_with_everything(worker)
    _signed_in(page, live_server, worker)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + f"/vsu/cases/{case.pk}/")
    person = page.locator(".govuk-summary-list").first
    key = person.get_by_text("Phone", exact=True)
    value = person.get_by_role("link", name="+30 690 123 4567")
    expect(value).to_be_visible()
    above, below = key.bounding_box(), value.bounding_box()
    assert above is not None
    assert below is not None
    assert below["y"] >= above["y"] + above["height"] - 1, (above, below)
    assert below["x"] + below["width"] <= PHONE["width"], below
    # Its tables turn into blocks of labelled lines: nothing to pan sideways.
    assert page.locator("main .curim-table-scroll").count() == 0
    _fits(page)
    started = timezone.now() - datetime.timedelta(minutes=5)
    assert AccessLog.objects.filter(case_id=case.pk, action="view", at__gte=started).exists()
