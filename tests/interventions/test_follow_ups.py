"""A citizen follows a problem they reported to the intervention it led to: the report's page
says what came of it (through the reader the interventions register with the reports), and
shows only the interventions each reader may read."""

from datetime import date

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.areas.models import Area
from curim.reports.models import Category, Report
from curim.reports.services.submission import ReportDraft, report_submit
from curim.reports.services.workflow import report_transition
from interventions.models import Intervention, InterventionStatus
from interventions.services.interventions import intervention_save
from tests.factories import user_with_role

pytestmark = pytest.mark.usefixtures("piraeus")


def report_published(reporter: User) -> Report:
    draft = ReportDraft(
        category=Category.objects.get(slug="graffiti"),
        description="The playground's fence is broken",
        occurred_at=timezone.now(),
        severity=3,
        feeling_unsafe=3,
        location=Point(23.6465, 37.9425, srid=4326),
        cyber_channel="",
        contact_email="",
    )
    report, _ = report_submit(draft=draft, reporter=reporter, client_address="192.0.2.44")
    moderator = user_with_role(Role.MODERATOR, email="moderator@example.org")
    report_transition(report=report, to_status="published", actor=moderator)
    report.refresh_from_db()
    return report


def intervention_for(report: Report, by: User, *, status: str, title: str) -> Intervention:
    intervention = Intervention(
        title_en=title,
        kind="playground",
        status=status,
        organisation="Municipality of Piraeus",
        area=Area.objects.get(code="piraeus-5"),
        geometry=Point(23.6465, 37.9425, srid=4326),
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 6, 30),
    )
    return intervention_save(intervention=intervention, by=by, report_ids=[report.pk])


def test_the_report_page_leads_to_the_interventions_it_motivated(db: None) -> None:
    reporter = user_with_role(Role.CITIZEN, email="reporter@example.org")
    analyst = user_with_role(Role.ANALYST, email="analyst@example.org")
    report = report_published(reporter)
    done = intervention_for(
        report, analyst, status=InterventionStatus.COMPLETED, title="The playground renovated"
    )
    planned = intervention_for(
        report, analyst, status=InterventionStatus.PLANNED, title="A plan not yet public"
    )
    client = Client()
    client.force_login(reporter)
    page = client.get(f"/reports/{report.public_id}/").content.decode()
    assert "What came of it" in page
    assert f"/interventions/{done.reference}/" in page
    assert "The playground renovated" in page
    # A planned intervention not marked public stays with the council.
    assert planned.reference not in page
    assert "A plan not yet public" not in page
    member = user_with_role(Role.COUNCIL_MEMBER, email="member@example.org")
    client.force_login(member)
    assert planned.reference in client.get(f"/reports/{report.public_id}/").content.decode()


def test_a_report_that_led_nowhere_says_nothing_of_it(db: None) -> None:
    reporter = user_with_role(Role.CITIZEN, email="reporter@example.org")
    report = report_published(reporter)
    page = Client().get(f"/reports/{report.public_id}/").content.decode()
    assert "What came of it" not in page
