"""Never public: the public runs of the risk index, the forecasts, the emerging hot spots and the
cyber-threat weeks are the same, number for number, after reports waiting for moderation,
rejected and spam reports, a duplicate merged into a public report, reports of private
categories and official incidents are added; a public run counts a report at its public
(blurred) location, never its exact one; and the nightly task finishes in a real Celery worker
on a database with nothing in it."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from curim.accounts.models import User
from curim.analytics.local_time import local_midnight
from curim.analytics.models import AnalysisRun, CellResult, Grid, GridCell, RunAudience, Sources
from curim.analytics.services.cyber_runs import CyberSpec, cyber_run
from curim.analytics.services.emerging_runs import EmergingSpec, emerging_run
from curim.analytics.services.forecast_runs import ForecastSpec, forecasts_run, week_monday
from curim.analytics.services.grid import grid_lay_out
from curim.analytics.services.hotspot_runs import hotspots_run
from curim.analytics.services.risk_runs import RiskSpec, risk_index_run
from curim.analytics.specs import HotspotSpec
from curim.areas.models import Area
from curim.reports.models import Category, Report
from curim.reports.services.workflow import report_merge
from tests.analytics.factories import official_incident_create

pytestmark = pytest.mark.django_db

SPOTS = ((23.6465, 37.9425), (23.6470, 37.9430), (23.6420, 37.9440), (23.6380, 37.9460))
PUBLIC_PLACE = "graffiti"
PUBLIC_CYBER = "phishing"
PRIVATE_PLACE = "sexual-harassment"
PRIVATE_CYBER = "cyberbullying"


def _grid() -> Grid:
    return grid_lay_out(municipality=Area.objects.get(level=Area.Level.MUNICIPALITY))


def _public_reports(make_report: Callable[..., Report]) -> list[Report]:
    """Public reports over the last seven weeks: located ones at four spots, and cyber ones."""
    now = timezone.now()
    made = [
        make_report(
            category=PUBLIC_PLACE,
            at=SPOTS[k % len(SPOTS)],
            occurred_at=now - timedelta(days=1 + 3 * k),
        )
        for k in range(16)
    ]
    made += [
        make_report(
            category=PUBLIC_CYBER,
            at=None,
            cyber_channel="email",
            occurred_at=now - timedelta(days=1 + 7 * k),
        )
        for k in range(6)
    ]
    return made


def _never_public(
    make_report: Callable[..., Report], moderator: User, into: Report, into_cyber: Report
) -> None:
    """Everything the public's runs must never count, at the same places and times."""
    now = timezone.now()
    for k, spot in enumerate(SPOTS * 2):
        when = now - timedelta(days=2 + 3 * k)
        for status in ("submitted", "rejected", "spam"):
            make_report(category=PUBLIC_PLACE, at=spot, status=status, occurred_at=when)
            make_report(
                category=PUBLIC_CYBER,
                at=None,
                cyber_channel="email",
                status=status,
                occurred_at=when,
            )
        make_report(category=PRIVATE_PLACE, at=spot, occurred_at=when)
        make_report(category=PRIVATE_CYBER, at=None, cyber_channel="email", occurred_at=when)
        official_incident_create(
            category=Category.objects.get(slug=PUBLIC_PLACE), at=spot, when=when
        )
    duplicate = make_report(category=PUBLIC_PLACE, at=SPOTS[0], occurred_at=now)
    report_merge(report=duplicate, into=into, actor=moderator)
    cyber_duplicate = make_report(
        category=PUBLIC_CYBER, at=None, cyber_channel="email", occurred_at=now
    )
    report_merge(report=cyber_duplicate, into=into_cyber, actor=moderator)


def _cells(run: AnalysisRun) -> list[tuple[Any, ...]]:
    return list(
        CellResult.objects.filter(run=run)
        .order_by("cell__index")
        .values_list("cell__index", "count", "z", "p", "p_fdr", "label", "extra")
    )


def _public_numbers(grid: Grid) -> dict[str, Any]:
    """Every public run's summary and cells, computed now (after the stored runs are gone)."""
    AnalysisRun.objects.all().delete()
    now = timezone.now()
    next_monday = week_monday(timezone.localdate()) + timedelta(weeks=1)
    audience, sources = RunAudience.PUBLIC, Sources.REPORTS
    runs = {
        "risk": risk_index_run(
            grid=grid,
            spec=RiskSpec(
                audience=audience,
                sources=sources,
                start=now - timedelta(days=60),
                end=now + timedelta(days=1),
            ),
        ),
        "forecast": forecasts_run(
            grid=grid,
            spec=ForecastSpec(
                audience=audience,
                sources=sources,
                first_forecast_week=next_monday,
                weeks=8,
                h=4,
            ),
        ),
        "emerging": emerging_run(
            grid=grid,
            spec=EmergingSpec(
                audience=audience,
                sources=sources,
                end=local_midnight(next_monday),
                slice="week",
                slices=8,
            ),
        ),
        "cyber": cyber_run(
            spec=CyberSpec(audience=RunAudience.PUBLIC, end=local_midnight(next_monday))
        ),
    }
    return {name: (run.summary, _cells(run)) for name, run in runs.items()}


def test_the_public_runs_are_unchanged_by_anything_that_is_not_public(
    make_report: Callable[..., Report], moderator: User
) -> None:
    reports = _public_reports(make_report)
    grid = _grid()
    before = _public_numbers(grid)
    # The runs saw the public reports (else "unchanged" would prove nothing).
    assert sum(row["incidents"] for row in before["risk"][0]["districts"]) == 16
    assert before["emerging"][0]["events"] == 16
    assert sum(series["total"] for series in before["cyber"][0]["series"]) == 6
    assert max(series["total"] for series in before["forecast"][0]["series"]) == 16

    _never_public(make_report, moderator, into=reports[0], into_cyber=reports[-1])
    after = _public_numbers(grid)

    for name in before:
        assert after[name] == before[name], name
    # The council's run of the same period counts them: the private reports, the incidents.
    council = risk_index_run(
        grid=grid,
        spec=RiskSpec(
            audience=RunAudience.COUNCIL,
            sources=Sources.BOTH,
            start=timezone.now() - timedelta(days=60),
            end=timezone.now() + timedelta(days=1),
        ),
    )
    assert sum(row["incidents"] for row in council.summary["districts"]) == 16 + 8 + 8


def _cell_of(grid: Grid, point: Point) -> int:
    return GridCell.objects.get(
        grid=grid, geometry__intersects=point.transform(2100, clone=True)
    ).index


def test_a_public_run_counts_a_report_at_its_public_location_not_its_exact_one(
    make_report: Callable[..., Report],
) -> None:
    grid = _grid()
    exact = Point(*SPOTS[0], srid=4326)
    blurred = Point(*SPOTS[3], srid=4326)  # another cell, about 750 m north-west
    report = make_report(category=PUBLIC_PLACE, at=SPOTS[0])
    Report.objects.filter(pk=report.pk).update(public_location=blurred)
    exact_cell, public_cell = _cell_of(grid, exact), _cell_of(grid, blurred)
    assert exact_cell != public_cell
    now = timezone.now()
    start, end = now - timedelta(days=30), now + timedelta(days=1)

    def counts(audience: RunAudience, sources: Sources) -> dict[str, dict[int, int]]:
        hot = hotspots_run(
            grid=grid, spec=HotspotSpec(audience=audience, sources=sources, start=start, end=end)
        )
        risk = risk_index_run(
            grid=grid, spec=RiskSpec(audience=audience, sources=sources, start=start, end=end)
        )
        return {
            name: {index: count for index, count, *_ in _cells(run) if count}
            for name, run in (("hotspots", hot), ("risk", risk))
        }

    public = counts(RunAudience.PUBLIC, Sources.REPORTS)
    assert public == {"hotspots": {public_cell: 1}, "risk": {public_cell: 1}}
    council = counts(RunAudience.COUNCIL, Sources.BOTH)
    assert council == {"hotspots": {exact_cell: 1}, "risk": {exact_cell: 1}}


@pytest.mark.django_db(transaction=True)
def test_the_nightly_task_finishes_in_a_worker_on_an_empty_database(celery_worker: str) -> None:
    from curim.analytics.models import OfficialIncident
    from curim.analytics.tasks import nightly_run

    assert not Report.objects.exists()
    assert not OfficialIncident.objects.exists()
    assert not Area.objects.exists()
    # No municipality, so no grid: the near repeats (the council's) and the cyber weeks (both).
    assert nightly_run.delay().get(timeout=300) == 3
    runs = list(AnalysisRun.objects.all())
    assert len(runs) == 3
    for run in runs:
        found = run.summary
        assert found.get("n_events", 0) == 0
        assert found.get("series", []) == []
