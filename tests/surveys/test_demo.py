"""The demo waves: about 2,000 baseline respondents and a follow-up, with estimates ready."""

from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError

from curim.accounts.roles import Role
from surveys.models import IndicatorEstimate, Response, Survey
from surveys.selectors import ChangeFilter, changes_visible_to
from surveys.services.publication import results_withdraw
from tests.factories import user_with_role


@pytest.mark.django_db
def test_the_demo_waves_load_once_with_estimates(piraeus: None, settings: object) -> None:
    call_command("surveys_demo_load", "--force", stdout=StringIO())
    baseline = Survey.objects.get(code="baseline-2020")
    follow_up = Survey.objects.get(code="follow-up-2023")
    assert follow_up.follows == baseline
    assert Response.objects.filter(survey=baseline).count() == 2000
    assert Response.objects.filter(survey=follow_up).count() == 1000
    codes = set(IndicatorEstimate.objects.values_list("indicator__code", flat=True))
    assert codes == {"perception", "fear", "participation", "interest", "trust"}
    overall = IndicatorEstimate.objects.get(
        survey=baseline, indicator__code="perception", area=None, group=""
    )
    assert overall.weighted  # the baseline has margins: raked
    later = IndicatorEstimate.objects.get(
        survey=follow_up, indicator__code="perception", area=None, group=""
    )
    assert later.estimate is not None
    assert later.weighted  # raked to the same margins as the baseline
    assert set(follow_up.margins.values_list("area__code", "gender")) == set(
        baseline.margins.values_list("area__code", "gender")
    )
    changes = changes_visible_to(user_with_role(Role.ANALYST), ChangeFilter())
    assert changes
    assert {(c.survey_from, c.survey_to) for c in changes} == {(baseline.code, follow_up.code)}
    assert all(c.comparable for c in changes)
    assert any(c.significant for c in changes)
    assert overall.estimate is not None
    assert later.estimate > overall.estimate  # the follow-up is a little better

    # Both closed waves' results are public, with their change; the third wave is open.
    assert baseline.results_published
    assert follow_up.results_published
    public = changes_visible_to(AnonymousUser(), ChangeFilter())
    assert {(c.survey_from, c.survey_to) for c in public} == {(baseline.code, follow_up.code)}
    assert Survey.objects.get(code="follow-up-2026").status == Survey.Status.OPEN
    assert not Survey.objects.get(code="follow-up-2026").results_published

    call_command("surveys_demo_load", "--force", stdout=StringIO())  # idempotent
    assert Response.objects.count() == 3000

    # A wave an analyst withdrew stays withdrawn when the demo is loaded again.
    results_withdraw(survey=baseline, user=user_with_role(Role.ANALYST))
    call_command("surveys_demo_load", "--force", stdout=StringIO())
    assert not Survey.objects.get(code="baseline-2020").results_published


@pytest.mark.django_db
def test_it_refuses_without_debug(settings: object) -> None:
    with pytest.raises(CommandError):
        call_command("surveys_demo_load", stdout=StringIO())
