"""An emerging hot spot run end to end: reports counted per cell and calendar month in Athens,
stored per cell equal to `emerging_hotspots` of counts made independently (PostGIS
point-in-polygon per report, months in Python); the public's run sees public reports only; the
same spec twice is one snapshot."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.contrib.gis.geos import Point

from curim.analytics.emerging import emerging_hotspots
from curim.analytics.hotspots import distance_band_weights
from curim.analytics.models import AnalysisRun, CellResult, Grid, RunAudience, RunKind, Sources
from curim.analytics.selectors.cells import grid_arrays
from curim.analytics.services.emerging_runs import EmergingSpec, emerging_run
from curim.analytics.services.grid import grid_lay_out
from curim.areas.models import Area
from curim.reports.models import Category, Report
from tests.analytics.test_grid_and_counts import _incident

pytestmark = pytest.mark.django_db

ATHENS = ZoneInfo("Europe/Athens")
END = datetime(2026, 12, 1, tzinfo=ATHENS)
HOT = (23.6465, 37.9425)


def _month_slice(moment: datetime) -> int:
    """Slice of a time: 0 for December 2025 ... 11 for November 2026, in Athens."""
    local = moment.astimezone(ATHENS)
    return (local.year - 2025) * 12 + local.month - 12


def _planted(make_report: Callable[..., Report]) -> list[Report]:
    rng = np.random.default_rng(11)
    boundary = Area.objects.get(level=Area.Level.MUNICIPALITY).geometry
    made = []
    # A cluster growing over the last months.
    for month, reports in ((7, 1), (8, 2), (9, 3), (10, 4), (11, 5)):
        for _ in range(reports):
            dx, dy = rng.uniform(-0.0004, 0.0004, 2)
            when = datetime(2026, month, 10, 12, tzinfo=ATHENS) + timedelta(hours=float(_))
            made.append(make_report(at=(HOT[0] + dx, HOT[1] + dy), occurred_at=when))
    # Scattered reports, one or two a month.
    scattered = 0
    while scattered < 18:
        lon, lat = rng.uniform((23.60, 37.92), (23.70, 37.97))
        if boundary.contains(Point(lon, lat, srid=4326)):
            month_start = datetime(2025, 12, 1, tzinfo=ATHENS) + timedelta(
                days=31 * (scattered % 12)
            )
            made.append(make_report(at=(lon, lat), occurred_at=month_start + timedelta(days=3)))
            scattered += 1
    # 00:30 on 1 November in Athens is still 31 October in UTC: November's slice.
    made.append(make_report(at=HOT, occurred_at=datetime(2026, 11, 1, 0, 30, tzinfo=ATHENS)))
    # Outside the slices: just before the first, and at the end.
    made.append(make_report(at=HOT, occurred_at=datetime(2025, 11, 30, 23, 59, tzinfo=ATHENS)))
    made.append(make_report(at=HOT, occurred_at=END))
    # Never in the public's run: a private kind and an official incident.
    private = Category.objects.filter(may_be_public=False, location_required=True).first()
    assert private is not None
    made.append(
        make_report(
            category=private.slug, at=HOT, occurred_at=datetime(2026, 11, 3, 12, tzinfo=UTC)
        )
    )
    graffiti = Category.objects.get(slug="graffiti")
    _incident(graffiti, HOT, datetime(2026, 11, 4, 12, tzinfo=UTC))
    return made


def _independent_counts(grid: Grid, reports: list[Report], *, public: bool) -> np.ndarray:
    """Slices × cells by one point-in-polygon query per report and the month in Python."""
    counts = np.zeros((12, grid.cells.count()), dtype=np.int64)
    for report in reports:
        slice_ = _month_slice(report.occurred_at)
        # Events are counted when they are in the municipality: when they have an area.
        if not 0 <= slice_ < 12 or report.area_id is None:
            continue
        if public and not report.category.may_be_public:
            continue
        point = report.public_location if public else report.location
        assert point is not None
        cell = grid.cells.filter(geometry__intersects=point.transform(2100, clone=True)).first()
        if cell is not None:
            counts[slice_, cell.index] += 1
    return counts


@pytest.mark.parametrize("audience", [RunAudience.COUNCIL, RunAudience.PUBLIC])
def test_stored_cells_equal_emerging_hotspots_of_an_independent_count(
    make_report: Callable[..., Report], audience: RunAudience
) -> None:
    reports = _planted(make_report)
    grid = grid_lay_out(municipality=Area.objects.get(level=Area.Level.MUNICIPALITY))
    public = audience == RunAudience.PUBLIC
    sources = Sources.REPORTS if public else Sources.BOTH
    counts = _independent_counts(grid, reports, public=public)
    if not public:
        hot_cell = grid.cells.get(
            geometry__intersects=Point(*HOT, srid=4326).transform(2100, clone=True)
        )
        counts[11, hot_cell.index] += 1  # the official incident
    arrays = grid_arrays(grid)
    expected = emerging_hotspots(counts, distance_band_weights(arrays.x, arrays.y, band_m=500))

    run = emerging_run(grid=grid, spec=EmergingSpec(audience=audience, sources=sources, end=END))
    assert run.kind == RunKind.EMERGING
    cells = list(CellResult.objects.filter(run=run).order_by("cell__index"))
    assert len(cells) == arrays.n
    np.testing.assert_array_equal([c.count for c in cells], counts.sum(axis=0))
    assert run.summary["events"] == int(counts.sum())
    assert run.summary["events_per_slice"] == counts.sum(axis=1).tolist()
    assert np.max(np.abs(np.array([c.z for c in cells]) - expected.z_scores[-1])) <= 1e-9
    assert np.max(np.abs(np.array([c.p for c in cells]) - expected.trend.p)) <= 1e-9
    assert all(c.p_fdr is None for c in cells)
    assert [c.label for c in cells] == expected.categories.tolist()
    assert np.max(np.abs(np.array([c.extra["tau"] for c in cells]) - expected.trend.tau)) <= 1e-9
    assert [c.extra["hot_slices"] for c in cells] == (expected.significance > 0).sum(0).tolist()
    assert [c.extra["cold_slices"] for c in cells] == (expected.significance < 0).sum(0).tolist()
    assert run.summary["slices"][0] == "2025-12-01"
    assert run.summary["slices"][-1] == "2026-11-01"
    assert sum(run.summary["categories"].values()) == arrays.n
    assert run.summary["categories"]["none"] < arrays.n  # the cluster shows up


def test_a_private_report_and_an_official_incident_are_never_in_the_public_s_run(
    make_report: Callable[..., Report],
) -> None:
    when = datetime(2026, 11, 3, 12, tzinfo=UTC)
    make_report(at=HOT, occurred_at=when)
    private = Category.objects.filter(may_be_public=False, location_required=True).first()
    assert private is not None
    make_report(category=private.slug, at=HOT, occurred_at=when)
    _incident(Category.objects.get(slug="graffiti"), HOT, when)
    grid = grid_lay_out(municipality=Area.objects.get(level=Area.Level.MUNICIPALITY))
    public = emerging_run(
        grid=grid, spec=EmergingSpec(audience=RunAudience.PUBLIC, sources=Sources.REPORTS, end=END)
    )
    council = emerging_run(
        grid=grid, spec=EmergingSpec(audience=RunAudience.COUNCIL, sources=Sources.BOTH, end=END)
    )
    assert public.summary["events"] == 1
    assert sum(CellResult.objects.filter(run=public).values_list("count", flat=True)) == 1
    assert council.summary["events"] == 3


def test_the_same_spec_twice_is_one_snapshot(make_report: Callable[..., Report]) -> None:
    make_report(occurred_at=datetime(2026, 10, 5, 12, tzinfo=ATHENS))
    grid = grid_lay_out(municipality=Area.objects.get(level=Area.Level.MUNICIPALITY))
    spec = EmergingSpec(audience=RunAudience.PUBLIC, sources=Sources.REPORTS, end=END)
    first = emerging_run(grid=grid, spec=spec)
    rows = CellResult.objects.count()
    assert emerging_run(grid=grid, spec=spec) == first
    assert CellResult.objects.count() == rows
    assert AnalysisRun.objects.count() == 1
    weekly = EmergingSpec(
        audience=RunAudience.PUBLIC,
        sources=Sources.REPORTS,
        end=END - timedelta(days=1),
        slice="week",
    )
    assert emerging_run(grid=grid, spec=weekly) != first


def test_weekly_slices_start_on_mondays_at_local_midnight() -> None:
    spec = EmergingSpec(
        audience=RunAudience.PUBLIC,
        sources=Sources.REPORTS,
        end=datetime(2026, 11, 2, tzinfo=ATHENS),
        slice="week",
        slices=3 + 2,
    )
    starts = spec.slice_starts()
    assert [s.date().isoformat() for s in starts] == [
        "2026-09-28",
        "2026-10-05",
        "2026-10-12",
        "2026-10-19",
        "2026-10-26",
    ]
    # Across the change to winter time each is still 00:00 in Athens.
    assert [s.astimezone(UTC).hour for s in starts] == [21, 21, 21, 21, 22]


def test_the_end_must_start_a_slice() -> None:
    with pytest.raises(ValueError, match="local midnight"):
        EmergingSpec(
            audience=RunAudience.PUBLIC,
            sources=Sources.REPORTS,
            end=datetime(2026, 12, 1, tzinfo=UTC),
        )
    with pytest.raises(ValueError, match="local midnight"):
        EmergingSpec(
            audience=RunAudience.PUBLIC,
            sources=Sources.REPORTS,
            end=datetime(2026, 12, 2, tzinfo=ATHENS),
            slice="week",
        )
