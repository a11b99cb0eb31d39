"""The multi-site design: an intervention drawn as a Multi* geometry is evaluated with each
site's treated zone as a treated unit against grid cells of 250 m matched on their counts
before. The counts, the cells chosen and the estimate are recomputed independently here (GEOS
for the zones and the grid, pandas for the windows and periods, the estimator run on that
recount); a Multi geometry of one part still works, and no comparison cell with events is an
unanswered evaluation with a message."""

import math
from datetime import date
from typing import Any

import pytest
from django.contrib.gis.geos import GEOSGeometry, MultiPoint, Point, Polygon
from django.core.exceptions import ValidationError

from curim.areas.models import Area
from curim.reports.models import Category
from interventions.evaluation.did import poisson_did
from interventions.evaluation_data import Windows
from interventions.evaluation_reading import published_result, rests_on_small_counts
from interventions.models import Evaluation, Intervention, InterventionKind
from interventions.services.evaluations import evaluation_compute, evaluation_request
from tests.interventions.evaluation_world import (
    analyst,
    as_published,
    intervention_make,
    reports_scatter,
)
from tests.interventions.test_evaluation_data import WINDOWS, _recount

pytestmark = pytest.mark.django_db

SITES = [(23.6300, 37.9500), (23.6360, 37.9500), (23.6420, 37.9500)]
BUFFER_M, RING_M, CELL_M, K = 100, 150, 250, 12


def _parameters(**overrides: object) -> dict[str, object]:
    windows = WINDOWS
    return {
        "before_start": windows.before_start.isoformat(),
        "before_end": windows.before_end.isoformat(),
        "after_start": windows.after_start.isoformat(),
        "after_end": windows.after_end.isoformat(),
        "periods": windows.periods,
        "sources": "reports",
        "buffer_m": BUFFER_M,
        "ring_m": RING_M,
        "suggest_k": K,
        **overrides,
    }


def _sites_intervention(points: list[tuple[float, float]]) -> Intervention:
    geometry = MultiPoint([Point(x, y, srid=4326) for x, y in points], srid=4326)
    district = Area.objects.get(code="piraeus-4")
    for part in geometry:
        part.srid = 4326
        assert district.geometry.contains(part), part
    return intervention_make(
        area_code="piraeus-4", kind=InterventionKind.PLAYGROUND, geometry=geometry
    )


def _evaluate(intervention: Intervention, **overrides: object) -> Evaluation:
    evaluation = evaluation_request(
        intervention=intervention, by=analyst(), parameters=_parameters(**overrides)
    )
    found = evaluation_compute(evaluation_id=evaluation.pk)
    assert found is not None
    return found


def _grid(municipality: GEOSGeometry, outer: GEOSGeometry) -> dict[tuple[int, int], GEOSGeometry]:
    """The 250 m squares aligned on the Greek Grid's origin (cell (⌊x/s⌋, ⌊y/s⌋)), clipped to
    the municipality, that do not touch the treated zones or rings: by GEOS, not PostGIS."""
    x0, y0, x1, y1 = municipality.extent
    cells = {}
    for col in range(math.floor(x0 / CELL_M), math.floor(x1 / CELL_M) + 1):
        for row in range(math.floor(y0 / CELL_M), math.floor(y1 / CELL_M) + 1):
            square = Polygon.from_bbox(
                (col * CELL_M, row * CELL_M, (col + 1) * CELL_M, (row + 1) * CELL_M)
            )
            square.srid = 2100
            if not square.intersects(municipality) or square.intersects(outer):
                continue
            clipped = square.intersection(municipality)
            if clipped.area > 0:
                cells[(col, row)] = clipped
    return cells


def test_each_site_is_a_unit_against_matched_cells_as_a_recount_says(piraeus: None) -> None:
    intervention = _sites_intervention(SITES)
    municipality = Area.objects.get(code="piraeus").geometry
    here = [Point(x, y, srid=4326).transform(2100, clone=True) for x, y in SITES]
    treated = [point.buffer(BUFFER_M) for point in here]
    outer = treated[0].buffer(RING_M)
    for zone in treated[1:]:
        outer = outer.union(zone.buffer(RING_M))
    treated_all = treated[0].union(treated[1]).union(treated[2])
    # Reports all over the municipality in both windows, and more near the sites before.
    reports_scatter(
        within=municipality, count=900, start=date(2024, 6, 1), end=date(2025, 9, 30), seed=1
    )
    for n, zone in enumerate(treated):
        reports_scatter(
            within=zone.transform(4326, clone=True),
            count=12,
            start=WINDOWS.before_start,
            end=WINDOWS.before_end,
            seed=10 + n,
        )
        reports_scatter(
            within=zone.transform(4326, clone=True),
            count=4,
            start=WINDOWS.after_start,
            end=WINDOWS.after_end,
            seed=20 + n,
        )
    evaluation = _evaluate(intervention)
    assert evaluation.status == "done", evaluation.message
    result = evaluation.result

    # The cells chosen: those with an event before, closest on the log scale to the sites.
    municipality_m = municipality.transform(2100, clone=True)
    grid = _grid(municipality_m, outer)
    categories = set(Category.objects.values_list("pk", flat=True))
    before_only = Windows(
        WINDOWS.before_start, WINDOWS.before_end, WINDOWS.after_start, WINDOWS.after_end, 1
    )
    zones_before = {f"site:{n}": zone for n, zone in enumerate(treated, start=1)}
    zones_before |= {f"cell:{col}:{row}": geometry for (col, row), geometry in grid.items()}
    counted = _recount(zones_before, categories, before_only)
    before = {key: counted.get((key, "before", 0), 0) for key in zones_before}
    target = sum(math.log1p(before[f"site:{n}"]) for n in (1, 2, 3)) / 3
    candidates = [cell for cell in grid if before[f"cell:{cell[0]}:{cell[1]}"]]
    ranked = sorted(
        candidates,
        key=lambda cell: (abs(math.log1p(before[f"cell:{cell[0]}:{cell[1]}"]) - target), cell),
    )
    chosen = ranked[:K]
    assert len(candidates) > K  # the choice is a choice
    assert [area["code"] for area in result["comparison"]["areas"]] == [
        f"cell-{col}-{row}" for col, row in chosen
    ]
    assert result["comparison"]["how"] == "matched_cells"
    assert result["comparison"]["units"] == {"treated": 3, "control": K}
    assert result["comparison"]["candidates"] == len(candidates)

    # The panel: a recount of every zone.
    chosen_union = grid[chosen[0]]
    for cell in chosen[1:]:
        chosen_union = chosen_union.union(grid[cell])
    district = Area.objects.get(code="piraeus-4").geometry.transform(2100, clone=True)
    zones = {f"treated:{n}": zone for n, zone in enumerate(treated, start=1)}
    zones["ring"] = outer.difference(treated_all)
    zones["ring_control"] = district.difference(outer).difference(chosen_union)
    zones |= {f"control:cell:{col}:{row}": grid[(col, row)] for col, row in chosen}
    expected = _recount(zones, categories, WINDOWS)
    stored = {
        (row["zone"], window, p): n
        for row in result["counts"]
        for window in ("before", "after")
        for p, n in enumerate(row[f"periods_{window}"])
        if n
    }
    assert stored == expected
    assert [row["zone"] for row in result["counts"]] == list(zones)

    # The estimate: the estimator run on the recount, sites treated, cells control.
    units = [*[f"treated:{n}" for n in (1, 2, 3)], *[f"control:cell:{c}:{r}" for c, r in chosen]]
    area, period, count = [], [], []
    for u, key in enumerate(units):
        for w, window in enumerate(("before", "after")):
            for p in range(WINDOWS.periods):
                area.append(u)
                period.append(w * WINDOWS.periods + p)
                count.append(expected.get((key, window, p), 0))
    post = [False] * WINDOWS.periods + [True] * WINDOWS.periods
    again = poisson_did(
        area, period, count, [u < 3 for u in range(len(units))], post, seed=evaluation.pk
    )
    assert result["estimate"] == pytest.approx(again.estimate, abs=1e-9)
    assert result["ci_low"] == pytest.approx(again.ci_low, abs=1e-9)
    assert result["ci_high"] == pytest.approx(again.ci_high, abs=1e-9)
    assert result["inference"]["method"] == again.method
    assert result["n_treated"] == 3
    # The displacement ring is the union of the sites' rings.
    ring = list(result["displacement"]["counts"]["buffer"])
    assert ring == [
        sum(n for (key, window, _p), n in expected.items() if key == "ring" and window == w)
        for w in ("before", "after")
    ]
    # Matched on counts before, several comparison units: level 4.
    assert evaluation.sms_level == 4
    assert result["design"] == "sites"


def test_a_multi_geometry_of_one_part_still_works(piraeus: None) -> None:
    intervention = _sites_intervention(SITES[:1])
    municipality = Area.objects.get(code="piraeus").geometry
    reports_scatter(
        within=municipality, count=600, start=date(2024, 6, 1), end=date(2025, 9, 30), seed=3
    )
    site = Point(*SITES[0], srid=4326).transform(2100, clone=True).buffer(BUFFER_M)
    reports_scatter(
        within=site.transform(4326, clone=True),
        count=10,
        start=WINDOWS.before_start,
        end=WINDOWS.before_end,
        seed=4,
    )
    evaluation = _evaluate(intervention)
    assert evaluation.status == "done", evaluation.message
    assert evaluation.result["n_treated"] == 1
    assert evaluation.result["comparison"]["units"]["treated"] == 1
    assert evaluation.result["rate_ratio"] is not None


def test_no_comparison_cell_with_events_is_unanswered_with_a_message(piraeus: None) -> None:
    intervention = _sites_intervention(SITES)
    # Reports only inside the sites' treated zones: no cell has an event.
    for n, (x, y) in enumerate(SITES):
        zone = Point(x, y, srid=4326).transform(2100, clone=True).buffer(BUFFER_M - 10)
        reports_scatter(
            within=zone.transform(4326, clone=True),
            count=8,
            start=WINDOWS.before_start,
            end=WINDOWS.after_end,
            seed=n,
        )
    evaluation = _evaluate(intervention)
    assert evaluation.status == "unanswered"
    assert evaluation.result == {"code": "no_comparison"}
    assert "No grid cell" in evaluation.message


def test_comparison_areas_are_refused_for_several_sites(piraeus: None) -> None:
    intervention = _sites_intervention(SITES)
    other = Area.objects.get(code="piraeus-1")
    with pytest.raises(ValidationError) as caught:
        evaluation_request(
            intervention=intervention,
            by=analyst(),
            parameters=_parameters(),
            comparison_area_ids=[other.pk],
        )
    assert "comparison_areas" in caught.value.message_dict
    assert not intervention.evaluations.exists()


def test_sites_whose_treated_zones_overlap_are_unanswered(piraeus: None) -> None:
    intervention = _sites_intervention([(23.6300, 37.9500), (23.6305, 37.9500)])  # 44 m apart
    reports_scatter(
        within=Area.objects.get(code="piraeus").geometry,
        count=200,
        start=date(2024, 6, 1),
        end=date(2025, 9, 30),
    )
    evaluation = _evaluate(intervention)
    assert evaluation.status == "unanswered"
    assert evaluation.result == {"code": "overlapping_sites"}


def test_the_public_is_refused_sites_figures_that_rest_on_a_small_count() -> None:
    """Several sites: one unit's count of 1 or 2 in a window withholds the figures, as a small
    total behind the displacement figures does."""
    totals = {"treated": [40, 12], "control": [60, 58], "buffer": [9, 7]}
    rows = [{"zone": "control:cell:1:1", "before": 3, "after": 4}]
    result = {"design": "sites", "counts": rows, "displacement": {"counts": totals}}
    assert not rests_on_small_counts(result)
    small = {**totals, "buffer_control": [2, 0]}
    assert rests_on_small_counts({**result, "displacement": {"counts": small}})
    for window in ("before", "after"):
        one = [{**rows[0], window: 2}]
        assert rests_on_small_counts({**result, "counts": one}), window


def _sites_result(sites: list[tuple[int, int]], cells: list[tuple[int, int]]) -> dict[str, Any]:
    """A finished multi-site result as the service stores it, from each site's and each cell's
    (before, after) counts, one period a window: the estimator's figures, the counts table,
    the comparison and the displacement counts (the groups' totals)."""
    units = [*sites, *cells]
    area = [u for u in range(len(units)) for _ in range(2)]
    period = [0, 1] * len(units)
    count = [n for pair in units for n in pair]
    treated = [u < len(sites) for u in range(len(units))]
    found = poisson_did(area, period, count, treated, [False, True], inference="cluster")
    assert found.ci_low is not None
    assert found.ci_high is not None

    def row(role: str, code: str, pair: tuple[int, int]) -> dict[str, Any]:
        return {"zone": code, "role": role, "code": code, "before": pair[0], "after": pair[1]}

    rows = [row("treated", f"site-{n}", pair) for n, pair in enumerate(sites, 1)]
    rows += [row("control", f"cell-{n}", pair) for n, pair in enumerate(cells, 1)]
    rows += [row("ring", "ring", (30, 28)), row("ring_control", "piraeus-4", (90, 88))]

    def total(group: list[tuple[int, int]]) -> list[int]:
        return [sum(b for b, _ in group), sum(a for _, a in group)]

    return {
        "design": "sites",
        "estimate": found.estimate,
        "ci_low": found.ci_low,
        "ci_high": found.ci_high,
        "p_value": found.p_value,
        "rate_ratio": found.rate_ratio,
        "rate_ratio_ci": [math.exp(found.ci_low), math.exp(found.ci_high)],
        "percent_change": found.percent_change,
        "percent_ci": [100 * math.expm1(found.ci_low), 100 * math.expm1(found.ci_high)],
        "inference": {
            "method": found.method,
            "small_sample": found.small_sample,
            "n_assignments": found.n_assignments,
            "exact": found.exact,
            "seed": found.seed,
            "note": found.note,
        },
        "counts": rows,
        "comparison": {
            "how": "matched_cells",
            "areas": [
                {"code": f"cell-{n}", "before_count": b} for n, (b, _) in enumerate(cells, 1)
            ],
            "site_before_counts": {str(n): b for n, (b, _) in enumerate(sites, 1)},
        },
        "displacement": {
            "counts": {
                "treated": total(sites),
                "control": total(cells),
                "buffer": [30, 28],
                "buffer_control": [90, 88],
            },
            "wdq": {"value": 0.1},
            "wdd": {"estimate": -2.0},
        },
    }


def test_the_public_reads_no_figure_that_tells_how_a_withheld_count_splits() -> None:
    """The attacker: the public knows the sites' total before (the displacement figures give
    it, 10) and that a site's withheld count is 1 or 2. Three results that differ only in how
    the 10 split between the sites have three different intervals (the cluster-robust interval
    rests on the split), so whatever the public reads of them must be the same."""
    after = (3, 5, 4)
    cells = [(4 + n % 5, 4 + (n * 3) % 5) for n in range(20)]
    splits = [(1, 5, 4), (2, 4, 4), (5, 1, 4)]
    results = [
        _sites_result([(b, a) for b, a in zip(split, after, strict=True)], cells)
        for split in splits
    ]
    intervals = {(r["ci_low"], r["ci_high"]) for r in results}
    assert len(intervals) == len(splits)  # the council's figures tell the splits apart
    estimates = [r["estimate"] for r in results]
    assert max(estimates) - min(estimates) < 1e-12  # the estimate alone does not

    def public(result: dict[str, Any]) -> dict[str, Any]:
        evaluation = Evaluation(
            intervention=Intervention(reference="INT-2026-001"),
            version=1,
            status="done",
            method="m",
            result=as_published(result),
        )
        return published_result(evaluation, reads_all=False, hidden=False, survey_readable=False)

    read = [public(result) for result in results]
    assert read[0]["withheld_reason"] == "small_counts"
    assert read[0]["ci_low"] is None
    assert read[0]["inference"] == {"method": "cluster"}  # what it found rests on them too
    assert read[0]["displacement_counts"]["treated"] == [10, 12]  # the total stays
    assert read[1] == read[0]
    assert read[2] == read[0]
