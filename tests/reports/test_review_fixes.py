"""Edge cases found in review: scoped idempotency keys, leaks through side doors, odd input."""

from collections.abc import Callable

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.reports.models import Comment, Report
from curim.reports.services.conversation import comment_flag, comment_post, comment_review
from curim.reports.services.open311 import api_key_issue
from curim.reports.services.workflow import report_merge, report_transition
from tests.conftest import outbox_run
from tests.factories import user_with_role
from tests.reports.conftest import CENTRE, report_body

MakeReport = Callable[..., Report]


def test_an_idempotency_key_only_replays_for_its_own_sender(client: Client, piraeus: None) -> None:
    headers = {"Idempotency-Key": "same-key"}
    first = client.post(
        "/api/v1/reports/",
        report_body(category="sexual-harassment"),
        content_type="application/json",
        headers=headers,
    )
    other = Client(REMOTE_ADDR="198.51.100.9").post(
        "/api/v1/reports/", report_body(), content_type="application/json", headers=headers
    )
    assert first.status_code == 201
    assert other.status_code == 201
    assert other.json()["id"] != first.json()["id"]
    assert Report.objects.count() == 2


def test_a_cyber_threat_with_a_place_is_refused(client: Client, piraeus: None) -> None:
    response = client.post(
        "/api/v1/reports/",
        report_body(category="phishing", cyber_channel="sms"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "location" in response.json()


@pytest.mark.parametrize(
    ("query", "field"), [("offset=99999999999999999999", "offset"), ("offset=1000001", "offset")]
)
def test_absurd_pages_are_refused(client: Client, db: None, query: str, field: str) -> None:
    response = client.get(f"/api/v1/reports/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_a_date_out_of_range_is_a_field_error(client: Client, piraeus: None) -> None:
    response = client.post(
        "/api/v1/reports/",
        report_body(occurred_at="0001-01-01T00:00:00"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "occurred_at" in response.json()


def test_side_doors_of_unpublished_and_private_reports_are_closed(
    client: Client, make_report: MakeReport, citizen: User
) -> None:
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image

    from curim.reports.models import ReportPhoto

    for report in (make_report(status="submitted"), make_report(category="sexual-harassment")):
        out = BytesIO()
        Image.new("RGB", (8, 8)).save(out, format="JPEG")
        photo = ReportPhoto.objects.create(
            report=report, image=ContentFile(out.getvalue(), "p.jpg"), width=8, height=8
        )
        anonymous = Client()
        assert anonymous.get(f"/reports/photos/{photo.public_id}.jpg").status_code == 404
        assert anonymous.get(f"/api/v1/reports/{report.public_id}/comments/").status_code == 404
        assert anonymous.get(f"/open311/v2/requests/{report.public_id}.json").status_code == 404
        signed_in = Client()
        signed_in.force_login(citizen)
        for action in ("me-too", "follow", "comments"):
            assert (
                signed_in.post(f"/reports/{report.public_id}/{action}/", {"body": "x"}).status_code
                == 404
            )


def test_followers_stop_hearing_once_a_report_is_no_longer_public(
    make_report: MakeReport, moderator: User, citizen: User
) -> None:
    reporter = user_with_role(Role.CITIZEN, email="reporter@example.org")
    report = make_report(reporter=reporter)
    client = Client()
    client.force_login(citizen)
    client.post(f"/reports/{report.public_id}/follow/")
    outbox_run()
    mail.outbox.clear()
    report_transition(report=report, to_status="rejected", actor=moderator)
    outbox_run()
    assert [message.to for message in mail.outbox] == [["reporter@example.org"]]


def test_merges_cannot_chain_or_loop_and_a_merged_report_stays_closed(
    make_report: MakeReport, moderator: User
) -> None:
    a, b, c = make_report(), make_report(), make_report()
    report_merge(report=b, into=a, actor=moderator)
    with pytest.raises(ValidationError):
        report_merge(report=a, into=b, actor=moderator)  # b is a duplicate itself
    with pytest.raises(ValidationError):
        report_merge(report=a, into=c, actor=moderator)  # others were merged into a
    b.refresh_from_db()
    with pytest.raises(ValidationError):
        report_transition(report=b, to_status="published", actor=moderator)


def test_a_moderators_decision_outlives_an_old_flag_count(
    make_report: MakeReport, moderator: User, citizen: User
) -> None:
    comment = comment_post(report=make_report(), author=citizen, body="Fine words")
    for n in range(3):
        comment_flag(comment=comment, user=user_with_role(Role.CITIZEN, email=f"f{n}@example.org"))
    comment_review(comment=comment, visible=True)
    comment_flag(comment=comment, user=user_with_role(Role.CITIZEN, email="late@example.org"))
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED


def test_open311_survives_odd_input(client: Client, make_report: MakeReport) -> None:
    make_report(description="Form feed \x0c inside")
    assert client.get("/open311/v2/requests.json?start_date=2024-02-30T00:00:00").status_code == 400
    assert client.get("/open311/v2/requests.json?service_code=a%00b").status_code == 400
    _, key = api_key_issue(name="bridge")
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "graffiti",
            "lat": CENTRE[1],
            "long": CENTRE[0],
            "description": "nul\x00byte",
        },
    )
    assert response.status_code == 400
    from xml.etree import ElementTree

    root = ElementTree.fromstring(client.get("/open311/v2/requests.xml").content)
    assert root.findtext("request/description") == "Form feed  inside"
    assert "T00:00:00" in (root.findtext("request/requested_datetime") or "")
