"""The database check `curim.W003`: the count tables' trigger functions date reports in
TIME_ZONE; after the setting changed, `migrate` says they must be re-created."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.core.checks import ZONED_COUNT_FUNCTIONS, count_functions_zone_check

pytestmark = pytest.mark.django_db


def test_the_count_functions_date_reports_in_the_platform_s_zone() -> None:
    assert count_functions_zone_check(databases=["default"]) == []


def test_another_zone_than_the_functions_is_reported(settings: SettingsWrapper) -> None:
    settings.TIME_ZONE = "UTC"
    (warning,) = count_functions_zone_check(databases=["default"])
    assert warning.id == "curim.W003"
    for name in ZONED_COUNT_FUNCTIONS:
        assert name in warning.msg
    assert "migrate reports 0016" in str(warning.hint)


def test_without_a_database_nothing_is_checked(settings: SettingsWrapper) -> None:
    settings.TIME_ZONE = "UTC"
    assert count_functions_zone_check(databases=None) == []


def test_the_check_runs_with_the_database_checks(settings: SettingsWrapper) -> None:
    settings.TIME_ZONE = "UTC"
    with pytest.raises(SystemCheckError, match=r"curim\.W003"):
        call_command("check", "--database", "default", "--fail-level", "WARNING")
