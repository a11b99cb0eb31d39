"""Computing an evaluation takes minutes, inside a transaction that locks the evaluation's row
(a task delivered twice stores once). It locks that row only: citizens keep submitting reports
in the intervention's area, and the council keeps editing the intervention, on another
connection of a real database, while the computation holds its lock; and two versions computed
at once (two workers) both finish."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from curim.areas.models import Area
from curim.reports.models import Category, Report
from curim.reports.services.submission import ReportDraft, report_submit
from interventions.models import Evaluation, EvaluationStatus, Intervention, InterventionStatus
from interventions.services import evaluation_backfill
from interventions.services import evaluations as evaluations_service
from interventions.services.estimate import Unanswerable
from interventions.services.evaluation_backfill import evaluation_public_backfill
from interventions.services.evaluations import Computed, evaluation_compute
from tests.interventions.evaluation_world import (
    STORED_PARAMETERS,
    analyst,
    finished_evaluation,
    intervention_make,
)
from tests.seeding import seeded_rows_restore
from tests.threads import WAIT, in_thread, joined

pytestmark = pytest.mark.django_db(transaction=True)


def _queued(intervention: Intervention) -> Evaluation:
    """A queued evaluation, written directly: asked for through the service, its task would
    reach a worker left running by an earlier test, which would compute it first."""
    return Evaluation.objects.create(
        intervention=intervention,
        version=intervention.evaluations.count() + 1,
        status=EvaluationStatus.QUEUED,
        parameters=STORED_PARAMETERS,
        requested_by=analyst(),
    )


@pytest.mark.parametrize("computation", ["a new version", "the public's part afterwards"])
def test_an_evaluation_being_computed_holds_up_no_report_and_no_edit(
    piraeus: None, monkeypatch: pytest.MonkeyPatch, computation: str
) -> None:
    seeded_rows_restore()  # the categories: a committing test emptied them
    intervention = intervention_make(area_code="piraeus-2", categories=("graffiti",))
    computing, release = threading.Event(), threading.Event()

    def paused(*args: Any, **kwargs: Any) -> Any:
        computing.set()  # inside the computation's transaction, its lock held
        assert release.wait(WAIT)
        if computation == "a new version":
            raise Unanswerable("empty_windows", "Paused by the test.")
        return {"code": "empty_windows"}  # what the public's part stores then

    run: Callable[[], object]
    if computation == "a new version":
        evaluation = _queued(intervention)
        monkeypatch.setattr(evaluations_service, "_compute", paused)
        run = lambda: evaluation_compute(evaluation_id=evaluation.pk)  # noqa: E731
    else:
        evaluation = finished_evaluation(intervention)
        council = {k: v for k, v in evaluation.result.items() if k != "public"}
        Evaluation.objects.filter(pk=evaluation.pk).update(
            result={**council, "design": "area"}, parameters=STORED_PARAMETERS
        )
        monkeypatch.setattr(evaluation_backfill, "public_result", paused)
        run = lambda: evaluation_public_backfill(evaluation_id=evaluation.pk)  # noqa: E731
    outcome: dict[str, Any] = {}
    thread = in_thread(run, outcome, "computed")
    try:
        assert computing.wait(WAIT)
        with connection.cursor() as cursor:  # a wait is a failure here, not a hang
            cursor.execute("SET lock_timeout = '3s'")
        report, created = report_submit(
            draft=ReportDraft(
                category=Category.objects.get(slug="graffiti"),
                description="Submitted while an evaluation is computed",
                occurred_at=timezone.now(),
                severity=3,
                feeling_unsafe=3,
                location=intervention.area.geometry.point_on_surface,
            ),
            reporter=None,
            client_address="127.0.0.1",
        )
        assert created
        assert Report.objects.get(pk=report.pk).area_id == intervention.area_id
        Intervention.objects.filter(pk=intervention.pk).update(title_en="Renamed meanwhile")
        # A row that refers to the evaluation (its key is not what the computation changes).
        evaluation.comparison_areas.add(Area.objects.get(code="piraeus-3"))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        release.set()
    joined(thread, outcome=outcome)
    assert Intervention.objects.get(pk=intervention.pk).title_en == "Renamed meanwhile"
    assert outcome["computed"] is not None  # it did compute (and stored what it found)


def test_two_versions_computed_at_once_both_finish(
    piraeus: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers compute two versions of a completed intervention at once: the first to
    finish moves it to evaluated, and the other, which read it as completed minutes before,
    still stores its result (it reads the status again under its lock)."""
    seeded_rows_restore()
    intervention = intervention_make(area_code="piraeus-2", categories=("graffiti",))
    first, second = _queued(intervention), _queued(intervention)
    computing, release = threading.Event(), threading.Event()

    def computed(evaluation: Evaluation) -> Computed:
        if evaluation.version == first.version:
            computing.set()  # the first has read its intervention as completed
            assert release.wait(WAIT)
        return Computed(method="m", result={"estimate": 0.0}, sms_level=3, inputs=[])

    monkeypatch.setattr(evaluations_service, "_compute", computed)
    outcome: dict[str, Any] = {}
    thread = in_thread(lambda: evaluation_compute(evaluation_id=first.pk), outcome, "first")
    try:
        assert computing.wait(WAIT)
        evaluation_compute(evaluation_id=second.pk)
        assert Intervention.objects.get(pk=intervention.pk).status == InterventionStatus.EVALUATED
    finally:
        release.set()
    joined(thread, outcome=outcome)
    statuses = set(Evaluation.objects.filter(intervention=intervention).values_list("status"))
    assert statuses == {(EvaluationStatus.DONE,)}
