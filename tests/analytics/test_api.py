"""The analytics API: the latest stored hotspot run as `cells.geojson` plus its `meta`; the
public layer counts public reports only; the council's layer only for the council's figure
readers; a 404 without a run; the cells in a number of queries that does not grow with them."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from curim.accounts.roles import Role
from curim.analytics.models import (
    AnalysisRun,
    OfficialIncident,
    RunAudience,
    RunKind,
    Sources,
)
from curim.analytics.outputs import cells_feature_collection
from curim.analytics.selectors.runs import hotspot_cells_geojson, latest_run
from curim.analytics.services.grid import grid_lay_out
from curim.analytics.services.hotspot_runs import hotspots_compute, hotspots_run
from curim.analytics.services.nightly import hotspots_nightly
from curim.analytics.specs import HotspotSpec
from curim.areas.models import Area
from curim.reports.models import Category, Report
from tests.analytics.factories import official_incident_create
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

URL = "/api/v1/analytics/hotspots/"
RUNS_URL = "/api/v1/analytics/runs/"
CONTRACT = {"cell", "x", "y", "count", "z", "p", "p_fdr", "class"}
HOT = (23.6465, 37.9425)
QUIET = (23.6300, 37.9500)
PUBLIC_REPORTS = 4
PRIVATE_REPORTS = 2
INCIDENTS = 3


def _incident(at: tuple[float, float], when: datetime) -> OfficialIncident:
    return official_incident_create(
        category=Category.objects.get(slug="graffiti"), at=at, when=when
    )


@pytest.fixture
def nightly(make_report: Callable[..., Report]) -> list[AnalysisRun]:
    """Public reports, private ones (moderated, in a category never public), one waiting for
    moderation, and official incidents; then the night's four runs over them."""
    private = Category.objects.filter(may_be_public=False).first()
    assert private is not None
    when = timezone.now() - timedelta(days=2)
    for offset in range(PUBLIC_REPORTS):
        make_report(at=(HOT[0] + offset * 1e-4, HOT[1]), occurred_at=when)
    for _ in range(PRIVATE_REPORTS):
        make_report(category=private.slug, at=HOT, occurred_at=when)
    make_report(status="submitted", at=HOT, occurred_at=when)  # nobody counts it
    for _ in range(INCIDENTS):
        _incident(QUIET, when)
    return hotspots_nightly(today=timezone.localdate() + timedelta(days=1))


def _layer(client: Client, **query: str) -> dict[str, Any]:
    response = client.get(URL, query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    body: dict[str, Any] = response.json()
    return body


def _total(layer: dict[str, Any]) -> int:
    return sum(feature["properties"]["count"] for feature in layer["features"])


def test_the_public_layer_has_exactly_the_contract_s_properties_in_wgs_84(
    nightly: list[AnalysisRun], client: Client
) -> None:
    layer = _layer(client, audience="public")
    assert layer["type"] == "FeatureCollection"
    assert set(layer) == {"type", "features", "meta"}
    for feature in layer["features"]:
        assert set(feature) == {"type", "geometry", "properties"}
        assert set(feature["properties"]) == CONTRACT
        assert feature["geometry"]["type"] == "MultiPolygon"
    lon, lat = layer["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 23 < lon < 24
    assert 37 < lat < 38


def test_the_stored_layer_is_the_file_the_computation_writes(
    nightly: list[AnalysisRun], client: Client
) -> None:
    """The API's features and the command's cells.geojson are one writer's output: the stored
    run read back equals the computation written directly (floats as stored, to 1e-9)."""
    run = latest_run(RunKind.HOTSPOTS, RunAudience.PUBLIC, time_of_day="all")
    assert run is not None
    assert run.grid is not None
    spec = HotspotSpec(
        audience=RunAudience.PUBLIC,
        sources=Sources.REPORTS,
        start=datetime.fromisoformat(run.parameters["start"]),
        end=datetime.fromisoformat(run.parameters["end"]),
    )
    direct = cells_feature_collection(run.grid, *hotspots_compute(run.grid, spec))
    stored = _layer(client, audience="public")
    assert len(stored["features"]) == len(direct["features"])
    for mine, theirs in zip(stored["features"], direct["features"], strict=True):
        assert mine["geometry"] == theirs["geometry"]
        for name in CONTRACT:
            if isinstance(theirs["properties"][name], float):
                assert mine["properties"][name] == pytest.approx(
                    theirs["properties"][name], abs=1e-9
                )
            else:
                assert mine["properties"][name] == theirs["properties"][name]
    assert any(f["properties"]["class"].startswith("hot") for f in stored["features"])


def test_the_public_layer_counts_public_reports_only(
    nightly: list[AnalysisRun], client: Client
) -> None:
    public = _layer(client, audience="public")
    assert _total(public) == PUBLIC_REPORTS
    # Nothing is counted where only the incidents were.
    quiet = {f["properties"]["cell"]: f["properties"]["count"] for f in public["features"]}
    council = _layer(_signed_in(client, Role.ANALYST), audience="council", time_of_day="all")
    assert _total(council) == PUBLIC_REPORTS + PRIVATE_REPORTS + INCIDENTS
    incident_cells = {
        f["properties"]["cell"]
        for f in council["features"]
        if f["properties"]["count"] and not quiet[f["properties"]["cell"]]
    }
    assert incident_cells  # the incidents' cell: counted for the council, not for the public
    assert all(quiet[cell] == 0 for cell in incident_cells)


def test_without_an_audience_the_layer_is_the_public_one_for_everybody(
    nightly: list[AnalysisRun], client: Client
) -> None:
    assert _total(_layer(_signed_in(client, Role.ANALYST))) == PUBLIC_REPORTS


def _signed_in(client: Client, role: Role) -> Client:
    client.force_login(user_with_role(role, email=f"{role.value}-reader@example.org"))
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 401),
        (Role.CITIZEN, 403),
        (Role.MODERATOR, 403),
        (Role.VSU_STAFF, 403),
        (Role.VSU_SUPERVISOR, 403),
    ],
)
def test_the_council_s_layer_is_refused_to_others(
    nightly: list[AnalysisRun], client: Client, role: Role | None, status: int
) -> None:
    if role is not None:
        _signed_in(client, role)
    response = client.get(URL, {"audience": "council"})
    assert response.status_code == status
    assert "features" not in response.json()


@pytest.mark.parametrize(
    "role", [Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY, Role.ANALYST, Role.ADMIN]
)
def test_the_council_s_figure_readers_read_the_council_s_layer(
    nightly: list[AnalysisRun], client: Client, role: Role
) -> None:
    layer = _layer(_signed_in(client, role), audience="council")
    assert layer["meta"]["audience"] == "council"
    assert layer["meta"]["sources"] == "both"


def test_meta_describes_the_run_and_night_is_the_night_run(
    nightly: list[AnalysisRun], client: Client
) -> None:
    night = _layer(_signed_in(client, Role.ANALYST), audience="council", time_of_day="night")
    run = AnalysisRun.objects.get(
        kind=RunKind.HOTSPOTS, audience=RunAudience.COUNCIL, parameters__time_of_day="night"
    )
    meta = night["meta"]
    assert meta["id"] == str(run.public_id)
    assert meta["method"] == "Getis-Ord Gi*"
    assert meta["kind"] == "hotspots"
    assert meta["time_of_day"] == "night"
    assert meta["parameters"] == run.parameters
    assert meta["sources"] == "both"
    assert datetime.fromisoformat(meta["data_from"]) == run.data_from
    assert datetime.fromisoformat(meta["data_up_to"]) == run.data_up_to
    assert datetime.fromisoformat(meta["computed_at"]) == run.computed_at
    assert meta["summary"] == run.summary
    assert _total(night) == run.summary["events"]


def test_the_public_has_no_night_layer_as_a_report_s_time_of_day_is_not_public(
    nightly: list[AnalysisRun], client: Client
) -> None:
    response = client.get(URL, {"audience": "public", "time_of_day": "night"})
    assert response.status_code == 404
    assert "time of day of a report is not public" in response.json()["detail"]
    assert not AnalysisRun.objects.filter(
        audience=RunAudience.PUBLIC, parameters__time_of_day="night"
    ).exists()


def test_a_bad_parameter_is_a_400(nightly: list[AnalysisRun], client: Client) -> None:
    assert client.get(URL, {"time_of_day": "noon"}).status_code == 400
    assert client.get(URL, {"audience": "everyone"}).status_code == 400


def test_without_a_run_the_answer_is_a_404_saying_so(piraeus: None, client: Client) -> None:
    response = client.get(URL, {"audience": "public"})
    assert response.status_code == 404
    assert response.json() == {"detail": "No hotspot analysis has been run yet."}


def test_the_latest_run_is_the_one_over_the_latest_data(
    nightly: list[AnalysisRun], client: Client
) -> None:
    later = hotspots_nightly(today=timezone.localdate() + timedelta(days=2))
    newest = [
        r
        for r in later
        if r.kind == "hotspots" and r.audience == "public" and r.parameters["time_of_day"] == "all"
    ]
    assert _layer(client)["meta"]["id"] == str(newest[0].public_id)


def test_the_runs_list_shows_each_caller_the_audiences_they_may_read(
    nightly: list[AnalysisRun], client: Client
) -> None:
    hotspots_nightly(today=timezone.localdate() + timedelta(days=2))  # older runs stay stored
    public = client.get(RUNS_URL).json()
    assert {(r["kind"], r["audience"], r["time_of_day"]) for r in public} == {
        ("hotspots", "public", "all"),
    }
    assert len(public) == 1
    newest = max(AnalysisRun.objects.values_list("data_up_to", flat=True))
    assert all(datetime.fromisoformat(r["data_up_to"]) == newest for r in public)
    council = _signed_in(client, Role.COUNCIL_MEMBER).get(RUNS_URL).json()
    assert len(council) == 3
    assert {r["audience"] for r in council} == {"public", "council"}
    assert set(council[0]) == {
        "id",
        "kind",
        "audience",
        "time_of_day",
        "sources",
        "parameters",
        "data_from",
        "data_up_to",
        "computed_at",
        "summary",
    }


def test_the_cells_are_read_in_one_query_whatever_their_number(
    make_report: Callable[..., Report], client: Client
) -> None:
    make_report(at=HOT)
    make_report(at=QUIET)
    municipality = Area.objects.get(level=Area.Level.MUNICIPALITY)
    now = timezone.now()
    spec = HotspotSpec(
        audience=RunAudience.PUBLIC,
        sources=Sources.REPORTS,
        start=now - timedelta(days=1),
        end=now + timedelta(days=1),
    )
    coarse = hotspots_run(grid=grid_lay_out(municipality=municipality, cell_size_m=500), spec=spec)
    fine = hotspots_run(grid=grid_lay_out(municipality=municipality, cell_size_m=250), spec=spec)
    assert fine.cells.count() > 3 * coarse.cells.count()
    answers = []
    for run in (coarse, fine):
        with CaptureQueriesContext(connection) as selector:
            layer = hotspot_cells_geojson(run)
        assert len(selector.captured_queries) == 1
        assert len(layer["features"]) == run.cells.count()
        # The endpoint too: the same number of queries for both grids (each in turn the page's
        # run: the layer reads only runs flagged nightly, and neither spec is the nightly's).
        AnalysisRun.objects.exclude(pk=run.pk).update(data_up_to=datetime(2000, 1, 1, tzinfo=UTC))
        AnalysisRun.objects.filter(pk=run.pk).update(parameters={**run.parameters, "nightly": True})
        with CaptureQueriesContext(connection) as endpoint:
            assert _layer(client)["meta"]["id"] == str(run.public_id)
        answers.append(len(endpoint.captured_queries))
    assert answers[0] == answers[1]


def test_the_latest_run_may_be_narrowed_by_its_parameters(nightly: list[AnalysisRun]) -> None:
    night = latest_run(RunKind.HOTSPOTS, RunAudience.COUNCIL, parameters={"time_of_day": "night"})
    assert night is not None
    assert night.parameters["time_of_day"] == "night"
    assert night.audience == RunAudience.COUNCIL
    band = {"weights": {"type": "distance_band", "band_m": 500, "includes_self": True}}
    assert latest_run(RunKind.HOTSPOTS, RunAudience.PUBLIC, parameters=band) is not None
    assert latest_run(RunKind.HOTSPOTS, RunAudience.PUBLIC, parameters={"fdr_q": 0.2}) is None
    assert latest_run(RunKind.FORECAST, RunAudience.PUBLIC) is None
