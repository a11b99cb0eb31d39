"""The council's side of the interventions: a recommendation's page walks evidence → decision
→ what was done → the measured change, showing each reader only the interventions they may
read; the intervention leads back to the recommendations it carries out (through the reader
the council registers); the dashboard's interventions panel and its CSV; the secretary links
interventions to a recommendation, with a history row."""

import csv
import io
import math
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.geos import Point
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from councils.models import AgendaItem, Council, RecordChange
from councils.services.recommendations import recommendation_interventions_set
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.areas.models import Area
from interventions.models import Evaluation, EvaluationStatus, Intervention, InterventionStatus
from interventions.selectors import implemented_records, intervention_headlines
from interventions.services.interventions import intervention_save
from tests.councils.factories import (
    council_create,
    member_create,
    recommendation_adopted,
    recommendation_proposed,
    secretary_of,
)
from tests.factories import area_create, user_with_role
from tests.interventions.evaluation_world import as_published

pytestmark = pytest.mark.usefixtures("piraeus")

RATE_RATIO = 0.7


def intervention_made(
    by: User, *, status: str, public: bool = False, district: str = "piraeus-5", **fields: Any
) -> Intervention:
    values: dict[str, Any] = {
        "title_en": f"Playground {status}",
        "kind": "playground",
        "status": status,
        "public": public,
        "organisation": "Municipality of Piraeus",
        "area": Area.objects.get(code=district),
        "geometry": Point(23.64, 37.95, srid=4326),
        "starts_on": date(2025, 3, 1),
        "ends_on": date(2025, 6, 30),
    }
    values.update(fields)
    return intervention_save(intervention=Intervention(**values), by=by)


def evaluated(intervention: Intervention, by: User, *, version: int = 1) -> Evaluation:
    delta = math.log(RATE_RATIO)
    return Evaluation.objects.create(
        intervention=intervention,
        version=version,
        status=EvaluationStatus.DONE,
        method="Difference in differences, Poisson with area and period effects",
        result=as_published(
            {
                "estimate": delta,
                "ci_low": delta - 0.2,
                "ci_high": delta + 0.1,
                # Citizen reports of a public category: the public reads the figures.
                "sources": "reports",
                "categories": ["graffiti"],
            },
            level=3,
        ),
        sms_level=3,
        requested_by=by,
    )


@pytest.fixture
def analyst(db: None) -> User:
    return user_with_role(Role.ANALYST, email="analyst@example.org")


def test_the_recommendation_page_walks_from_the_evidence_to_the_measured_change(
    analyst: User,
) -> None:
    council = council_create()
    recommendation = recommendation_adopted(council, evidence_report_filter={"group": "incivility"})
    done = intervention_made(analyst, status=InterventionStatus.EVALUATED)
    evaluated(done, analyst)
    hidden = intervention_made(analyst, status=InterventionStatus.PLANNED, title_en="Secret plan")
    recommendation_interventions_set(
        recommendation=recommendation, by=secretary_of(council), interventions=[done, hidden]
    )
    page = Client().get(f"/council/recommendations/{recommendation.reference}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "From the evidence to the result" in text
    assert "The citizen reports it rests on" in text
    assert done.reference in text
    assert f"/interventions/{done.reference}/" in text
    # −30 % (e^log 0.7 − 1) with its interval, and the design's level.
    assert "-30%" in text or "−30%" in text
    assert "level 3 of 5" in text
    # A planned intervention not marked public stays out of the public page...
    assert hidden.reference not in text
    assert "Secret plan" not in text
    # ...and a council member reads it.
    member = member_create(council).person
    client = Client()
    client.force_login(member)
    assert (
        hidden.reference
        in client.get(f"/council/recommendations/{recommendation.reference}/").content.decode()
    )


def test_an_intervention_leads_back_to_the_recommendations_it_carries_out(analyst: User) -> None:
    council = council_create()
    public = recommendation_adopted(council, title_en="Renovate the playgrounds")
    draft = recommendation_proposed(council, title_en="A draft idea")
    done = intervention_made(analyst, status=InterventionStatus.COMPLETED)
    for recommendation in (public, draft):
        recommendation_interventions_set(
            recommendation=recommendation, by=secretary_of(council), interventions=[done]
        )
    records = implemented_records(done, AnonymousUser())
    assert [record.title for record in records] == ["Renovate the playgrounds"]
    assert records[0].url == f"/council/recommendations/{public.reference}/"
    assert records[0].adopted.startswith("Adopted at the meeting of")
    page = Client().get(f"/interventions/{done.reference}/").content.decode()
    assert f"/council/recommendations/{public.reference}/" in page
    assert "Renovate the playgrounds" in page
    assert "A draft idea" not in page
    member = member_create(council).person
    assert {record.title for record in implemented_records(done, member)} == {
        "Renovate the playgrounds",
        "A draft idea",
    }


def test_linking_interventions_leaves_a_history_row(analyst: User) -> None:
    council = council_create()
    recommendation = recommendation_proposed(council)
    done = intervention_made(analyst, status=InterventionStatus.COMPLETED)
    recommendation_interventions_set(
        recommendation=recommendation, by=secretary_of(council), interventions=[done]
    )
    assert list(recommendation.interventions.all()) == [done]
    change = RecordChange.objects.filter(changes__has_key="interventions").get()
    assert change.changes["interventions"] == {"from": [], "to": [done.pk]}
    # The same set again changes nothing.
    recommendation_interventions_set(
        recommendation=recommendation, by=secretary_of(council), interventions=[done]
    )
    assert RecordChange.objects.filter(changes__has_key="interventions").count() == 1


def test_the_secretary_links_interventions_on_the_recommendation_form(analyst: User) -> None:
    council = council_create()
    recommendation = recommendation_proposed(council)
    done = intervention_made(analyst, status=InterventionStatus.COMPLETED)
    client = Client()
    client.force_login(secretary_of(council))
    url = f"/council/manage/recommendations/{recommendation.reference}/edit/"
    form = client.get(url)
    assert form.status_code == 200
    assert done.reference in form.content.decode()
    answer = client.post(
        url,
        {
            "title_en": recommendation.title_en,
            "title_el": recommendation.title_el,
            "priority": recommendation.priority,
            "interventions": [done.pk],
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert list(recommendation.interventions.all()) == [done]


def test_the_dashboard_panel_shows_running_and_evaluated_interventions_with_their_change(
    analyst: User,
) -> None:
    done = intervention_made(analyst, status=InterventionStatus.EVALUATED)
    evaluated(done, analyst, version=1)
    newer = evaluated(done, analyst, version=2)
    newer.result = {"estimate": 0.0, "ci_low": -0.1, "ci_high": 0.1}
    newer.save()
    running = intervention_made(analyst, status=InterventionStatus.IN_PROGRESS, title_en="Running")
    elsewhere = intervention_made(
        analyst, status=InterventionStatus.IN_PROGRESS, district="piraeus-1", title_en="Elsewhere"
    )
    intervention_made(analyst, status=InterventionStatus.PLANNED, title_en="Planned")
    member = user_with_role(Role.COUNCIL_MEMBER, email="member@example.org")
    client = Client()
    client.force_login(member)
    page = client.get("/council/dashboard/?district=piraeus-5").content.decode()
    assert "Interventions and whether they worked" in page
    assert done.reference in page
    assert running.reference in page
    assert elsewhere.reference not in page
    assert "Planned" not in page
    answer = client.get("/council/dashboard/interventions.csv?district=piraeus-5")
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    by_reference = {row["reference"]: row for row in rows}
    assert set(by_reference) == {done.reference, running.reference}
    # The latest version's figure, and the percent change e^δ − 1.
    assert by_reference[done.reference]["evaluation_version"] == "2"
    assert float(by_reference[done.reference]["percent_change"]) == 0.0
    assert by_reference[running.reference]["estimate"] == ""


def test_headlines_take_as_many_queries_for_one_as_for_six(analyst: User) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            intervention_headlines(User.objects.get(pk=analyst.pk))
        return len(captured)

    evaluated(intervention_made(analyst, status=InterventionStatus.EVALUATED), analyst)
    one = queries()
    for _n in range(5):
        evaluated(intervention_made(analyst, status=InterventionStatus.EVALUATED), analyst)
    assert queries() == one
    rows = intervention_headlines(analyst)
    assert len(rows) == 6
    assert all(
        row.percent_change is not None and abs(row.percent_change - 100 * (RATE_RATIO - 1)) < 1e-9
        for row in rows
    )


def advisory_session(
    by: User, *, status: str, public: bool = False, district: str = "piraeus-5"
) -> Any:
    """An advisory intervention with one session held at the Kastella community centre."""
    from interventions.models import Session

    advisory = intervention_made(
        by, status=status, kind="advisory", geometry=None, public=public, district=district
    )
    return Session.objects.create(
        intervention=advisory,
        held_on=date(2026, 3, 10),
        place_kind="community_centre",
        place_name="Kastella community centre",
        facilitator="A facilitator",
    )


def council_of_piraeus(**fields: Any) -> Council:
    """A council of the municipality the interventions' districts belong to."""
    return council_create(area=Area.objects.get(code="piraeus-5").parent, **fields)


def test_a_proposal_goes_to_the_councils_of_its_interventions_area_only(analyst: User) -> None:
    from django.utils import timezone

    from interventions.models import Proposal
    from tests.councils.factories import meeting_planned

    district = Area.objects.get(code="piraeus-5")
    neighbour = Area.objects.filter(level=district.level).exclude(pk=district.pk).first()
    assert neighbour is not None
    # One proposal of an intervention in the district, one in a neighbourhood of it.
    area_create(code="piraeus-5-kastella", level=Area.Level.NEIGHBOURHOOD, parent=district)
    texts = ("Light the steps to the station.", "Open the Kastella courtyard at night.")
    sent = [
        Proposal.objects.create(
            session=advisory_session(analyst, status=InterventionStatus.COMPLETED, district=code),
            text=text,
            sent_to_council_at=timezone.now(),
        )
        for code, text in zip(("piraeus-5", "piraeus-5-kastella"), texts, strict=True)
    ]
    councils = {
        "municipality": (council_of_piraeus(), True),
        "district": (council_create(slug="piraeus-5", area=district), True),
        "another district": (council_create(slug="other-district", area=neighbour), False),
        "another municipality": (council_create(slug="elsewhere"), False),
    }
    for name, (council, hears) in councils.items():
        meeting = meeting_planned(council)
        client = Client()
        client.force_login(secretary_of(council))
        page = client.get(f"/council/manage/meetings/{meeting.pk}/").content.decode()
        for proposal in sent:
            assert (proposal.text in page) is hears, (name, proposal.text)
            url = f"/council/manage/meetings/{meeting.pk}/items/from-proposal/{proposal.public_id}/"
            if not hears:
                assert client.post(url).status_code == 404, name
    assert not AgendaItem.objects.filter(proposal__in=[p.public_id for p in sent]).exists()


def test_a_proposal_sent_from_an_advisory_meeting_goes_on_one_agenda(analyst: User) -> None:
    from django.utils import timezone

    from councils.models import AgendaItem
    from interventions.models import Proposal
    from tests.councils.factories import meeting_planned

    council = council_of_piraeus()
    meeting = meeting_planned(council)
    session = advisory_session(analyst, status=InterventionStatus.COMPLETED)
    advisory = session.intervention
    sent = Proposal.objects.create(
        session=session, text="Light the steps to the station.", sent_to_council_at=timezone.now()
    )
    kept = Proposal.objects.create(session=session, text="Not sent yet.")
    client = Client()
    client.force_login(secretary_of(council))
    page = client.get(f"/council/manage/meetings/{meeting.pk}/").content.decode()
    assert "Light the steps to the station." in page
    assert "Not sent yet." not in page
    url = f"/council/manage/meetings/{meeting.pk}/items/from-proposal/{sent.public_id}/"
    assert client.post(url).status_code == 302
    item = AgendaItem.objects.get(proposal=sent.public_id)
    assert item.meeting == meeting
    assert item.title == "Citizens' proposal: Light the steps to the station."
    assert "Kastella community centre" in item.text
    assert advisory.reference in item.text
    # On one agenda only: the list no longer offers it, and a second press adds nothing.
    page = client.get(f"/council/manage/meetings/{meeting.pk}/").content.decode()
    assert "Put it on this agenda" not in page
    client.post(url)
    assert AgendaItem.objects.filter(proposal=sent.public_id).count() == 1
    # A proposal not sent to the council is not found.
    unsent = f"/council/manage/meetings/{meeting.pk}/items/from-proposal/{kept.public_id}/"
    assert client.post(unsent).status_code == 404


def test_a_proposal_of_an_intervention_the_public_may_not_read_stays_off_public_agendas(
    analyst: User,
) -> None:
    # The item says where and when the proposal was heard: on a public meeting's agenda (all
    # of whose items are public) it would show what the interventions app hides of a planned
    # intervention. On a split meeting's agenda it is closed, as that meeting's new items are.
    from django.utils import timezone

    from councils.models import AgendaItem
    from councils.models.choices import Visibility
    from interventions.models import Proposal
    from tests.councils.factories import meeting_planned

    council = council_of_piraeus()
    public_meeting = meeting_planned(council, visibility=Visibility.PUBLIC)
    split_meeting = meeting_planned(council, visibility=Visibility.SPLIT)
    client = Client()
    client.force_login(secretary_of(council))

    def proposal_of(status: str, *, public: bool) -> Proposal:
        session = advisory_session(analyst, status=status, public=public)
        return Proposal.objects.create(
            session=session,
            text=f"Proposal of {session.intervention.reference}",
            sent_to_council_at=timezone.now(),
        )

    def put_on(meeting: Any, proposal: Proposal) -> Any:
        url = f"/council/manage/meetings/{meeting.pk}/items/from-proposal/{proposal.public_id}/"
        return client.post(url, follow=True)

    hidden = proposal_of(InterventionStatus.PLANNED, public=False)
    refused = put_on(public_meeting, hidden)
    assert "comes from an intervention the public may not read yet" in refused.content.decode()
    assert not AgendaItem.objects.filter(proposal=hidden.public_id).exists()
    put_on(split_meeting, hidden)
    assert AgendaItem.objects.get(proposal=hidden.public_id).public is False
    for status, public in [
        (InterventionStatus.PLANNED, True),
        (InterventionStatus.COMPLETED, False),
    ]:
        shown = proposal_of(status, public=public)
        put_on(public_meeting, shown)
        assert AgendaItem.objects.get(proposal=shown.public_id).public is True, (status, public)
