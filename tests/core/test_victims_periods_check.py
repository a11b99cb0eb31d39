"""The system checks of the unit's periods: `curim.E005`, the nightly run never removes a
citizen's request for contact before the unit could answer it; `curim.E006`, the unit's
statistics of a year are never published before it ends."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.core.checks import (
    INTAKE_UNANSWERED_DAYS_FLOOR,
    intake_unanswered_days_check,
    statistics_grace_days_check,
)


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


def test_a_grace_period_of_zero_days_or_more_passes(settings: SettingsWrapper) -> None:
    assert statistics_grace_days_check() == []
    settings.VSU_STATISTICS_GRACE_DAYS = 0
    assert statistics_grace_days_check() == []


def test_a_negative_grace_period_is_an_error_that_stops_manage_py_check(
    settings: SettingsWrapper,
) -> None:
    settings.VSU_STATISTICS_GRACE_DAYS = -1
    (error,) = statistics_grace_days_check()
    assert error.id == "curim.E006"
    with pytest.raises(SystemCheckError, match=r"curim\.E006"):
        call_command("check")
