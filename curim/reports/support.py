"""The bridge from a report to the Victim Support Unit, without the reports app knowing the unit.

A report in a victimisation category answers its reporter with an encrypted, short-lived
token (Fernet under ENCRYPTION_KEYS, so it reads as noise in a URL, a log or a browser's
history). With it, the reporter's own browser may ask the unit for contact; nothing is stored on
the report, so no page, export or API of reports can tell that support was asked for.
"""

import datetime
import uuid
from dataclasses import dataclass

from cryptography.fernet import InvalidToken

from curim.core import crypto
from curim.reports.models import Report

PREFIX = "support:"
MAX_AGE_S = 2 * 24 * 3600


def support_token_make(report: Report) -> str | None:
    """A token for the reporter, or None when the category is not about victimisation."""
    if not report.category.is_victimisation:
        return None
    return crypto.encrypt_text(PREFIX + str(report.public_id))


def support_token_read(token: str) -> str | None:
    """The report's public id, or None for a forged, altered or expired token."""
    try:
        plain = crypto.fernet().decrypt(token.encode("ascii"), ttl=MAX_AGE_S).decode()
    except (InvalidToken, UnicodeError, ValueError):
        return None
    if not plain.startswith(PREFIX):
        return None
    try:
        return str(uuid.UUID(plain.removeprefix(PREFIX)))
    except ValueError:
        return None


@dataclass(frozen=True)
class ReportSummary:
    category: str
    occurred_at: datetime.datetime
    district: str
    description: str


def report_summary(public_id: str) -> ReportSummary | None:
    """What the unit sees of the report a request came from, whatever its moderation status."""
    if not public_id:
        return None
    report = Report.objects.select_related("category", "area").filter(public_id=public_id).first()
    if report is None:
        return None
    return ReportSummary(
        category=str(report.category.name),
        occurred_at=report.occurred_at,
        district=str(report.area.name) if report.area else "",
        description=report.description,
    )
