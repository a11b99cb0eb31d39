"""The analyst's run in a real browser, on a phone-sized screen: import a police file (check it,
see a bad row named, import it), then run the analysis on it and see its result stored."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from curim.accounts.roles import Role
from curim.analytics.models import AnalysisRun, IncidentImport, IncidentSource, OfficialIncident
from curim.analytics.services.category_mapping import category_mappings_set
from curim.analytics.services.nightly import hotspots_nightly
from curim.areas.demo import DEMO_AREAS
from curim.areas.services import areas_load_file
from curim.reports.models import Category
from tests.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Ten days ago: inside the night's one-year window whenever the test runs.
DAY = (timezone.localdate() - timedelta(days=10)).isoformat()
GOOD = (
    "id,x,y,crs,occurred_at,category\n"
    f"P-1,23.6465,37.9425,EPSG:4326,{DAY}T10:00,ΚΛΟΠΗ\n"
    f"P-2,468900.0,4199300.0,EPSG:2100,{DAY}T22:30,ΚΛΟΠΗ\n"
)


def _sign_in(page: Page, live_server: LiveServer) -> None:
    client = Client()
    client.force_login(user_with_role(Role.ANALYST, email="analyst@example.org"))
    name = settings.SESSION_COOKIE_NAME
    page.context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": live_server.url}]
    )


def test_an_analyst_imports_a_police_file_and_the_night_analyses_it(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    areas_load_file(path=DEMO_AREAS)
    source = IncidentSource.objects.create(
        slug="police", name_en="Piraeus police", name_el="Αστυνομία Πειραιά"
    )
    category_mappings_set(source=source, mappings={"ΚΛΟΠΗ": Category.objects.get(slug="theft")})
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, live_server)
    page.goto(live_server.url + "/analytics/incidents/import/")
    assert page.get_by_text("ΚΛΟΠΗ").is_visible()  # the source's mapping is shown

    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + f"P-3,23.6465,37.9425,EPSG:4326,{DAY}T22:30,ΑΓΝΩΣΤΟ\n", "utf-8")
    page.get_by_label("File").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.locator("#import-errors").get_by_text("ΑΓΝΩΣΤΟ").is_visible()
    assert OfficialIncident.objects.count() == 0

    good = tmp_path / "police.csv"
    good.write_text(GOOD, "utf-8")
    page.get_by_label("File").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("nothing is stored yet").wait_for()
    assert OfficialIncident.objects.count() == 0
    page.get_by_label("File").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    page.get_by_text("The file is imported.").wait_for()
    assert OfficialIncident.objects.count() == 2
    assert IncidentImport.objects.get().created_count == 2
    assert page.get_by_text("police.csv").is_visible()  # in the recent imports
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    hotspots_nightly()
    council = AnalysisRun.objects.get(
        kind="hotspots", audience="council", parameters__time_of_day="all"
    )
    assert council.sources == "both"
    assert council.summary["events"] == 2  # the two incidents just imported
    public = AnalysisRun.objects.get(kind="hotspots", audience="public")
    assert public.summary["events"] == 0  # never an official incident
