"""The system check `curim.E005`: the nightly run never removes a citizen's request for contact
before the unit could answer it."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.core.checks import INTAKE_UNANSWERED_DAYS_FLOOR, intake_unanswered_days_check


def test_the_default_and_the_floor_pass(settings: SettingsWrapper) -> None:
    assert intake_unanswered_days_check() == []
    settings.VSU_INTAKE_UNANSWERED_DAYS = INTAKE_UNANSWERED_DAYS_FLOOR
    assert INTAKE_UNANSWERED_DAYS_FLOOR == 7
    assert intake_unanswered_days_check() == []


@pytest.mark.parametrize("days", [-1, 0, 1, 6])
def test_fewer_days_are_an_error_that_stops_manage_py_check(
    settings: SettingsWrapper, days: int
) -> None:
    settings.VSU_INTAKE_UNANSWERED_DAYS = days
    (error,) = intake_unanswered_days_check()
    assert error.id == "curim.E005"
    assert error.msg.startswith(f"VSU_INTAKE_UNANSWERED_DAYS is {days}: ")
    with pytest.raises(SystemCheckError, match=r"curim\.E005"):
        call_command("check")
