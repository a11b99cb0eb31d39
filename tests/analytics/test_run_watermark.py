"""The data watermark in every run's key: the same spec over the same data is one snapshot;
an incident file imported, a report moderated, edited or rejected since makes the next nightly
write the runs whose data changed anew, the same day; the others stay."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from curim.accounts.models import User
from curim.analytics.models import AnalysisRun, IncidentSource, RunAudience, RunKind, Sources
from curim.analytics.selectors.watermark import data_watermark, reference_digest
from curim.analytics.services.category_mapping import category_mappings_set
from curim.analytics.services.incident_import import incidents_import
from curim.analytics.services.nightly import analytics_nightly, hotspots_nightly
from curim.reports.models import Category, Report
from curim.reports.services.workflow import report_transition
from tests.analytics.factories import official_incident_create

pytestmark = pytest.mark.django_db

HOT = (23.6465, 37.9425)


def _days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


def _key(run: AnalysisRun) -> tuple[str, str, str]:
    return (run.kind, run.audience, run.parameters.get("time_of_day", ""))


def _by_key(runs: list[AnalysisRun]) -> dict[tuple[str, str, str], AnalysisRun]:
    return {_key(run): run for run in runs}


def _police_file(analyst: User, rows: str) -> None:
    source, _ = IncidentSource.objects.get_or_create(
        slug="police", defaults={"name_en": "Police", "name_el": "Αστυνομία"}
    )
    category_mappings_set(source=source, mappings={"ΚΛΟΠΗ": Category.objects.get(slug="theft")})
    day = (timezone.localdate() - timedelta(days=10)).isoformat()
    content = "id,x,y,crs,occurred_at,category\n" + rows.format(day=day)
    result = incidents_import(
        source=source, file_name="police.csv", content=content.encode(), imported_by=analyst
    )
    assert result.ok, result.errors


def test_the_same_data_is_the_same_run_and_the_watermark_is_in_the_parameters(
    make_report: Callable[..., Report],
) -> None:
    report = make_report(at=HOT, occurred_at=_days_ago(5))
    first = hotspots_nightly()
    assert hotspots_nightly() == first
    public = _by_key(first)[("hotspots", "public", "all")]
    assert public.parameters["data_watermark"] == {
        "reports": 1,
        "reports_changed_at": report.updated_at.isoformat(),
        "incidents": None,
        "incidents_last_import": None,
        "reference": reference_digest(),
    }
    council = _by_key(first)[("hotspots", "council", "all")]
    assert council.parameters["data_watermark"]["incidents"] == 0


def test_an_import_renews_the_council_s_runs_of_every_kind_and_no_public_one(
    make_report: Callable[..., Report], moderator: User
) -> None:
    make_report(at=HOT, occurred_at=_days_ago(5))
    before = _by_key(analytics_nightly())
    _police_file(moderator, "P-1,23.6465,37.9425,EPSG:4326,{day}T10:00,ΚΛΟΠΗ\n")
    after = _by_key(analytics_nightly())
    assert set(after) == set(before)
    renewed = {key for key in after if after[key] != before[key]}
    # Every council run that counts official incidents; cyber counts reports only.
    assert renewed == {key for key in before if key[1] == "council" and key[0] != RunKind.CYBER}, (
        renewed
    )
    assert after[("hotspots", "council", "all")].summary["events"] == 2
    # Importing the same file again changes no incident: nothing is renewed.
    _police_file(moderator, "P-1,23.6465,37.9425,EPSG:4326,{day}T10:00,ΚΛΟΠΗ\n")
    assert _by_key(analytics_nightly()) == after


def test_a_newly_moderated_report_renews_the_runs_that_count_it(
    make_report: Callable[..., Report], moderator: User
) -> None:
    make_report(at=HOT, occurred_at=_days_ago(5))
    first = _by_key(hotspots_nightly())
    waiting = make_report(at=HOT, occurred_at=_days_ago(5), status="submitted")
    # Submitted, not yet moderated: counted by nobody, nothing renewed.
    assert _by_key(hotspots_nightly()) == first
    report_transition(report=waiting, to_status="published", actor=moderator)
    second = _by_key(hotspots_nightly())
    assert all(second[key] != first[key] for key in first)
    assert second[("hotspots", "public", "all")].summary["events"] == 2
    # A report in a category that is never public renews the council's runs only.
    private = Category.objects.filter(may_be_public=False, location_required=True).first()
    assert private is not None
    make_report(category=private.slug, at=HOT, occurred_at=_days_ago(5))
    third = _by_key(hotspots_nightly())
    assert third[("hotspots", "public", "all")] == second[("hotspots", "public", "all")]
    assert third[("hotspots", "council", "all")] != second[("hotspots", "council", "all")]


def test_a_report_that_leaves_the_counted_ones_renews_them(
    make_report: Callable[..., Report], moderator: User
) -> None:
    # The one leaving is the older: the latest change among those still counted is the same.
    leaving = make_report(at=HOT, occurred_at=_days_ago(5))
    make_report(at=HOT, occurred_at=_days_ago(5))
    first = _by_key(hotspots_nightly())
    # Rejected after publication: no longer counted; their count says so.
    report_transition(report=leaving, to_status="rejected", actor=moderator)
    second = _by_key(hotspots_nightly())
    assert second[("hotspots", "public", "all")] != first[("hotspots", "public", "all")]
    assert second[("hotspots", "public", "all")].summary["events"] == 1


def test_the_watermark_of_incidents_is_their_count_and_latest_import(
    make_report: Callable[..., Report],
) -> None:
    theft = Category.objects.get(slug="theft")
    incident = official_incident_create(category=theft, at=HOT, when=timezone.now())
    assert data_watermark(RunAudience.COUNCIL, Sources.INCIDENTS).as_json() == {
        "reports": None,
        "reports_changed_at": None,
        "incidents": 1,
        "incidents_last_import": incident.last_import_id,
        "reference": reference_digest(),
    }
    assert data_watermark(RunAudience.PUBLIC, Sources.REPORTS).incidents is None


def test_a_category_moved_to_another_group_or_a_population_corrected_renews_every_run(
    make_report: Callable[..., Report],
) -> None:
    from curim.areas.models import Area

    make_report(at=HOT, occurred_at=_days_ago(5))
    first = _by_key(hotspots_nightly())
    Category.objects.filter(slug="graffiti").update(group="urban_risk")
    moved = _by_key(hotspots_nightly())
    assert all(moved[key].pk != first[key].pk for key in first)
    district = Area.objects.filter(level=Area.Level.DISTRICT).first()
    assert district is not None
    Area.objects.filter(pk=district.pk).update(population=(district.population or 0) + 1)
    corrected = _by_key(hotspots_nightly())
    assert all(corrected[key].pk != moved[key].pk for key in moved)
    # And nothing changed: the same runs.
    assert _by_key(hotspots_nightly()) == corrected


def test_data_back_in_an_earlier_state_shows_that_state_s_run_again(
    make_report: Callable[..., Report],
) -> None:
    from curim.analytics.selectors.runs import latest_run

    make_report(category="graffiti", at=HOT, occurred_at=_days_ago(5))
    make_report(category="theft", at=HOT, occurred_at=_days_ago(4))
    public = ("hotspots", "public", "all")
    before = _by_key(hotspots_nightly())[public]
    assert before.summary["events"] == 2
    # Graffiti made private: the public run counts one report.
    Category.objects.filter(slug="graffiti").update(may_be_public=False)
    private = _by_key(hotspots_nightly())[public]
    assert private.summary["events"] == 1
    assert latest_run(RunKind.HOTSPOTS, RunAudience.PUBLIC, time_of_day="all") == private
    # Public again: the data is as it was, the first run is found and is the one shown.
    Category.objects.filter(slug="graffiti").update(may_be_public=True)
    again = _by_key(hotspots_nightly())[public]
    assert again == before
    assert latest_run(RunKind.HOTSPOTS, RunAudience.PUBLIC, time_of_day="all") == before
