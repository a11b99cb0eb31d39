"""One date and number format per language on every page (issue 11, deliverable 6): English
1 Dec 2026 and 54.1, Greek 1/12/2026 and 54,1, from the format modules in curim/formats.

The pages are rendered at a fixed moment, in both languages; the templates and scripts are
read for formats written by hand, which would bypass the format modules.
"""

import datetime
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.gis.geos import Point
from django.test import Client
from django.urls import reverse

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.reports.models import Category, Report
from curim.reports.services.submission import ReportDraft, report_submit
from curim.reports.services.workflow import report_transition
from surveys.services.refresh import estimates_refresh
from tests.factories import user_create, user_with_role
from tests.surveys.generate import build_wave
from tests.victims.clients import case_create, member, verified_client

ROOT = Path(__file__).resolve().parents[1]
MOMENT = datetime.datetime(2026, 12, 1, 14, 5, tzinfo=ZoneInfo(settings.TIME_ZONE))
BIRTH = datetime.date(1980, 1, 2)

# What each language writes for MOMENT and BIRTH; never the other languages' nor Django's own.
DAY = {"en": "1 Dec 2026", "el": "1/12/2026"}
MOMENT_SHOWN = {"en": "1 Dec 2026, 14:05", "el": "1/12/2026 14:05"}
BIRTH_SHOWN = {"en": "2 Jan 1980", "el": "2/1/1980"}
ELSEWHERE = ["Dec. 1, 2026", "12/01/2026", "01/12/2026", "2026-12-01<", ">2026-12-01", "p.m."]


def _get(client: Client, url: str, language: str) -> str:
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200, url
    page: str = response.content.decode()
    assert f'<html lang="{language}"' in page
    return page


def _written_elsewhere(page: str) -> list[str]:
    # Machine-readable attributes keep ISO (<time datetime="2026-12-01">): read the text only.
    text = re.sub(r'\s(datetime|value|data-[\w-]+)="[^"]*"', "", page)
    return [shown for shown in ELSEWHERE if shown in text]


def _report(reporter: User | None, status: str) -> Report:
    draft = ReportDraft(
        category=Category.objects.get(slug="graffiti"),
        description="Tags sprayed on the school wall",
        occurred_at=MOMENT,
        severity=3,
        feeling_unsafe=3,
        location=Point(23.6465, 37.9425, srid=4326),
    )
    report, _created = report_submit(draft=draft, reporter=reporter, client_address="192.0.2.1")
    if status != "submitted":
        report_transition(
            report=report, to_status=status, actor=user_with_role(Role.MODERATOR), note="Seen."
        )
    return report


def _in_a_value(text: str, page: str) -> bool:
    """The text is the whole value of a line of a summary list (`<dd …>text</dd>`)."""
    return re.search(rf"<dd\b[^>]*>\s*{re.escape(text)}\s*</dd>", page) is not None


@pytest.fixture
def at_moment() -> Any:
    with time_machine.travel(MOMENT, tick=False) as clock:
        yield clock


LANGUAGES = ["en", "el"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_my_reports_and_a_report_page_write_the_languages_dates(
    client: Client, piraeus: None, citizen: User, at_moment: Any, language: str
) -> None:
    report = _report(citizen, "published")
    client.force_login(citizen)

    mine = _get(client, reverse("reports:mine"), language)
    assert DAY[language] in mine
    assert not _written_elsewhere(mine)

    page = _get(client, reverse("reports:detail", args=[report.public_id]), language)
    assert _in_a_value(DAY[language], page)  # when it happened
    assert f'<time datetime="2026-12-01">{DAY[language]}</time>' in page  # its history
    assert not _written_elsewhere(page)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_moderation_pages_write_the_languages_date_and_time(
    client: Client, piraeus: None, at_moment: Any, language: str
) -> None:
    report = _report(None, "submitted")
    client.force_login(user_with_role(Role.MODERATOR))
    queue = _get(client, reverse("reports:moderation_queue"), language)
    assert MOMENT_SHOWN[language] in queue
    detail = _get(client, reverse("reports:moderation_detail", args=[report.public_id]), language)
    assert _in_a_value(MOMENT_SHOWN[language], detail)
    for page in (queue, detail):
        assert not _written_elsewhere(page)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_case_page_writes_the_languages_dates(at_moment: Any, language: str) -> None:
    worker = member()
    case = case_create(
        worker,
        intake_date=MOMENT.date(),
        person_fields={"full_name": "Eleni P.", "date_of_birth": BIRTH},
    )
    page = _get(verified_client(worker), reverse("victims:case", args=[case.pk]), language)
    assert _in_a_value(BIRTH_SHOWN[language], page)
    assert _in_a_value(DAY[language], page)  # the intake date
    assert f">{MOMENT_SHOWN[language]}</time>" in page  # the timeline
    assert not _written_elsewhere(page)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_survey_dashboard_writes_the_languages_numbers_and_dates(
    client: Client, at_moment: Any, language: str
) -> None:
    wave = build_wave(seed=41, n=400)
    estimates_refresh(survey=wave.survey)
    verified_client(user_with_role(Role.ANALYST), client)
    response = client.get(
        reverse("surveys:dashboard") + "?indicator=perception",
        headers={"Accept-Language": language},
    )
    page = response.content.decode()
    row = next(row for row in response.context["board"].by_district if not row.suppressed)
    estimate = f"{row.estimate:.1f}"
    shown = estimate.replace(".", ",") if language == "el" else estimate
    assert re.search(rf"<td[^>]*>{re.escape(shown)}", page)
    assert MOMENT_SHOWN[language] in page  # the last refresh
    assert not _written_elsewhere(page)
    decimals = re.findall(r"<td[^>]*>(\d+[.,]\d)[<\s–]", page)
    assert decimals
    assert all(("," in d) == (language == "el") for d in decimals), decimals


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admin_writes_the_languages_date_and_time(
    client: Client, piraeus: None, at_moment: Any, language: str
) -> None:
    _report(None, "submitted")
    verified_client(user_create(is_superuser=True, is_staff=True), client)
    page = _get(client, "/admin/reports/report/", language)
    assert MOMENT_SHOWN[language] in page
    assert not _written_elsewhere(page)


# --- Formats written by hand -------------------------------------------------------------------
NAMED = {
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
    "YEAR_MONTH_FORMAT",
    "MONTH_DAY_FORMAT",
}
FILTER = re.compile(r"""\|(?:date|time):(["'])(.*?)\1|\{%\s*now\s+(["'])(.*?)\3""")
# Where a hand-written format is right: the machine-readable datetime attribute of <time>.
MACHINE = re.compile(r"""datetime=(["'])\{\{[^}]*\}\}\1""")


def _hand_written_formats(text: str) -> list[str]:
    machine = [match.span() for match in MACHINE.finditer(text)]
    found = []
    for match in FILTER.finditer(text):
        shown = match.group(2) or match.group(4)
        inside = any(start <= match.start() < end for start, end in machine)
        if shown not in NAMED and not inside:
            found.append(match.group(0))
    return found


def test_the_scan_finds_a_hand_written_format() -> None:
    assert _hand_written_formats('<td>{{ x|date:"Y-m-d" }}</td>') == ['|date:"Y-m-d"']
    assert _hand_written_formats("{% now 'd/m/Y' %}") == ["{% now 'd/m/Y'"]
    assert not _hand_written_formats("<time datetime=\"{{ x|date:'c' }}\">{{ x|date }}</time>")


def test_no_template_writes_a_date_in_a_format_of_its_own() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {shown}"
        for path in sorted((ROOT / "templates").rglob("*"))
        if path.is_file()
        for shown in _hand_written_formats(path.read_text())
    ]
    assert not found, "use a named format (DATE_FORMAT, DATETIME_FORMAT):\n" + "\n".join(found)


# In scripts, numbers shown to people go through curimFormat (static/js/locale-format.js);
# toFixed stays for coordinates, which go into form fields and URLs.
COORDINATES = re.compile(r"lat|lng|lon|-180")


def test_no_script_writes_a_number_or_a_day_in_a_format_of_its_own() -> None:
    found = []
    for path in sorted((ROOT / "static" / "js").glob("*.js")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            where = f"{path.name}:{number}: {line.strip()}"
            if ".toFixed(" in line and not COORDINATES.search(line):
                found.append(where)
            if re.search(r"toLocale\w*String\(", line):
                found.append(where)
            if "occurred_on" in line and "curimFormat.day(" not in line:
                found.append(where)
    assert not found, "use window.curimFormat:\n" + "\n".join(found)
