"""An analyst's day in a real browser, on a phone-sized screen, with a real Celery worker:
the night's analyses are stored; the analyst imports a police file on
/analytics/incidents/import/, presses "Run now" on /analytics/, sees that the analyses are
queued, and, reloading, sees the council's hotspots counting the incidents just imported and
the time they were computed. axe finds no serious problem on the page with its button."""

import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from curim.accounts.roles import Role
from curim.analytics.models import AnalysisRun, IncidentSource
from curim.analytics.services.category_mapping import category_mappings_set
from curim.analytics.services.nightly import analytics_nightly
from curim.areas.demo import DEMO_AREAS
from curim.areas.services import areas_load_file
from curim.reports.models import Category
from tests.e2e.test_accessibility import problems_on
from tests.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DAY = (timezone.localdate() - timedelta(days=10)).isoformat()
POLICE_FILE = (
    "id,x,y,crs,occurred_at,category\n"
    f"P-1,23.6465,37.9425,EPSG:4326,{DAY}T10:00,ΚΛΟΠΗ\n"
    f"P-2,23.6466,37.9426,EPSG:4326,{DAY}T22:30,ΚΛΟΠΗ\n"
    f"P-3,23.6467,37.9424,EPSG:4326,{DAY}T23:30,ΚΛΟΠΗ\n"
)


def _sign_in(page: Page, live_server: LiveServer) -> None:
    client = Client()
    client.force_login(user_with_role(Role.ANALYST, email="analyst@example.org"))
    name = settings.SESSION_COOKIE_NAME
    page.context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": live_server.url}]
    )


def test_an_analyst_imports_a_file_runs_the_analyses_now_and_sees_them(
    celery_worker: str, page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    areas_load_file(path=DEMO_AREAS)
    source = IncidentSource.objects.create(
        slug="police", name_en="Piraeus police", name_el="Αστυνομία Πειραιά"
    )
    category_mappings_set(source=source, mappings={"ΚΛΟΠΗ": Category.objects.get(slug="theft")})
    night = analytics_nightly()  # last night's analyses: nothing counted yet
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, live_server)
    page.goto(live_server.url + "/analytics/")
    assert page.get_by_text("0 reports and incidents").first.is_visible()

    police = tmp_path / "police.csv"
    police.write_text(POLICE_FILE, "utf-8")
    page.goto(live_server.url + "/analytics/incidents/import/")
    page.get_by_label("File").set_input_files(str(police))
    page.get_by_role("button", name="Import").click()
    page.get_by_text("The file is imported.").wait_for()

    page.goto(live_server.url + "/analytics/")
    page.get_by_role("button", name="Run now").click()
    page.get_by_text("The analyses are queued").wait_for()
    assert page.locator("#run-now-pending").is_visible()
    assert problems_on(page, phone=True) == []
    # The worker computes the runs whose data changed; reload until it has finished.
    deadline = time.monotonic() + 300
    while page.locator("#run-now-pending").count() and time.monotonic() < deadline:
        time.sleep(1)
        page.reload()
    assert page.locator("#run-now-pending").count() == 0
    council = page.locator("section", has=page.get_by_role("heading", name="Hot cells, all day"))
    assert council.get_by_text("3 reports and incidents").is_visible()
    renewed = AnalysisRun.objects.exclude(pk__in=[run.pk for run in night])
    assert set(renewed.values_list("audience", flat=True)) == {"council"}
    latest = page.get_by_role("table", name="The latest analyses")
    assert latest.get_by_role("row").count() == 1 + len(night)
