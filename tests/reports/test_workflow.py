"""The status workflow: allowed moves, refused moves, and the history it leaves."""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curim.accounts.models import User
from curim.reports.models import Report, ReportEvent, ReportStatus
from curim.reports.services.workflow import report_publish, report_transition

MakeReport = Callable[..., Report]


def test_publishing_records_who_and_when(make_report: MakeReport, moderator: User) -> None:
    report = make_report(status="submitted")
    report = report_transition(report=report, to_status="published", actor=moderator)
    assert report.status == ReportStatus.PUBLISHED
    assert report.published_at is not None
    event = report.events.get(kind=ReportEvent.Kind.STATUS)
    assert (event.actor, event.from_status, event.to_status) == (
        moderator,
        "submitted",
        "published",
    )


def test_a_public_note_closes_a_report(make_report: MakeReport, moderator: User) -> None:
    report = make_report(status="published")
    report = report_transition(
        report=report, to_status="closed", actor=moderator, public_note="Cleaned on Monday."
    )
    assert report.public_note == "Cleaned on Monday."
    assert report.events.filter(is_public=True, note="Cleaned on Monday.").exists()


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("submitted", "resolved"),
        ("submitted", "closed"),
        ("spam", "published"),
        ("closed", "rejected"),
        ("forwarded", "submitted"),
    ],
)
def test_moves_outside_the_workflow_are_refused(
    make_report: MakeReport, moderator: User, start: str, target: str
) -> None:
    report = make_report(status="submitted")
    if start == "spam":
        report = report_transition(report=report, to_status="spam", actor=moderator)
    elif start != "submitted":
        report = report_transition(report=report, to_status="published", actor=moderator)
        if start != "published":
            report = report_transition(report=report, to_status=start, actor=moderator)
    with pytest.raises(ValidationError):
        report_transition(report=report, to_status=target, actor=moderator)
    report.refresh_from_db()
    assert report.status == start


def test_report_publish_publishes_and_reopens(make_report: MakeReport, moderator: User) -> None:
    report = report_publish(report=make_report(status="submitted"), actor=moderator)
    assert report.status == ReportStatus.PUBLISHED
    first = report.published_at
    assert first is not None
    report = report_transition(report=report, to_status="closed", actor=moderator)
    report = report_publish(report=report, actor=moderator, public_note="Back again.")
    assert report.status == ReportStatus.PUBLISHED
    assert report.published_at == first  # the first publication stays the date shown
    assert report.public_note == "Back again."
    with pytest.raises(ValidationError):
        report_publish(report=report, actor=moderator)  # already published


def test_a_transition_opens_one_transaction(make_report: MakeReport, moderator: User) -> None:
    # Inside the test's own transaction every atomic block is a savepoint: one, not two.
    report = make_report(status="submitted")
    with CaptureQueriesContext(connection) as queries:
        report_transition(report=report, to_status="published", actor=moderator)
    savepoints = [q for q in queries.captured_queries if q["sql"].startswith("SAVEPOINT")]
    assert len(savepoints) == 1


def test_a_note_longer_than_its_limit_is_refused_not_cut(
    make_report: MakeReport, moderator: User
) -> None:
    report = make_report(status="submitted")
    with pytest.raises(ValidationError) as refused:
        report_transition(report=report, to_status="rejected", actor=moderator, note="x" * 2001)
    assert "note" in refused.value.message_dict
    report.refresh_from_db()
    assert report.status == "submitted"
    assert not report.events.filter(kind=ReportEvent.Kind.NOTE).exists()
