"""The council's monthly counts (CouncilMonthCount) follow every change of the reports, kept by
the triggers of migration reports/0021: after any mix of inserts, moderation, merges, moves,
re-dating and deletions, the table holds exactly what counting the reports afresh with pandas
gives (published or further on, not merged into another; months in the platform's zone)."""

import importlib
import random
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pandas as pd
import pytest
from django.conf import settings
from django.db import connection

from curim.areas.models import Area
from curim.reports.models import PUBLIC_STATUSES, Category, CouncilMonthCount, Report

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("curim.reports.migrations.0021_council_month_counts")
# Restated here, not imported, so that the test is a second opinion on the triggers' rule.
COUNTED = {"published", "forwarded", "resolved", "closed"}
STATUSES = ["published", "forwarded", "resolved", "closed", "submitted", "rejected", "spam"]
ZONE = "Europe/Athens"


def _expected() -> dict[tuple[int, int | None, str], int]:
    frame = pd.DataFrame(
        list(
            Report.objects.values("category_id", "area_id", "occurred_at", "status", "duplicate_of")
        )
    )
    if frame.empty:
        return {}
    frame = frame[frame["status"].isin(COUNTED) & frame["duplicate_of"].isna()].copy()
    local = pd.to_datetime(frame["occurred_at"], utc=True).dt.tz_convert(ZONE)
    frame["month"] = local.dt.strftime("%Y-%m-01")
    frame["area_id"] = frame["area_id"].astype("object").where(frame["area_id"].notna(), None)
    counts = frame.groupby(["category_id", "area_id", "month"], dropna=False).size()
    expected: dict[tuple[int, int | None, str], int] = {}
    for key, n in counts.items():
        category, area, month = cast(tuple[Any, Any, Any], key)
        expected[(int(category), None if pd.isna(area) else int(area), str(month))] = int(n)
    return expected


def _stored() -> dict[tuple[int, int | None, str], int]:
    return {
        (row.category_id, row.area_id, row.month.isoformat()): row.count
        for row in CouncilMonthCount.objects.all()
    }


def _when(rng: random.Random) -> datetime:
    # Around month ends in Athens (UTC+2/+3), where a UTC date and a local one disagree.
    month = rng.randrange(1, 13)
    day = rng.choice([1, 28, 30]) if month != 2 else 1
    return datetime(2025, month, day, rng.choice([0, 21, 22, 23]), 30, tzinfo=UTC)


@pytest.mark.usefixtures("piraeus")
def test_the_counts_follow_every_change_of_the_reports() -> None:
    rng = random.Random(21)  # noqa: S311 - a reproducible mix, not a secret
    categories = list(Category.objects.values_list("id", flat=True))
    areas: list[int | None] = [*Area.objects.values_list("id", flat=True), None]
    reports = Report.objects.bulk_create(
        Report(
            category_id=rng.choice(categories),
            description="counted",
            occurred_at=_when(rng),
            severity=3,
            feeling_unsafe=3,
            status=rng.choice(STATUSES),
            area_id=rng.choice(areas),
        )
        for _ in range(120)
    )
    assert _stored() == _expected()
    for step in range(300):
        report = rng.choice(reports[2:])  # the first two stay: duplicates point at them
        if not Report.objects.filter(pk=report.pk).exists():
            continue
        change: dict[str, Any] = rng.choice(
            [
                {"status": rng.choice(STATUSES)},
                {"category_id": rng.choice(categories)},
                {"area_id": rng.choice(areas)},
                {"occurred_at": _when(rng)},
                {"duplicate_of_id": rng.choice([None, reports[0].pk, reports[1].pk])},
                {"status": rng.choice(STATUSES), "area_id": rng.choice(areas)},
                {"description": "not a counted column"},
                {"delete": True},
            ]
        )
        rows = Report.objects.filter(pk=report.pk)
        if change.pop("delete", False):
            rows.delete()
        else:
            rows.update(**change)
        if step % 50 == 0:
            assert _stored() == _expected(), step
    assert _stored() == _expected()
    # Many rows at once, as a moderator's bulk action or a merge would.
    Report.objects.filter(status="submitted").update(status="published")
    Report.objects.filter(area_id__isnull=True).update(area_id=areas[0])
    assert _stored() == _expected()
    Report.objects.filter(pk__in=[r.pk for r in reports[2::3]]).delete()
    assert _stored() == _expected()
    assert all(row.count > 0 for row in CouncilMonthCount.objects.all())


@pytest.mark.usefixtures("piraeus")
def test_a_month_is_the_platform_s_local_month() -> None:
    category = Category.objects.get(slug="graffiti")
    # 31 May 22:30 UTC is 1 June 01:30 in Athens: June's.
    Report.objects.create(
        category=category,
        description="late in May, in UTC",
        occurred_at=datetime(2026, 5, 31, 22, 30, tzinfo=UTC),
        severity=3,
        feeling_unsafe=3,
        status="published",
    )
    assert _stored() == {(category.pk, None, "2026-06-01"): 1}


@pytest.mark.usefixtures("piraeus")
def test_the_rebuild_gives_what_the_triggers_kept() -> None:
    rng = random.Random(5)  # noqa: S311 - a reproducible mix, not a secret
    categories = list(Category.objects.values_list("id", flat=True))
    Report.objects.bulk_create(
        Report(
            category_id=rng.choice(categories),
            description="counted",
            occurred_at=_when(rng) + timedelta(days=rng.randrange(400)),
            severity=3,
            feeling_unsafe=3,
            status=rng.choice(STATUSES),
        )
        for _ in range(80)
    )
    kept = _stored()
    with connection.cursor() as cursor:
        cursor.execute("SELECT reports_council_month_rebuild()")
    assert _stored() == kept == _expected()


def test_the_functions_count_the_council_s_statuses_in_the_platform_s_zone() -> None:
    assert MIGRATION.ZONE == settings.TIME_ZONE
    assert {s.strip(" '") for s in MIGRATION.PUBLIC.strip("()").split(",")} == set(PUBLIC_STATUSES)
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'reports_council_month_count'")
        (source,) = cursor.fetchone()
    assert f"AT TIME ZONE '{settings.TIME_ZONE}'" in source


def test_a_report_waiting_for_moderation_calls_no_trigger_function() -> None:
    # The submission's INSERT (status submitted) must not pay for the council's counts: the
    # insert trigger's WHEN leaves it out before any function is called.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE tgname = 'report_council_month_insert'"
        )
        (definition,) = cursor.fetchone()
    assert "WHEN" in definition
    assert "'submitted'" not in definition
