"""A report moved from one row of counts to another takes the two rows in the order of their
keys, on a real database (migration reports/0022). The triggers took the old row, then the new
one: two reports moved between the same two categories in opposite directions at once (in one
cell, in one month) took the rows in opposite orders and deadlocked.

Shown without a race, both ways: a third connection holds the lower row; a move from the higher
row to the lower (the lower is its new row) or from the lower to the higher (the lower is its old
row) waits for it, and meanwhile has not taken the higher row (the old triggers took the old row
first, whichever it was)."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import models, transaction
from django.utils import timezone

from curim.reports.models import Category, CouncilMonthCount, PublicCell, PublicCellDays, Report
from tests.seeding import seeded_rows_restore
from tests.threads import held, in_thread, joined, until_a_lock_is_awaited

pytestmark = pytest.mark.django_db(transaction=True)


def _two_categories_sharing_cells() -> tuple[Category, Category]:
    """Two public categories of one cell size (their reports at one point share a cell), the
    lower key first."""
    by_size: dict[int, list[Category]] = {}
    for category in Category.objects.filter(
        may_be_public=True, is_active=True, location_required=True
    ).order_by("pk"):
        by_size.setdefault(category.grid_size_m, []).append(category)
    low, high, *_ = next(found for found in by_size.values() if len(found) >= 2)
    return low, high


@pytest.mark.parametrize("downwards", [True, False], ids=["to the lower row", "to the higher"])
@pytest.mark.parametrize("table", [CouncilMonthCount, PublicCell, PublicCellDays])
def test_a_move_takes_the_lower_row_of_counts_first(
    table: type[models.Model], downwards: bool, make_report: Callable[..., Report]
) -> None:
    seeded_rows_restore()  # the categories: a committing test emptied them
    low, high = _two_categories_sharing_cells()
    source, target = (high, low) if downwards else (low, high)
    when = timezone.now() - timedelta(days=40)  # one month for both, whenever the test runs
    make_report(category=target.slug, occurred_at=when)
    moved = make_report(category=source.slug, occurred_at=when)  # the same point and month
    rows = table._default_manager
    assert rows.filter(category=high).count() == 1

    outcome: dict[str, Any] = {}
    holder, release = held(
        lambda: list(rows.select_for_update().filter(category=low)), lambda: None, outcome, "held"
    )
    try:
        mover = in_thread(
            lambda: Report.objects.filter(pk=moved.pk).update(category=target), outcome, "moved"
        )
        until_a_lock_is_awaited(mover, "the move")
        with transaction.atomic():  # the higher row is free: NOWAIT would raise otherwise
            assert len(rows.select_for_update(nowait=True).filter(category=high)) == 1
    finally:
        release.set()
    joined(holder, mover, outcome=outcome)
    assert not rows.filter(category=source).exists()
    assert rows.filter(category=target).values_list("count", flat=True).get() == 2
