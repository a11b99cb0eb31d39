"""The system check `curim.E007`: the unit's documents lie in a folder of their own, which is
neither served nor shared with the code, the media or the static files."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.core.checks import document_root_check


def test_folders_side_by_side_pass(settings: SettingsWrapper) -> None:
    assert document_root_check() == []
    settings.VSU_DOCUMENT_ROOT = Path(settings.BASE_DIR) / "private" / "vsu"  # the default
    assert document_root_check() == []


@pytest.mark.parametrize(
    ("root", "named"),
    [
        pytest.param("{media}", "MEDIA_ROOT", id="the-media-folder"),
        pytest.param("{media}/vsu", "MEDIA_ROOT", id="inside-the-media"),
        pytest.param("{tmp}", "MEDIA_ROOT", id="around-the-media"),
        pytest.param("{static}/vsu", "STATIC_ROOT", id="inside-the-static-files"),
        pytest.param("{code}/static/vsu", "STATICFILES_DIRS", id="inside-the-static-sources"),
        pytest.param("{code}", "the code", id="the-code's-folder"),
        pytest.param("", "the code", id="empty-that-is-where-the-process-runs"),
    ],
)
def test_a_shared_folder_is_an_error_that_stops_manage_py_check(
    settings: SettingsWrapper,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    root: str,
    named: str,
) -> None:
    settings.STATIC_ROOT = tmp_path / "static"
    monkeypatch.chdir(settings.BASE_DIR)
    settings.VSU_DOCUMENT_ROOT = Path(
        root.format(
            media=settings.MEDIA_ROOT,
            static=settings.STATIC_ROOT,
            tmp=tmp_path,
            code=settings.BASE_DIR,
        )
    )
    errors = document_root_check()
    assert errors
    assert all(error.id == "curim.E007" for error in errors)
    assert named in errors[0].msg
    with pytest.raises(SystemCheckError, match=r"curim\.E007"):
        call_command("check")
