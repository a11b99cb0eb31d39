"""The retention run and a worker reopening the same case at the same moment, on two connections
of a real database: the run reads the case again under a lock, so it waits for the reopening to
commit and then leaves the case whole (a reading without the lock would anonymise it and write
its stale "closed" over the reopening)."""

import datetime
import threading
import time
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from tests.victims.factories import case_create, worker_create
from victims.models import AccessLog, Case, ClosureOutcome, Status
from victims.services.cases import case_close, case_reopen
from victims.services.privacy import case_anonymise_if_due

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 15  # seconds, at most, for a step that takes milliseconds


def _waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        (count,) = cursor.fetchone()
    return int(count)


def _in_thread(target: Any, outcome: dict[str, Any], key: str) -> threading.Thread:
    def run() -> None:
        try:
            outcome[key] = target()
        except BaseException as error:  # handed to the test, which raises it
            outcome[key] = error
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_reopening_at_the_moment_the_run_reaches_the_case_wins(settings: Any) -> None:
    worker = worker_create(email="worker@example.org")
    case = case_close(case=case_create(by=worker), by=worker, outcome=ClosureOutcome.COMPLETED)
    long_ago = timezone.now() - datetime.timedelta(days=settings.VSU_RETENTION_DAYS + 1)
    Case.objects.filter(pk=case.pk).update(closed_at=long_ago)
    locked, release = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def reopen() -> Case:
        # The worker's transaction: it holds the case's row until it commits.
        with transaction.atomic():
            Case.objects.select_for_update().get(pk=case.pk)
            locked.set()
            assert release.wait(WAIT)
            return case_reopen(case=case, by=worker, note="The person called again.")

    worker_thread = _in_thread(reopen, outcome, "reopened")
    assert locked.wait(WAIT)
    run_thread = _in_thread(lambda: case_anonymise_if_due(case.pk), outcome, "anonymised")
    deadline = time.monotonic() + WAIT
    while _waiting_on_a_lock() == 0:  # the run has reached the case and waits for the worker
        assert time.monotonic() < deadline, "the run never waited for the worker's lock"
        time.sleep(0.02)
    assert "anonymised" not in outcome
    release.set()
    worker_thread.join(WAIT)
    run_thread.join(WAIT)

    for result in outcome.values():
        if isinstance(result, BaseException):
            raise result
    assert outcome["anonymised"] is False
    kept = Case.objects.get(pk=case.pk)
    assert kept.status == Status.ASSESSMENT
    assert kept.anonymised_at is None
    assert kept.person is not None
    assert kept.person.full_name
    assert not AccessLog.objects.filter(action=AccessLog.Action.ANONYMISE).exists()
