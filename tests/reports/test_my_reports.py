"""My reports (issue 11, finding 11): each report with its reference, the beginning of its
text, its status and a link to its page, which its author opens in any status and nobody else
does until it is public."""

from collections.abc import Callable

import pytest
from django.test import Client

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.reports.models import Report
from tests.factories import user_with_role

MakeReport = Callable[..., Report]

LONG_TEXT = "The street light at the corner of Notara and Kolokotroni is out. " * 10


@pytest.fixture
def pending(make_report: MakeReport, citizen: User) -> Report:
    return make_report(reporter=citizen, description=LONG_TEXT, status="submitted")


def test_a_pending_report_shows_its_link_reference_text_and_status(
    client: Client, citizen: User, pending: Report
) -> None:
    client.force_login(citizen)
    page = client.get("/reports/mine/").content.decode()
    assert f'href="/reports/{pending.public_id}/"' in page
    assert str(pending.public_id) in page
    assert LONG_TEXT[:100] in page
    assert LONG_TEXT not in page  # the beginning, not the whole text
    assert "Submitted" in page


def test_its_author_opens_a_pending_report_and_is_told_only_they_see_it(
    client: Client, citizen: User, pending: Report
) -> None:
    client.force_login(citizen)
    response = client.get(f"/reports/{pending.public_id}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert LONG_TEXT.strip() in page
    assert str(pending.public_id) in page
    assert 'id="only-you"' in page
    # Nothing to confirm, follow or comment on before it is public.
    assert f"/reports/{pending.public_id}/comments/" not in page
    assert f"/reports/{pending.public_id}/me-too/" not in page


def test_its_author_opens_a_report_of_a_never_public_category(
    client: Client, make_report: MakeReport, citizen: User
) -> None:
    report = make_report(category="sexual-harassment", reporter=citizen, status="published")
    client.force_login(citizen)
    assert client.get(f"/reports/{report.public_id}/").status_code == 200


@pytest.mark.parametrize("who", ["another citizen", "a moderator", "nobody signed in"])
def test_nobody_else_opens_a_pending_report(client: Client, pending: Report, who: str) -> None:
    if who == "another citizen":
        client.force_login(user_with_role(Role.CITIZEN, email="other@example.org"))
    elif who == "a moderator":  # moderators work on it in the moderation pages
        client.force_login(user_with_role(Role.MODERATOR))
    assert client.get(f"/reports/{pending.public_id}/").status_code == 404


def test_a_public_report_page_does_not_say_only_its_author_sees_it(
    client: Client, make_report: MakeReport, citizen: User
) -> None:
    report = make_report(reporter=citizen)
    client.force_login(citizen)
    page = client.get(f"/reports/{report.public_id}/").content.decode()
    assert 'id="only-you"' not in page
    assert f"/reports/{report.public_id}/me-too/" in page


def test_a_public_report_page_read_by_a_visitor_shows_it_as_public(
    client: Client, make_report: MakeReport, citizen: User
) -> None:
    # Anybody signed out reads a public report as public: no "only you" notice, and the
    # invitation to log in to confirm, follow or comment, with the comments.
    report = make_report(reporter=citizen)
    page = client.get(f"/reports/{report.public_id}/").content.decode()
    assert 'id="only-you"' not in page
    assert "Log in to say" in page
    assert 'id="comments"' in page
