"""Lines of a report's history (`ReportEvent`), built and validated in one place for every write."""

from typing import Any

from curim.accounts.models import User
from curim.reports.models import Report, ReportEvent


def report_event_build(
    *,
    kind: str,
    actor: User | None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    is_public: bool = False,
    forwarded_to: str = "",
    forward_department: str = "",
    changes: dict[str, Any] | None = None,
) -> ReportEvent:
    """A validated history line, not yet tied to its report nor saved.

    The report and the actor come from trusted lookups, so they are not checked again (that
    would cost a query each).
    """
    event = ReportEvent(
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_status=from_status,
        to_status=to_status,
        note=note,
        is_public=is_public,
        forwarded_to=forwarded_to,
        forward_department=forward_department,
        changes=changes or {},
    )
    event.full_clean(exclude=["report", "actor"])
    return event


def report_event_add(
    *,
    report: Report,
    kind: str,
    actor: User | None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    is_public: bool = False,
    forwarded_to: str = "",
    forward_department: str = "",
    changes: dict[str, Any] | None = None,
) -> ReportEvent:
    """Write one history line of a report (inside the caller's transaction)."""
    event = report_event_build(
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note,
        is_public=is_public,
        forwarded_to=forwarded_to,
        forward_department=forward_department,
        changes=changes,
    )
    event.report = report
    event.save()
    return event
