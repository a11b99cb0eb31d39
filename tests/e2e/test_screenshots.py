"""`make screenshots` keeps working: scripts/screenshots.py takes the README's pictures from a
running platform (here the test server, with a published report and a council member)."""

import importlib.util
import struct
from pathlib import Path
from types import ModuleType

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from playwright.sync_api import Browser
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from curim.accounts.roles import Role
from curim.areas.demo import DEMO_AREAS
from curim.areas.services import areas_load_file
from curim.reports.models import Category
from curim.reports.services.submission import ReportDraft, report_submit
from curim.reports.services.workflow import report_transition
from surveys.models import Survey
from tests.e2e.test_survey_changes import _waves
from tests.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCRIPT = Path(__file__).parents[2] / "scripts" / "screenshots.py"
HERE = (23.6465, 37.9425)


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("screenshots", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_the_script_takes_every_picture_of_the_readme(
    browser: Browser, live_server: LiveServer, settings: SettingsWrapper, tmp_path: Path
) -> None:
    settings.MAP_TILE_URL = "/static/img/blank-tile.png?{z}{x}{y}"
    settings.MAP_CENTRE = (HERE[1], HERE[0])
    settings.MAP_ZOOM = 15
    areas_load_file(path=DEMO_AREAS)
    moderator = user_with_role(Role.MODERATOR)
    draft = ReportDraft(
        category=Category.objects.get(slug="graffiti"),
        description="Tags sprayed on the school wall",
        occurred_at=timezone.now(),
        severity=3,
        feeling_unsafe=3,
        location=Point(*HERE, srid=4326),
    )
    report, _ = report_submit(draft=draft, reporter=None, client_address="192.0.2.44")
    report_transition(report=report, to_status="published", actor=moderator)
    _waves()  # the demo's two waves, published
    Survey.objects.update(status=Survey.Status.CLOSED, results_published_at=timezone.now())
    member = user_with_role(Role.COUNCIL_MEMBER)
    member.set_password("a long screenshot password")
    member.save()

    script = _script()
    written = script.take(
        browser, live_server.url, tmp_path, member.email, "a long screenshot password"
    )

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert [path.name for path in written] == [f"{shot.name}.png" for shot in script.SHOTS]
    for path in written:
        width, _ = _png_size(path)
        assert width == (360 if path.name.endswith("-phone.png") else 1280), path
        # Each picture is in the README, as docs/screenshots/<name>.png.
        assert f"docs/screenshots/{path.name}" in readme
