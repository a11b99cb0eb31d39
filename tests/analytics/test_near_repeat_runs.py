"""A near-repeat run end to end: the council's crime events (reports at their exact place and
official incidents) read as arrays, the stored Knox table equal to `knox_test` of arrays built
independently from the same records; the seed stored and derived from the spec, so a rerun is
the same table; never for the public; too few events stored as such."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.contrib.gis.geos import Point

from curim.analytics.models import AnalysisRun, OfficialIncident, RunAudience, RunKind, Sources
from curim.analytics.near_repeat import knox_test
from curim.analytics.services.near_repeat_runs import (
    DEFAULT_SPACE_EDGES_M,
    DEFAULT_TIME_EDGES_DAYS,
    MIN_EVENTS,
    TOO_FEW_EVENTS,
    NearRepeatSpec,
    near_repeat_nightly_runs,
    near_repeat_run,
)
from curim.reports.models import Category, Report
from tests.analytics.test_grid_and_counts import _incident

pytestmark = pytest.mark.django_db

ATHENS = ZoneInfo("Europe/Athens")
START = datetime(2025, 12, 1, tzinfo=ATHENS)
END = datetime(2026, 12, 1, tzinfo=ATHENS)
HOT = (23.6465, 37.9425)
SPEC = NearRepeatSpec(start=START, end=END)


def _planted(make_report: Callable[..., Report], n: int) -> None:
    """Pairs of thefts at one place exactly 7 days apart, the pairs 14 days and a few hundred
    metres apart; and records that are never counted."""
    rng = np.random.default_rng(5)
    first = datetime(2026, 3, 2, 21, 15, tzinfo=ATHENS)
    for k in range(n):
        pair = k // 2
        if k % 2 == 0:
            dx, dy = rng.uniform(-0.003, 0.003, 2)
        when = first + timedelta(days=14 * pair + 7 * (k % 2), minutes=pair)
        make_report(category="theft", at=(HOT[0] + dx, HOT[1] + dy), occurred_at=when)
    # Not crime, not moderated, before the period: none of them counts.
    make_report(category="graffiti", at=HOT, occurred_at=first)
    make_report(category="theft", at=HOT, occurred_at=first, status="submitted")
    make_report(category="theft", at=HOT, occurred_at=START - timedelta(minutes=1))


def _independent_arrays() -> tuple[np.ndarray, np.ndarray, list[datetime]]:
    """The council's crime events from the records, located with GEOS, ordered in Python."""
    events = []
    reports = Report.objects.filter(
        category__group="crime",
        status="published",
        area__isnull=False,
        occurred_at__gte=START,
        occurred_at__lt=END,
    )
    for report in reports:
        assert report.location is not None
        point = cast(Point, report.location.transform(2100, clone=True))
        events.append((report.occurred_at, point.x, point.y))
    for incident in OfficialIncident.objects.filter(category__group="crime"):
        point = cast(Point, incident.location.transform(2100, clone=True))
        events.append((incident.occurred_at, point.x, point.y))
    events.sort()
    return (
        np.array([e[1] for e in events]),
        np.array([e[2] for e in events]),
        [e[0] for e in events],
    )


def test_the_stored_table_is_knox_of_independent_arrays(
    make_report: Callable[..., Report],
) -> None:
    _planted(make_report, 24)
    _incident(Category.objects.get(slug="burglary"), HOT, datetime(2026, 4, 1, 3, tzinfo=ATHENS))
    x, y, t = _independent_arrays()
    assert len(x) == 25

    run = near_repeat_run(spec=SPEC)
    assert run.kind == RunKind.NEAR_REPEAT
    assert run.audience == RunAudience.COUNCIL
    assert run.sources == Sources.BOTH
    assert run.grid is None
    assert run.seed == SPEC.run_seed()
    expected = knox_test(
        x,
        y,
        t,
        space_edges_m=DEFAULT_SPACE_EDGES_M,
        time_edges_days=DEFAULT_TIME_EDGES_DAYS,
        n_permutations=999,
        seed=run.seed,
    )
    table = run.summary
    assert table["status"] == "computed"
    assert table["n_events"] == table["n_events_analysed"] == 25
    assert table["space_bands"] == expected.space_labels
    assert table["time_bands"] == expected.time_labels
    assert table["space_bands"][0] == "[0, 100) m"
    assert table["time_bands"][1] == "[7, 14) days"
    assert table["observed"] == expected.observed.tolist()
    assert table["expected"] == expected.expected.tolist()
    assert table["p"] == expected.p_values.tolist()
    ratios = np.array([[np.nan if v is None else v for v in row] for row in table["ratio"]])
    np.testing.assert_array_equal(ratios, expected.ratios)
    # The twelve pairs at one place exactly 7 days apart are in [0, 100) m × [7, 14) days.
    assert table["observed"][0][1] >= 12


def test_the_same_spec_is_the_same_snapshot_and_the_same_seed_the_same_table(
    make_report: Callable[..., Report],
) -> None:
    _planted(make_report, MIN_EVENTS)
    first = near_repeat_run(spec=SPEC)
    assert near_repeat_run(spec=SPEC) == first
    assert AnalysisRun.objects.count() == 1
    table, seed = first.summary, first.seed
    first.delete()
    again = near_repeat_run(spec=NearRepeatSpec(start=START, end=END))
    assert again.pk != first.pk
    assert (again.summary, again.seed) == (table, seed)
    # Another seed, explicitly given, is another snapshot.
    other = near_repeat_run(spec=NearRepeatSpec(start=START, end=END, seed=7))
    assert other.seed == 7
    assert other.pk != again.pk


def test_the_default_seed_follows_the_spec() -> None:
    assert NearRepeatSpec(start=START, end=END).run_seed() == SPEC.run_seed()
    assert NearRepeatSpec(start=START, end=END, group="incivility").run_seed() != SPEC.run_seed()
    assert NearRepeatSpec(start=START, end=END, seed=3).run_seed() == 3


def test_there_is_no_public_near_repeat(piraeus: None) -> None:
    with pytest.raises(ValueError, match="council"):
        NearRepeatSpec(start=START, end=END, audience=RunAudience.PUBLIC)
    runs = near_repeat_nightly_runs(today=END.date())
    assert [run.audience for run in runs] == [RunAudience.COUNCIL]


def test_too_few_events_is_stored_as_such(make_report: Callable[..., Report]) -> None:
    _planted(make_report, MIN_EVENTS - 1)
    run = near_repeat_run(spec=SPEC)
    assert run.summary == {
        "n_events": MIN_EVENTS - 1,
        "n_events_analysed": MIN_EVENTS - 1,
        "min_events": MIN_EVENTS,
        "status": TOO_FEW_EVENTS,
    }


def test_above_max_events_the_test_runs_on_the_documented_seeded_sample(
    make_report: Callable[..., Report],
) -> None:
    _planted(make_report, 40)
    x, y, t = _independent_arrays()
    assert len(x) == 40
    spec = NearRepeatSpec(start=START, end=END, max_events=MIN_EVENTS + 5, n_permutations=99)
    run = near_repeat_run(spec=spec)
    assert (run.summary["n_events"], run.summary["n_events_analysed"]) == (40, MIN_EVENTS + 5)
    assert run.parameters["max_events"] == MIN_EVENTS + 5
    # The rule the method page states, done by hand.
    chosen = np.sort(
        np.random.default_rng([spec.run_seed(), 1]).choice(40, MIN_EVENTS + 5, replace=False)
    )
    expected = knox_test(
        x[chosen],
        y[chosen],
        [t[k] for k in chosen],
        space_edges_m=DEFAULT_SPACE_EDGES_M,
        time_edges_days=DEFAULT_TIME_EDGES_DAYS,
        n_permutations=99,
        seed=spec.run_seed(),
    )
    assert run.summary["observed"] == expected.observed.tolist()
    assert run.summary["p"] == expected.p_values.tolist()
    # The whole set is another table.
    assert (
        near_repeat_run(spec=NearRepeatSpec(start=START, end=END, n_permutations=99)).summary[
            "observed"
        ]
        != expected.observed.tolist()
    )


def test_max_events_below_the_minimum_is_refused() -> None:
    with pytest.raises(ValueError, match="max_events"):
        NearRepeatSpec(start=START, end=END, max_events=MIN_EVENTS - 1)
