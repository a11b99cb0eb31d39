"""The citizen pages and the moderation queue."""

from collections.abc import Callable

import pytest
from django.test import Client

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.reports.models import Report, ReportStatus
from tests.factories import user_with_role
from tests.reports.conftest import CENTRE

MakeReport = Callable[..., Report]


@pytest.mark.parametrize("path", ["/reports/new/", "/map/", "/reports/submitted/?id=x"])
def test_public_pages_open_in_both_languages(client: Client, piraeus: None, path: str) -> None:
    assert client.get(path).status_code == 200
    client.cookies["django_language"] = "el"
    assert '<html lang="el">' in client.get(path).content.decode()


def test_a_published_report_has_a_page_without_private_details(
    client: Client, make_report: MakeReport
) -> None:
    report = make_report(contact_email="hidden@example.org")
    page = client.get(f"/reports/{report.public_id}/").content.decode()
    assert report.description in page
    assert "hidden@example.org" not in page
    assert f"{CENTRE[1]:f}" not in page
    assert f'data-lat="{report.public_location.y:f}"' in page


@pytest.mark.parametrize(
    ("category", "status"),
    [("graffiti", "submitted"), ("graffiti", "spam"), ("sexual-harassment", "published")],
)
def test_reports_that_are_not_public_have_no_page(
    client: Client, make_report: MakeReport, category: str, status: str
) -> None:
    report = make_report(category=category, status=status)
    assert client.get(f"/reports/{report.public_id}/").status_code == 404


def test_my_reports_lists_only_mine(client: Client, make_report: MakeReport, citizen: User) -> None:
    mine = make_report(reporter=citizen, description="mine", status="submitted")
    make_report(description="someone else's")
    client.force_login(citizen)
    page = client.get("/reports/mine/").content.decode()
    assert "someone else" not in page
    assert mine.category.name_en in page


def test_the_moderation_queue_is_for_moderators(
    client: Client, make_report: MakeReport, citizen: User
) -> None:
    report = make_report(status="submitted")
    client.force_login(citizen)
    assert client.get("/moderation/").status_code == 403
    assert client.get(f"/moderation/{report.public_id}/").status_code == 404
    response = client.post(f"/moderation/{report.public_id}/act/", {"action": "publish"})
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_moderator_sees_the_exact_details_and_publishes(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    report = make_report(status="submitted", contact_email="reach-me@example.org")
    client.force_login(moderator)
    queue = client.get("/moderation/").content.decode()
    assert str(report.public_id) in queue
    detail = client.get(f"/moderation/{report.public_id}/").content.decode()
    assert "reach-me@example.org" in detail
    assert f'data-lat="{CENTRE[1]:f}"' in detail
    response = client.post(
        f"/moderation/{report.public_id}/act/", {"action": "publish", "note": "looks fine"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED
    assert report.events.filter(actor=moderator, to_status="published", is_public=True).exists()
    internal = report.events.get(kind="note")
    assert (internal.note, internal.is_public) == ("looks fine", False)
    public_page = Client().get(f"/reports/{report.public_id}/").content.decode()
    assert "looks fine" not in public_page


def test_forwarding_names_the_service(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    report = make_report(category="poor-lighting", status="published")
    client.force_login(moderator)
    page = client.get(f"/moderation/{report.public_id}/").content.decode()
    # The category's own body and department are offered first.
    assert '<option value="municipality" selected>' in page
    assert 'value="Technical services"' in page
    client.post(
        f"/moderation/{report.public_id}/act/",
        {"action": "forward", "destination": "municipality", "department": "Technical services"},
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.FORWARDED
    event = report.events.get(kind="status", to_status="forwarded")
    assert "Technical services" in event.note
    assert (event.forwarded_to, event.forward_department) == ("municipality", "Technical services")


def test_a_refused_move_changes_nothing_and_says_why(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    report = make_report(status="submitted")
    client.force_login(moderator)
    response = client.post(
        f"/moderation/{report.public_id}/act/", {"action": "resolve"}, follow=True
    )
    assert "That action is not open to this report" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_merging_closes_the_duplicate(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    original = make_report()
    duplicate = make_report(status="submitted")
    client.force_login(moderator)
    client.post(f"/moderation/{duplicate.public_id}/act/", {"into": str(original.public_id)})
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == original
    assert duplicate.status == ReportStatus.CLOSED
    assert client.get(f"/reports/{duplicate.public_id}/").status_code == 404


def test_a_moderator_is_not_every_staff_member(client: Client, make_report: MakeReport) -> None:
    report = make_report(status="submitted")
    client.force_login(user_with_role(Role.COUNCIL_MEMBER))
    assert client.get(f"/moderation/{report.public_id}/").status_code == 404
