"""The demo interventions load once, in the 5th district and around, with the effect planted in
the demo reports that the evaluation is to find."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.contrib.gis.measure import D
from django.core.management import CommandError, call_command
from django.db.models import QuerySet
from django.test import Client

from curim.accounts.demo import demo_accounts_load
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
from interventions.models import Intervention, Participants, Proposal, Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db: None) -> str:
    demo_accounts_load()
    demo_areas_load()
    out = StringIO()
    call_command("interventions_demo_load", "--force", stdout=out)
    return out.getvalue()


def test_the_demo_records_the_interventions_of_the_issue(loaded: str) -> None:
    assert "Demo interventions: 16 new." in loaded
    fifth = Area.objects.get(code="piraeus-5")
    playgrounds = Intervention.objects.filter(kind="playground")
    assert playgrounds.count() == len(PLAYGROUNDS) == 8
    for playground in playgrounds:
        assert playground.area == fifth
        assert playground.geometry is not None
        assert fifth.geometry.contains(playground.geometry)
    assert sorted(playgrounds.values_list("status", flat=True)) == ["completed"] * 7 + [
        "in_progress"
    ]
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
    assert {"planned", "in_progress", "completed"} <= set(statuses)
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
    playgrounds = list(demo_playgrounds())
    assert len(playgrounds) == 7
    published = reports_public()
    for playground in playgrounds:
        assert playground.starts_on is not None
        assert playground.ends_on is not None
        before = published.filter(
            occurred_at__date__gte=playground.starts_on - timedelta(days=WINDOW_DAYS),
            occurred_at__date__lt=playground.starts_on,
        )
        after = published.filter(
            occurred_at__date__gte=playground.ends_on,
            occurred_at__date__lt=playground.ends_on + timedelta(days=WINDOW_DAYS),
        )
        place = playground.geometry
        assert place is not None

        assert (near(before, place), near(after, place)) == (near_before, near_after), playground
        assert (ring(before, place), ring(after, place)) == (ring_before, ring_after), playground
        # The reports that motivated it are published reports near it, before the works.
        assert playground.reports.count() == 2
        assert set(playground.reports.all()) <= set(before)
    # The comparison places, in the other districts, do not change.
    control_before, control_after = PLANTED["control"]
    outside = published.exclude(area__code="piraeus-5")
    assert outside.count() >= 7 * (control_before + control_after)


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
