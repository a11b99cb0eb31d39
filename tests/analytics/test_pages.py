"""The analytics page (/analytics/): the council's hotspot map with its legend, data dates,
sources and a table of the hot cells, for the council's figure readers; a 404 for everybody
else; in the navigation of those who open it. The public risk map has a hotspot toggle."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from curim.accounts.roles import Role
from curim.analytics.legend import EMERGING_CATEGORIES, HOTSPOT_CLASSES
from curim.analytics.models import AnalysisRun, CellResult, RunAudience
from curim.analytics.services.nightly import hotspots_nightly
from curim.reports.models import Report
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

URL = "/analytics/"
HOT = (23.6465, 37.9425)
READERS = [Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY, Role.ANALYST, Role.ADMIN]
OTHERS = [Role.CITIZEN, Role.MODERATOR, Role.VSU_STAFF, Role.VSU_SUPERVISOR]


@pytest.fixture
def nightly(make_report: Callable[..., Report]) -> list[AnalysisRun]:
    when = timezone.now() - timedelta(days=3)
    for offset in range(6):
        make_report(at=(HOT[0] + offset * 2e-4, HOT[1]), occurred_at=when)
    make_report(at=(23.6300, 37.9500), occurred_at=when)
    return hotspots_nightly(today=timezone.localdate() + timedelta(days=1))


def _as(client: Client, role: Role) -> Client:
    client.force_login(user_with_role(role, email=f"{role.value}-page@example.org"))
    return client


@pytest.mark.parametrize("role", READERS)
def test_the_page_shows_the_council_s_map_to_its_figure_readers(
    nightly: list[AnalysisRun], client: Client, role: Role
) -> None:
    response = _as(client, role).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="hotspot-map"' in html
    assert 'data-layer="/api/v1/analytics/hotspots/?audience=council"' in html
    assert "citizen reports and official incidents" in html
    assert 'href="#method"' in html
    assert 'id="method"' in html
    # In the navigation.
    assert re.search(r'href="/analytics/"[^>]*>(<strong[^>]*>)?Hotspots', html)


@pytest.mark.parametrize("role", OTHERS)
def test_the_page_is_a_404_to_everybody_else(
    nightly: list[AnalysisRun], client: Client, role: Role
) -> None:
    assert _as(client, role).get(URL).status_code == 404
    # Not in their navigation either.
    assert 'href="/analytics/"' not in client.get("/").content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_legend_names_every_class_in_plain_words_as_the_tables_do(
    nightly: list[AnalysisRun], client: Client
) -> None:
    html = _as(client, Role.ANALYST).get(URL).content.decode()
    # The hotspot legend's items, then the emerging hotspot legend's (its own list).
    for css, classes in (
        ("hotspot-legend", HOTSPOT_CLASSES),
        ("emerging-legend", EMERGING_CATEGORIES),
    ):
        legend = re.search(rf'<ul class="legend-list {css}">(.*?)</ul>', html, re.S)
        assert legend is not None
        items = re.findall(r'<li data-class="([\w-]+)">.*?</span>\s*(.*?)</li>', legend[1], re.S)
        assert [(value, str(label)) for value, label in classes] == [
            (value, label.strip()) for value, label in items
        ]
    assert "Many more reports than expected nearby (99% confidence)" in html


def test_the_tables_list_the_council_run_s_hot_cells_with_their_figures(
    nightly: list[AnalysisRun], client: Client
) -> None:
    html = _as(client, Role.COUNCIL_MEMBER).get(URL).content.decode()
    council = [run for run in nightly if run.audience == RunAudience.COUNCIL]
    assert len(council) == 2
    # The hot cells' tables (the page also lists when each analysis was computed).
    tables = [t for t in re.findall(r"<table.*?</table>", html, re.S) if "Cells with more" in t]
    assert len(tables) == sum(
        1 for run in council if CellResult.objects.filter(run=run, label__startswith="hot")
    )
    run = next(run for run in council if run.parameters["time_of_day"] == "all")
    hot = CellResult.objects.filter(run=run, label__startswith="hot").order_by("-z")
    assert hot.exists()
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', tables[0], re.S)[1:]
    assert len(rows) == hot.count()
    first = re.findall(r">([^<>]+)</t[dh]>", rows[0])
    top = hot[0]
    assert first[:4] == [top.cell.code, str(top.count), f"{top.z:.2f}", f"{top.p:.4f}"]
    assert first[4] == dict(HOTSPOT_CLASSES)[top.label]


def test_data_dates_and_numbers_are_in_the_locale_s_format(
    nightly: list[AnalysisRun], client: Client
) -> None:
    client = _as(client, Role.ANALYST)
    run = next(
        r for r in nightly if r.audience == "council" and r.parameters["time_of_day"] == "all"
    )
    first = timezone.localtime(run.data_from).date()
    last = timezone.localdate()  # data up to tomorrow's midnight, exclusive
    english = client.get(URL).content.decode()
    assert f"From {first.day} {first:%b} {first.year} to {last.day} {last:%b} {last.year}" in (
        english
    )
    with translation.override("el"):
        greek = client.get(URL, headers={"accept-language": "el"}).content.decode()
    assert f"{first.day}/{first.month}/{first.year}" in greek
    top = CellResult.objects.filter(run=run, label__startswith="hot").order_by("-z")[0]
    assert f"{top.z:.2f}".replace(".", ",") in greek


def test_without_a_run_the_page_says_so(piraeus: None, client: Client) -> None:
    html = _as(client, Role.ANALYST).get(URL).content.decode()
    assert "No hotspot analysis has been run yet." in html
    assert 'id="hotspot-map"' not in html


def test_the_public_risk_map_has_a_hotspot_toggle_off_by_default(client: Client) -> None:
    html = client.get("/map/").content.decode()
    toggle = re.search(r'<input[^>]*id="filter-hotspots"[^>]*>', html)
    assert toggle is not None
    assert "checked" not in toggle.group(0)
    assert 'data-hotspots="/api/v1/analytics/hotspots/?audience=public"' in html
    assert re.search(r'<div id="legend-hotspots" hidden>', html)
    assert "Many more reports than expected nearby (99% confidence)" in html


def test_the_page_s_queries_do_not_grow_with_its_hot_cells(
    nightly: list[AnalysisRun], make_report: Callable[..., Report], client: Client
) -> None:
    client = _as(client, Role.ANALYST)

    def queries_and_hot_cells() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            html = client.get(URL).content.decode()
        return len(captured.captured_queries), html.count('<tr class="govuk-table__row">')

    before, rows_before = queries_and_hot_cells()
    when = timezone.now() - timedelta(days=3)
    for offset in range(8):  # a second cluster, far from the first
        make_report(at=(23.6280 + offset * 2e-4, 37.9500), occurred_at=when)
    hotspots_nightly(today=timezone.localdate() + timedelta(days=2))
    after, rows_after = queries_and_hot_cells()
    assert rows_after > rows_before
    assert after == before


def test_the_page_says_when_each_analysis_was_computed(
    nightly: list[AnalysisRun], client: Client
) -> None:
    html = _as(client, Role.COUNCIL_MEMBER).get(URL).content.decode()
    table = next(t for t in re.findall(r"<table.*?</table>", html, re.S) if "latest analyses" in t)
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', table, re.S)[1:]
    # The public's all-day hotspots, the council's all day and at night.
    assert len(rows) == len(nightly) == 3
    computed = timezone.localtime(nightly[0].computed_at)
    assert computed.strftime("%-d %b %Y") in rows[0]
