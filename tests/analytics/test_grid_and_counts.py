"""The analysis grid laid out in PostGIS, and events counted into its cells by arithmetic,
checked against PostGIS's own point-in-polygon; who counts for which audience."""

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from django.db import connection

from curim.analytics.models import (
    GridShape,
    OfficialIncident,
    RunAudience,
    Sources,
)
from curim.analytics.selectors.cells import Daylight, cell_counts, cell_counts_of, grid_arrays
from curim.analytics.selectors.events import EventQuery
from curim.analytics.services.grid import grid_lay_out
from curim.areas.models import Area
from curim.reports.models import Category, Report
from tests.analytics.factories import official_incident_create

pytestmark = pytest.mark.django_db

WHOLE_PERIOD = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def _municipality() -> Area:
    return Area.objects.get(level=Area.Level.MUNICIPALITY)


def _one(sql: str, params: list[Any] | None = None) -> tuple[object, ...]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        row = cursor.fetchone()
    assert row is not None
    return tuple(row)


@pytest.mark.parametrize("shape", [GridShape.SQUARE, GridShape.HEXAGON])
def test_the_grid_covers_the_municipality_once_and_shares_its_residents(
    piraeus: None, shape: GridShape
) -> None:
    municipality = _municipality()
    grid = grid_lay_out(municipality=municipality, shape=shape, cell_size_m=250)
    arrays = grid_arrays(grid)
    (area,) = _one(
        "SELECT ST_Area(ST_Transform(geometry, 2100)) FROM areas_area WHERE id = %s",
        [municipality.pk],
    )
    assert arrays.area_m2.sum() == pytest.approx(area, rel=1e-9)
    # No two cells overlap: their union has the area of their sum.
    (union,) = _one(
        "SELECT ST_Area(ST_Union(geometry)) FROM analytics_gridcell WHERE grid_id = %s", [grid.pk]
    )
    assert union == pytest.approx(arrays.area_m2.sum(), rel=1e-9)
    districts = Area.objects.filter(level=Area.Level.DISTRICT)
    assert np.nansum(arrays.population) == pytest.approx(
        sum(d.population or 0 for d in districts), rel=1e-9
    )
    whole = 250**2 if shape == GridShape.SQUARE else 3 * math.sqrt(3) / 2 * 250**2
    assert arrays.area_m2.max() == pytest.approx(whole, rel=1e-9)
    assert len(set(arrays.codes)) == arrays.n
    # Laying the same grid out again finds it.
    assert grid_lay_out(municipality=municipality, shape=shape, cell_size_m=250) == grid


def test_a_cell_s_district_is_the_one_holding_most_of_it(piraeus: None) -> None:
    grid = grid_lay_out(municipality=_municipality())
    for cell in grid.cells.all()[::17]:
        (largest,) = _one(
            "SELECT id FROM areas_area WHERE level = 'district' "
            "ORDER BY ST_Area(ST_Intersection(ST_Transform(geometry, 2100), %s)) DESC, id "
            "LIMIT 1",
            [cell.geometry.ewkt],
        )
        assert cell.district_id == largest


@pytest.mark.parametrize("shape", [GridShape.SQUARE, GridShape.HEXAGON])
def test_counting_by_arithmetic_matches_point_in_polygon(piraeus: None, shape: GridShape) -> None:
    grid = grid_lay_out(municipality=_municipality(), shape=shape, cell_size_m=250)
    arrays = grid_arrays(grid)
    rng = np.random.default_rng(7)
    x = rng.uniform(arrays.x.min() - 400, arrays.x.max() + 400, 5000)
    y = rng.uniform(arrays.y.min() - 400, arrays.y.max() + 400, 5000)
    events = (
        "SELECT ST_SetSRID(ST_MakePoint(x, y), 2100) AS point, now() AS occurred_at, "
        "'crime' AS category_group FROM unnest(%s::float8[], %s::float8[]) AS e (x, y)"
    )
    counts = cell_counts_of(grid, events, (list(x), list(y)), clip=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cell.index, count(*) FROM analytics_gridcell AS cell "
            "JOIN unnest(%s::float8[], %s::float8[]) AS e (x, y) "
            "ON ST_Intersects(cell.geometry, ST_SetSRID(ST_MakePoint(e.x, e.y), 2100)) "
            "WHERE cell.grid_id = %s GROUP BY cell.index",
            [list(x), list(y), grid.pk],
        )
        expected = np.zeros(arrays.n, dtype=np.int64)
        for index, count in cursor.fetchall():
            expected[index] = count
    assert counts.sum() > 1000
    np.testing.assert_array_equal(counts, expected)


def _incident(category: Category, at: tuple[float, float], when: datetime) -> OfficialIncident:
    return official_incident_create(category=category, at=at, when=when)


def test_each_audience_counts_only_what_it_may_see(make_report) -> None:  # type: ignore[no-untyped-def]
    grid = grid_lay_out(municipality=_municipality())
    private = Category.objects.filter(may_be_public=False).first()
    assert private is not None
    make_report()  # public
    make_report(status="submitted")  # waiting for moderation: nobody counts it
    make_report(category=private.slug)  # moderated, never public
    _incident(Category.objects.get(slug="graffiti"), (23.6465, 37.9425), datetime.now(UTC))

    def total(audience: RunAudience, sources: Sources) -> int:
        query = EventQuery(audience, sources, *WHOLE_PERIOD)
        return int(cell_counts(grid, query).sum())

    assert total(RunAudience.PUBLIC, Sources.REPORTS) == 1
    assert total(RunAudience.COUNCIL, Sources.REPORTS) == 2
    assert total(RunAudience.COUNCIL, Sources.INCIDENTS) == 1
    assert total(RunAudience.COUNCIL, Sources.BOTH) == 3
    with pytest.raises(ValueError, match="public"):
        EventQuery(RunAudience.PUBLIC, Sources.BOTH, *WHOLE_PERIOD)


def test_day_night_and_slices_split_the_counts(make_report) -> None:  # type: ignore[no-untyped-def]
    grid = grid_lay_out(municipality=_municipality())
    day = datetime(2026, 6, 3, tzinfo=UTC)
    # Dawn 03:00 UTC, dusk 17:30 UTC on the 3rd (invented, to test the rule only).
    dawn, dusk = day + timedelta(hours=3), day + timedelta(hours=17, minutes=30)
    for hours in (2, 4, 12, 17.4, 17.6, 20):
        make_report(occurred_at=day + timedelta(hours=hours))
    daylight = Daylight(dates=[day.date()], dawns=[dawn], dusks=[dusk], night=True)
    query = EventQuery(RunAudience.COUNCIL, Sources.REPORTS, day, day + timedelta(hours=21))
    assert cell_counts(grid, query, daylight=daylight).sum() == 3
    daylight_by_day = Daylight(dates=[day.date()], dawns=[dawn], dusks=[dusk], night=False)
    assert cell_counts(grid, query, daylight=daylight_by_day).sum() == 3
    slices = cell_counts(grid, query, slice_starts=[day, day + timedelta(hours=12)])
    assert slices.shape == (2, grid.cells.count())
    assert list(slices.sum(axis=1)) == [2, 4]


def test_located_events_are_the_counted_ones_in_the_same_cells(
    make_report: Callable[..., Report],
) -> None:
    from curim.analytics.selectors.cells import located_events

    grid = grid_lay_out(municipality=_municipality())
    for lon in (23.640, 23.6465, 23.6465, 23.650):
        make_report(at=(lon, 37.9425))
    query = EventQuery(RunAudience.COUNCIL, Sources.REPORTS, *WHOLE_PERIOD)
    located = located_events(grid, query)
    counts = cell_counts(grid, query)
    np.testing.assert_array_equal(np.bincount(located.cell, minlength=counts.size), counts)
    assert located.group == ["incivility"] * 4
    assert (np.diff(located.day) >= 0).all()
