"""A risk index run end to end: the stored components and index of every district and cell equal
`risk_index` on inputs built here in plain Python (GEOS point-in-polygon for districts and
cells, the demo populations, the night evaluations and the survey estimate as created); the
same spec twice is one snapshot; a harm weight changed in the admin model makes a new run whose
impact follows it; the public run never counts a private-category report or an official
incident."""

import math
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import numpy as np
import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from curim.analytics.models import (
    AnalysisRun,
    CategoryHarm,
    CellResult,
    OfficialIncident,
    RunAudience,
    RunKind,
    Sources,
)
from curim.analytics.risk_index import risk_index
from curim.analytics.selectors.events import EventQuery
from curim.analytics.services.grid import grid_lay_out
from curim.analytics.services.risk_runs import RiskSpec, index_band, risk_index_run
from curim.areas.models import Area
from curim.reports.models import Category, Report, TimeOfDay
from surveys.models import Indicator, IndicatorEstimate, Survey
from tests.analytics.factories import official_incident_create
from tests.factories import place_evaluation_create

pytestmark = pytest.mark.django_db

CENTRE = (23.6465, 37.9425)


def _spots(n: int = 7, seed: int = 5) -> list[tuple[float, float]]:
    """n points inside the municipality, the first at the centre, the rest drawn with a seed."""
    boundary = Area.objects.get(level=Area.Level.MUNICIPALITY).geometry
    rng = np.random.default_rng(seed)
    found = [CENTRE]
    while len(found) < n:
        lon, lat = rng.uniform((23.60, 37.92), (23.70, 37.97))
        if boundary.contains(Point(lon, lat, srid=4326)):
            found.append((float(lon), float(lat)))
    return found


def _spec(audience: RunAudience = RunAudience.COUNCIL) -> RiskSpec:
    now = timezone.now()
    return RiskSpec(
        audience=audience,
        sources=Sources.REPORTS if audience == RunAudience.PUBLIC else Sources.BOTH,
        start=now - timedelta(days=30),
        end=now + timedelta(days=1),
    )


def _categories() -> tuple[Category, Category]:
    public = Category.objects.get(slug="graffiti")
    other = Category.objects.filter(may_be_public=True).exclude(pk=public.pk).order_by("pk")[0]
    return public, other


def _reports(make_report: Callable[..., Report]) -> list[Report]:
    public, other = _categories()
    made = []
    for k, spot in enumerate(_spots() * 3):
        made.append(make_report(category=(public if k % 3 else other).slug, at=spot))
    return made


def _district_of(point: Point | None, districts: list[Area]) -> Area | None:
    return next((d for d in districts if point and d.geometry.contains(point)), None)


def _evaluations(districts: list[Area]) -> dict[str, list[int]]:
    """Night evaluations: six in the first district, two (too few) in the second."""
    made: dict[str, list[int]] = {}
    for district, feelings in ((districts[0], [1, 2, 2, 3, 1, 5]), (districts[1], [4, 5])):
        for feeling in feelings:
            place_evaluation_create(district, feeling=feeling, time_of_day=TimeOfDay.NIGHT)
        made[district.code] = feelings
    return made


def _fear(district: Area, *, estimate: float, n: int) -> None:
    wave = Survey.objects.create(
        code="wave", title_en="W", title_el="Κ", status=Survey.Status.CLOSED
    )
    indicator = Indicator.objects.create(code="fear", name_en="Fear", name_el="Φόβος")
    IndicatorEstimate.objects.create(
        survey=wave, indicator=indicator, area=district, n=n, estimate=estimate
    )


def _expected_districts(
    reports: list[Report], districts: list[Area], harm: dict[int, float]
) -> tuple[list[int], np.ndarray]:
    category_ids = sorted(Category.objects.values_list("pk", flat=True))
    counts = np.zeros((len(districts), len(category_ids)))
    for report in reports:
        district = _district_of(report.location, districts)
        assert district is not None
        counts[districts.index(district), category_ids.index(report.category_id)] += 1
    return category_ids, counts


def test_stored_districts_and_cells_equal_the_pure_index_on_inputs_built_here(
    make_report: Callable[..., Report],
) -> None:
    reports = _reports(make_report)
    municipality = Area.objects.get(level=Area.Level.MUNICIPALITY)
    districts = list(Area.objects.filter(level=Area.Level.DISTRICT).order_by("code"))
    feelings = _evaluations(districts)
    _fear(districts[0], estimate=62.5, n=40)
    _, other = _categories()
    CategoryHarm.objects.create(category=other, weight=7.5)
    grid = grid_lay_out(municipality=municipality)

    run = risk_index_run(grid=grid, spec=_spec())

    category_ids, counts = _expected_districts(reports, districts, {})
    harm = [7.5 if pk == other.pk else 1.0 for pk in category_ids]
    unsafe = [
        6 - float(np.mean(feelings[d.code])) if d.code in feelings else math.nan for d in districts
    ]
    expected = risk_index(
        areas=[d.code for d in districts],
        counts_by_category=counts,
        harm_weights=harm,
        population=[math.nan if d.population is None else d.population for d in districts],
        area_km2=[d.geometry.transform(2100, clone=True).area / 1e6 for d in districts],
        night_unsafe_mean=unsafe,
        night_unsafe_n=[len(feelings.get(d.code, [])) for d in districts],
        fear_share=[0.625] + [math.nan] * (len(districts) - 1),
        fear_n=[40] + [0] * (len(districts) - 1),
    )
    stored = run.summary["districts"]
    assert [row["area"] for row in stored] == [d.code for d in districts]
    for row, want in zip(stored, expected, strict=True):
        for name in (
            "incidents",
            "raw_rate",
            "likelihood",
            "impact",
            "night_unsafe_mean",
            "night_unsafe_n",
            "fear_share",
            "perception",
            "likelihood_score",
            "impact_score",
            "perception_score",
            "index",
            "rank",
        ):
            got, wanted = row[name], getattr(want, name)
            if wanted is None:
                assert got is None, (row["area"], name)
            else:
                assert got == pytest.approx(wanted, abs=1e-9, rel=1e-9), (row["area"], name)
        assert row["weights_used"] == pytest.approx(dict(want.weights_used), abs=1e-12)
    assert stored[0]["fear_share"] == 0.625
    assert stored[0]["night_unsafe_n"] == 6
    assert stored[1]["night_unsafe_mean"] is None  # two evaluations are too few
    assert run.summary["neighbourhoods"] == []

    # Cells: each report's cell by GEOS point-in-polygon over the clipped cells.
    cells = list(grid.cells.order_by("index"))
    cell_counts = np.zeros((len(cells), len(category_ids)))
    for report in reports:
        point = report.location.transform(2100, clone=True)
        (index,) = [c.index for c in cells if c.geometry.contains(point)]
        cell_counts[index, category_ids.index(report.category_id)] += 1
    district_row = {d.pk: k for k, d in enumerate(districts)}

    def of_district(cell_district: int | None, values: list[float], missing: float) -> float:
        return missing if cell_district is None else values[district_row[cell_district]]

    night_n = [float(len(feelings.get(d.code, []))) for d in districts]
    expected_cells = risk_index(
        areas=[c.code for c in cells],
        counts_by_category=cell_counts,
        harm_weights=harm,
        population=[math.nan if c.population is None else c.population for c in cells],
        area_km2=[c.area_m2 / 1e6 for c in cells],
        night_unsafe_mean=[of_district(c.district_id, unsafe, math.nan) for c in cells],
        night_unsafe_n=[of_district(c.district_id, night_n, 0.0) for c in cells],
        fear_share=[0.625 if c.district_id == districts[0].pk else math.nan for c in cells],
        fear_n=[40 if c.district_id == districts[0].pk else 0 for c in cells],
    )
    results = list(CellResult.objects.filter(run=run).order_by("cell__index"))
    assert len(results) == len(cells)
    assert sum(r.count for r in results) == len(reports)
    for result, want in zip(results, expected_cells, strict=True):
        assert result.count == want.incidents
        assert result.label == index_band(want.index)
        for name in ("likelihood", "impact", "perception", "index", "rank"):
            wanted = getattr(want, name)
            if wanted is None:
                assert result.extra[name] is None
            else:
                assert result.extra[name] == pytest.approx(wanted, abs=1e-9, rel=1e-9)


def test_a_harm_weight_changed_in_the_admin_model_makes_a_new_run_with_that_impact(
    make_report: Callable[..., Report],
) -> None:
    reports = _reports(make_report)
    grid = grid_lay_out(municipality=Area.objects.get(level=Area.Level.MUNICIPALITY))
    spec = _spec()
    first = risk_index_run(grid=grid, spec=spec)
    assert risk_index_run(grid=grid, spec=spec).pk == first.pk
    assert AnalysisRun.objects.filter(kind=RunKind.RISK_INDEX).count() == 1
    assert CellResult.objects.filter(run=first).count() == grid.cells.count()
    # Every category weighs 1: every impact is 1.
    assert {row["impact"] for row in first.summary["districts"] if row["incidents"]} == {1.0}

    _, other = _categories()
    CategoryHarm.objects.create(category=other, weight=4.0)
    second = risk_index_run(grid=grid, spec=spec)
    assert second.pk != first.pk
    assert second.parameters["harm_weights"][other.slug] == 4.0
    districts = list(Area.objects.filter(level=Area.Level.DISTRICT).order_by("code"))
    for row in second.summary["districts"]:
        mine = [
            r
            for r in reports
            if _district_of(r.location, districts) == Area.objects.get(code=row["area"])
        ]
        if not mine:
            assert row["impact"] is None
            continue
        weights = Counter(4.0 if r.category_id == other.pk else 1.0 for r in mine)
        wanted = sum(w * n for w, n in weights.items()) / len(mine)
        assert row["impact"] == pytest.approx(wanted, abs=1e-12)


def _incident(category: Category, at: tuple[float, float]) -> OfficialIncident:
    return official_incident_create(
        category=category, at=at, when=timezone.now() - timedelta(days=2)
    )


def test_the_public_run_never_counts_a_private_report_or_an_official_incident(
    make_report: Callable[..., Report],
) -> None:
    public, _ = _categories()
    private = Category.objects.filter(may_be_public=False).first()
    assert private is not None
    make_report(category=public.slug, at=CENTRE)
    make_report(category=private.slug, at=CENTRE)
    _incident(public, CENTRE)
    grid = grid_lay_out(municipality=Area.objects.get(level=Area.Level.MUNICIPALITY))

    public_run = risk_index_run(grid=grid, spec=_spec(RunAudience.PUBLIC))
    council_run = risk_index_run(grid=grid, spec=_spec(RunAudience.COUNCIL))

    def total(run: AnalysisRun) -> int:
        return sum(row["incidents"] for row in run.summary["districts"])

    def cells(run: AnalysisRun) -> int:
        return sum(CellResult.objects.filter(run=run).values_list("count", flat=True))

    assert total(public_run) == cells(public_run) == 1
    assert total(council_run) == cells(council_run) == 3


@pytest.mark.usefixtures("piraeus")
def test_an_unpublished_waves_fear_of_crime_is_the_councils_alone() -> None:
    district = Area.objects.filter(level=Area.Level.DISTRICT).order_by("code")[0]
    _fear(district, estimate=40.0, n=30)  # a closed wave, not published
    grid = grid_lay_out(municipality=Area.objects.get(level=Area.Level.MUNICIPALITY))

    public_run = risk_index_run(grid=grid, spec=_spec(RunAudience.PUBLIC))
    council_run = risk_index_run(grid=grid, spec=_spec(RunAudience.COUNCIL))

    assert public_run.summary["districts"][0]["fear_share"] is None
    assert council_run.summary["districts"][0]["fear_share"] == 0.4
    Survey.objects.update(results_published_at=timezone.now())
    republished = risk_index_run(
        grid=grid,
        spec=RiskSpec(
            audience=RunAudience.PUBLIC,
            sources=Sources.REPORTS,
            start=public_run.data_from,
            end=public_run.data_up_to + timedelta(seconds=1),
        ),
    )
    assert republished.summary["districts"][0]["fear_share"] == 0.4


def test_an_incident_in_a_neighbourhood_counts_for_it_and_for_its_district(
    make_report: Callable[..., Report],
) -> None:
    from django.contrib.gis.geos import MultiPolygon, Polygon

    from curim.analytics.selectors.event_counts import events_by_area_and_category

    district = next(
        d
        for d in Area.objects.filter(level=Area.Level.DISTRICT)
        if d.geometry.contains(Point(*CENTRE, srid=4326))
    )
    lon, lat = CENTRE
    square = Polygon.from_bbox((lon - 0.001, lat - 0.001, lon + 0.001, lat + 0.001))
    square.srid = 4326
    neighbourhood = Area.objects.create(
        code="centre",
        level=Area.Level.NEIGHBOURHOOD,
        parent=district,
        name_en="Centre",
        name_el="Κέντρο",
        geometry=MultiPolygon(square, srid=4326),
    )
    # Reports are placed in districts; an official incident may carry a neighbourhood.
    incident = _incident(Category.objects.get(slug="graffiti"), CENTRE)
    OfficialIncident.objects.filter(pk=incident.pk).update(area=neighbourhood)
    elsewhere = next(s for s in _spots(20) if not square.contains(Point(*s, srid=4326)))
    make_report(at=elsewhere)
    query = EventQuery(
        audience=RunAudience.COUNCIL,
        sources=Sources.BOTH,
        start=timezone.now() - timedelta(days=7),
        end=timezone.now() + timedelta(days=1),
    )
    rows = events_by_area_and_category(query)
    assert sum(r.count for r in rows) == 2
    (inside,) = [r for r in rows if r.neighbourhood_id is not None]
    assert (inside.district_id, inside.neighbourhood_id, inside.count) == (
        district.pk,
        neighbourhood.pk,
        1,
    )

    grid = grid_lay_out(municipality=Area.objects.get(level=Area.Level.MUNICIPALITY))
    run = risk_index_run(grid=grid, spec=_spec())
    (row,) = run.summary["neighbourhoods"]
    assert (row["area"], row["incidents"]) == ("centre", 1)
    by_code = {r["area"]: r["incidents"] for r in run.summary["districts"]}
    assert sum(by_code.values()) == 2
    assert by_code[district.code] >= 1
