"""The survey staff's pages: import with a dry run, logged exports, population margins."""

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.areas.models import Area
from surveys.answers import Definition, Raw, answers_parse
from surveys.models import ExportRecord, PopulationMargin, Response, Survey, SurveyRefresh
from surveys.services.responses import response_save
from tests.factories import user_with_role
from tests.html import parse

HEADER = "group,district,safe_day,years_here,trust_police,works_in,seen,comment"
GOOD_ROW = "resident,piraeus-1,4,12,high,piraeus-2,low;high,fine"


@pytest.fixture
def analyst(db: None) -> User:
    return user_with_role(Role.ANALYST)


@pytest.fixture
def wave_with_choices(wave: Survey, piraeus: None) -> Survey:
    seen = wave.questions.get(code="seen")
    for choice in wave.questions.get(code="trust_police").choices.all():
        choice.pk = None
        choice.question = seen
        choice.save()
    return wave


def upload(client: Client, wave: Survey, text: str, action: str) -> Any:
    file = SimpleUploadedFile("wave.csv", text.encode(), content_type="text/csv")
    return client.post(f"/surveys/staff/{wave.code}/import/", {"file": file, "action": action})


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, Role.CITIZEN, Role.COUNCIL_MEMBER, Role.MODERATOR])
def test_only_survey_staff_reach_these_pages(
    client: Client, wave: Survey, role: Role | None
) -> None:
    if role is not None:
        client.force_login(user_with_role(role))
    for path in (
        "/surveys/staff/",
        f"/surveys/staff/{wave.code}/import/",
        f"/surveys/staff/{wave.code}/export.csv",
        f"/surveys/staff/{wave.code}/margins/",
    ):
        response = client.get(path)
        assert response.status_code == (302 if role is None else 404), path
    assert not ExportRecord.objects.exists()


@pytest.mark.django_db
def test_a_file_is_checked_then_imported(
    client: Client, wave_with_choices: Survey, analyst: User
) -> None:
    client.force_login(analyst)
    wave = wave_with_choices
    assert client.get("/surveys/staff/").status_code == 200
    bad = upload(client, wave, f"{HEADER}\n{GOOD_ROW}\nresident,piraeus-1,9,12,high,,,\n", "check")
    assert bad.status_code == 400
    page = bad.content.decode()
    errors = parse(page).find(id_="import-errors")
    assert errors is not None
    # The error summary leads to the table of errors.
    summary = parse(page).find(cls="govuk-error-summary").find("a")
    assert summary.attrs["href"] == "#import-errors"
    assert summary.text == "The file has 2 errors; nothing was imported."
    cells = [[cell.text for cell in row.find_all("td")] for row in errors.find_all("tr")]
    # A stacked table: each cell starts with its column's name (shown on a phone).
    assert any(row[:2] == ["Row3", "Columnsafe_day"] for row in cells), cells
    assert not Response.objects.exists()

    checked = upload(client, wave, f"{HEADER}\n{GOOD_ROW}\n", "check")
    assert checked.status_code == 200
    assert "1 row is ready" in checked.content.decode()
    assert not Response.objects.exists()  # a dry run stores nothing

    imported = upload(client, wave, f"{HEADER}\n{GOOD_ROW}\n", "import")
    assert imported.status_code == 302
    stored = Response.objects.get()
    assert (stored.source, stored.status, stored.entered_by) == ("import", "complete", analyst)


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_are_logged_and_defuse_formulas(
    client: Client, wave_with_choices: Survey, analyst: User, file_format: str
) -> None:
    wave = wave_with_choices
    raw: dict[str, Raw] = {
        "group": "resident",
        "district": "piraeus-1",
        "safe_day": "4",
        "years_here": "10",
        "trust_police": "high",
        "works_in": "piraeus-2",
        "seen": ["low", "high"],
        "comment": '=HYPERLINK("http://evil.example")',
    }
    parsed = answers_parse(Definition.load(wave), raw, complete=True, unknown_allowed=False)
    response_save(survey=wave, parsed=parsed, complete=True, source="paper", entered_by=analyst)
    client.force_login(analyst)
    got = client.get(f"/surveys/staff/{wave.code}/export.{file_format}")
    assert got.status_code == 200
    if file_format == "csv":
        rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(got.content)).worksheets[0]
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
        rows = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    (row,) = rows
    assert row["district"] == "piraeus-1"
    assert str(row["safe_day"]) == "4"
    assert str(row["years_here"]) == "10"
    assert row["seen"] == "low;high"
    assert row["works_in"] == "piraeus-2"
    assert str(row["comment"]).startswith("'=")
    record = ExportRecord.objects.get()
    assert (record.user, record.file_format, record.rows) == (analyst, file_format, 1)
    assert client.get(f"/surveys/staff/{wave.code}/export.pdf").status_code == 404


@pytest.mark.django_db
def test_margins_are_checked_per_line_and_replace_the_old_ones(
    client: Client, wave: Survey, piraeus: None, analyst: User
) -> None:
    client.force_login(analyst)
    url = f"/surveys/staff/{wave.code}/margins/"
    bad = client.post(url, {"margins": "piraeus-1,,,32000\natlantis,,,5\n,woman,,0\n,,,\n"})
    assert bad.status_code == 400
    page = bad.content.decode()
    for line in ("Line 2:", "Line 3:", "Line 4:"):
        assert line in page
    links = parse(page).find(cls="govuk-error-summary").find_all("a")
    assert [link.attrs["href"] for link in links] == ["#id_margins"] * 3
    assert all(link.text.startswith("Margins: Line ") for link in links)
    assert not PopulationMargin.objects.exists()

    mixed = client.post(url, {"margins": "piraeus-1,,,32000\npiraeus-2,man,25-34,900"})
    assert mixed.status_code == 400
    assert "not both" in mixed.content.decode()
    assert client.post(url, {"margins": "piraeus-1,man,,5"}).status_code == 400  # two of three
    assert client.post(url, {"margins": "piraeus-1,,,\u00b2"}).status_code == 400

    good = client.post(url, {"margins": "piraeus-1,,,32000\n,woman,,60000\n,,65+,9000"})
    assert good.status_code == 302
    assert PopulationMargin.objects.filter(survey=wave).count() == 3
    assert SurveyRefresh.objects.get(survey=wave).needs_rebuild
    assert ",,65+,9000" in client.get(url).content.decode()
    client.post(url, {"margins": "piraeus-2,man,25-34,900"})
    assert PopulationMargin.objects.filter(survey=wave).count() == 1  # replaced


@pytest.mark.django_db
def test_the_margins_page_warns_when_no_weights_meet_every_margin(
    client: Client, wave: Survey, piraeus: None, analyst: User
) -> None:
    client.force_login(analyst)
    one, two = (Area.objects.get(code=code) for code in ("piraeus-1", "piraeus-2"))
    # District 1's respondents are all women.
    for area, gender in ((one, "woman"), (one, "woman"), (two, "woman"), (two, "man")):
        Response.objects.create(
            survey=wave,
            source="web",
            group="resident",
            status=Response.Status.COMPLETE,
            area=area,
            gender=gender,
            age_band="25-34",
        )
    url = f"/surveys/staff/{wave.code}/margins/"
    unmet_text = "Raking could not meet all the saved margins together"

    def warned() -> bool:
        return bool(parse(client.get(url).content.decode()).find_all(id="margins-unmet"))

    assert not warned()  # no margins: unweighted
    # Full cells: post-stratified, nothing raked.
    full = "piraeus-1,woman,25-34,500\npiraeus-2,woman,25-34,100\npiraeus-2,man,25-34,400"
    assert client.post(url, {"margins": full}).status_code == 302
    assert not warned()
    # Met: district 1's women weigh 500, district 2's woman 100 and man 400.
    met = "piraeus-1,,,500\npiraeus-2,,,500\n,woman,,600\n,man,,400"
    saved = client.post(url, {"margins": met}, follow=True)
    assert unmet_text not in saved.content.decode()
    assert not warned()
    # Unmet: district 1's women alone would weigh 900, all women together 100. Saying so
    # where the analyst lands after saving, and on the margins page.
    unmet = "piraeus-1,,,900\npiraeus-2,,,100\n,woman,,100\n,man,,900"
    saved = client.post(url, {"margins": unmet}, follow=True)
    assert saved.redirect_chain[-1][0] == "/surveys/staff/"
    assert unmet_text in saved.content.decode()
    warning = parse(client.get(url).content.decode()).find(id="margins-unmet")
    assert unmet_text in warning.text
    client.cookies["django_language"] = "el"
    greek = parse(client.get(url).content.decode()).find(id="margins-unmet")
    assert "Η προσαρμογή δεν μπόρεσε να ικανοποιήσει" in greek.text


@pytest.mark.django_db
@pytest.mark.parametrize("posted", [{}, {"margins": ""}, {"margins": " \n\n  \n"}])
def test_an_empty_margins_form_is_refused_and_keeps_the_margins(
    client: Client, wave: Survey, piraeus: None, analyst: User, posted: dict[str, str]
) -> None:
    client.force_login(analyst)
    url = f"/surveys/staff/{wave.code}/margins/"
    assert client.post(url, {"margins": "piraeus-1,,,32000"}).status_code == 302
    SurveyRefresh.objects.filter(survey=wave).update(needs_rebuild=False, state="idle")

    refused = client.post(url, posted)
    assert refused.status_code == 400
    assert "Give at least one line" in refused.content.decode()
    assert PopulationMargin.objects.filter(survey=wave).count() == 1
    assert SurveyRefresh.objects.get(survey=wave).needs_rebuild is False  # nothing reweighted


@pytest.mark.django_db
def test_removing_every_margin_is_a_separate_action(
    client: Client, wave: Survey, piraeus: None, analyst: User
) -> None:
    client.force_login(analyst)
    url = f"/surveys/staff/{wave.code}/margins/"
    client.post(url, {"margins": "piraeus-1,,,32000\npiraeus-2,,,20000"})
    assert "Remove all margins" in client.get(url).content.decode()
    SurveyRefresh.objects.filter(survey=wave).update(needs_rebuild=False, state="idle")

    assert client.post(url, {"action": "clear"}).status_code == 302
    assert not PopulationMargin.objects.filter(survey=wave).exists()
    assert SurveyRefresh.objects.get(survey=wave).needs_rebuild  # reweighted: unweighted now
    assert "Remove all margins" not in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_margins_service_refuses_to_replace_them_with_nothing(wave: Survey) -> None:
    from django.core.exceptions import ValidationError

    from surveys.services.margins import margins_replace

    PopulationMargin.objects.create(survey=wave, gender="woman", population=5)
    with pytest.raises(ValidationError):
        margins_replace(survey=wave, lines=[])
    assert PopulationMargin.objects.filter(survey=wave).count() == 1
