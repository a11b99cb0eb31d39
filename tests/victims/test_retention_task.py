"""The nightly retention task, run by a real Celery worker, anonymises what is due."""

import datetime
import time

import pytest
from django.utils import timezone

from curim.celery import app
from tests.victims.clients import case_create, member
from victims.models import Case, Person, Status
from victims.services.cases import case_close
from victims.tasks import retention_apply_task


def test_the_retention_task_runs_nightly() -> None:
    entry = app.conf.beat_schedule["victims-retention"]
    assert entry["task"] == retention_apply_task.name


@pytest.mark.django_db(transaction=True)
def test_a_worker_anonymises_cases_closed_longer_than_the_retention_period(
    celery_worker: str, settings: object
) -> None:
    staff = member()
    old = case_close(case=case_create(staff), by=staff, outcome="completed", notes="Went well.")
    recent = case_close(case=case_create(staff), by=staff, outcome="completed")
    open_case = case_create(staff)
    long_ago = timezone.now() - datetime.timedelta(days=5 * 365 + 1)
    Case.objects.filter(pk=old.pk).update(closed_at=long_ago)

    retention_apply_task.delay()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if Case.objects.get(pk=old.pk).anonymised_at is not None:
            break
        time.sleep(0.2)
    anonymised = Case.objects.get(pk=old.pk)
    assert anonymised.anonymised_at is not None
    assert anonymised.person is None
    assert anonymised.closure_notes == ""
    assert anonymised.status == Status.CLOSED
    assert anonymised.offence_type == "assault"  # the figures stay
    assert Case.objects.get(pk=recent.pk).person is not None
    assert Case.objects.get(pk=open_case.pk).person is not None
    assert Person.objects.count() == 2
