"""The nightly retention run: a real Celery worker anonymises what is due, and one failing
case does not stop the others."""

import datetime
import time

import pytest
from django.db import connection
from django.utils import timezone

from curim.celery import app
from tests.victims.clients import case_create, member
from victims.models import Case, Person, Status
from victims.services.cases import case_close
from victims.services.privacy import retention_apply
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


@pytest.mark.django_db
def test_the_retention_run_carries_on_past_a_case_that_fails() -> None:
    staff = member()
    cases = [case_close(case=case_create(staff), by=staff, outcome="completed") for _ in range(3)]
    long_ago = timezone.now() - datetime.timedelta(days=5 * 365 + 1)
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(closed_at=long_ago)
    broken = cases[1]
    with connection.cursor() as cursor:
        # A real failure in the database for one case (dropped with the test's transaction).
        cursor.execute(
            "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'disk full'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER test_refuse BEFORE UPDATE ON victims_case FOR EACH ROW"
            f" WHEN (OLD.id = '{broken.pk}') EXECUTE FUNCTION test_refuse()"
        )

    run = retention_apply()

    assert (run.anonymised, run.failed) == (2, [broken.pk])
    assert Case.objects.get(pk=broken.pk).person is not None
    assert Case.objects.filter(anonymised_at__isnull=False).count() == 2
