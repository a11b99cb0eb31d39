"""The council dashboard's analytics panels (curim/analytics/selectors/panels.py): each against
runs written here (the latest council run of each kind is read, never a public one nor an older
one), the district filter, "no analysis yet", each CSV equal to its table, a constant number of
queries, nobody but the council's figure readers, and the stored runs of the real services read
as they are written."""

import csv
import io
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from councils.models import Council
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.analytics.local_time import local_midnight
from curim.analytics.models import AnalysisRun, CellResult, Grid, RunAudience, RunKind, Sources
from curim.analytics.selectors.panels import NO_PANELS, council_analytics_panels
from curim.analytics.services.grid import grid_lay_out
from curim.analytics.services.nightly import analytics_nightly
from curim.areas.models import Area
from curim.reports.models import Category, Report
from tests.councils.factories import council_create, member_create
from tests.factories import user_with_role

pytestmark = pytest.mark.usefixtures("piraeus")

URL = "/council/dashboard/"
PANEL_CSVS = ("hot-cells", "risk-areas", "cyber-alerts", "forecasts")
END = local_midnight(date(2026, 11, 30))
_serial = iter(range(10**6))


@pytest.fixture
def council() -> Council:
    return council_create()


@pytest.fixture
def member(council: Council) -> User:
    return member_create(council).person


@pytest.fixture
def member_client(client: Client, member: User) -> Client:
    client.force_login(member)
    return client


@pytest.fixture
def grid() -> Grid:
    return grid_lay_out(municipality=Area.objects.get(code="piraeus"))


def _run(
    kind: RunKind,
    *,
    audience: RunAudience = RunAudience.COUNCIL,
    grid: Grid | None = None,
    parameters: dict[str, Any] | None = None,
    summary: dict[str, Any] | None = None,
    end: datetime = END,
) -> AnalysisRun:
    return AnalysisRun.objects.create(
        kind=kind,
        audience=audience,
        sources=Sources.BOTH if audience == RunAudience.COUNCIL else Sources.REPORTS,
        grid=grid,
        # As the nightly stores it: the pages and panels read the nightly's runs only.
        parameters={"nightly": True, **(parameters or {})},
        data_from=end - timedelta(days=365),
        data_up_to=end,
        fingerprint=f"{next(_serial):064d}",
        summary=summary or {},
    )


def _hotspots(grid: Grid, time_of_day: str, labels: list[str], **kwargs: Any) -> AnalysisRun:
    """A hotspot run whose first cells (by index) carry these labels, the rest `none`."""
    run = _run(
        RunKind.HOTSPOTS,
        grid=grid,
        parameters={"time_of_day": time_of_day, "groups": [], **kwargs.pop("parameters", {})},
        **kwargs,
    )
    cells = list(grid.cells.order_by("index"))
    CellResult.objects.bulk_create(
        CellResult(run=run, cell=cell, count=1, label=labels[k] if k < len(labels) else "none")
        for k, cell in enumerate(cells)
    )
    return run


def _risk_row(code: str, index: float | None, incidents: int = 3) -> dict[str, Any]:
    return {
        "area": code,
        "name": code,
        "index": index,
        "incidents": incidents,
        "likelihood": 1.5,
        "likelihood_basis": "per 1,000 residents",
        "likelihood_score": 40.0,
        "impact": 2.0,
        "impact_score": 50.0,
        "perception": None,
        "perception_score": None,
        "weights_used": {"likelihood": 0.5, "impact": 0.5},
        "rank": 1,
    }


def _cyber_summary(weeks: int = 12) -> dict[str, Any]:
    starts = [(END - timedelta(weeks=weeks - k)).date() for k in range(weeks)]

    def alert(week: date, count: int) -> dict[str, Any]:
        return {
            "week": week.isoformat(),
            "count": count,
            "p": 0.001,
            "baseline_mean": 1.25,
            "distribution": "poisson",
        }

    return {
        "weeks": [w.isoformat() for w in starts],
        "series": [
            {
                "kind": "phishing",
                "channel": "email",
                "alerts": [alert(starts[0], 9), alert(starts[-1], 7)],  # the first too old
            },
            {"kind": "phishing", "channel": "", "alerts": [alert(starts[-3], 5)]},
        ],
    }


def _forecast_entry(district: str, group: str, *, pooled: list[str] | None = None) -> Any:
    weeks = [(END.date() + timedelta(weeks=k)).isoformat() for k in range(8)]
    return {
        "district": district,
        "group": group,
        "pooled_districts": pooled or [],
        "chosen_model": "exponential_smoothing",
        "forecast": {
            "week_starts": weeks,
            "mean": [1.0, 2.0, 3.0, 4.0, 100.0, 100.0, 100.0, 100.0],
            "lower_80": [0.0, 1.0, 1.0, 2.0, 50.0, 50.0, 50.0, 50.0],
            "upper_80": [2.0, 3.0, 5.0, 6.0, 150.0, 150.0, 150.0, 150.0],
            "lower_95": [0.0] * 8,
            "upper_95": [9.0] * 8,
        },
    }


def _all_runs(grid: Grid) -> None:
    older = END - timedelta(days=7)
    _hotspots(grid, "all", ["hot-99", "hot-99", "hot-99"], end=older)  # an older run: not read
    _hotspots(grid, "all", ["hot-99", "hot-95", "hot-90", "hot-90", "cold-95"])
    _hotspots(grid, "night", ["hot-95", "none", "hot-95"])
    _hotspots(grid, "all", ["hot-99"] * 20, audience=RunAudience.PUBLIC)  # never read
    districts = ["piraeus-1", "piraeus-2", "piraeus-3", "piraeus-4", "piraeus-5"]
    _run(
        RunKind.RISK_INDEX,
        grid=grid,
        summary={
            "districts": [
                _risk_row(code, index)
                for code, index in zip(districts, [40.0, 90.0, None, 10.0, 70.0], strict=True)
            ],
            "neighbourhoods": [],
        },
    )
    _run(RunKind.CYBER, summary=_cyber_summary())
    _run(
        RunKind.FORECAST,
        grid=grid,
        summary={
            "series": [
                _forecast_entry("piraeus-1", "crime"),
                _forecast_entry("other districts", "crime", pooled=["piraeus-2", "piraeus-3"]),
                {
                    "district": "piraeus-4",
                    "group": "cyber",
                    "pooled_districts": [],
                    "forecast": None,
                    "not_forecast": "too sparse",
                },
            ]
        },
    )


def _csv(client: Client, figure: str, query: dict[str, str]) -> list[list[str]]:
    response = client.get(f"/council/dashboard/{figure}.csv", query)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_without_runs_each_panel_says_no_analysis_yet(member_client: Client) -> None:
    response = member_client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count("No analysis yet.") == 4
    assert response.content.decode().count('href="/analytics/">Open the analytics</a>') == 4
    for figure in PANEL_CSVS:
        assert len(_csv(member_client, figure, {})) == 1  # the header alone


def test_the_latest_council_runs_are_read(member_client: Client, grid: Grid) -> None:
    _all_runs(grid)
    response = member_client.get(URL)
    assert response.status_code == 200
    assert "No analysis yet." not in response.content.decode()
    tables = response.context["tables"]

    hot = tables["hot_cells"].rows
    assert [row[2:] for row in hot] == [[4, 1, 1, 2], [2, 0, 2, 0]]  # all day; at night
    assert hot[0][1] == "2025-11-30 to 2026-11-29"

    risk = tables["risk_areas"].rows
    # The districts with an index, highest first; the one without none is left out.
    assert [row[0] for row in risk] == [1, 2, 3, 4]
    assert [row[2] for row in risk] == ["90.0", "70.0", "40.0", "10.0"]
    assert risk[0][1].startswith(Area.objects.get(code="piraeus-2").name_en)
    assert risk[0][3:6] == ["40.0", "50.0", "—"]
    assert risk[0][7] == "0.50 / 0.50 / —"

    cyber = tables["cyber_alerts"].rows
    # The last 8 weeks' alerts, newest first: the one 12 weeks ago is left out.
    assert [(row[0], row[2], row[3]) for row in cyber] == [
        ("2026-11-23", "E-mail", 7),
        ("2026-11-09", "—", 5),
    ]

    forecasts = {row[0]: row for row in tables["forecasts"].rows}
    first = forecasts[Area.objects.get(code="piraeus-1").name_en]
    assert first[2] == "2026-11-30 to 2026-12-21"
    assert first[3] == "10.0"  # 1 + 2 + 3 + 4: the 5th week on is not summed
    assert first[4] == "4.0 – 16.0"
    assert first[5] == "Exponential smoothing"
    pooled = next(row for name, row in forecasts.items() if "piraeus-2" in name)
    assert pooled[3] == "10.0"
    sparse = forecasts[Area.objects.get(code="piraeus-4").name_en]
    assert sparse[3] == "not forecast (too few)"


def test_an_analyst_s_other_run_does_not_replace_the_night_s_panel(
    member_client: Client, grid: Grid
) -> None:
    _all_runs(grid)
    # Later, over other parameters (not the nightly's): the panels keep the night's run.
    _hotspots(
        grid,
        "all",
        ["hot-99"] * 9,
        parameters={"nightly": False},
        end=END + timedelta(days=7),
    )
    hot = member_client.get(URL).context["tables"]["hot_cells"].rows
    assert [row[2:] for row in hot] == [[4, 1, 1, 2], [2, 0, 2, 0]]


def test_a_district_narrows_the_panels_that_have_a_place(member_client: Client, grid: Grid) -> None:
    _all_runs(grid)
    first_cells = list(grid.cells.order_by("index")[:5].values_list("district__code", flat=True))
    district = first_cells[0]
    assert district is not None
    response = member_client.get(URL, {"district": district})
    tables = response.context["tables"]
    labels = ["hot-99", "hot-95", "hot-90", "hot-90", "cold-95"]
    expected = sum(
        1
        for code, label in zip(first_cells, labels, strict=True)
        if code == district and label.startswith("hot")
    )
    assert tables["hot_cells"].rows[0][2] == expected
    assert [row[1] for row in tables["risk_areas"].csv[1:]] == [district]
    assert len(tables["cyber_alerts"].rows) == 2  # no place: not narrowed
    places = {row[0] for row in tables["forecasts"].csv[1:]}
    expect = {"piraeus-1"} if district == "piraeus-1" else set()
    if district in ("piraeus-2", "piraeus-3"):
        expect = {"other districts"}
    if district == "piraeus-4":
        expect = {"piraeus-4"}
    assert places == expect


def test_the_top_areas_are_the_districts_neighbourhoods(member_client: Client, grid: Grid) -> None:
    district = Area.objects.get(code="piraeus-1")
    for k in range(7):
        Area.objects.create(
            code=f"piraeus-1-{k}",
            level=Area.Level.NEIGHBOURHOOD,
            parent=district,
            name_en=f"Quarter {k}",
            name_el=f"Συνοικία {k}",
            geometry=district.geometry,
        )
    elsewhere = _risk_row("piraeus-2", 99.0)
    _run(
        RunKind.RISK_INDEX,
        grid=grid,
        summary={
            "districts": [_risk_row("piraeus-1", 50.0), elsewhere],
            "neighbourhoods": [_risk_row(f"piraeus-1-{k}", 10.0 * k) for k in range(7)],
        },
    )
    rows = member_client.get(URL, {"district": "piraeus-1"}).context["tables"]["risk_areas"].csv
    assert [row[1] for row in rows[1:]] == [f"piraeus-1-{k}" for k in (6, 5, 4, 3, 2)]
    assert {row[2] for row in rows[1:]} == {"neighbourhood"}
    greek = member_client.get(URL, {"district": "piraeus-1"}, HTTP_ACCEPT_LANGUAGE="el")
    assert greek.context["tables"]["risk_areas"].rows[0][1].startswith("Συνοικία 6")


def test_each_panel_csv_equals_its_table(member_client: Client, grid: Grid) -> None:
    _all_runs(grid)
    tables = member_client.get(URL).context["tables"]
    for figure in PANEL_CSVS:
        name = figure.replace("-", "_")
        lines = _csv(member_client, figure, {})
        assert lines == [[str(cell) for cell in row] for row in tables[name].csv]
        assert len(lines) - 1 == len(tables[name].rows)
    hot = _csv(member_client, "hot-cells", {})
    assert hot[1] == ["all", "2025-11-30", "2026-11-29", "4", "1", "1", "2"]
    forecasts = _csv(member_client, "forecasts", {})
    assert forecasts[1][5:8] == ["10.0", "4.0", "16.0"]


def test_the_number_of_queries_does_not_grow_with_runs_cells_or_series(
    member_client: Client,
    member: User,
    grid: Grid,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert member_client.get(URL).status_code == 200
        return len(captured)

    _all_runs(grid)
    queries()  # the first reading of a completed year's unit statistics stores them
    few = queries()
    with django_assert_max_num_queries(4):
        council_analytics_panels(member, district="piraeus-1")
    _all_runs(grid)  # as many again, later computed
    _run(
        RunKind.FORECAST,
        grid=grid,
        summary={"series": [_forecast_entry(f"piraeus-{k}", "crime") for k in range(1, 6)] * 3},
    )
    _run(RunKind.CYBER, summary={**_cyber_summary(), "series": _cyber_summary()["series"] * 5})
    assert queries() == few
    with django_assert_max_num_queries(4):
        council_analytics_panels(member, district="piraeus-1")


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.MODERATOR, Role.VSU_SUPERVISOR])
def test_nobody_else_reads_the_panels(role: Role, grid: Grid) -> None:
    _all_runs(grid)
    assert council_analytics_panels(user_with_role(role)) == NO_PANELS


def test_the_services_runs_are_read_as_they_are_written(member_client: Client, grid: Grid) -> None:
    now = timezone.now()
    district = Area.objects.get(code="piraeus-1")
    point = district.geometry.point_on_surface
    theft, phishing = Category.objects.get(slug="theft"), Category.objects.get(slug="phishing")
    Report.objects.bulk_create(
        Report(
            category=category,
            description="For the analytics panels",
            occurred_at=now - timedelta(days=3 + 7 * k),
            severity=3,
            feeling_unsafe=3,
            status="published",
            area=district if located else None,
            location=point if located else None,
            public_location=point if located else None,
            cyber_channel="" if located else "email",
        )
        for category, located, n in ((theft, True, 6), (phishing, False, 4))
        for k in range(n)
    )
    # The night's runs, as the beat schedule computes them (the panels read those only).
    analytics_nightly()
    response = member_client.get(URL)
    assert response.status_code == 200
    panels = response.context["panels"]
    assert [h.time_of_day for h in panels.hot_cells] == ["all", "night"]
    assert panels.risk is not None
    assert panels.risk.areas
    assert sum(a.incidents for a in panels.risk.areas) == 6
    assert panels.cyber is not None
    assert panels.forecast is not None
    assert panels.forecast.rows
    for figure in PANEL_CSVS:
        assert len(_csv(member_client, figure, {})) >= 1
