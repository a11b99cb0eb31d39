"""A night of analytics survives a killed worker: a real Celery worker is killed (SIGKILL) while
it writes the night's first snapshot; nothing of that snapshot remains, and the night run again
by another worker stores exactly the snapshots an uninterrupted night stores."""

import signal
import uuid
from collections.abc import Callable
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection

from curim.analytics.models import AnalysisRun, CellResult
from curim.analytics.services.nightly import analytics_nightly
from curim.analytics.tasks import NIGHTLY_TASK, nightly_run
from curim.celery import app as celery_app
from curim.reports.models import Category, Report
from tests.analytics.test_hotspot_runs import _planted
from tests.workers import doomed_worker, forget_worker, other_session, wait_for


def _snapshots() -> dict[str, Any]:
    """Every stored run by its fingerprint: what it says and its cells' figures."""
    cells: dict[int, list[tuple[Any, ...]]] = {}
    for row in CellResult.objects.order_by("run_id", "cell__index").values_list(
        "run_id", "cell__index", "count", "z", "p", "p_fdr", "label", "extra"
    ):
        cells.setdefault(row[0], []).append(row[1:])
    return {
        run.fingerprint: (
            run.kind,
            run.audience,
            run.parameters,
            run.seed,
            run.summary,
            cells.get(run.pk, []),
        )
        for run in AnalysisRun.objects.all()
    }


def _waiting_on_cell_results(session: Any) -> bool:
    row = session.execute(
        "SELECT count(*) FROM pg_locks"
        " WHERE NOT granted AND relation = 'analytics_cellresult'::regclass"
    ).fetchone()
    return bool(row and row[0])


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_night_leaves_nothing_and_the_night_again_is_the_same(
    celery_worker: str, piraeus: None, make_report: Callable[..., Report]
) -> None:
    # An earlier transactional test flushed the categories its data migration made: made again.
    if not Category.objects.exists():
        import_module("curim.reports.migrations.0002_taxonomy").taxonomy_create(django_apps, None)
    _planted(make_report)
    # What an uninterrupted night stores, then forgotten.
    analytics_nightly()
    uninterrupted = _snapshots()
    assert len(uninterrupted) == 12
    AnalysisRun.objects.all().delete()

    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-doomed-{uuid.uuid4().hex[:8]}"
    name = f"doomed-{uuid.uuid4().hex[:8]}@localhost"
    worker = doomed_worker(queue, name)
    try:
        with other_session() as blocker:
            # Holds the night inside its first snapshot: its cells wait for this table lock.
            blocker.execute("BEGIN")
            blocker.execute("LOCK TABLE analytics_cellresult IN SHARE MODE")
            celery_app.send_task(NIGHTLY_TASK, queue=queue)
            with other_session() as watcher:
                wait_for(lambda: _waiting_on_cell_results(watcher), 120)
                worker.kill()  # SIGKILL: no handler runs
                assert worker.wait(timeout=20) == -signal.SIGKILL
                blocker.execute("ROLLBACK")
                # Its database session ends with the statement it was let through; nothing
                # it wrote was committed.
                wait_for(lambda: not _waiting_on_cell_results(watcher), 30)
        assert not AnalysisRun.objects.exists()
        assert not CellResult.objects.exists()

        # The night again, by the session's real worker through Redis.
        assert nightly_run.delay().get(timeout=300) == 12
        assert _snapshots() == uninterrupted
    finally:
        if worker.poll() is None:
            worker.kill()
        forget_worker(queue, name)
        connection.close()
