"""The per-day public-cell counts kept by triggers equal the public reports they count, and a
period's tile read from them equals the tile read from the reports."""

import importlib
import random
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import mapbox_vector_tile
import pytest
from django.conf import settings
from django.contrib.gis.geos import Point, Polygon
from django.db import connection
from django.utils import timezone

from curim.accounts.models import User
from curim.reports.models import Category, PublicCell, PublicCellDays, Report, ReportStatus
from curim.reports.selectors import (
    ReportFilter,
    public_cell_days,
    reports_filter,
    reports_public,
)
from curim.reports.serialise import tile_bytes
from curim.reports.services.workflow import report_edit, report_merge, report_transition
from curim.reports.tilecache import tiles_changed
from tests.reports.conftest import CENTRE, FALIRO

MakeReport = Any
MIGRATION = importlib.import_module("curim.reports.migrations.0017_public_cell_days")
LATEST = importlib.import_module("curim.reports.migrations.0018_public_cell_days_running_only")
TILES = [(12, 2317, 1580), (14, 9268, 6323), (16, 37074, 25293)]
PLACES = [CENTRE, FALIRO, (23.6470, 37.9430), (23.6500, 37.9400)]
CATEGORIES = ["graffiti", "littering", "poor-lighting"]
START = date(2026, 3, 20)  # a week before the change to summer time, which the days cross
Key = tuple[int, int | None, float, float, date]


def counted_by_days() -> Counter[Key]:
    counts: Counter[Key] = Counter()
    for cell in PublicCellDays.objects.all():
        # Each row is consistent: days in order, each once, one running total each, each day
        # counting something (its total above the one before), the all-time count the last.
        assert cell.days == sorted(set(cell.days))
        assert len(cell.running) == len(cell.days)
        before = [0, *cell.running[:-1]]
        own = [total - b for total, b in zip(cell.running, before, strict=True)]
        assert all(n > 0 for n in own)
        assert cell.count == cell.running[-1]
        for day, n in zip(cell.days, own, strict=True):
            counts[(cell.category_id, cell.area_id, cell.x, cell.y, day)] = n
    return counts


def counted_from_reports() -> Counter[Key]:
    zone = ZoneInfo(settings.TIME_ZONE)
    counts: Counter[Key] = Counter()
    for report in reports_public().exclude(public_point_3857=None):
        point = report.public_point_3857
        day = report.occurred_at.astimezone(zone).date()
        counts[(report.category_id, report.area_id, point.x, point.y, day)] += 1
    return counts


def decoded(tile: bytes) -> list[tuple[str, int, tuple[int, int]]]:
    layer = mapbox_vector_tile.decode(tile).get("reports", {"features": []})
    return sorted(
        (f["properties"]["category"], f["properties"]["count"], tuple(f["geometry"]["coordinates"]))
        for f in layer["features"]
    )


def random_criteria(rng: random.Random) -> ReportFilter:
    since = START + timedelta(days=rng.randrange(-2, 14))
    until = since + timedelta(days=rng.randrange(0, 10))
    categories = tuple(rng.sample(CATEGORIES, rng.randrange(0, 3)))
    return rng.choice(
        [
            ReportFilter(since=since, until=until, categories=categories),
            ReportFilter(since=since, categories=categories),
            ReportFilter(until=until, categories=categories),
            ReportFilter(since=since, until=until, groups=("incivility",)),
            ReportFilter(since=since, area="piraeus-1"),
        ]
    )


def assert_days_match(rng: random.Random, tries: int = 4) -> None:
    assert counted_by_days() == counted_from_reports()
    assert not PublicCellDays.objects.filter(count__lte=0).exists()
    for _ in range(tries):
        criteria = random_criteria(rng)
        from_reports = reports_filter(reports_public(), criteria)
        from_days = public_cell_days(criteria)
        total = sum(from_days.values_list("count_in_period", flat=True))
        assert total == from_reports.exclude(public_point_3857=None).count(), criteria
        for tile in TILES:
            assert decoded(tile_bytes(from_days, *tile)) == decoded(
                tile_bytes(from_reports, *tile)
            ), (criteria, tile)


def a_moment(rng: random.Random) -> datetime:
    # Near local midnight half of the time, where a day in UTC and a local day differ.
    day = START + timedelta(days=rng.randrange(0, 12))
    minutes = rng.choice([rng.randrange(0, 24 * 60), rng.randrange(0, 180), 24 * 60 - 1])
    local = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return local + timedelta(minutes=minutes)


def test_the_migration_counts_the_public_statuses_in_the_platform_time_zone() -> None:
    statuses = {part.strip(" '") for part in MIGRATION.PUBLIC.strip("()").split(",")}
    assert statuses == {
        str(s)
        for s in (
            ReportStatus.PUBLISHED,
            ReportStatus.FORWARDED,
            ReportStatus.RESOLVED,
            ReportStatus.CLOSED,
        )
    }
    assert MIGRATION.ZONE == settings.TIME_ZONE


def test_day_cells_follow_every_kind_of_change(make_report: MakeReport, moderator: User) -> None:
    rng = random.Random(16)  # noqa: S311 - a repeatable sequence, not a secret
    reports = [
        make_report(
            category=rng.choice(CATEGORIES),
            at=rng.choice(PLACES),
            status=rng.choice(["submitted", "published", "published", "rejected"]),
            occurred_at=a_moment(rng),
        )
        for _ in range(24)
    ]
    assert PublicCellDays.objects.exists()
    assert_days_match(rng)

    # Published, hidden (rejected), published again: through the workflow service.
    for report in rng.sample(reports, 6):
        report.refresh_from_db()
        target = "rejected" if report.status == "published" else "published"
        report_transition(report=report, to_status=target, actor=moderator)
        assert_days_match(rng, tries=1)

    # Any status, straight in the database (as an admin correction would be).
    for report in rng.sample(reports, 6):
        report.status = rng.choice(list(ReportStatus))
        report.save(update_fields=["status"])
        assert_days_match(rng, tries=1)

    # A category corrected by a moderator (its public location moves to the new grid).
    for report in rng.sample(reports, 4):
        report.refresh_from_db()
        other = rng.choice([slug for slug in CATEGORIES if slug != report.category.slug])
        report_edit(
            report=report,
            actor=moderator,
            description=report.description,
            category=Category.objects.get(slug=other),
        )
        assert_days_match(rng, tries=1)

    # When it happened, corrected across local midnight; and moved to another place.
    # Each column on its own, since a trigger fires only for the columns an UPDATE sets.
    for report in reports_public().order_by("pk")[:3]:
        Report.objects.filter(pk=report.pk).update(occurred_at=report.occurred_at + timedelta(1))
        assert_days_match(rng, tries=1)
    moved = Report.objects.get(pk=reports[0].pk)
    moved.public_location = Point(*FALIRO, srid=4326)
    moved.save(update_fields=["public_location"])
    assert_days_match(rng)

    # A category made private, then public again.
    graffiti = Category.objects.get(slug="graffiti")
    graffiti.may_be_public = False
    graffiti.save()
    assert not PublicCellDays.objects.filter(category=graffiti).exists()
    assert_days_match(rng)
    graffiti.may_be_public = True
    graffiti.save()
    assert_days_match(rng)

    # A merge, and deletions.
    published = list(reports_public().order_by("pk")[:2])
    report_merge(report=published[0], into=published[1], actor=moderator)
    assert_days_match(rng)
    for report in rng.sample(reports, 5):
        Report.objects.filter(pk=report.pk).delete()
        assert_days_match(rng, tries=1)
    assert_days_match(rng, tries=12)


def test_the_backfill_rebuilds_the_day_cells(make_report: MakeReport) -> None:
    rng = random.Random(3)  # noqa: S311
    for _ in range(10):
        make_report(
            category=rng.choice(CATEGORIES), at=rng.choice(PLACES), occurred_at=a_moment(rng)
        )
    kept = counted_by_days()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_publiccelldays")
        cursor.execute(LATEST.BACKFILL)
    assert counted_by_days() == kept == counted_from_reports()


def test_a_tile_with_a_period_is_read_from_the_day_cells(
    client: Any, make_report: MakeReport
) -> None:
    today = timezone.localdate()
    make_report(category="graffiti", occurred_at=timezone.now())
    make_report(category="graffiti", occurred_at=timezone.now() - timedelta(days=40))
    # A count the reports do not hold: only a tile read from the day counts shows it.
    cell = PublicCellDays.objects.get()
    assert cell.days[-1] == today
    cell.running[-1] += 4
    cell.count += 4
    cell.save()
    response = client.get(f"/api/v1/tiles/reports/14/9268/6323.pbf?since={today}")
    assert response.status_code == 200
    assert [count for _, count, _ in decoded(response.content)] == [5]


D1, D2, D3 = date(2026, 3, 1), date(2026, 3, 5), date(2026, 3, 9)


@pytest.mark.parametrize(
    ("days", "running", "day", "delta", "expected"),
    [
        ([], [], D1, 1, ([D1], [1])),  # a cell's first report
        ([D2], [2], D1, 1, ([D1, D2], [1, 3])),  # a day before the first
        ([D1, D3], [1, 3], D2, 1, ([D1, D2, D3], [1, 2, 4])),  # between two
        ([D1, D2], [1, 3], D2, 1, ([D1, D2], [1, 4])),  # a day already there
        ([D1, D2], [1, 3], D3, 2, ([D1, D2, D3], [1, 3, 5])),  # after the last
        ([D1], [1], D1, -1, ([], [])),  # the only report gone
        ([D1, D2, D3], [1, 3, 4], D1, -1, ([D2, D3], [2, 3])),  # the first day emptied
        ([D1, D2, D3], [1, 3, 4], D2, -2, ([D1, D3], [1, 2])),  # a middle day emptied
        ([D1, D2, D3], [1, 3, 4], D3, -1, ([D1, D2], [1, 3])),  # the last day emptied
        ([D1, D2, D3], [1, 3, 4], D2, -1, ([D1, D2, D3], [1, 2, 3])),  # one of two gone
    ],
)
@pytest.mark.django_db
def test_adding_to_a_day_keeps_the_days_and_their_running_totals(
    days: list[date],
    running: list[int],
    day: date,
    delta: int,
    expected: tuple[list[date], list[int]],
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM reports_cell_days_add(%s::date[], %s::integer[], %s::date, %s)",
            [days, running, day, delta],
        )
        assert cursor.fetchone() == expected


def test_day_cells_refuse_a_box() -> None:
    with pytest.raises(ValueError, match="box"):
        public_cell_days(ReportFilter(since=date(2026, 1, 1), bbox=Polygon.from_bbox((0, 0, 1, 1))))


def test_the_tiles_of_a_period_compile_once_and_answer_from_the_tables_now(
    client: Any, make_report: MakeReport
) -> None:
    # The tile view compiles what the tiles of one set of criteria count once
    # (curim.reports.api.exports._tile_points): each request must still get its own criteria,
    # and the tables' state (what is public) at the moment it runs.
    today = timezone.localdate()
    make_report(category="graffiti", occurred_at=timezone.now())
    make_report(category="littering", occurred_at=timezone.now())
    make_report(category="littering", occurred_at=timezone.now() - timedelta(days=40))
    tile = "/api/v1/tiles/reports/14/9268/6323.pbf"

    def counts(query: str) -> list[tuple[str, int]]:
        tiles_changed()  # as a commit would; the tile cache is not what this test is about
        response = client.get(f"{tile}?{query}")
        assert response.status_code == 200
        return [(category, count) for category, count, _ in decoded(response.content)]

    for _ in range(2):  # compiled by the first round, read from the compiled SQL by the second
        assert counts(f"since={today}") == [("graffiti", 1), ("littering", 1)]
        assert counts(f"since={today}&category=littering") == [("littering", 1)]
        assert counts(f"since={today - timedelta(days=41)}") == [("graffiti", 1), ("littering", 2)]
        assert counts("") == [("graffiti", 1), ("littering", 2)]
    make_report(category="graffiti", occurred_at=timezone.now())
    assert counts(f"since={today}") == [("graffiti", 2), ("littering", 1)]
    # A category made private leaves the tiles of the compiled criteria at once: its cells go
    # (the triggers), and a cell of it that stayed (put back here by hand) is still not drawn,
    # the compiled SQL joining the categories as they are when it runs.
    kept = PublicCellDays.objects.filter(category__slug="littering").order_by("pk").last()
    kept_all_time = PublicCell.objects.filter(category__slug="littering").order_by("pk").last()
    assert kept is not None
    assert kept_all_time is not None
    Category.objects.filter(slug="littering").update(may_be_public=False)
    assert not PublicCellDays.objects.filter(category__slug="littering").exists()
    assert not PublicCell.objects.filter(category__slug="littering").exists()
    for cell in (kept, kept_all_time):
        cell.pk = None
        cell.save()
    assert counts(f"since={today}") == [("graffiti", 2)]
    assert counts(f"since={today}&category=littering") == []
    assert counts("") == [("graffiti", 2)]
