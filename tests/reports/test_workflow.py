"""The status workflow: allowed moves, refused moves, and the history it leaves."""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from curim.accounts.models import User
from curim.reports.models import Report, ReportEvent, ReportStatus
from curim.reports.services import report_transition

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
