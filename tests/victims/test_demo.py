"""The unit's demo data (`make run`): two years of invented cases, so that the council reads a
completed year's statistics; loading it twice adds nothing."""

import pytest

from curim.accounts.roles import Role
from tests.victims.clients import member
from victims.demo import victims_demo_load
from victims.models import Case
from victims.selectors import victim_support_latest_year, victim_support_statistics


def test_the_demo_gives_the_council_a_completed_year_to_read(piraeus: None) -> None:
    staff, supervisor = member(), member(Role.VSU_SUPERVISOR)
    assert victims_demo_load(staff=staff, supervisor=supervisor) == 80
    year = victim_support_latest_year()
    assert Case.objects.filter(intake_date__year=year).count() >= 25
    stats = victim_support_statistics(year=year)
    assert stats.total is not None
    assert any(cell.count is not None for cell in stats.by_offence_type)
    assert victims_demo_load(staff=staff, supervisor=supervisor) == 0


pytestmark = pytest.mark.django_db
