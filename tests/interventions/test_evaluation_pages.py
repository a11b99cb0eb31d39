"""The evaluation's request page, result page and API, without computing (these run without the
estimators): who may ask, bad input re-shown with an error per field and nothing saved, the
request queued through the outbox as the next version, who reads which evaluation, the public's
counts with small ones withheld, the EMMIE notes, the plain sentence, and the survey's reads."""

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.areas.models import Area
from curim.core.models import OutboxTask
from interventions.evaluation_data import indicator_estimates, survey_waves
from interventions.models import (
    Evaluation,
    EvaluationStatus,
    Intervention,
    InterventionStatus,
    Session,
)
from interventions.selectors import intervention_headlines
from interventions.services.evaluations import EVALUATION_TASK
from surveys.models import Indicator, IndicatorEstimate, Survey
from tests.factories import user_with_role
from tests.interventions.evaluation_world import (
    analyst,
    at,
    finished_evaluation,
    intervention_make,
)

GOOD = {
    "before_start": "2024-07-01",
    "before_end": "2024-12-31",
    "after_start": "2025-02-01",
    "after_end": "2025-08-03",
    "periods": "6",
    "sources": "reports",
    "suggest_k": "4",
}
API = "api:intervention_evaluation"


def _as(role: Role) -> Client:
    email = f"{role.value}-pages@example.org"
    user = User.objects.filter(email=email).first() or user_with_role(role, email=email)
    client = Client()
    client.force_login(user)
    return client


def _evaluate_url(intervention: Intervention) -> str:
    return reverse("interventions:evaluate", args=[intervention.reference])


@pytest.mark.django_db
def test_analysts_and_admins_request_an_evaluation_queued_as_the_next_version(
    piraeus: None,
) -> None:
    intervention = intervention_make(area_code="piraeus-2", categories=("graffiti",))
    for number, role in enumerate([Role.ANALYST, Role.ADMIN], start=1):
        client = _as(role)
        page = client.get(_evaluate_url(intervention))
        assert page.status_code == 200
        assert 'name="comparison_areas"' in page.content.decode()
        response = client.post(_evaluate_url(intervention), GOOD)
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "interventions:evaluation", args=[intervention.reference, number]
        )
    versions = list(intervention.evaluations.order_by("version").values_list("version", "status"))
    assert versions == [(1, "queued"), (2, "queued")]
    tasks = OutboxTask.objects.filter(task_name=EVALUATION_TASK).order_by("created_at")
    assert [task.args for task in tasks] == [
        [e.pk] for e in intervention.evaluations.order_by("version")
    ]
    first = intervention.evaluations.get(version=1)
    assert first.parameters["comparison"] == "suggest"
    assert first.parameters["after_end"] == "2025-08-03"
    # The analyst reads that it is queued; the public does not find it.
    url = reverse("interventions:evaluation", args=[intervention.reference, 1])
    assert "is queued" in _as(Role.ANALYST).get(url).content.decode()
    assert Client().get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CITIZEN, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY])
def test_nobody_else_may_request_one(piraeus: None, role: Role) -> None:
    intervention = intervention_make(area_code="piraeus-2")
    client = _as(role)
    assert client.get(_evaluate_url(intervention)).status_code == 404
    assert client.post(_evaluate_url(intervention), GOOD).status_code == 404
    assert Client().get(_evaluate_url(intervention)).status_code == 302  # to log in
    assert not Evaluation.objects.exists()
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db
def test_bad_input_is_shown_with_an_error_per_field_and_nothing_saved(piraeus: None) -> None:
    intervention = intervention_make(area_code="piraeus-2")
    client = _as(Role.ANALYST)
    elsewhere = Area.objects.get(code="piraeus")  # the municipality: not of the district level
    cases: list[tuple[dict[str, Any], str]] = [
        ({**GOOD, "after_end": "2025-08-10"}, "after_end"),  # unequal windows
        ({**GOOD, "after_start": "2024-12-01", "after_end": "2025-06-02"}, "after_start"),
        ({**GOOD, "before_start": ""}, "before_start"),
        ({**GOOD, "before_start": "yesterday"}, "before_start"),
        ({**GOOD, "periods": "0"}, "periods"),
        ({**GOOD, "periods": "40"}, "periods"),
        ({**GOOD, "sources": "gossip"}, "sources"),
        ({**GOOD, "comparison_areas": [elsewhere.pk]}, "comparison_areas"),
        ({**GOOD, "comparison_areas": [intervention.area_id]}, "comparison_areas"),
        ({**GOOD, "categories": ["999999"]}, "categories"),
        (
            {
                **GOOD,
                "after_start": str(timezone.localdate() - timedelta(days=10)),
                "after_end": str(timezone.localdate() + timedelta(days=173)),
            },
            "after_end",
        ),  # the window after is not over
    ]
    for data, field in cases:
        response = client.post(_evaluate_url(intervention), data)
        assert response.status_code == 400, field
        form = response.context["form"]
        assert field in form.errors, (field, form.errors)
        assert f'href="#id_{field}' in response.content.decode() or field in form.errors
    assert not Evaluation.objects.exists()
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db
def test_a_planned_intervention_is_not_evaluated(piraeus: None) -> None:
    intervention = intervention_make(area_code="piraeus-2", status=InterventionStatus.PLANNED)
    response = _as(Role.ANALYST).post(_evaluate_url(intervention), GOOD)
    assert response.status_code == 400
    assert "Only a completed intervention" in response.content.decode()
    assert not Evaluation.objects.exists()


@pytest.mark.django_db
def test_the_public_reads_the_latest_finished_one_with_small_counts_withheld(
    piraeus: None,
) -> None:
    intervention = intervention_make(area_code="piraeus-2")
    assert Client().get(reverse(API, args=[intervention.reference])).status_code == 404
    finished_evaluation(intervention)
    public = Client().get(reverse(API, args=[intervention.reference])).json()
    assert public["version"] == 1
    assert public["counts_withheld_below"] == 3
    treated, control = public["counts"]
    assert (treated["before"], treated["after"]) == (None, 0)  # 2 withheld, 0 shown
    assert (control["before"], control["after"]) == (None, 3)
    assert "periods_before" not in treated
    assert public["comparison"]["areas"][0]["before_count"] is None
    assert public["comparison"]["own_before_count"] is None
    page = Client().get(reverse("interventions:evaluation", args=[intervention.reference, 1]))
    assert page.status_code == 200
    table = page.content.decode().split('id="evaluation-counts"')[1].split("</table>")[0]
    assert ">2<" not in table
    assert ">1<" not in table
    assert "—" in table
    # The estimates would give the withheld counts back: the public gets neither.
    assert public["withheld"] is True
    assert public["verdict"] == "withheld"
    for figure in ("estimate", "ci_low", "ci_high", "rate_ratio", "percent_change", "p_value"):
        assert public[figure] is None, figure
    assert 'data-verdict="withheld"' in page.content.decode()
    # The percent change the council reads (−39.3 %) is nowhere in the public's page (a time
    # stamp's seconds may hold the same digits, so the page's text is read without them).
    text = re.sub(r'datetime="[^"]*"', "", page.content.decode())
    assert "39,3" not in text
    assert "39.3" not in text
    # The council's readers see every count and figure.
    council = _as(Role.COUNCIL_MEMBER).get(reverse(API, args=[intervention.reference])).json()
    assert council["counts"][0]["before"] == 2
    assert council["counts"][0]["periods_before"] == [1, 1]
    assert council["comparison"]["areas"][0]["before_count"] == 1
    assert council["estimate"] == -0.5
    assert council["withheld"] is False
    # Counts of 0 and from 3 up: the public reads the figures too (the latest version).
    large = [
        {**row, "before": 30 + k, "after": 20 + k}
        for k, row in enumerate(intervention.evaluations.get().result["counts"])
    ]
    finished_evaluation(intervention, counts=large)
    public = Client().get(reverse(API, args=[intervention.reference])).json()
    assert public["version"] == 2
    assert public["withheld"] is False
    assert public["estimate"] == -0.5
    assert public["verdict"] == "fewer"
    assert [row["before"] for row in public["counts"]] == [30, 31]
    # An intervention the public may not read: a 404 for its evaluation too.
    Intervention.objects.filter(pk=intervention.pk).update(status=InterventionStatus.IN_PROGRESS)
    assert Client().get(reverse(API, args=[intervention.reference])).status_code == 404
    assert Client().get(page.request["PATH_INFO"]).status_code == 404


@pytest.mark.django_db
def test_the_public_reads_the_latest_finished_version_only(piraeus: None) -> None:
    """Each version counts reports at their exact places: two versions whose zones or windows
    differ a little would subtract to a few metres' or a day's reports, below the public's
    threshold. The public reads the latest finished version, on the page and in the API; the
    council's readers read every version."""
    intervention = intervention_make(area_code="piraeus-2")
    _counted(intervention, sources="reports", categories=["graffiti"])
    _counted(intervention, sources="reports", categories=["graffiti"])
    Evaluation.objects.create(
        intervention=intervention,
        version=3,
        status=EvaluationStatus.UNANSWERED,
        method="m",
        result={"code": "no_events"},
        message="Nothing was counted.",
        requested_by=analyst(),
    )
    Evaluation.objects.create(
        intervention=intervention,
        version=4,
        status=EvaluationStatus.QUEUED,
        method="m",
        requested_by=analyst(),
    )
    reference = intervention.reference

    def page(client: Client, version: int) -> int:
        url = reverse("interventions:evaluation", args=[reference, version])
        return int(client.get(url).status_code)

    def api(client: Client, query: str = "") -> Any:
        return client.get(reverse(API, args=[reference]) + query)

    public, council = Client(), _as(Role.COUNCIL_MEMBER)
    assert [page(public, v) for v in (1, 2, 3, 4)] == [404, 200, 404, 404]
    assert [page(council, v) for v in (1, 2, 3, 4)] == [200, 200, 200, 200]
    assert api(public).json()["version"] == 2
    assert api(public, "?version=2").json()["version"] == 2
    assert api(public, "?version=1").status_code == 404
    assert api(council, "?version=1").json()["version"] == 1
    assert api(council).json()["version"] == 2
    unanswered = api(council, "?version=3")
    assert unanswered.status_code == 404
    assert "no result" in unanswered.json()["detail"]
    queued = api(council, "?version=4")
    assert queued.status_code == 404
    assert "not computed yet" in queued.json()["detail"]
    assert api(public, "?version=4").status_code == 404
    for bad in ("?version=0", "?version=two", "?version=99999999999", "?version=2%00"):
        for client in (public, council):
            answer = api(client, bad)
            assert answer.status_code == 400, bad
            assert "version" in answer.json(), bad
    # The intervention's detail lists the versions each reader may read, each with its link.
    detail = f"/api/v1/interventions/{reference}/"
    listed = public.get(detail).json()["evaluations"]
    assert [(e["version"], e["status"]) for e in listed] == [(2, "done")]
    assert listed[0]["url"].endswith("evaluation/?version=2")
    assert public.get(listed[0]["url"]).json()["version"] == 2
    theirs = council.get(detail).json()["evaluations"]
    assert [e["version"] for e in theirs] == [4, 3, 2, 1]
    assert council.get(theirs[3]["url"]).json()["version"] == 1


@pytest.mark.django_db
def test_each_reader_s_page_says_what_it_may_read(piraeus: None) -> None:
    """The result's page: the sentence, the figures, the method and the design's level where
    the reader may read them; the sentence that says why where not."""
    intervention = intervention_make(area_code="piraeus-2")
    finished_evaluation(intervention)  # counts of 1 and 2: withheld from the public
    url = reverse("interventions:evaluation", args=[intervention.reference, 1])
    fewer = "Clearly fewer reports than the comparison areas predict: about 39% fewer"
    withheld = "they rest on counts of 1 or 2 reports"
    level = "Level 3 of 5"
    method = "Poisson difference-in-differences (area and period fixed effects)"
    council = _as(Role.COUNCIL_MEMBER).get(url).content.decode()
    for shown in (fewer, "-39.3%", level, method, "cluster-robust"):
        assert shown in council, shown
    assert withheld not in council
    public = Client().get(url).content.decode()
    for shown in (withheld, level, method, "cluster-robust"):
        assert shown in public, shown
    assert fewer not in public
    assert "-39.3%" not in public
    # Counts of 3 and more: the public reads it all.
    _counted(intervention, sources="reports", categories=["graffiti"])
    url = reverse("interventions:evaluation", args=[intervention.reference, 2])
    public = Client().get(url).content.decode()
    for shown in (fewer, "-39.3%", level, method, "cluster-robust"):
        assert shown in public, shown
    assert withheld not in public


@pytest.mark.django_db
def test_analysts_write_the_emmie_notes_and_others_read_them(piraeus: None) -> None:
    intervention = intervention_make(area_code="piraeus-2")
    finished_evaluation(intervention)
    url = reverse("interventions:evaluation_emmie", args=[intervention.reference, 1])
    page = reverse("interventions:evaluation", args=[intervention.reference, 1])
    assert _as(Role.COUNCIL_MEMBER).post(url, {"mechanism": "x"}).status_code == 404
    client = _as(Role.ANALYST)
    assert client.get(url).status_code == 405
    too_long = client.post(url, {"mechanism": "x" * 5001})
    assert too_long.status_code == 400
    assert "mechanism" in too_long.context["emmie_form"].errors
    response = client.post(url, {"mechanism": "More eyes on the street after dark."})
    assert response.status_code == 302
    evaluation = intervention.evaluations.get()
    assert evaluation.emmie_mechanism == "More eyes on the street after dark."
    public = Client().get(page).content.decode()
    assert "More eyes on the street after dark." in public
    assert "<form" not in public.split("EMMIE")[1]


@pytest.mark.django_db
def test_the_survey_part_reads_both_waves_estimates_per_district(piraeus: None) -> None:
    intervention = intervention_make(area_code="piraeus-2")
    indicator = Indicator.objects.create(
        code="perception", name_en="Perception of safety", name_el="Αίσθημα", method="mean"
    )
    before = Survey.objects.create(code="baseline", title_en="Baseline", title_el="Βάση")
    after = Survey.objects.create(code="follow-up", title_en="Follow-up", title_el="Συνέχεια")
    middle = Survey.objects.create(code="during", title_en="During", title_el="Κατά")
    days = {before: date(2024, 6, 1), middle: date(2025, 1, 15), after: date(2025, 9, 1)}
    for wave, day in days.items():
        Survey.objects.filter(pk=wave.pk).update(created_at=at(day))
    for wave, shift in ((before, 0.0), (after, 5.0)):
        for k, code in enumerate(["piraeus-1", "piraeus-2", "piraeus-3"]):
            IndicatorEstimate.objects.create(
                survey=wave,
                indicator=indicator,
                area=Area.objects.get(code=code),
                group="",
                n=100,
                estimate=50.0 + k + shift,
                std_error=2.0,
            )
    # A district suppressed in one wave is left out.
    IndicatorEstimate.objects.create(
        survey=before,
        indicator=indicator,
        area=Area.objects.get(code="piraeus-4"),
        group="",
        suppressed=True,
    )
    IndicatorEstimate.objects.create(
        survey=after,
        indicator=indicator,
        area=Area.objects.get(code="piraeus-4"),
        group="",
        n=80,
        estimate=40.0,
        std_error=3.0,
    )
    # A session's questionnaires (a class's waves, created the day after the works) are never
    # taken for the district's waves; a session with one questionnaire only counts too.
    class_before = Survey.objects.create(code="class-a", title_en="Class", title_el="Τάξη")
    class_after = Survey.objects.create(code="class-b", title_en="Class", title_el="Τάξη")
    Survey.objects.filter(pk__in=[class_before.pk, class_after.pk]).update(
        created_at=at(date(2025, 8, 1))
    )
    for questionnaires in ({"survey_before": class_before, "survey_after": class_after}, {}):
        Session.objects.create(
            intervention=intervention,
            held_on=date(2025, 4, 2),
            place_kind="school",
            place_name="A school",
            facilitator="A facilitator",
            **questionnaires,
        )
    waves = survey_waves(intervention)
    assert (waves.before, waves.after) == (before, after)
    found = indicator_estimates(waves=waves, reader=analyst(), indicators=[indicator])
    assert found == {
        "perception": {
            "piraeus-1": ((50.0, 2.0), (55.0, 2.0)),
            "piraeus-2": ((51.0, 2.0), (56.0, 2.0)),
            "piraeus-3": ((52.0, 2.0), (57.0, 2.0)),
        }
    }


def test_an_evaluation_ends_before_the_outbox_would_send_it_again() -> None:
    from django.conf import settings

    from curim.celery import app
    from interventions.tasks import evaluation_compute_task

    soft, hard = evaluation_compute_task.soft_time_limit, evaluation_compute_task.time_limit
    assert soft is not None
    assert hard is not None
    assert soft < hard < settings.OUTBOX_REPUBLISH_AFTER_MINUTES * 60
    assert hard < app.conf.broker_transport_options["visibility_timeout"]
    assert evaluation_compute_task.name in app.tasks


@pytest.mark.django_db
def test_a_failure_while_computing_is_unanswered_with_a_message_not_a_crash(
    piraeus: None,
) -> None:
    from interventions.services.evaluations import evaluation_compute

    intervention = intervention_make(area_code="piraeus-2")
    broken = Evaluation.objects.create(
        intervention=intervention,
        version=1,
        parameters={"before_start": "not a date"},
        requested_by=analyst(),
    )
    found = evaluation_compute(evaluation_id=broken.pk)
    assert found is not None
    assert found.status == EvaluationStatus.UNANSWERED
    assert found.result == {"code": "error"}
    assert "could not be computed" in found.message
    assert evaluation_compute(evaluation_id=999_999) is None


@pytest.mark.django_db
def test_the_survey_part_and_the_list_s_figures_follow_the_public_rules(piraeus: None) -> None:
    """The evaluation page shows the survey's indicators only to those who may read both
    waves (the public: both published), as the API does; the interventions list withholds the
    figures that rest on small counts, as the page and the detail do."""
    intervention = intervention_make(area_code="piraeus-2")
    Survey.objects.create(code="unpublished-a", title_en="A", title_el="Α")
    Survey.objects.create(code="unpublished-b", title_en="B", title_el="Β")
    survey = {
        "survey_from": "unpublished-a",
        "survey_to": "unpublished-b",
        "indicators": [{"code": "fear", "name_en": "Fear index", "name_el": "Φόβος"}],
    }
    finished_evaluation(intervention, survey=survey)
    page = reverse("interventions:evaluation", args=[intervention.reference, 1])
    assert "Fear index" not in Client().get(page).content.decode()
    assert "Fear index" in _as(Role.COUNCIL_MEMBER).get(page).content.decode()
    listed = Client().get("/api/v1/interventions/").json()["features"]
    mine = [f["properties"] for f in listed if f["id"] == intervention.reference]
    assert len(mine) == 1
    assert (mine[0]["estimate"], mine[0]["ci_low"]) == (None, None)
    council = _as(Role.COUNCIL_MEMBER).get("/api/v1/interventions/").json()["features"]
    theirs = [f["properties"] for f in council if f["id"] == intervention.reference]
    assert theirs[0]["estimate"] == -0.5


def _counted(intervention: Intervention, **what: Any) -> None:
    """A finished evaluation whose counts are all 3 or more (no small-count rule applies),
    counting `what` (sources, categories)."""
    large = [
        {
            "zone": zone,
            "role": role,
            "code": code,
            "name_en": code,
            "name_el": code,
            "before": 30 + k,
            "after": 20 + k,
            "periods_before": [15 + k, 15],
            "periods_after": [10 + k, 10],
        }
        for k, (zone, role, code) in enumerate(
            [("treated", "treated", "piraeus-2"), ("control:piraeus-1", "control", "piraeus-1")]
        )
    ]
    comparison = {
        "how": "suggested",
        "areas": [{"code": "piraeus-1", "name_en": "D1", "name_el": "Δ1", "before_count": 31}],
        "own_before_count": 30,
        "k": 1,
    }
    finished_evaluation(intervention, counts=large, comparison=comparison, **what)


def _public_reads_figures(intervention: Intervention) -> bool:
    public = Client().get(reverse(API, args=[intervention.reference])).json()
    return public["withheld"] is False


@pytest.mark.django_db
def test_an_evaluation_counting_what_the_public_never_sees_gives_it_no_count_and_no_figure(
    piraeus: None,
) -> None:
    # A result that counts official incidents has no part computed from public data (the
    # public's figures are always those: `result.public`), so it shows the public no count
    # and no figure at all.
    intervention = intervention_make(area_code="piraeus-2")
    _counted(intervention, sources="both", categories=["graffiti"])
    public = Client().get(reverse(API, args=[intervention.reference])).json()
    assert public["withheld"] is True
    assert public["withheld_reason"] == "kept_from_public"
    assert public["verdict"] == "withheld"
    assert "never sees" in public["verdict_text"]
    for figure in ("estimate", "ci_low", "ci_high", "rate_ratio", "percent_change", "p_value"):
        assert public[figure] is None, figure
    # No count, nor which areas were compared (a design's cells are chosen among those with
    # events), nor the inference or the design's level (both follow from how many areas or
    # cells had events): how the comparison was chosen and the method stay.
    assert public["counts"] == []
    assert public["comparison"] == {"how": "suggested"}
    assert public["inference"] is None
    assert (public["sms_level"], public["sms_reason"]) == (None, "")
    assert public["method"].startswith("Poisson")
    assert public["displacement_counts"] is None
    page = Client().get(reverse("interventions:evaluation", args=[intervention.reference, 1]))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="evaluation-counts"' not in text
    assert "The counts are for the council only." in text
    assert 'data-verdict="withheld"' in text
    for count in (">30<", ">31<", ">20<", ">21<"):
        assert count not in text, count
    assert ">D1<" not in text  # the comparison area's name
    assert "D1" not in text.split('data-verdict="withheld"')[1].split("</dl>")[0]
    for sentence in (
        "Strength of the design",
        "cluster-robust",
        "randomization inference",
        "Change relative to the comparison",
        "-39.3%",
    ):
        assert sentence not in text, sentence
    detail = Client().get(reverse("interventions:detail", args=[intervention.reference]))
    assert 'data-verdict="withheld"' in detail.content.decode()
    assert "Strength of the design" not in detail.content.decode()
    listed = Client().get("/api/v1/interventions/").json()["features"]
    (mine,) = [f["properties"] for f in listed if f["id"] == intervention.reference]
    assert (mine["estimate"], mine["ci_low"], mine["ci_high"]) == (None, None, None)
    assert mine["sms_level"] is None
    item = Client().get(f"/api/v1/interventions/{intervention.reference}/").json()
    assert [e["sms_level"] for e in item["evaluations"]] == [None]
    # The headlines the council's public pages and the loop read (intervention_headlines).
    (headline,) = intervention_headlines(AnonymousUser(), references=[intervention.reference])
    assert headline.estimate is None
    assert headline.sms_level is None
    (theirs,) = intervention_headlines(
        user_with_role(Role.COUNCIL_MEMBER, email="headlines@example.org"),
        references=[intervention.reference],
    )
    assert theirs.estimate == -0.5
    assert theirs.sms_level == 3
    # The council's readers read it whole.
    council = _as(Role.COUNCIL_MEMBER).get(reverse(API, args=[intervention.reference])).json()
    assert council["inference"] == {"method": "cluster"}
    assert council["sms_level"] == 3
    assert council["withheld"] is False
    assert council["withheld_reason"] is None
    assert council["estimate"] == -0.5
    assert [row["before"] for row in council["counts"]] == [30, 31]
    council_page = _as(Role.COUNCIL_MEMBER).get(page.request["PATH_INFO"]).content.decode()
    assert 'id="evaluation-counts"' in council_page
    assert ">30<" in council_page


@pytest.mark.django_db
def test_the_public_reads_an_evaluation_of_citizen_reports_in_public_categories_only(
    piraeus: None,
) -> None:
    intervention = intervention_make(area_code="piraeus-2")
    _counted(intervention, sources="reports", categories=["graffiti"])
    public = Client().get(reverse(API, args=[intervention.reference])).json()
    assert (public["withheld"], public["withheld_reason"]) == (False, None)
    assert public["estimate"] == -0.5
    assert [row["before"] for row in public["counts"]] == [30, 31]
    # Official incidents are never public, whatever the categories.
    for sources in ("incidents", "both"):
        _counted(intervention, sources=sources, categories=["graffiti"])
        assert not _public_reads_figures(intervention), sources
    # The public's part counts public categories only, and names them: with no category
    # ticked, or a kept one ticked beside public ones, the public reads the public ones'.
    _counted(intervention, sources="reports", categories=[])
    assert _public_reads_figures(intervention)
    _counted(intervention, sources="reports", categories=["graffiti", "sexual-harassment"])
    assert _public_reads_figures(intervention)
    latest = intervention.evaluations.order_by("-version").first()
    assert latest is not None
    assert latest.result["public"]["categories"] == ["graffiti"]
    # A part that does not say what it counted is not read by the public, nor one that names
    # a code no category has now (a category renamed since, say).
    for named in (None, ["graffiti", "renamed-since"]):
        _counted(intervention, sources="reports", categories=["graffiti"])
        latest = intervention.evaluations.order_by("-version").first()
        assert latest is not None
        latest.result["public"]["categories"] = named
        latest.save(update_fields=["result"])
        assert not _public_reads_figures(intervention), named
    from curim.reports.models import Category

    # A category kept from the public later: its evaluations' figures go at the next request.
    _counted(intervention, sources="reports", categories=["graffiti"])
    assert _public_reads_figures(intervention)
    Category.objects.filter(slug="graffiti").update(may_be_public=False)
    assert not _public_reads_figures(intervention)
