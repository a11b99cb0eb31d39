"""Citizens talking about a report: comments, abuse flags, "me too", following and e-mails."""

from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.reports.models import Comment, Confirmation, Follow, Report
from curim.reports.services.conversation import FLAGS_TO_HIDE
from curim.reports.services.workflow import report_transition
from tests.conftest import outbox_run
from tests.factories import user_with_role

MakeReport = Callable[..., Report]


def test_a_citizen_comments_without_showing_their_name(
    client: Client, make_report: MakeReport, citizen: User
) -> None:
    report = make_report()
    client.force_login(citizen)
    response = client.post(f"/reports/{report.public_id}/comments/", {"body": "Still there."})
    assert response.status_code == 302
    page = client.get(f"/reports/{report.public_id}/").content.decode()
    assert "Still there." in page
    api = Client().get(f"/api/v1/reports/{report.public_id}/comments/").json()
    assert [c["body"] for c in api] == ["Still there."]
    assert citizen.email not in str(api)
    assert set(api[0]) == {"id", "body", "posted_on"}
    # The day only, as the page shows it: the exact moment beside an account's activity would
    # point at its author.
    assert api[0]["posted_on"] == timezone.localdate().isoformat()


def test_comments_need_an_account_and_a_public_report(
    client: Client, make_report: MakeReport, citizen: User
) -> None:
    report = make_report()
    pending = make_report(status="submitted")
    assert client.post(f"/reports/{report.public_id}/comments/", {"body": "x"}).status_code == 302
    api = client.post(
        f"/api/v1/reports/{report.public_id}/comments/",
        {"body": "x"},
        content_type="application/json",
    )
    assert api.status_code in (401, 403)
    client.force_login(citizen)
    assert client.post(f"/reports/{pending.public_id}/comments/", {"body": "x"}).status_code == 404
    assert not Comment.objects.exists()


def test_bad_comments_are_refused(client: Client, make_report: MakeReport, citizen: User) -> None:
    report = make_report()
    client.force_login(citizen)
    for body in ("   ", "x" * 2001):
        response = client.post(
            f"/api/v1/reports/{report.public_id}/comments/",
            {"body": body},
            content_type="application/json",
        )
        assert response.status_code == 400
        assert "body" in response.json()
    assert not Comment.objects.exists()


def test_enough_abuse_flags_hide_a_comment_until_a_moderator_decides(
    client: Client, make_report: MakeReport, citizen: User, moderator: User
) -> None:
    report = make_report()
    client.force_login(citizen)
    client.post(f"/reports/{report.public_id}/comments/", {"body": "Rude words"})
    comment = Comment.objects.get()
    for n in range(FLAGS_TO_HIDE):
        flagger = user_with_role(Role.CITIZEN, email=f"flagger{n}@example.org")
        flag_client = Client()
        flag_client.force_login(flagger)
        flag_client.post(f"/comments/{comment.public_id}/flag/")
        flag_client.post(f"/comments/{comment.public_id}/flag/")  # twice counts once
    comment.refresh_from_db()
    assert comment.flag_count == FLAGS_TO_HIDE
    assert comment.status == Comment.Status.HIDDEN
    assert "Rude words" not in client.get(f"/reports/{report.public_id}/").content.decode()

    client.force_login(moderator)
    assert "Rude words" in client.get("/moderation/comments/").content.decode()
    client.post(f"/moderation/comments/{comment.public_id}/", {"visible": "1"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert comment.reviewed


def test_only_moderators_review_comments(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    assert client.get("/moderation/comments/").status_code == 403


def test_me_too_is_counted_once_per_citizen(
    client: Client, make_report: MakeReport, citizen: User
) -> None:
    report = make_report()
    client.force_login(citizen)
    client.post(f"/reports/{report.public_id}/me-too/")
    assert Confirmation.objects.filter(report=report).count() == 1
    assert (
        "1 person has seen this too."
        in client.get(f"/reports/{report.public_id}/").content.decode()
    )
    client.post(f"/reports/{report.public_id}/me-too/")  # taken back
    assert not Confirmation.objects.exists()


def test_followers_and_the_contact_address_get_an_email_on_a_status_change(
    client: Client, make_report: MakeReport, citizen: User, moderator: User
) -> None:
    report = make_report(contact_email="reporter@example.org")
    client.force_login(citizen)
    client.post(f"/reports/{report.public_id}/follow/")
    assert Follow.objects.filter(report=report, user=citizen).exists()
    outbox_run()
    mail.outbox.clear()
    report_transition(
        report=report, to_status="resolved", actor=moderator, public_note="Repaired today."
    )
    assert outbox_run() == ["reports.status_email_send"]
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["citizen@example.org", "reporter@example.org"]
    assert "Repaired today." in str(mail.outbox[0].body)
    assert f"/reports/{report.public_id}/" in str(mail.outbox[0].body)


def test_a_registered_reporter_follows_their_own_report(
    make_report: MakeReport, citizen: User
) -> None:
    report = make_report(reporter=citizen, status="submitted")
    assert Follow.objects.filter(report=report, user=citizen).exists()


@pytest.mark.parametrize("action", ["me-too", "follow"])
def test_anonymous_visitors_are_sent_to_log_in(
    client: Client, make_report: MakeReport, action: str
) -> None:
    report = make_report()
    response = client.post(f"/reports/{report.public_id}/{action}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
