"""Refreshing a wave's indicator snapshot, idempotently, and redoing refreshes that died.

Anything the estimates depend on (responses, margins, indicator definitions, questions) calls
`survey_changed`, which stamps the wave and enqueues a refresh on commit. A refresh recomputes
the wave's whole table in one SQL aggregation and writes it in one transaction: an upsert keyed
on (wave, indicator, district, group), then the deletion of keys that no longer exist. A worker
killed half-way leaves the previous table untouched; run again, it writes the same rows.

A refresh holds an advisory lock on its wave while it works, and the lock dies with the
worker's database connection. A worker killed whole leaves the wave marked "running" without
the lock; Celery would hand its task back only after the broker's visibility timeout (an
hour), so the beat task `estimates_refresh_unattended` redoes it within minutes.
"""

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from curim.core.services import task_enqueue
from surveys.estimates import estimates_compute
from surveys.models import IndicatorEstimate, Survey, SurveyRefresh
from surveys.selectors import refreshes_unattended, surveys_stale, wave_published_now
from surveys.services.statistics import cell_statistics_add, cell_statistics_rebuild

logger = logging.getLogger(__name__)

REFRESH_TASK = "surveys.estimates_refresh"
# For this transaction only: sorts and hashes of a few hundred MB stay in memory, and no JIT
# compilation (seconds of it) for a statement that runs once.
AGGREGATION_SETTINGS = "SET LOCAL work_mem = '256MB'; SET LOCAL jit = off"


def survey_changed(*, survey_ids: Iterable[int], rebuild: bool = False) -> None:
    """Mark waves stale and have the worker refresh them after this transaction commits.

    `rebuild`: the change is not just new responses (margins, indicators, questions), so the
    cell statistics must be recomputed, not added to. A wave whose refresh is queued and not
    yet started needs no second one: that refresh reads the change when it starts (the row lock
    orders the two). A running refresh may have read too early, so a change during it queues
    another.
    """
    now = timezone.now()
    with transaction.atomic():
        for survey_id in sorted(set(survey_ids)):
            SurveyRefresh.objects.get_or_create(survey_id=survey_id)
            state = SurveyRefresh.objects.select_for_update().get(survey_id=survey_id)
            if wave_published_now(survey_id):
                # Published: the public's figures stay as they were published. The change is
                # recorded, and refreshed when the results are withdrawn (services.publication).
                state.changed_at = now
                state.needs_rebuild = state.needs_rebuild or rebuild
                state.save(update_fields=["changed_at", "needs_rebuild"])
                continue
            queued = state.state == SurveyRefresh.State.QUEUED
            state.changed_at = now
            state.state = SurveyRefresh.State.QUEUED
            state.needs_rebuild = state.needs_rebuild or rebuild
            state.save(update_fields=["changed_at", "state", "needs_rebuild"])
            if not queued:
                task_enqueue(task_name=REFRESH_TASK, args=[survey_id])


def estimates_refresh(*, survey: Survey, wait: bool = True) -> int | None:
    """Bring one wave's snapshot up to date; returns how many rows it has.

    `wait=False`: if another refresh of the wave is at work, leave it to that one and
    return None.
    """
    SurveyRefresh.objects.get_or_create(survey=survey)
    with _wave_lock(survey.pk, wait=wait) as held:
        if not held:
            return None
        if wave_published_now(survey.pk):
            logger.info("Wave %s is published: its estimates stay as published", survey.pk)
            return None
        # The end is recorded (done or failed) before the lock goes, so that "running" without
        # the lock can only mean a refresh that died.
        try:
            # Marked running (once this refresh holds the wave), and committed, before reading
            # which change it covers: a change committed after the mark queues another refresh
            # (see survey_changed).
            SurveyRefresh.objects.filter(survey=survey).update(
                state=SurveyRefresh.State.RUNNING, progress=0, error=""
            )
            covers, rebuild = SurveyRefresh.objects.values_list("changed_at", "needs_rebuild").get(
                survey=survey
            )
            rows = _snapshot_write(survey, rebuild=rebuild)
            _refresh_done(survey, covers, rebuild)
        except Exception as error:
            SurveyRefresh.objects.filter(survey=survey).update(
                state=SurveyRefresh.State.FAILED, error=str(error)[:2000]
            )
            raise
    return len(rows)


def _refresh_done(survey: Survey, covers: datetime | None, rebuild: bool) -> None:
    done = SurveyRefresh.objects.filter(survey=survey)
    done.update(refreshed_at=timezone.now(), progress=100)
    if covers is not None:
        done.filter(Q(refreshed_through__isnull=True) | Q(refreshed_through__lt=covers)).update(
            refreshed_through=covers
        )
    if rebuild:
        # Unless something asked for a rebuild again meanwhile.
        done.filter(Q(changed_at=covers) | Q(changed_at__isnull=True)).update(needs_rebuild=False)
    done.filter(state=SurveyRefresh.State.RUNNING).update(state=SurveyRefresh.State.IDLE)


@contextmanager
def _wave_lock(survey_id: int, *, wait: bool) -> Iterator[bool]:
    """One refresh of a wave at a time, without holding up those who change its data.

    A session lock, taken before the refresh's transaction begins, so that the transaction's
    snapshot already sees what the previous refresh committed. Yields whether it is held.
    """
    key = [SurveyRefresh.LOCK_KEY, survey_id]
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", key)
            held = True
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
            (held,) = cursor.fetchone()
    if not held:
        yield False
        return
    try:
        yield True
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


def _snapshot_write(survey: Survey, *, rebuild: bool) -> list[IndicatorEstimate]:
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            if outermost:
                # One snapshot for the whole refresh: a rebuild counts and marks the same rows.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute(AGGREGATION_SETTINGS)
        if rebuild:
            cell_statistics_rebuild(survey=survey)
        else:
            cell_statistics_add(survey=survey)
        rows = _snapshot_rows(survey)
        IndicatorEstimate.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["survey", "indicator", "area", "group"],
            update_fields=SNAPSHOT_VALUES,
        )
        keep = Q(pk__in=[])
        for row in rows:
            keep |= Q(indicator_id=row.indicator_id, area_id=row.area_id, group=row.group)
        IndicatorEstimate.objects.filter(survey=survey).exclude(keep).delete()
    return rows


SNAPSHOT_VALUES = [
    "n",
    "weighted",
    "suppressed",
    "estimate",
    "std_error",
    "ci_low",
    "ci_high",
    "effective_n",
]


def _snapshot_rows(survey: Survey) -> list[IndicatorEstimate]:
    return [
        IndicatorEstimate(
            survey=survey,
            indicator_id=e.indicator_id,
            area_id=e.area_id,
            group=e.group,
            **{name: getattr(e, name) for name in SNAPSHOT_VALUES},
        )
        for e in estimates_compute(survey)
    ]


def estimates_refresh_stale() -> int:
    """Nightly: refresh every stale wave, failed ones included; returns how many."""
    return _refresh_each(surveys_stale())


def estimates_refresh_unattended() -> int:
    """Every few minutes: refresh the waves marked queued or running that no refresh is
    working on (its worker was killed, or its task is late or lost); returns how many.

    Failed waves wait for the nightly run: a refresh that fails every time must not take the
    worker every few minutes.
    """
    return _refresh_each(refreshes_unattended())


def _refresh_each(survey_ids: list[int]) -> int:
    done = 0
    for survey in Survey.objects.filter(pk__in=survey_ids).order_by("pk"):
        try:
            # A refresh already at work on a wave covers it (and a change made while it runs
            # queues another), so the sweep leaves it alone rather than wait.
            if estimates_refresh(survey=survey, wait=False) is not None:
                done += 1
        except Exception:  # recorded as failed on the wave; the others still get their turn
            logger.exception("refreshing the estimates of wave %s failed", survey.code)
    return done
