"""The headlines of the interventions (the council's recommendation page, its dashboard) hold
back from the public the figures that the evaluation's own page withholds: those resting on a
count of 1 or 2 reports (found while writing the loop's browser flow,
tests/e2e/test_intervention_loop.py: the public recommendation page showed the change that the
intervention's page withheld)."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.geos import Point
from django.test import Client

from councils.services.recommendations import recommendation_interventions_set
from curim.accounts.roles import Role
from curim.areas.models import Area
from interventions.models import Intervention, InterventionStatus
from interventions.selectors import intervention_headlines
from interventions.services.interventions import intervention_save
from tests.councils.factories import council_create, recommendation_adopted, secretary_of
from tests.factories import user_with_role
from tests.interventions.evaluation_world import analyst, finished_evaluation

pytestmark = pytest.mark.usefixtures("piraeus")


def _evaluated() -> Intervention:
    intervention = intervention_save(
        intervention=Intervention(
            title_en="The playground renovated",
            kind="playground",
            status=InterventionStatus.EVALUATED,
            organisation="Municipality of Piraeus",
            area=Area.objects.get(code="piraeus-5"),
            geometry=Point(23.6465, 37.9425, srid=4326),
            starts_on=date(2025, 1, 1),
            ends_on=date(2025, 1, 31),
        ),
        by=analyst(),
    )
    # Its counts are 2 → 0 here and 1 → 3 in the comparison: small ones.
    finished_evaluation(intervention)
    return intervention


def test_the_public_headline_withholds_figures_resting_on_small_counts(db: None) -> None:
    intervention = _evaluated()
    (public,) = intervention_headlines(AnonymousUser())
    assert public.evaluation_version == 1
    assert public.sms_level == 3
    assert (public.estimate, public.ci_low, public.ci_high) == (None, None, None)
    assert (public.percent_change, public.percent_low, public.percent_high) == (None, None, None)
    member = user_with_role(Role.COUNCIL_MEMBER, email="member-headline@example.org")
    (council,) = intervention_headlines(member)
    assert council.estimate == -0.5
    assert council.percent_change is not None
    # The public recommendation page says it is evaluated, without the figure.
    board = council_create()
    recommendation = recommendation_adopted(board)
    recommendation_interventions_set(
        recommendation=recommendation, by=secretary_of(board), interventions=[intervention]
    )
    page = Client().get(f"/council/recommendations/{recommendation.reference}/").content.decode()
    assert intervention.reference in page
    assert "-39%" not in page
    assert "evaluated; see its page." in page
