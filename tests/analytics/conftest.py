"""Reports for the analytics tests come from the reports' own fixtures."""

from tests.reports.conftest import make_report, moderator

__all__ = ["make_report", "moderator"]
