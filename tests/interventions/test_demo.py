"""The demo interventions load once, in the 5th district and around, with the effect planted in
the demo reports that the evaluation is to find."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.geos import GEOSGeometry
from django.contrib.gis.measure import D
from django.core.management import CommandError, call_command
from django.db.models import QuerySet
from django.test import Client

from curim.accounts.demo import demo_accounts_load
from curim.accounts.roles import Role
from curim.areas.demo import demo_areas_load
from curim.areas.models import Area
from curim.reports.models import Report
from curim.reports.selectors import reports_public
from interventions.demo import (
    NEAR_M,
    PLANTED,
    PLAYGROUNDS,
    RING_FROM_M,
    RING_TO_M,
    WINDOW_DAYS,
    demo_playgrounds,
)
from interventions.evaluation_reading import published_result
from interventions.models import Intervention, Participants, Proposal, Session
from interventions.selectors import evaluation_hidden_from
from interventions.session_questionnaires import QuestionnaireState, session_questionnaires
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db: None) -> str:
    demo_accounts_load()
    demo_areas_load()
    out = StringIO()
    call_command("interventions_demo_load", "--force", stdout=out)
    return out.getvalue()


def test_the_demo_records_the_interventions_of_the_issue(loaded: str) -> None:
    assert "Demo interventions: 9 new." in loaded
    fifth = Area.objects.get(code="piraeus-5")
    playgrounds = Intervention.objects.get(kind="playground")
    assert playgrounds.title_en == "Renovation of eight playgrounds in the 5th district"
    assert playgrounds.area == fifth
    assert playgrounds.geometry is not None
    assert playgrounds.geometry.geom_type == "MultiPoint"
    assert len(playgrounds.geometry) == len(PLAYGROUNDS) == 8
    assert fifth.geometry.contains(playgrounds.geometry)
    # Completed, then evaluated by the demo's own evaluation.
    assert playgrounds.status == "evaluated"
    lighting = Intervention.objects.filter(kind="lighting")
    assert [i.geometry.geom_type for i in lighting] == ["LineString", "LineString"]
    schools = Session.objects.filter(intervention__kind="awareness", place_kind="school")
    assert schools.count() == 3
    assert Participants.objects.filter(group="students", session__in=schools).exists()
    shops = Session.objects.filter(place_kind="shop_owners_association")
    assert Participants.objects.filter(group="shop_owners", session__in=shops).count() == 2
    assert Intervention.objects.filter(kind="advisory").count() == 2
    assert Proposal.objects.count() == 5
    statuses = list(Intervention.objects.values_list("status", flat=True))
    assert statuses.count("completed") > len(statuses) / 2
    assert {"planned", "in_progress", "completed", "evaluated"} <= set(statuses)
    # Every one is valid as the services see it.
    for intervention in Intervention.objects.all():
        intervention.full_clean()


def test_loading_again_adds_nothing(loaded: str) -> None:
    before = (Intervention.objects.count(), Session.objects.count(), Report.objects.count())
    out = StringIO()
    call_command("interventions_demo_load", "--force", stdout=out)
    assert "Demo interventions: 0 new." in out.getvalue()
    assert (Intervention.objects.count(), Session.objects.count(), Report.objects.count()) == before


def near(reports: QuerySet[Report], place: GEOSGeometry) -> int:
    return reports.filter(location__distance_lte=(place, D(m=NEAR_M + 5))).count()


def ring(reports: QuerySet[Report], place: GEOSGeometry) -> int:
    return (
        reports.filter(location__distance_lte=(place, D(m=RING_TO_M + 5)))
        .exclude(location__distance_lte=(place, D(m=RING_FROM_M - 5)))
        .count()
    )


def test_the_reports_near_the_renovated_playgrounds_drop_after_the_works(loaded: str) -> None:
    near_before, near_after = PLANTED["near"]
    ring_before, ring_after = PLANTED["ring"]
    playgrounds = demo_playgrounds()
    assert playgrounds is not None
    assert playgrounds.starts_on is not None
    assert playgrounds.ends_on is not None
    assert playgrounds.geometry is not None
    published = reports_public()
    before = published.filter(
        occurred_at__date__gte=playgrounds.starts_on - timedelta(days=WINDOW_DAYS),
        occurred_at__date__lt=playgrounds.starts_on,
    )
    after = published.filter(
        occurred_at__date__gte=playgrounds.ends_on,
        occurred_at__date__lt=playgrounds.ends_on + timedelta(days=WINDOW_DAYS),
    )
    for place in playgrounds.geometry:
        place.srid = 4326
        assert (near(before, place), near(after, place)) == (near_before, near_after), place
        assert (ring(before, place), ring(after, place)) == (ring_before, ring_after), place
    # The reports that motivated it are published reports near the playgrounds, before.
    assert playgrounds.reports.count() == 8
    assert set(playgrounds.reports.all()) <= set(before)
    # The comparison places, in the other districts, do not change.
    control_before, control_after = PLANTED["control"]
    outside = published.exclude(location__distance_lte=(playgrounds.geometry, D(m=RING_TO_M + 5)))
    assert before.filter(pk__in=outside).count() == control_before
    assert after.filter(pk__in=outside).count() == control_after


def test_the_demo_evaluation_finds_the_planted_effect(loaded: str) -> None:
    """The stored evaluation of the eight playgrounds recovers the planted rate ratio 3/8
    within its 95% interval, and the interval excludes 1: the effect is found."""
    playgrounds = demo_playgrounds()
    assert playgrounds is not None
    evaluation = playgrounds.evaluations.get()
    assert evaluation.status == "done", evaluation.message
    result = evaluation.result
    near_before, near_after = PLANTED["near"]
    planted = near_after / near_before
    low, high = result["rate_ratio_ci"]
    assert low < planted < high
    assert high < 1
    assert result["design"] == "sites"
    assert result["comparison"]["how"] == "matched_cells"
    assert result["n_treated"] == 8
    assert result["n_control"] >= 8
    assert result["comparison"]["units"]["treated"] == 8
    # The ring neither gains nor loses: the quotient is about 0.
    assert abs(result["displacement"]["wdq"]["value"]) < 0.25
    assert evaluation.sms_level == 4
    assert result["displacement"]["counts"]["treated"] == [
        8 * near_before,
        8 * near_after,
    ]
    # It counts citizen reports of public categories, and no site's or cell's count is 1 or
    # 2 in either window (which would withhold the figures): the public reads the effect.
    hidden = evaluation_hidden_from(result, reads_all=False)
    assert hidden is False
    public = published_result(evaluation, reads_all=False, hidden=hidden, survey_readable=False)
    # The planted reports lie at the centres of their privacy cells: the public's figures,
    # counted at public places, are the council's.
    assert result["public"]["counts"] == result["counts"]
    assert public["rate_ratio"] == result["rate_ratio"]
    assert public["verdict"] != "withheld"
    assert min(min(row["before"], row["after"]) for row in result["counts"][:8]) >= 3
    cells = [row for row in result["counts"] if row["role"] == "control"]
    assert min(min(row["before"], row["after"]) for row in cells) >= 3
    shown = {a["code"]: a["before_count"] for a in public["comparison"]["areas"]}
    assert shown == {a["code"]: a["before_count"] for a in result["comparison"]["areas"]}


def test_the_demo_session_questionnaires_find_the_planted_change(loaded: str) -> None:
    """The 3rd Gymnasium's session has a wave before and after, estimated by the survey's
    refresh: the council reads a rise in trust and in interest whose 95% intervals exclude 0;
    the public reads nothing until the waves' results are published."""
    session = Session.objects.get(place_name="3rd Gymnasium of Piraeus")
    assert session.survey_before is not None
    assert session.survey_after is not None
    assert session.survey_after.follows == session.survey_before
    member = user_with_role(Role.COUNCIL_MEMBER, email="member@example.org")
    measured = session_questionnaires(member, [session])[session.pk]
    assert measured.state == QuestionnaireState.SHOWN
    changes = {row.indicator.code: row.change for row in measured.indicators}
    assert set(changes) == {"trust", "interest"}
    for code, change in changes.items():
        assert change is not None, code
        assert change.change > 0, code
        assert change.ci_low > 0, code  # the interval excludes 0
    # Trust's planted rise is 0.6 of a Likert point: 15 on the 0-100 scale.
    trust = changes["trust"]
    assert trust is not None
    assert trust.ci_low < 15 < trust.ci_high
    public = session_questionnaires(AnonymousUser(), [session])[session.pk]
    assert public.state == QuestionnaireState.NOT_PUBLISHED
    assert public.indicators == []
    # Dated the day of the session, the waves are older than the survey's citywide ones.
    assert session.survey_before.created_at.date() == session.held_on
    assert session.survey_before.created_at < session.survey_after.created_at
    others = Session.objects.exclude(pk=session.pk)
    assert not others.filter(survey_before__isnull=False).exists()


def test_the_public_reads_the_demo_through_the_api(loaded: str) -> None:
    body = Client().get("/api/v1/interventions/").json()
    titles = {f["properties"]["title_en"] for f in body["features"]}
    assert "CCTV at the entrance of the metro station" not in titles  # planned, not public
    assert "Students trained on the CURiM app" in titles  # in progress, marked public
    assert len(body["features"]) == Intervention.objects.count() - 1


def test_the_demo_needs_the_accounts_and_areas_and_debug(db: None) -> None:
    with pytest.raises(CommandError, match="demo_load"):
        call_command("interventions_demo_load", "--force")
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("interventions_demo_load")


def test_the_council_demo_walks_the_loop_to_the_demo_interventions(db: None) -> None:
    """Loaded as `make run` loads them (the survey waves, the interventions, then the council),
    the demo council's recommendations and its strategy's measures lead to the interventions,
    and the public reads the playgrounds' effect from the recommendation's page; loading again
    changes nothing."""
    from councils.models import Measure, Recommendation, RecordChange

    demo_accounts_load()
    demo_areas_load()
    for command in ("surveys_demo_load", "interventions_demo_load"):
        call_command(command, "--force", stdout=StringIO())
    out = StringIO()
    call_command("councils_demo_load", "--force", stdout=out)
    assert "5 recommendations linked to the demo interventions" in out.getvalue()
    playgrounds = demo_playgrounds()
    assert playgrounds is not None
    young_people = Recommendation.objects.get(
        title_en="Sports nights for young people in the school yards"
    )
    assert list(young_people.interventions.all()) == [playgrounds]
    assert Measure.objects.filter(interventions=playgrounds).count() == 1
    page = Client().get(f"/council/recommendations/{young_people.reference}/").content.decode()
    assert playgrounds.title_en in page
    assert f"/interventions/{playgrounds.reference}/" in page
    assert "fewer" in page  # the measured change, in words
    strategy = Client().get("/council/strategy/", follow=True).content.decode()
    assert playgrounds.title_en in strategy
    history = RecordChange.objects.count()
    call_command("councils_demo_load", "--force", stdout=StringIO())
    assert RecordChange.objects.count() == history
