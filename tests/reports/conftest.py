"""Fixtures for reports: the demo map of Piraeus, a moderator, and ready-made reports."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.reports.models import Category, Report
from curim.reports.services.submission import ReportDraft, report_submit
from curim.reports.services.workflow import report_transition
from tests.factories import user_with_role

# A point in the 1st municipal community of the demo map, and one in the 3rd.
CENTRE = (23.6465, 37.9425)
FALIRO = (23.6690, 37.9480)


@pytest.fixture
def moderator(db: None) -> User:
    return user_with_role(Role.MODERATOR, email="moderator@example.org")


def report_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "category": "graffiti",
        "description": "Tags sprayed on the school wall",
        "latitude": CENTRE[1],
        "longitude": CENTRE[0],
        "severity": 2,
        "feeling_unsafe": 3,
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


@pytest.fixture
def make_report(piraeus: None, moderator: User) -> Callable[..., Report]:
    def make(
        category: str = "graffiti",
        at: tuple[float, float] | None = CENTRE,
        status: str = "published",
        **fields: Any,
    ) -> Report:
        draft = ReportDraft(
            category=Category.objects.get(slug=category),
            description=fields.pop("description", "Something worth reporting"),
            occurred_at=fields.pop("occurred_at", timezone.now()),
            severity=3,
            feeling_unsafe=3,
            location=Point(*at, srid=4326) if at else None,
            cyber_channel=fields.pop("cyber_channel", ""),
            contact_email=fields.pop("contact_email", ""),
        )
        report, _ = report_submit(
            draft=draft,
            reporter=fields.pop("reporter", None),
            client_address=fields.pop("client_address", "192.0.2.44"),
        )
        if status != "submitted":
            report_transition(report=report, to_status=status, actor=moderator)
        report.refresh_from_db()
        return report

    return make


def connections_recorded(monkeypatch: pytest.MonkeyPatch, module: Any) -> list[str]:
    """Give `module` a `connections` that records each alias asked for and answers with the
    test database, which stands in for a replica; the list fills as the code under test asks."""
    from django.db import connections

    asked: list[str] = []

    class Recording:
        def __getitem__(self, alias: str) -> Any:
            asked.append(alias)
            return connections["default"]

    monkeypatch.setattr(module, "connections", Recording())
    return asked
