"""Fixtures of the interventions' tests: the demo districts, reports public and private, and
interventions recorded through the services."""

import datetime
from typing import Any

import pytest
from django.contrib.gis.geos import GEOSGeometry, Point
from django.test import Client

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.areas.models import Area
from curim.reports.models import Category, Report
from curim.reports.services.submission import ReportDraft, report_submit
from curim.reports.services.workflow import report_transition
from interventions.models import Intervention, InterventionKind, InterventionStatus
from interventions.services.interventions import intervention_save, intervention_status_advance
from tests.factories import user_with_role

PRIVATE_TEXT = "PRIVATE-REPORT-TEXT-7f3a"
PUBLIC_TEXT = "Broken lights by the playground"


def report_made(*, slug: str, description: str, status: str = "published") -> Report:
    draft = ReportDraft(
        category=Category.objects.get(slug=slug),
        description=description,
        occurred_at=datetime.datetime(2026, 3, 1, 21, 0, tzinfo=datetime.UTC),
        severity=3,
        feeling_unsafe=3,
        location=Point(23.6465, 37.9425, srid=4326),
    )
    report, _created = report_submit(draft=draft, reporter=None, client_address="192.0.2.1")
    if status != "submitted":
        report_transition(
            report=report, to_status=status, actor=user_with_role(Role.MODERATOR), note="Seen."
        )
    return report


def intervention_made(
    *, by: User, status: str = InterventionStatus.PLANNED, public: bool = False, **fields: Any
) -> Intervention:
    values: dict[str, Any] = {
        "title_en": "Playground renovation",
        "title_el": "Ανακαίνιση παιδικής χαράς",
        "kind": InterventionKind.PLAYGROUND,
        "organisation": "Municipality of Piraeus",
        "area": Area.objects.filter(level=Area.Level.DISTRICT).order_by("code").first(),
        "geometry": GEOSGeometry("POINT (23.6465 37.9425)", srid=4326),
        "starts_on": datetime.date(2026, 1, 10),
        "ends_on": datetime.date(2026, 4, 30),
        "public": public,
        **fields,
    }
    intervention = intervention_save(intervention=Intervention(**values), by=by)
    order = [InterventionStatus.IN_PROGRESS, InterventionStatus.COMPLETED]
    for step in order[: {"planned": 0, "in_progress": 1, "completed": 2}[status]]:
        intervention = intervention_status_advance(intervention=intervention, to=step)
    return intervention


@pytest.fixture
def analyst(db: None) -> User:
    return user_with_role(Role.ANALYST, email="analyst@example.org")


@pytest.fixture
def secretary(db: None) -> User:
    return user_with_role(Role.COUNCIL_SECRETARY, email="secretary@example.org")


@pytest.fixture
def member(db: None) -> User:
    return user_with_role(Role.COUNCIL_MEMBER, email="member@example.org")


@pytest.fixture
def analyst_client(client: Client, analyst: User) -> Client:
    client.force_login(analyst)
    return client


@pytest.fixture
def district(piraeus: None) -> Area:
    found = Area.objects.filter(level=Area.Level.DISTRICT).order_by("code").first()
    assert found is not None
    return found
