"""The figures an evaluation computes for the public are made from public data only: public
reports at their public places, the very reports and places the public reports list gives.

The council's counts are of every moderated report at its exact place; a zone smaller than a
report's privacy cell (a treated zone of 100 m in a 250 m cell), or a zone crossing a district's
border (whose parts the districts' summaries give back), would place a report more finely than
its cell if the public read them. So the public's part is recounted here from the reports list
itself (GEOS zones, dates as the list gives them), and shown not to move when reports move
inside their cells or when reports the public never sees are added.
"""

import json
import re
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.geos import GEOSGeometry, MultiPoint, Point
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.utils import dateformat, timezone

from curim.accounts.models import User
from curim.analytics.models import RunAudience
from curim.areas.models import Area
from curim.reports.models import Category, Report
from interventions.evaluation_data import PanelRequest, Windows, counts_panel
from interventions.evaluation_reading import shown
from interventions.models import Evaluation, EvaluationStatus, Intervention, InterventionKind
from interventions.selectors import intervention_headlines
from interventions.services import evaluations as evaluations_service
from interventions.services.evaluation_backfill import COMPUTE, REDRAWN, backfill_outlook
from interventions.services.evaluations import (
    evaluation_compute,
    evaluation_request,
    public_result,
)
from tests.interventions.evaluation_world import (
    STORED_PARAMETERS,
    analyst,
    finished_evaluation,
    intervention_make,
    playground_design,
    reports_scatter,
)

WINDOWS = Windows(date(2024, 7, 1), date(2024, 12, 31), date(2025, 2, 1), date(2025, 8, 3), 2)
CELL_M = 100.0  # the test's own privacy grid (EPSG:2100): public places are its cells' centres
SPAN = (date(2024, 5, 1), date(2025, 9, 30))


def _cell_centre(point: Point | None) -> Point:
    assert point is not None
    here = point.transform(2100, clone=True)
    assert isinstance(here, Point)
    centre = Point((here.x // CELL_M + 0.5) * CELL_M, (here.y // CELL_M + 0.5) * CELL_M, srid=2100)
    centre.transform(4326)
    return centre


def _world() -> tuple[PanelRequest, dict[str, GEOSGeometry]]:
    """A playground in piraeus-4 against piraeus-5: reports dense around it and thinner over
    both districts, each shown at the centre of its 100 m cell (its public place)."""
    request, zones = playground_design(WINDOWS)
    district = Area.objects.get(code="piraeus-4")
    control = Area.objects.get(code="piraeus-5")
    treated = zones["treated"]
    near = treated.buffer(300).buffer(200).transform(4326, clone=True)  # the ring, and 200 m more
    made = reports_scatter(within=near, count=150, start=SPAN[0], end=SPAN[1], seed=1)
    made += reports_scatter(
        within=treated.buffer(20).transform(4326, clone=True),
        count=60,
        start=SPAN[0],
        end=SPAN[1],
        seed=5,
    )
    made += reports_scatter(within=district.geometry, count=60, start=SPAN[0], end=SPAN[1], seed=2)
    made += reports_scatter(within=control.geometry, count=60, start=SPAN[0], end=SPAN[1], seed=3)
    for report in made:
        report.public_location = _cell_centre(report.location)
    Report.objects.bulk_update(made, ["public_location"])
    return request, zones


def _public_list() -> list[dict[str, Any]]:
    """Every feature of the public reports list, page by page."""
    client, features = Client(), []
    url: str | None = "/api/v1/reports/?limit=200"
    while url:
        answer = client.get(url).json()
        features += answer["features"]
        url = answer["next"]
    return features


def _recount(zones: dict[str, GEOSGeometry], features: list[dict[str, Any]]) -> dict[str, Any]:
    """Each zone's count per window from the list: its point in GEOS (EPSG:2100), its day."""
    found = {key: {"before": 0, "after": 0} for key in zones}
    windows = {
        "before": (WINDOWS.before_start, WINDOWS.before_end),
        "after": (WINDOWS.after_start, WINDOWS.after_end),
    }
    for feature in features:
        lon, lat = feature["geometry"]["coordinates"]
        point = Point(lon, lat, srid=4326).transform(2100, clone=True)
        day = date.fromisoformat(feature["properties"]["occurred_on"])
        for key, zone in zones.items():
            for window, (first, last) in windows.items():
                if first <= day <= last and zone.covers(point):
                    found[key][window] += 1
    return found


def _totals(part: dict[str, Any]) -> dict[str, Any]:
    return {row["zone"]: {"before": row["before"], "after": row["after"]} for row in part["counts"]}


@pytest.mark.django_db
def test_the_public_s_counts_are_the_public_reports_list_s(piraeus: None) -> None:
    request, zones = _world()
    part = public_result(_queued(request))
    assert part is not None
    assert "code" not in part
    expected = _recount(zones, _public_list())
    assert _totals(part) == expected
    assert all(expected[key]["before"] > 0 for key in zones)
    # The council's differ: its zones count the exact places (else this test proves nothing).
    council = counts_panel(request)
    assert {key: council.count(key, "before") for key in zones} != {
        key: expected[key]["before"] for key in zones
    }


@pytest.mark.django_db
def test_no_public_figure_moves_with_what_the_public_does_not_see(piraeus: None) -> None:
    request, zones = _world()
    evaluation = _queued(request)
    first = public_result(evaluation)
    council_first = counts_panel(request).counts
    # Every report moves inside its cell (its exact place, not its public one), and reports of
    # a category kept from the public are added where the treated zone is.
    for report in Report.objects.all():
        report.location = Point(report.location.x + 0.0003, report.location.y, srid=4326)
        report.save(update_fields=["location"])
    kept = Category.objects.get(slug="sexual-harassment")
    assert not kept.may_be_public
    reports_scatter(
        within=zones["treated"].transform(4326, clone=True),
        count=12,
        start=SPAN[0],
        end=SPAN[1],
        category=kept.slug,
        seed=4,
    )
    assert counts_panel(request).counts != council_first
    assert public_result(evaluation) == first


def _queued(request: PanelRequest, sources: str = "reports", **more: Any) -> Evaluation:
    """An evaluation of the world's intervention as an analyst asks for it (the world's
    comparison area chosen unless `comparison_area_ids` says otherwise)."""
    return evaluation_request(
        intervention=request.intervention,
        by=analyst(),
        parameters={
            **STORED_PARAMETERS,
            "sources": sources,
            "buffer_m": 100,
            "ring_m": 300,
            **more.get("parameters", {}),
        },
        comparison_area_ids=more.get("comparison_area_ids", request.comparison_ids),
    )


def _evaluate(request: PanelRequest, sources: str, **more: Any) -> dict[str, Any]:
    """The stored result of an evaluation of the world's intervention, through the service."""
    evaluation = _queued(request, sources, **more)
    done = evaluation_compute(evaluation_id=evaluation.pk)
    assert done is not None
    assert done.status == EvaluationStatus.DONE, done.message
    done.refresh_from_db()  # as stored
    if sources == "reports":  # the same figures, as JSON stores them
        assert "code" not in done.result["public"]
        assert done.result["public"] == json.loads(json.dumps(public_result(done)))
    return dict(done.result)


@pytest.mark.django_db
def test_an_evaluation_keeps_the_public_s_figures_with_the_council_s(piraeus: None) -> None:
    request, _zones = _world()
    public = _evaluate(request, "reports")["public"]
    assert public is not None
    assert public["counts"]
    assert public["displacement"]["wdq"] is not None
    # Official incidents are never public: nothing is computed for the public.
    assert _evaluate(request, "both")["public"] is None


@pytest.mark.django_db
def test_the_public_s_data_that_cannot_answer_says_why(piraeus: None) -> None:
    request, _zones = _world()
    # Only reports of a category kept from the public were made in the windows.
    Report.objects.update(category=Category.objects.get(slug="sexual-harassment"))
    assert public_result(_queued(request)) == {"code": "empty_windows"}
    assert any(counts_panel(request).counts.values())


def _answer(reference: str, user: User | None = None) -> dict[str, Any]:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(f"/api/v1/interventions/{reference}/evaluation/")
    assert response.status_code == 200
    return dict(response.json())


@pytest.mark.django_db
def test_the_public_reads_the_public_s_figures_and_the_council_its_own(piraeus: None) -> None:
    request, _zones = _world()
    stored = _evaluate(request, "reports")
    public, council = stored["public"], stored
    reference = request.intervention.reference
    answer = _answer(reference)
    read = {row["zone"]: (row["before"], row["after"]) for row in answer["counts"]}
    assert read == {
        row["zone"]: tuple(shown(row[w], reads_all=False) for w in ("before", "after"))
        for row in public["counts"]
    }
    assert answer["withheld"] is False
    assert answer["estimate"] == public["estimate"]
    assert answer["estimate"] != council["estimate"]
    assert answer["displacement_counts"]["treated"] == [
        shown(int(n), reads_all=False) for n in public["displacement"]["counts"]["treated"]
    ]
    # The council's reader reads the council's counts, at exact places.
    own = _answer(reference, analyst())
    assert own["estimate"] == council["estimate"]
    assert {row["zone"]: row["before"] for row in own["counts"]} == {
        row["zone"]: row["before"] for row in council["counts"]
    }
    # The page and the list's feature read the same as the API.
    page = Client().get(f"/interventions/{reference}/evaluations/{1}/").content.decode()
    treated = next(row for row in public["counts"] if row["zone"] == "treated")
    council_treated = next(row for row in council["counts"] if row["zone"] == "treated")
    assert treated["before"] != council_treated["before"]
    cells = [
        "—" if n is None else str(n)
        for n in (shown(treated[w], reads_all=False) for w in ("before", "after"))
    ]
    assert _numbers(_treated_row(page)) == cells
    features = Client().get("/api/v1/interventions/").json()["features"]
    (mine,) = [f for f in features if f["properties"]["reference"] == reference]
    assert mine["properties"]["estimate"] == pytest.approx(public["estimate"])


def _treated_row(page: str) -> str:
    start = page.index("Treated zone (around what was done)")
    return page[start : page.index("</tr>", start)]


def _numbers(row: str) -> list[str]:
    return re.findall(r'govuk-table__cell--numeric">([^<]*)</td>', row)


@pytest.mark.django_db
def test_a_category_kept_from_the_public_later_takes_the_public_s_figures_with_it(
    piraeus: None,
) -> None:
    request, _zones = _world()
    stored = _evaluate(request, "reports")
    # No category was ticked: the public's figures name the public categories they counted.
    assert "graffiti" in stored["public"]["categories"]
    assert "sexual-harassment" not in stored["public"]["categories"]
    reference = request.intervention.reference
    assert _answer(reference)["withheld"] is False
    Category.objects.filter(slug="graffiti").update(may_be_public=False)
    answer = _answer(reference)
    assert answer["withheld_reason"] == "kept_from_public"
    assert answer["counts"] == []
    assert answer["estimate"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("public", ["absent", None, {"code": "empty_windows"}])
def test_a_result_without_the_public_s_figures_gives_the_public_none(
    piraeus: None, public: Any
) -> None:
    """A result stored before the public's part existed, one that counts official incidents,
    and one whose public data could not answer: the public reads no figure of it (the
    council's would be of exact places), the council reads its own."""
    intervention = intervention_make()
    evaluation = finished_evaluation(intervention)
    result = dict(evaluation.result)
    if public == "absent":
        del result["public"]
    else:
        result["public"] = public
    Evaluation.objects.filter(pk=evaluation.pk).update(result=result)
    answer = _answer(intervention.reference)
    assert answer["withheld_reason"] == "kept_from_public"
    assert answer["counts"] == []
    assert answer["estimate"] is None
    assert answer["comparison"] == {"how": "suggested"}
    page = Client().get(f"/interventions/{intervention.reference}/").content.decode()
    assert "-39.3" not in page
    assert "the public never sees" in page
    assert _answer(intervention.reference, analyst())["estimate"] == -0.5


@pytest.mark.django_db
def test_the_public_s_comparison_is_matched_on_what_the_public_sees(piraeus: None) -> None:
    """Suggested comparison areas are matched on the public's own counts: reports of a category
    kept from the public make another district the council's nearest, not the public's (its
    name, or its count of public reports, would tell the public where the kept ones are)."""
    request, _zones = _world()
    piraeus_3 = Area.objects.get(code="piraeus-3")
    reports_scatter(
        within=piraeus_3.geometry,
        count=150,
        start=WINDOWS.before_start,
        end=WINDOWS.before_end,
        category="sexual-harassment",
        seed=6,
    )
    stored = _evaluate(request, "reports", parameters={"suggest_k": 2}, comparison_area_ids=())
    council = {area["code"] for area in stored["comparison"]["areas"]}
    public = {area["code"] for area in stored["public"]["comparison"]["areas"]}
    assert "piraeus-3" in council
    assert "piraeus-3" not in public
    assert "piraeus-5" in public
    answer = _answer(request.intervention.reference)
    assert {area["code"] for area in answer["comparison"]["areas"]} == public
    assert "control:piraeus-3" not in {row["zone"] for row in answer["counts"]}
    assert answer["sms_level"] == stored["public"]["sms"]["level"]


@pytest.mark.django_db
def test_a_failure_of_the_public_s_part_keeps_the_council_s_result(
    piraeus: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Should computing the public's part fail (a fault injected into its read), the council's
    evaluation is still stored, and the public reads no figure of it."""
    request, _zones = _world()
    computed = evaluations_service._computed

    def failing(evaluation: Evaluation, audience: RunAudience) -> Any:
        if audience == RunAudience.PUBLIC:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 / 0")  # the database's own error, mid-transaction
        return computed(evaluation, audience)

    monkeypatch.setattr(evaluations_service, "_computed", failing)
    evaluation = _queued(request)
    done = evaluation_compute(evaluation_id=evaluation.pk)
    assert done is not None
    assert done.status == EvaluationStatus.DONE, done.message
    done.refresh_from_db()
    assert done.result["public"] == {"code": "error"}
    assert done.result["estimate"] is not None
    assert "the public's part of evaluation" in caplog.text
    assert _answer(request.intervention.reference)["estimate"] is None


@pytest.mark.django_db
def test_the_public_reads_its_own_design_s_level(piraeus: None) -> None:
    """The design's level rests on the events too (a multi-site design is at level 4 when two
    matched cells or more had one): the public reads its own design's, the council its own."""
    intervention = intervention_make()
    evaluation = finished_evaluation(intervention)
    result = dict(evaluation.result)
    result["sms"] = {"level": 4, "reason": "the council's"}
    result["public"] = {**result["public"], "sms": {"level": 3, "reason": "the public's"}}
    Evaluation.objects.filter(pk=evaluation.pk).update(result=result, sms_level=4)
    reference = intervention.reference
    answer = _answer(reference)
    assert (answer["sms_level"], answer["sms_reason"]) == (3, "the public's")
    own = _answer(reference, analyst())
    assert (own["sms_level"], own["sms_reason"]) == (4, "the council's")
    features = Client().get("/api/v1/interventions/").json()["features"]
    (mine,) = [f["properties"] for f in features if f["id"] == reference]
    assert mine["sms_level"] == 3
    detail = Client().get(f"/api/v1/interventions/{reference}/").json()
    assert [item["sms_level"] for item in detail["evaluations"]] == [3]
    (headline,) = intervention_headlines(AnonymousUser(), references=[reference])
    assert headline.sms_level == 3
    page = Client().get(f"/interventions/{reference}/").content.decode()
    assert "Level 3 of 5" in page
    assert "Level 4 of 5" not in page


def _as_before_parts(evaluation_id: int, computed: datetime) -> None:
    """The evaluation as a release before the public's part stored it: the council's only."""
    evaluation = Evaluation.objects.get(pk=evaluation_id)
    result = {key: value for key, value in evaluation.result.items() if key != "public"}
    Evaluation.objects.filter(pk=evaluation_id).update(
        result=result, data_up_to=computed, computed_at=computed
    )


def _compute_command(*args: str) -> str:
    out = StringIO()
    call_command("evaluations_public_compute", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_public_s_figures_of_an_older_evaluation_are_computed_afterwards(
    piraeus: None,
) -> None:
    """An evaluation finished before the public's part existed gives the public nothing until
    `evaluations_public_compute` counts the public reports as they are now; the public then
    reads those figures with that day as their date, the council its own figures and date."""
    request, zones = _world()
    first = _evaluate(request, "reports")
    reference = request.intervention.reference
    (evaluation,) = Evaluation.objects.filter(intervention=request.intervention)
    long_ago = timezone.now() - timedelta(days=40)
    _as_before_parts(evaluation.pk, long_ago)
    assert _answer(reference)["withheld_reason"] == "kept_from_public"
    # Reports came since the council's figures were counted: the public's count them.
    reports_scatter(
        within=zones["treated"].transform(4326, clone=True),
        count=30,
        start=WINDOWS.after_start,
        end=WINDOWS.after_end,
        seed=9,
    )
    assert "would be computed" in _compute_command("--dry-run")
    assert "public" not in Evaluation.objects.get(pk=evaluation.pk).result
    before = timezone.now()
    out = _compute_command()
    assert f"{reference} v1: figures" in out
    stored = Evaluation.objects.get(pk=evaluation.pk)
    part = stored.result["public"]
    counted = json.loads(json.dumps(public_result(stored)))
    assert {k: v for k, v in part.items() if k not in ("data_up_to", "computed_at")} == counted
    assert part["counts"] != first["public"]["counts"]  # today's reports, not those of then
    assert stored.result["estimate"] == first["estimate"]  # the council's are left as they were
    assert stored.computed_at == long_ago
    # The public reads the part, dated the day it was counted; the council its own date.
    answer = _answer(reference)
    assert answer["withheld"] is False
    assert answer["estimate"] == part["estimate"]
    assert answer["computed_at"] == part["computed_at"]
    assert answer["data_up_to"] == part["data_up_to"]
    assert before <= datetime.fromisoformat(answer["computed_at"]) <= timezone.now()
    own = _answer(reference, analyst())
    assert datetime.fromisoformat(own["computed_at"]) == long_ago
    assert datetime.fromisoformat(own["data_up_to"]) == long_ago
    detail = Client().get(f"/api/v1/interventions/{reference}/").json()
    (item,) = detail["evaluations"]
    assert datetime.fromisoformat(item["computed_at"]) == datetime.fromisoformat(
        part["computed_at"]
    )
    page = Client().get(f"/interventions/{reference}/evaluations/1/").content.decode()
    shown_at = timezone.localtime(datetime.fromisoformat(part["computed_at"]))
    assert f'<time datetime="{dateformat.format(shown_at, "c")}"' in page
    assert dateformat.format(timezone.localtime(long_ago), "c") not in page
    # The council's reader reads its own date everywhere.
    council = Client()
    council.force_login(analyst())
    (own_item,) = council.get(f"/api/v1/interventions/{reference}/").json()["evaluations"]
    assert datetime.fromisoformat(own_item["computed_at"]) == long_ago
    own_page = council.get(f"/interventions/{reference}/evaluations/1/").content.decode()
    assert f'<time datetime="{dateformat.format(timezone.localtime(long_ago), "c")}"' in own_page
    # Run again: nothing is left to compute.
    assert "stored for 0," in _compute_command()


@pytest.mark.django_db
def test_the_public_s_figures_are_computed_afterwards_only_where_they_are_missing(
    piraeus: None,
) -> None:
    """Only finished evaluations without the public's part, or whose part failed, are computed
    (one whose public data could not answer is left as it is); one of official incidents stores
    none (never public)."""
    request, _zones = _world()
    kept = _evaluate(request, "reports")
    incidents = _evaluate(request, "both")
    failed = _evaluate(request, "reports")
    unanswered = _evaluate(request, "reports")
    queued = _queued(request)
    versions = {e.version: e for e in Evaluation.objects.filter(intervention=request.intervention)}
    long_ago = timezone.now() - timedelta(days=3)
    _as_before_parts(versions[2].pk, long_ago)
    Evaluation.objects.filter(pk=versions[3].pk).update(
        result={**failed, "public": {"code": "error"}}
    )
    cannot = {**unanswered, "public": {"code": "empty_windows"}}
    Evaluation.objects.filter(pk=versions[4].pk).update(result=cannot)
    out = _compute_command()
    assert "stored for 2," in out
    assert f"{request.intervention.reference} v2: none" in out
    after = {e.version: e for e in Evaluation.objects.filter(intervention=request.intervention)}
    assert after[1].result == kept  # had its part: left alone
    assert after[2].result == {**incidents, "public": None}
    assert "code" not in after[3].result["public"]
    assert "computed_at" in after[3].result["public"]
    assert after[4].result == cannot  # the public's data could not answer: left as it is
    assert after[5].status == EvaluationStatus.QUEUED
    assert after[5].result == queued.result
    assert "stored for 0," in _compute_command()


@pytest.mark.django_db
def test_a_redrawn_intervention_gets_no_public_part_and_a_failed_one_fails_the_command(
    piraeus: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A version of an intervention redrawn since (another design or area) would have its
    public part count another place under its name: nothing is stored, and the command says
    so. A part that fails is stored as `error` and the command ends in an error, to be run
    again once the fault is fixed."""
    request, _zones = _world()
    _evaluate(request, "reports")
    _evaluate(request, "both")  # official incidents: never public, redrawn or not
    intervention = request.intervention
    evaluation, incidents = Evaluation.objects.filter(intervention=intervention).order_by("pk")
    for stored in (evaluation, incidents):
        _as_before_parts(stored.pk, timezone.now() - timedelta(days=3))
    drawn = intervention.geometry
    assert isinstance(drawn, Point)
    as_sites = MultiPoint(drawn, srid=drawn.srid)  # one part of a Multi*: the sites' design
    done = 1  # the incidents' version: stored once, its part none
    for redrawn in ({"geometry": as_sites}, {"area": Area.objects.get(code="piraeus-5")}):
        Intervention.objects.filter(pk=intervention.pk).update(**redrawn)
        listed = _compute_command("--dry-run")
        assert f"{intervention.reference} v1: would be skipped, the intervention was" in listed
        if done:
            assert f"{intervention.reference} v2: would be stored as none" in listed
        out = _compute_command()
        assert f"{intervention.reference} v1: skipped, the intervention was redrawn" in out
        assert f"stored for {done}, 0 of them with figures; 1 skipped" in out
        assert "public" not in Evaluation.objects.get(pk=evaluation.pk).result
        assert Evaluation.objects.get(pk=incidents.pk).result["public"] is None
        done = 0
        Intervention.objects.filter(pk=intervention.pk).update(
            geometry=drawn, area=Area.objects.get(code="piraeus-4")
        )
    assert f"{intervention.reference} v1: would be computed" in _compute_command("--dry-run")
    computed = evaluations_service._computed

    def failing(evaluation: Evaluation, audience: RunAudience) -> Any:
        if audience == RunAudience.PUBLIC:
            raise ZeroDivisionError
        return computed(evaluation, audience)

    monkeypatch.setattr(evaluations_service, "_computed", failing)
    with pytest.raises(CommandError, match="1 failed"):
        _compute_command()
    assert Evaluation.objects.get(pk=evaluation.pk).result["public"] == {"code": "error"}
    monkeypatch.setattr(evaluations_service, "_computed", computed)
    assert "v1: figures" in _compute_command()  # run again once fixed


@pytest.mark.django_db
@pytest.mark.parametrize(
    "unreadable",
    [{"before_start": "1 March"}, {"sources": "rumours"}, {"periods": None}, "missing"],
    ids=["a date", "the sources", "the periods", "a key missing"],
)
def test_a_version_whose_parameters_do_not_read_is_skipped_and_the_others_computed(
    piraeus: None, unreadable: dict[str, Any] | str
) -> None:
    request, _zones = _world()
    _evaluate(request, "reports")
    _evaluate(request, "reports")
    broken, kept = Evaluation.objects.filter(intervention=request.intervention).order_by("pk")
    for stored in (broken, kept):
        _as_before_parts(stored.pk, timezone.now() - timedelta(days=3))
    parameters = dict(broken.parameters)
    if unreadable == "missing":
        del parameters["after_end"]
    else:
        assert isinstance(unreadable, dict)
        parameters.update(unreadable)
    Evaluation.objects.filter(pk=broken.pk).update(parameters=parameters)
    reference = request.intervention.reference
    listed = _compute_command("--dry-run")
    assert f"{reference} v1: would be skipped, its stored parameters do not read" in listed
    assert f"{reference} v2: would be computed" in listed
    out = _compute_command()
    assert f"{reference} v1: skipped, its stored parameters do not read" in out
    assert f"{reference} v2: figures" in out
    assert "stored for 1, 1 of them with figures; 0 skipped (redrawn), 1 skipped (parameters" in out
    assert "public" not in Evaluation.objects.get(pk=broken.pk).result
    assert "code" not in Evaluation.objects.get(pk=kept.pk).result["public"]


@pytest.mark.django_db
@pytest.mark.parametrize(("drawn", "outlook"), [(2, COMPUTE), (3, REDRAWN), (1, REDRAWN)])
def test_a_multi_site_version_is_redrawn_when_its_sites_are_not_as_many(
    piraeus: None, drawn: int, outlook: str
) -> None:
    """A version counted over two sites, of an intervention now drawn with `drawn` parts."""
    district = Area.objects.get(code="piraeus-4")
    centre = district.geometry.point_on_surface
    parts = [Point(centre.x + 0.001 * k, centre.y, srid=4326) for k in range(drawn)]
    intervention = Intervention(
        kind=InterventionKind.PLAYGROUND, area=district, geometry=MultiPoint(*parts, srid=4326)
    )
    rows = [{"zone": f"treated:{k}", "role": "treated", "code": f"site-{k}"} for k in (1, 2)]
    rows.append({"zone": "ring_control", "role": "ring_control", "code": "piraeus-4"})
    evaluation = Evaluation(
        intervention=intervention,
        result={"design": "sites", "counts": rows},
        parameters=STORED_PARAMETERS,
    )
    assert backfill_outlook(evaluation) == outlook
