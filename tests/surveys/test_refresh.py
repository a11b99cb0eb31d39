"""The indicator snapshot: enqueued on change, idempotent, incremental, safe to kill, and
redone within minutes when its worker dies."""

import os
import signal
import subprocess
import sys
import time
import uuid
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from curim.accounts.roles import Role
from curim.celery import app as celery_app
from curim.celery import app_config
from curim.core.models import OutboxTask
from surveys.estimates import estimates_compute
from surveys.models import IndicatorEstimate, Response, Survey, SurveyRefresh
from surveys.selectors import (
    refresh_status,
    refresh_statuses,
    refreshes_unattended,
    surveys_stale,
)
from surveys.services.refresh import (
    REFRESH_TASK,
    estimates_refresh,
    estimates_refresh_stale,
    estimates_refresh_unattended,
    survey_changed,
)
from surveys.services.statistics import cell_statistics_rebuild
from tests.conftest import ROOT, _database_url
from tests.factories import user_with_role
from tests.surveys.generate import build_wave
from tests.workers import doomed_worker, forget_worker, other_session, wait_for

VALUES = ["indicator_id", "area_id", "group", "n", "suppressed", "estimate", "std_error"]


def table(survey: Survey) -> list[tuple[Any, ...]]:
    rows = IndicatorEstimate.objects.filter(survey=survey).order_by(
        "indicator_id", "area_id", "group"
    )
    return list(rows.values_list(*VALUES))


def expected(survey: Survey) -> list[tuple[Any, ...]]:
    """The table a full rebuild gives (rolled back, so the refresh's own state stays)."""
    with transaction.atomic():
        cell_statistics_rebuild(survey=survey)
        rows = [
            (e.indicator_id, e.area_id, e.group, e.n, e.suppressed, e.estimate, e.std_error)
            for e in estimates_compute(survey)
        ]
        transaction.set_rollback(True)
    return sorted(rows, key=lambda r: (r[0], r[1] is None, r[1] or 0, r[2]))


def same(mine: list[tuple[Any, ...]], other: list[tuple[Any, ...]]) -> bool:
    """Equal keys and counts; values equal up to rounding (sums merge in another order)."""

    def close(x: Any, y: Any) -> bool:
        return x == y if x is None or y is None else bool(x == pytest.approx(y, rel=1e-12))

    return len(mine) == len(other) and all(
        a[:5] == b[:5] and all(close(x, y) for x, y in zip(a[5:], b[5:], strict=True))
        for a, b in zip(mine, other, strict=True)
    )


def refresh_tasks() -> int:
    return OutboxTask.objects.filter(task_name=REFRESH_TASK).count()


@pytest.mark.django_db
def test_a_change_queues_one_refresh_until_it_starts() -> None:
    wave = build_wave(seed=11, n=50).survey
    survey_changed(survey_ids=[wave.pk])
    survey_changed(survey_ids=[wave.pk])  # still queued: the queued refresh will see this too
    assert refresh_tasks() == 1
    assert SurveyRefresh.objects.get(survey=wave).state == "queued"
    assert surveys_stale() == [wave.pk]

    estimates_refresh(survey=wave)
    state = SurveyRefresh.objects.get(survey=wave)
    assert (state.state, state.progress) == ("idle", 100)
    assert state.refreshed_through == state.changed_at
    assert surveys_stale() == []

    survey_changed(survey_ids=[wave.pk])  # after the refresh: a new one
    assert refresh_tasks() == 2


@pytest.mark.django_db
def test_a_change_during_a_refresh_queues_another() -> None:
    wave = build_wave(seed=12, n=50).survey
    survey_changed(survey_ids=[wave.pk])
    SurveyRefresh.objects.filter(survey=wave).update(state="running")
    survey_changed(survey_ids=[wave.pk])
    assert refresh_tasks() == 2


@pytest.mark.django_db
def test_a_refresh_writes_the_estimates_and_is_idempotent() -> None:
    wave = build_wave(seed=13, n=300).survey
    estimates_refresh(survey=wave)
    first = table(wave)
    assert same(first, expected(wave))
    assert any(row[4] for row in first)  # some suppressed cells
    assert all(row[3] is None and row[5] is None for row in first if row[4])
    estimates_refresh(survey=wave)
    assert table(wave) == first


@pytest.mark.django_db
def test_new_responses_are_added_and_equal_a_full_rebuild() -> None:
    wave = build_wave(seed=19, n=400).survey
    estimates_refresh(survey=wave)  # the first refresh rebuilds
    assert SurveyRefresh.objects.get(survey=wave).needs_rebuild is False
    assert not Response.objects.filter(survey=wave, status="complete", counted=False).exists()
    late = Response.objects.filter(survey=wave, status="in_progress")
    assert late.exists()
    late.update(status="complete")
    survey_changed(survey_ids=[wave.pk])
    estimates_refresh(survey=wave)  # adds only the new ones
    assert not Response.objects.filter(survey=wave, counted=False, status="complete").exists()
    assert same(table(wave), expected(wave))


@pytest.mark.django_db
def test_a_change_of_margins_rebuilds() -> None:
    wave = build_wave(seed=20, n=200).survey
    estimates_refresh(survey=wave)
    survey_changed(survey_ids=[wave.pk], rebuild=True)
    assert SurveyRefresh.objects.get(survey=wave).needs_rebuild is True
    estimates_refresh(survey=wave)
    assert SurveyRefresh.objects.get(survey=wave).needs_rebuild is False
    assert same(table(wave), expected(wave))


@pytest.mark.django_db
def test_cells_that_no_longer_exist_are_removed() -> None:
    wave = build_wave(seed=14, n=300).survey
    estimates_refresh(survey=wave)
    # Complete responses are final; withdrawing some is a change that asks for a rebuild.
    Response.objects.filter(survey=wave, group="employee").update(status="in_progress")
    survey_changed(survey_ids=[wave.pk], rebuild=True)
    estimates_refresh(survey=wave)
    assert not IndicatorEstimate.objects.filter(survey=wave, group="employee").exists()
    assert same(table(wave), expected(wave))


@pytest.mark.django_db
def test_the_nightly_refresh_touches_only_stale_waves() -> None:
    fresh, stale = build_wave(seed=15, n=120).survey, build_wave(seed=16, n=120).survey
    estimates_refresh(survey=fresh)
    survey_changed(survey_ids=[fresh.pk])
    estimates_refresh(survey=fresh)
    marker = IndicatorEstimate.objects.filter(survey=fresh, suppressed=False).first()
    IndicatorEstimate.objects.filter(pk=marker.pk).update(estimate=-1.0)
    survey_changed(survey_ids=[stale.pk])

    assert estimates_refresh_stale() == 1
    assert table(stale) == expected(stale)
    assert IndicatorEstimate.objects.get(pk=marker.pk).estimate == -1.0  # not recomputed


@pytest.mark.django_db
def test_a_failed_refresh_says_so_and_keeps_the_old_table(monkeypatch: Any) -> None:
    wave = build_wave(seed=17, n=120).survey
    estimates_refresh(survey=wave)
    before = table(wave)

    def broken(survey: Survey) -> list[Any]:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("surveys.services.refresh.estimates_compute", broken)
    with pytest.raises(RuntimeError):
        estimates_refresh(survey=wave)
    state = SurveyRefresh.objects.get(survey=wave)
    assert state.state == "failed"
    assert "went away" in state.error
    assert table(wave) == before


# Runs a refresh in another process that dies (SIGKILL) right after writing the new rows,
# before its transaction commits.
KILLED_MID_REFRESH = """
import os, signal, django
django.setup()
from surveys.models import IndicatorEstimate, Survey
from surveys.services import refresh

write = IndicatorEstimate.objects.bulk_create

def write_then_die(*args, **kwargs):
    write(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)

IndicatorEstimate.objects.bulk_create = write_then_die
refresh.estimates_refresh(survey=Survey.objects.get(pk={pk}))
"""


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_refresh_and_started_again_yields_the_same_table(
    celery_worker: str,
) -> None:
    wave = build_wave(seed=18, n=300).survey
    estimates_refresh(survey=wave)
    before = table(wave)
    # New answers arrive; a refresh starts and is killed between its writes and its commit.
    Response.objects.filter(survey=wave, status="in_progress").update(status="complete")
    # Stale, without enqueueing: the session's worker would otherwise refresh it first.
    SurveyRefresh.objects.filter(survey=wave).update(changed_at=timezone.now())
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "curim.settings",
    }
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MID_REFRESH.format(pk=wave.pk)],
        cwd=ROOT,
        env=env,
        check=False,
        timeout=60,
    )
    assert killed.returncode == -signal.SIGKILL
    assert table(wave) == before  # nothing of the killed refresh remains
    assert surveys_stale() == [wave.pk]

    # Started again, by a real worker through Redis.
    survey_changed(survey_ids=[wave.pk])
    from curim.core.services import outbox_sweep

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        outbox_sweep()
        if surveys_stale() == [] and SurveyRefresh.objects.get(survey=wave).state == "idle":
            break
        time.sleep(0.2)
    assert surveys_stale() == []
    assert same(table(wave), expected(wave))
    assert not same(table(wave), before)
    connection.close()


# --- A refresh whose worker died -------------------------------------------------------------


def hold_refresh_lock(session: psycopg.Connection[Any], survey: Survey) -> None:
    session.execute("SELECT pg_advisory_lock(%s, %s)", [SurveyRefresh.LOCK_KEY, survey.pk])


@pytest.mark.django_db
def test_a_wave_is_said_to_be_running_only_while_a_refresh_holds_its_lock() -> None:
    wave = build_wave(seed=23, n=30).survey
    SurveyRefresh.objects.create(survey=wave, state="running")
    status = refresh_status(wave)
    assert status is not None
    assert (status.state, status.label) == (
        "interrupted",
        "Interrupted; it will be redone within minutes",
    )
    with other_session() as session:
        hold_refresh_lock(session, wave)
        status = refresh_status(wave)
        assert status is not None
        assert (status.state, status.label) == ("running", "Running")
    assert refresh_statuses([wave.pk])[wave.pk].state == "interrupted"


@pytest.mark.django_db
def test_the_pages_say_when_a_refresh_was_interrupted(client: Any) -> None:
    wave = build_wave(seed=29, n=30).survey
    SurveyRefresh.objects.create(survey=wave, state="running")
    client.force_login(user_with_role(Role.ANALYST))
    assert "Interrupted; it will be redone" in client.get("/surveys/staff/").content.decode()
    SurveyRefresh.objects.filter(survey=wave).update(state="idle")
    assert "Up to date" in client.get("/surveys/staff/").content.decode()


@pytest.mark.django_db
def test_the_sweep_redoes_refreshes_nobody_is_doing_and_leaves_the_others() -> None:
    dead, lost, alive, failed = (build_wave(seed=24 + i, n=60).survey for i in range(4))
    now = timezone.now()
    for wave, state in (
        (dead, "running"),
        (lost, "queued"),
        (alive, "running"),
        (failed, "failed"),
    ):
        SurveyRefresh.objects.create(survey=wave, state=state, changed_at=now)
    with other_session() as session:
        hold_refresh_lock(session, alive)  # a live refresh, at work elsewhere
        assert sorted(refreshes_unattended()) == sorted([dead.pk, lost.pk])
        assert estimates_refresh_unattended() == 2
    for wave in (dead, lost):
        assert SurveyRefresh.objects.get(survey=wave).state == "idle"
        assert same(table(wave), expected(wave))
    assert SurveyRefresh.objects.get(survey=alive).state == "running"
    assert SurveyRefresh.objects.get(survey=failed).state == "failed"  # left to the nightly run
    assert not IndicatorEstimate.objects.filter(survey__in=[alive, failed]).exists()


def test_the_sweep_runs_every_few_minutes() -> None:
    celery_app.loader.import_default_modules()
    schedule = app_config()["beat_schedule"]
    (entry,) = [e for e in schedule.values() if e["task"] == "surveys.estimates_refresh_unattended"]
    assert entry["schedule"] <= 300
    assert "surveys.estimates_refresh_unattended" in celery_app.tasks


@pytest.mark.django_db(transaction=True)
def test_a_refresh_whose_worker_is_killed_stops_saying_running_and_is_redone(
    celery_worker: str,
) -> None:
    wave = build_wave(seed=28, n=300).survey
    estimates_refresh(survey=wave)
    before = table(wave)
    # New answers; the wave is stale and queued, without enqueueing (the session's worker
    # would otherwise take the task).
    Response.objects.filter(survey=wave, status="in_progress").update(status="complete")
    SurveyRefresh.objects.filter(survey=wave).update(changed_at=timezone.now(), state="queued")

    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-doomed-{uuid.uuid4().hex[:8]}"
    name = f"doomed-{uuid.uuid4().hex[:8]}@localhost"
    worker = doomed_worker(queue, name)
    try:
        with other_session() as blocker:
            # Holds the refresh inside its work: its statistics wait for this table lock.
            blocker.execute("BEGIN")
            blocker.execute("LOCK TABLE surveys_cellstatistic IN SHARE MODE")
            celery_app.send_task(REFRESH_TASK, args=[wave.pk], queue=queue)
            wait_for(lambda: getattr(refresh_status(wave), "state", "") == "running", 60)
            worker.kill()  # SIGKILL: no handler runs, nothing is recorded
            assert worker.wait(timeout=20) == -signal.SIGKILL
            blocker.execute("ROLLBACK")
        # Its database session ends with the statement it was let through; so does the lock.
        wait_for(lambda: getattr(refresh_status(wave), "state", "") != "running", 30)
        assert SurveyRefresh.objects.get(survey=wave).state == "running"  # as it was left
        status = refresh_status(wave)
        assert status is not None
        assert status.state == "interrupted"
        assert table(wave) == before

        # The beat's sweep, through the session's real worker, redoes it.
        celery_app.send_task("surveys.estimates_refresh_unattended")
        wait_for(lambda: SurveyRefresh.objects.get(survey=wave).state == "idle", 60)
        assert surveys_stale() == []
        assert same(table(wave), expected(wave))
        assert not same(table(wave), before)
    finally:
        if worker.poll() is None:
            worker.kill()
        forget_worker(queue, name)
        connection.close()
