"""A moderator's edit locks the report it edits, and nothing else: citizens keep submitting
reports of its category meanwhile, on another connection of a real database (a lock through
the join to the category held every such submission up until the edit committed)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction

from curim.accounts.models import User
from curim.reports.models import Report
from curim.reports.services.workflow import report_edit
from tests.seeding import seeded_rows_restore
from tests.threads import joined, paused_in_thread

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_report_of_the_category_is_submitted_while_an_edit_holds_its_lock(
    make_report: Callable[..., Report], moderator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded_rows_restore()  # the categories: a committing test emptied them
    report = make_report(
        status="submitted",
        description="Tags on the wall, and the shop owner's phone number 210 000 0000",
    )
    # The edit has locked the report and stops before it checks and saves it, until the test
    # lets it.
    outcome: dict[str, Any] = {}
    thread, release = paused_in_thread(
        monkeypatch,
        Report,
        "full_clean_own_fields",
        lambda: report_edit(
            report=report,
            actor=moderator,
            description="Tags on the wall",
            category=report.category,
            reason="A phone number",
        ),
        outcome,
        "edited",
    )
    try:
        with connection.cursor() as cursor:  # a wait is a failure here, not a hang
            cursor.execute("SET lock_timeout = '3s'")
        submitted = make_report(status="submitted", description="More tags on the next wall")
        # The report itself is locked (before the edit's UPDATE, which would lock it too).
        with pytest.raises(OperationalError), transaction.atomic():
            Report.objects.select_for_update(nowait=True).get(pk=report.pk)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        release.set()
    joined(thread, outcome=outcome)
    assert Report.objects.get(pk=report.pk).description == "Tags on the wall"
    assert Report.objects.get(pk=submitted.pk).category.slug == "graffiti"
