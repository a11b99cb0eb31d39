"""The emerging hot spot layer (/api/v1/analytics/emerging/), the risk index
(/api/v1/analytics/risk/ and its cells, /api/v1/analytics/risk/cells/) and the council's risk
page: their shapes; the public outputs read the public runs only and hide counts of 1 and 2;
the council's are refused to everybody else (401/403); a 404 without a run; an official incident
and a private report planted where nothing else is change nothing public; the cells in a number
of queries that does not grow with them."""

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from curim.accounts.roles import Role
from curim.analytics.emerging import CATEGORY_CODES
from curim.analytics.legend import EMERGING_CATEGORIES, RISK_BANDS
from curim.analytics.models import AnalysisRun, Grid, RunAudience, RunKind
from curim.analytics.selectors.layers import PUBLIC_MIN_COUNT
from curim.analytics.services.emerging_runs import emerging_nightly_runs
from curim.analytics.services.grid import grid_lay_out
from curim.analytics.services.risk_runs import BANDS, NO_INDEX, risk_index_nightly
from curim.areas.models import Area
from curim.reports.models import Category, Report
from tests.analytics.factories import official_incident_create
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

EMERGING = "/api/v1/analytics/emerging/"
RISK = "/api/v1/analytics/risk/"
RISK_CELLS = "/api/v1/analytics/risk/cells/"
HOT = (23.6465, 37.9425)
LONE = (23.6300, 37.9500)  # one public report, alone in its cell
EMPTY = (23.6690, 37.9480)  # Faliro: nothing public here; the incident and private report go here

EMERGING_PROPERTIES = {
    "cell",
    "x",
    "y",
    "count",
    "category",
    "z_last_slice",
    "tau",
    "trend_z",
    "trend_p",
    "hot_slices",
    "cold_slices",
}
RISK_FIGURES = {
    "incidents",
    "suppressed",
    "population",
    "area_km2",
    "likelihood_basis",
    "raw_rate",
    "likelihood",
    "shrinkage_weight",
    "impact",
    "night_unsafe_mean",
    "night_unsafe_n",
    "fear_share",
    "fear_n",
    "perception",
    "likelihood_score",
    "impact_score",
    "perception_score",
    "weights_used",
    "components_used",
    "index",
    "rank",
}


@pytest.fixture
def grid(make_report: Callable[..., Report]) -> Grid:
    return grid_lay_out(municipality=Area.objects.get(level=Area.Level.MUNICIPALITY))


def _when(days: int) -> Any:
    return timezone.now() - timedelta(days=days)


def _public_reports(make_report: Callable[..., Report]) -> None:
    """A cluster over several months and one lone report."""
    for month in range(1, 6):
        for offset in range(month):
            make_report(at=(HOT[0] + offset * 1e-4, HOT[1]), occurred_at=_when(30 * month + 10))
    make_report(at=LONE, occurred_at=_when(45))


def _nightly(grid: Grid) -> list[AnalysisRun]:
    today = timezone.localdate()
    return emerging_nightly_runs(grid=grid, today=today) + risk_index_nightly(
        grid=grid, today=today
    )


@pytest.fixture
def nightly(grid: Grid, make_report: Callable[..., Report]) -> list[AnalysisRun]:
    _public_reports(make_report)
    return _nightly(grid)


def _signed_in(client: Client, role: Role) -> Client:
    client.force_login(user_with_role(role, email=f"{role.value}-layers@example.org"))
    return client


def _get(client: Client, url: str, **query: str) -> dict[str, Any]:
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def _stored_counts(kind: RunKind, audience: RunAudience) -> dict[str, int]:
    run = AnalysisRun.objects.get(kind=kind, audience=audience)
    return {result.cell.code: result.count for result in run.cells.select_related("cell")}


# --- Emerging hot spots ---------------------------------------------------------------------


def test_the_emerging_layer_has_every_cell_with_its_pattern_and_trend(
    nightly: list[AnalysisRun], grid: Grid, client: Client
) -> None:
    response = client.get(EMERGING)
    assert response["Content-Type"] == "application/geo+json"
    layer = response.json()
    assert set(layer) == {"type", "features", "meta"}
    assert layer["type"] == "FeatureCollection"
    assert len(layer["features"]) == grid.cells.count()  # "none" cells included
    for feature in layer["features"]:
        assert set(feature["properties"]) == EMERGING_PROPERTIES
        assert feature["properties"]["category"] in CATEGORY_CODES
        assert feature["geometry"]["type"] == "MultiPolygon"
    meta = layer["meta"]
    run = AnalysisRun.objects.get(kind=RunKind.EMERGING, audience=RunAudience.PUBLIC)
    assert meta["id"] == str(run.public_id)
    assert meta["kind"] == "emerging"
    assert meta["audience"] == "public"
    assert meta["sources"] == "reports"
    assert meta["summary"]["slices"] == run.summary["slices"]
    assert meta["method"].startswith("Emerging hot spots")
    stored = {r.cell.code: r for r in run.cells.select_related("cell")}
    for feature in layer["features"]:
        properties = feature["properties"]
        result = stored[properties["cell"]]
        assert properties["category"] == result.label
        assert properties["tau"] == result.extra["tau"]
        assert properties["trend_p"] == result.p
        assert properties["hot_slices"] == result.extra["hot_slices"]


def test_the_public_emerging_layer_hides_counts_of_one_and_two(
    nightly: list[AnalysisRun], client: Client
) -> None:
    stored = _stored_counts(RunKind.EMERGING, RunAudience.PUBLIC)
    features = _get(client, EMERGING)["features"]
    shown = {f["properties"]["cell"]: f["properties"]["count"] for f in features}
    small = {cell for cell, count in stored.items() if 0 < count < PUBLIC_MIN_COUNT}
    assert small  # the lone report's cell
    assert all(shown[cell] is None for cell in small)
    assert all(shown[cell] == count for cell, count in stored.items() if cell not in small)
    assert any(count and count >= PUBLIC_MIN_COUNT for count in shown.values())


def test_the_council_s_emerging_layer_shows_every_count(
    nightly: list[AnalysisRun], client: Client
) -> None:
    layer = _get(_signed_in(client, Role.ANALYST), EMERGING, audience="council")
    assert layer["meta"]["audience"] == "council"
    stored = _stored_counts(RunKind.EMERGING, RunAudience.COUNCIL)
    assert {f["properties"]["cell"]: f["properties"]["count"] for f in layer["features"]} == stored


# --- The risk index ---------------------------------------------------------------------------


def test_the_risk_index_shows_every_component_and_weight_of_every_area(
    nightly: list[AnalysisRun], client: Client
) -> None:
    body = _get(client, RISK)
    run = AnalysisRun.objects.get(kind=RunKind.RISK_INDEX, audience=RunAudience.PUBLIC)
    assert set(body) == {
        "component_weights",
        "harm_weights",
        "min_count_shown",
        "districts",
        "neighbourhoods",
        "meta",
    }
    assert body["meta"]["id"] == str(run.public_id)
    assert body["component_weights"] == run.parameters["component_weights"]
    harm = {row["category"]: row["weight"] for row in body["harm_weights"]}
    assert harm == run.parameters["harm_weights"]
    graffiti = next(row for row in body["harm_weights"] if row["category"] == "graffiti")
    assert graffiti["name"] == str(Category.objects.get(slug="graffiti").name)
    assert len(body["districts"]) == len(run.summary["districts"]) > 0
    assert len(body["neighbourhoods"]) == len(run.summary["neighbourhoods"])
    for area, stored in zip(
        body["districts"] + body["neighbourhoods"],
        run.summary["districts"] + run.summary["neighbourhoods"],
        strict=True,
    ):
        assert RISK_FIGURES | {"area", "name"} <= set(area)
        for name in ("index", "impact", "perception", "rank"):
            assert area[name] == stored[name]
        if not area["suppressed"]:
            for name in ("likelihood", "shrinkage_weight"):
                assert area[name] == stored[name]
        assert area["weights_used"] == stored["weights_used"]


def _suppressed_as_stored(shown: dict[str, Any], stored: dict[str, Any]) -> None:
    if 0 < stored["incidents"] < PUBLIC_MIN_COUNT:
        assert shown["incidents"] is None
        for figure in ("raw_rate", "likelihood", "shrinkage_weight"):
            assert shown[figure] is None, figure
        assert shown["suppressed"] is True
    else:
        assert shown["incidents"] == stored["incidents"]
        assert shown["raw_rate"] == stored["raw_rate"]
        assert shown["likelihood"] == stored["likelihood"]
        assert shown["suppressed"] is False


def test_no_public_meta_nor_run_list_gives_a_withheld_figure_back(
    nightly: list[AnalysisRun], client: Client
) -> None:
    """The runs' raw summaries hold every count: the public's `meta` and `/runs/` keep only
    single values and the lists naming slices, weeks and bands, and no moment of the latest
    change of a public report."""
    hidden_area = next(
        area
        for area in AnalysisRun.objects.get(
            kind=RunKind.RISK_INDEX, audience=RunAudience.PUBLIC
        ).summary["districts"]
        if 0 < area["incidents"] < PUBLIC_MIN_COUNT
    )
    answers = [_get(client, RISK)["meta"], _get(client, EMERGING)["meta"]]
    answers += _get(client, "/api/v1/analytics/runs/")
    assert answers
    for answer in answers:
        assert answer["audience"] == "public"
        for key, value in answer["summary"].items():
            assert not isinstance(value, dict | list) or key in (
                "slices",
                "undefined_slices",
                "weeks",
                "bands",
            ), key
        assert "reports_changed_at" not in answer["parameters"].get("data_watermark", {})
    assert hidden_area["area"] not in json.dumps(answers)
    # The council's keep everything.
    council = _get(_signed_in(client, Role.ANALYST), RISK, audience="council")["meta"]
    assert council["summary"]["districts"]
    assert "reports_changed_at" in council["parameters"]["data_watermark"]


def test_the_public_risk_index_hides_counts_of_one_and_two_and_their_raw_rates(
    nightly: list[AnalysisRun], client: Client
) -> None:
    body = _get(client, RISK)
    assert body["min_count_shown"] == PUBLIC_MIN_COUNT
    run = AnalysisRun.objects.get(kind=RunKind.RISK_INDEX, audience=RunAudience.PUBLIC)
    stored = run.summary["districts"] + run.summary["neighbourhoods"]
    for shown, kept in zip(body["districts"] + body["neighbourhoods"], stored, strict=True):
        _suppressed_as_stored(shown, kept)
    cells = _get(client, RISK_CELLS)
    results = {r.cell.code: r.extra for r in run.cells.select_related("cell")}
    hidden = 0
    for feature in cells["features"]:
        properties = feature["properties"]
        assert RISK_FIGURES | {"cell", "x", "y", "band"} <= set(properties)
        assert properties["band"] in (*BANDS, NO_INDEX)
        _suppressed_as_stored(properties, results[properties["cell"]])
        hidden += properties["suppressed"]
    assert hidden  # the lone report's cell


def test_the_council_s_risk_index_shows_every_count(
    nightly: list[AnalysisRun], client: Client
) -> None:
    body = _get(_signed_in(client, Role.COUNCIL_MEMBER), RISK, audience="council")
    assert body["meta"]["audience"] == "council"
    assert body["min_count_shown"] == 1
    run = AnalysisRun.objects.get(kind=RunKind.RISK_INDEX, audience=RunAudience.COUNCIL)
    assert [a["incidents"] for a in body["districts"]] == [
        a["incidents"] for a in run.summary["districts"]
    ]
    assert not any(a["suppressed"] for a in body["districts"] + body["neighbourhoods"])


# --- Who reads what ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [EMERGING, RISK, RISK_CELLS])
@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 401), (Role.CITIZEN, 403), (Role.MODERATOR, 403)],
)
def test_the_council_s_outputs_are_refused_to_others(
    nightly: list[AnalysisRun], client: Client, url: str, role: Role | None, status: int
) -> None:
    if role is not None:
        _signed_in(client, role)
    response = client.get(url, {"audience": "council"})
    assert response.status_code == status
    assert "features" not in response.json()
    assert "districts" not in response.json()


@pytest.mark.parametrize("url", [EMERGING, RISK, RISK_CELLS])
def test_without_an_audience_everybody_reads_the_public_run(
    nightly: list[AnalysisRun], client: Client, url: str
) -> None:
    assert _get(_signed_in(client, Role.ANALYST), url)["meta"]["audience"] == "public"


@pytest.mark.parametrize("url", [EMERGING, RISK, RISK_CELLS])
def test_without_a_run_the_outputs_are_404(grid: Grid, client: Client, url: str) -> None:
    assert client.get(url).status_code == 404
    assert _signed_in(client, Role.ANALYST).get(url, {"audience": "council"}).status_code == 404


def _public_outputs(client: Client) -> list[Any]:
    emerging = _get(client, EMERGING)
    risk = _get(client, RISK)
    cells = _get(client, RISK_CELLS)
    for body in (emerging, risk, cells):
        body.pop("meta")
    return [emerging, risk, cells]


def test_an_official_incident_and_a_private_report_change_nothing_public(
    grid: Grid, make_report: Callable[..., Report], client: Client
) -> None:
    """Planted where nothing public is: the public outputs are the same, value for value; the
    council's count them."""
    _public_reports(make_report)
    _nightly(grid)
    before = _public_outputs(client)
    council_before = _stored_counts(RunKind.EMERGING, RunAudience.COUNCIL)
    AnalysisRun.objects.all().delete()

    private = Category.objects.filter(may_be_public=False).first()
    assert private is not None
    make_report(category=private.slug, at=EMPTY, occurred_at=_when(40))
    official_incident_create(
        category=Category.objects.get(slug="graffiti"), at=EMPTY, when=_when(40)
    )
    _nightly(grid)
    assert _public_outputs(client) == before
    council_after = _stored_counts(RunKind.EMERGING, RunAudience.COUNCIL)
    assert sum(council_after.values()) == sum(council_before.values()) + 2


@pytest.mark.parametrize("url", [EMERGING, RISK_CELLS])
def test_the_cells_are_read_in_a_fixed_number_of_queries(
    nightly: list[AnalysisRun],
    client: Client,
    url: str,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    with django_assert_max_num_queries(4):
        _get(client, url)


def test_the_risk_index_reads_its_areas_in_a_fixed_number_of_queries(
    nightly: list[AnalysisRun],
    client: Client,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    with django_assert_max_num_queries(4):
        _get(client, RISK)


# --- The council's risk page ------------------------------------------------------------------


def test_the_council_s_risk_page_shows_every_component_beside_the_index(
    nightly: list[AnalysisRun], client: Client
) -> None:
    response = _signed_in(client, Role.ANALYST).get("/analytics/risk/")
    assert response.status_code == 200
    page = response.content.decode()
    run = AnalysisRun.objects.get(kind=RunKind.RISK_INDEX, audience=RunAudience.COUNCIL)
    for header in (
        "Risk index (0–100)",
        "Rate per 1,000 residents, raw",
        "Rate, smoothed (likelihood)",
        "Weight of the area&#x27;s own rate",
        "Mean harm per report (impact)",
        "Feeling unsafe at night, 1–5",
        "Fear of crime, survey share",
        "Weights used",
    ):
        assert header in page
    for area in run.summary["districts"] + run.summary["neighbourhoods"]:
        assert area["name"] in page
    assert 'id="risk-areas"' in page


def test_the_risk_page_is_a_404_to_others(nightly: list[AnalysisRun], client: Client) -> None:
    assert _signed_in(client, Role.CITIZEN).get("/analytics/risk/").status_code == 404


def test_the_risk_page_without_a_run_says_so(client: Client, grid: Grid) -> None:
    response = _signed_in(client, Role.ANALYST).get("/analytics/risk/")
    assert response.status_code == 200
    assert b"No risk index has been computed yet." in response.content


def test_the_legends_name_every_pattern_and_band() -> None:
    assert {code for code, _ in EMERGING_CATEGORIES} == set(CATEGORY_CODES)
    assert {code for code, _ in RISK_BANDS} == {*BANDS, NO_INDEX}


def test_the_openapi_schema_describes_the_three_addresses(client: Client) -> None:
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path, operation in (
        ("/api/v1/analytics/emerging/", "analytics_emerging"),
        ("/api/v1/analytics/risk/", "analytics_risk"),
        ("/api/v1/analytics/risk/cells/", "analytics_risk_cells"),
    ):
        get = schema["paths"][path]["get"]
        assert get["operationId"] == operation
        assert {"200", "401", "403", "404"} <= set(get["responses"])
        assert [p["name"] for p in get["parameters"]] == ["audience"]
