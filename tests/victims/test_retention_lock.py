"""The retention run and a worker answering at the same moment, on two connections of a real
database. A case: the run reads it again under a lock, so it waits for a reopening to commit and
then leaves the case whole (a reading without the lock would anonymise it and write its stale
"closed" over the reopening). A request for contact: one a worker is answering is skipped, and
the run does not wait for the worker."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tests.seeding import seeded_rows_restore
from tests.threads import WAIT, held, in_thread, joined, until_a_lock_is_awaited
from tests.victims.factories import (
    case_create,
    intake_request_answer,
    intake_request_create,
    worker_create,
)
from victims.models import (
    AccessLog,
    Case,
    ClosureOutcome,
    IntakeRequest,
    Status,
)
from victims.services.cases import case_close, case_reopen
from victims.services.intake import intake_requests_unanswered_delete
from victims.services.privacy import case_anonymise_if_due

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reopening_at_the_moment_the_run_reaches_the_case_wins(settings: Any) -> None:
    seeded_rows_restore()  # the roles, the consent texts: a committing test emptied them
    worker = worker_create(email="worker@example.org")
    case = case_close(case=case_create(by=worker), by=worker, outcome=ClosureOutcome.COMPLETED)
    long_ago = timezone.now() - datetime.timedelta(days=settings.VSU_RETENTION_DAYS + 1)
    Case.objects.filter(pk=case.pk).update(closed_at=long_ago)
    outcome: dict[str, Any] = {}
    # The worker's transaction holds the case's row until the reopening commits.
    worker_thread, release = held(
        lambda: Case.objects.select_for_update().get(pk=case.pk),
        lambda: case_reopen(case=case, by=worker, note="The person called again."),
        outcome,
        "reopened",
    )
    try:
        run_thread = in_thread(lambda: case_anonymise_if_due(case.pk), outcome, "anonymised")
        until_a_lock_is_awaited(
            run_thread, "the run"
        )  # it has reached the case and waits for the worker
        assert "anonymised" not in outcome
    finally:
        release.set()  # never leave the worker's lock held over the test's teardown
    joined(worker_thread, run_thread, outcome=outcome)
    assert outcome["anonymised"] is False
    kept = Case.objects.get(pk=case.pk)
    assert kept.status == Status.ASSESSMENT
    assert kept.anonymised_at is None
    assert kept.person is not None
    assert kept.person.full_name
    assert not AccessLog.objects.filter(action=AccessLog.Action.ANONYMISE).exists()


def test_a_request_being_answered_when_the_run_comes_is_skipped_without_waiting() -> None:
    seeded_rows_restore()  # the roles, the consent texts: a committing test emptied them
    worker = worker_create(email="worker@example.org")
    request = intake_request_create()
    long_ago = timezone.now() - datetime.timedelta(days=365)
    IntakeRequest.objects.filter(pk=request.pk).update(created_at=long_ago)
    outcome: dict[str, Any] = {}
    # The worker's transaction holds the request's row until the case is opened.
    worker_thread, release = held(
        lambda: IntakeRequest.objects.select_for_update().get(pk=request.pk),
        lambda: intake_request_answer(request, worker),
        outcome,
        "opened",
    )
    try:
        run_thread = in_thread(intake_requests_unanswered_delete, outcome, "removed")
        run_thread.join(WAIT / 3)
        assert not run_thread.is_alive(), "the run waited for the worker"
        assert outcome["removed"] == 0
    finally:
        release.set()
    joined(worker_thread, run_thread, outcome=outcome)
    assert IntakeRequest.objects.get(pk=request.pk).state == IntakeRequest.State.OPENED
    assert Case.objects.get() == outcome["opened"]
    assert not AccessLog.objects.filter(action=AccessLog.Action.ERASE).exists()
