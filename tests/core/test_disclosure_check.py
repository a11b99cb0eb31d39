"""The system check `curim.E004`: suppression never runs with a k below the threshold rule's
floor, for the survey's estimates nor for the Victim Support Unit's statistics."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.core.checks import DISCLOSURE_K_FLOOR, disclosure_thresholds_check


def test_the_defaults_pass() -> None:
    assert disclosure_thresholds_check() == []


def test_the_floor_itself_passes(settings: SettingsWrapper) -> None:
    settings.SURVEY_MIN_CELL_SIZE = settings.VSU_MIN_CELL_SIZE = DISCLOSURE_K_FLOOR
    assert DISCLOSURE_K_FLOOR == 3
    assert disclosure_thresholds_check() == []


@pytest.mark.parametrize("name", ["SURVEY_MIN_CELL_SIZE", "VSU_MIN_CELL_SIZE"])
@pytest.mark.parametrize("k", [-1, 0, 1, 2])
def test_a_k_below_the_floor_is_an_error(settings: SettingsWrapper, name: str, k: int) -> None:
    setattr(settings, name, k)
    (error,) = disclosure_thresholds_check()
    assert error.id == "curim.E004"
    assert error.msg.startswith(f"{name} is {k}: ")
    assert f"Set {name} to 3 or more" in str(error.hint)


def test_both_below_are_both_named(settings: SettingsWrapper) -> None:
    settings.SURVEY_MIN_CELL_SIZE = settings.VSU_MIN_CELL_SIZE = 1
    named = [error.msg.split(" is ")[0] for error in disclosure_thresholds_check()]
    assert named == ["SURVEY_MIN_CELL_SIZE", "VSU_MIN_CELL_SIZE"]


def test_the_check_stops_manage_py_check(settings: SettingsWrapper) -> None:
    settings.VSU_MIN_CELL_SIZE = 1
    with pytest.raises(SystemCheckError, match=r"curim\.E004"):
        call_command("check")
