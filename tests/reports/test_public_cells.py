"""The public-cell counts kept by database triggers always equal the public reports they count."""

import importlib
import random
from collections import Counter
from datetime import date
from typing import Any

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Point

from curim.accounts.models import User
from curim.areas.models import Area
from curim.reports.models import PUBLIC_STATUSES, Category, PublicCell, Report, ReportStatus
from curim.reports.selectors import ReportFilter, public_cells, reports_filter, reports_public
from curim.reports.serialise import tile_bytes
from curim.reports.services.workflow import report_merge
from tests.reports.conftest import CENTRE, FALIRO

MakeReport = Any
TILE = (14, 9268, 6323)


def counted_by_cells() -> Counter[tuple[int, int | None, float, float]]:
    return Counter(
        {(c.category_id, c.area_id, c.x, c.y): c.count for c in PublicCell.objects.all()}
    )


def counted_from_reports() -> Counter[tuple[int, int | None, float, float]]:
    counts: Counter[tuple[int, int | None, float, float]] = Counter()
    for report in reports_public().exclude(public_point_3857=None):
        point = report.public_point_3857
        counts[(report.category_id, report.area_id, point.x, point.y)] += 1
    return counts


def assert_cells_match() -> None:
    assert counted_by_cells() == counted_from_reports()
    assert not PublicCell.objects.filter(count__lte=0).exists()


@pytest.mark.parametrize("name", ["0011_public_cell", "0012_public_cell_category_lock"])
def test_the_migrations_count_exactly_the_public_statuses(name: str) -> None:
    migration = importlib.import_module(f"curim.reports.migrations.{name}")
    statuses = {part.strip(" '") for part in migration.PUBLIC.strip("()").split(",")}
    assert statuses == {str(status) for status in PUBLIC_STATUSES}


def test_a_tile_with_a_box_and_no_period_is_served(client: Any, make_report: MakeReport) -> None:
    make_report()
    response = client.get("/api/v1/tiles/reports/14/9268/6323.pbf?bbox=23.6,37.9,23.7,38.0")
    assert response.status_code == 200


def test_cells_follow_every_kind_of_change(make_report: MakeReport, moderator: User) -> None:
    rng = random.Random(7)  # noqa: S311 - a repeatable sequence, not a secret
    places = [CENTRE, FALIRO, (23.6470, 37.9430), (23.6500, 37.9400)]
    reports = [
        make_report(
            category=rng.choice(["graffiti", "littering", "poor-lighting"]),
            at=rng.choice(places),
            status=rng.choice(["submitted", "published", "rejected"]),
        )
        for _ in range(12)
    ]
    assert_cells_match()
    assert PublicCell.objects.exists()

    # Every status, straight in the database (as an admin correction would be).
    for report in reports:
        report.status = rng.choice(list(ReportStatus))
        report.save(update_fields=["status"])
        assert_cells_match()

    # A category made private, then public again.
    graffiti = Category.objects.get(slug="graffiti")
    graffiti.may_be_public = False
    graffiti.save()
    assert not PublicCell.objects.filter(category=graffiti).exists()
    assert_cells_match()
    graffiti.may_be_public = True
    graffiti.save()
    assert_cells_match()

    # Moved to another category and another place.
    moved = reports[0]
    moved.category = Category.objects.get(slug="littering")
    moved.public_location = Point(*FALIRO, srid=4326)
    moved.save()
    assert_cells_match()

    # A merge, a district deleted, a report deleted.
    published = list(reports_public().order_by("pk")[:2])
    if len(published) == 2:
        report_merge(report=published[0], into=published[1], actor=moderator)
        assert_cells_match()
    Area.objects.filter(level="district").first().delete()
    assert_cells_match()
    Report.objects.filter(pk=reports[1].pk).delete()
    assert_cells_match()


def test_a_tile_from_cells_equals_the_tile_from_reports(make_report: MakeReport) -> None:
    for place, category in [(CENTRE, "graffiti"), (CENTRE, "graffiti"), (CENTRE, "littering")]:
        make_report(category=category, at=place)
    make_report(category="graffiti", at=CENTRE, status="rejected")
    for criteria in (
        ReportFilter(),
        ReportFilter(categories=("graffiti",)),
        ReportFilter(area="piraeus-1"),
    ):
        from_cells = tile_bytes(public_cells(criteria), *TILE)
        from_reports = tile_bytes(reports_filter(reports_public(), criteria), *TILE)
        assert mapbox_vector_tile.decode(from_cells) == mapbox_vector_tile.decode(from_reports)
    features = mapbox_vector_tile.decode(tile_bytes(public_cells(ReportFilter()), *TILE))
    assert sorted(f["properties"]["count"] for f in features["reports"]["features"]) == [1, 2]


def test_public_cells_refuse_a_period() -> None:
    with pytest.raises(ValueError, match="period"):
        public_cells(ReportFilter(since=date(2026, 1, 1)))
