"""Answers are checked per question, whichever way they come; responses are saved whole."""

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from curim.accounts.roles import Role
from surveys.answers import Definition, answers_parse
from surveys.imports import import_check
from surveys.models import Answer, Response, Survey, SurveyRefresh
from surveys.selectors import invitation_for, response_resumed
from surveys.services.responses import invitations_issue, response_save, responses_import
from tests.factories import user_with_role

GOOD: dict[str, Any] = {
    "group": "resident",
    "district": "piraeus-1",
    "age_band": "25-34",
    "gender": "woman",
    "safe_day": "4",
    "years_here": "12.5",
    "trust_police": "high",
    "works_in": "piraeus-2",
    "seen": ["low", "high"],
    "comment": "Better lighting, please",
}


@pytest.fixture
def open_wave(wave: Survey, piraeus: None) -> Survey:
    wave.status = Survey.Status.OPEN
    wave.save()
    seen = wave.questions.get(code="seen")
    for choice in wave.questions.get(code="trust_police").choices.all():
        choice.pk = None
        choice.question = seen
        choice.save()
    return wave


def parse(wave: Survey, raw: dict[str, Any], *, complete: bool = True) -> Any:
    return answers_parse(Definition.load(wave), raw, complete=complete, unknown_allowed=False)


@pytest.mark.django_db
def test_a_good_response_parses_whole(open_wave: Survey) -> None:
    parsed = parse(open_wave, GOOD)
    assert parsed.errors == {}
    assert parsed.profile.district.code == "piraeus-1"
    by_code = {a.question.code: a for a in parsed.answers}
    assert by_code["safe_day"].number == 4.0
    assert by_code["years_here"].number == 12.5
    assert [c.code for c in by_code["seen"].choices] == ["low", "high"]
    assert by_code["works_in"].area.code == "piraeus-2"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("safe_day", "6", "from 1 to 5"),
        ("safe_day", "four", "from 1 to 5"),
        ("years_here", "101", "from 0 to 100"),
        ("years_here", "nan", "from 0 to 100"),
        ("trust_police", "maybe", "answers offered"),
        ("trust_police", ["low", "high"], "one answer"),
        ("seen", ["low", "low"], "answers offered"),
        ("works_in", "atlantis", "district"),
        ("comment", "x" * 5001, "5000"),
        ("group", "tourist", "resident"),
        ("district", "", "district"),
        ("age_band", "12-17", "age"),
        ("mystery", "1", "no question"),
    ],
)
def test_bad_answers_name_the_question(
    open_wave: Survey, field: str, value: Any, message: str
) -> None:
    parsed = parse(open_wave, {**GOOD, field: value})
    assert list(parsed.errors) == [field]
    assert message in parsed.errors[field][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("comment", "dark \ud800 corner"),
        ("comment", "\udc00"),
        ("seen", ["low", "\ud83d"]),
        ("safe_day", "4\ud800"),
    ],
)
def test_a_lone_surrogate_is_refused_per_question(
    open_wave: Survey, field: str, value: Any
) -> None:
    # The parser serves the web form, paper entry, imports and the API alike.
    parsed = parse(open_wave, {**GOOD, field: value})
    assert list(parsed.errors) == [field]
    assert "cannot be stored" in parsed.errors[field][0]


@pytest.mark.django_db
def test_an_unknown_code_is_reported_in_characters_that_can_be_sent_back(
    open_wave: Survey,
) -> None:
    parsed = parse(open_wave, {**GOOD, "\ud800bad\x00code": "1"})
    (name,) = parsed.errors
    assert name == "\ufffdbadcode"
    name.encode("utf-8")  # a JSON answer or a page can carry it


@pytest.mark.django_db
def test_nul_bytes_are_taken_out_of_answers(open_wave: Survey) -> None:
    parsed = parse(open_wave, {**GOOD, "comment": "dark\x00 corner", "trust_police": "hi\x00gh"})
    assert parsed.errors == {}
    by_code = {a.question.code: a for a in parsed.answers}
    assert by_code["comment"].text == "dark corner"
    assert by_code["trust_police"].choices[0].code == "high"


@pytest.mark.django_db
def test_required_questions_wait_until_the_response_is_sent(open_wave: Survey) -> None:
    partial = {k: v for k, v in GOOD.items() if k in ("group", "district", "safe_day")}
    assert parse(open_wave, partial, complete=False).errors == {}
    errors = parse(open_wave, partial, complete=True).errors
    assert set(errors) == {"years_here", "trust_police", "works_in"}


@pytest.mark.django_db
def test_save_and_continue_then_send(open_wave: Survey) -> None:
    partial = {k: v for k, v in GOOD.items() if k in ("group", "district", "safe_day")}
    response, key = response_save(
        survey=open_wave,
        parsed=parse(open_wave, partial, complete=False),
        complete=False,
        source="web",
    )
    assert key
    assert response.status == "in_progress"
    assert response.resume_key_hash != key  # only the hash is kept
    assert not SurveyRefresh.objects.filter(survey=open_wave).exists()

    resumed = response_resumed(survey=open_wave, key=key)
    assert resumed == response
    sent, again = response_save(
        survey=open_wave,
        parsed=parse(open_wave, GOOD),
        complete=True,
        source="web",
        response=resumed,
    )
    assert again is None
    assert sent.status == "complete"
    assert sent.resume_key_hash is None
    assert Answer.objects.filter(response=sent).count() == 7  # "seen" has two rows
    assert response_resumed(survey=open_wave, key=key) is None
    assert SurveyRefresh.objects.get(survey=open_wave).state == "queued"


@pytest.mark.django_db
def test_a_response_with_errors_saves_nothing(open_wave: Survey) -> None:
    with pytest.raises(ValidationError):
        response_save(
            survey=open_wave,
            parsed=parse(open_wave, {**GOOD, "safe_day": "9"}),
            complete=True,
            source="web",
        )
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_a_closed_survey_takes_no_web_responses(open_wave: Survey) -> None:
    open_wave.status = Survey.Status.CLOSED
    open_wave.save()
    with pytest.raises(ValidationError, match="not open"):
        response_save(survey=open_wave, parsed=parse(open_wave, GOOD), complete=True, source="web")


@pytest.mark.django_db
def test_an_invitation_opens_one_response(open_wave: Survey) -> None:
    (token,) = invitations_issue(survey=open_wave, count=1)
    invitation = invitation_for(survey=open_wave, token=token)
    assert invitation is not None
    assert invitation.token_hash != token
    response_save(
        survey=open_wave,
        parsed=parse(open_wave, GOOD),
        complete=True,
        source="web",
        invitation=invitation,
    )
    assert invitation_for(survey=open_wave, token=token) is None
    with pytest.raises(ValidationError, match="already used"):
        response_save(
            survey=open_wave,
            parsed=parse(open_wave, GOOD),
            complete=True,
            source="web",
            invitation=invitation,
        )
    assert Response.objects.count() == 1


# --- Import ----------------------------------------------------------------------------------

HEADER = [
    "group",
    "district",
    "age_band",
    "gender",
    "safe_day",
    "years_here",
    "trust_police",
    "works_in",
    "seen",
    "comment",
]
ROW = ["resident", "piraeus-1", "25-34", "woman", "4", "12", "high", "piraeus-2", "low;high", ""]


def csv_bytes(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(row) for row in rows).encode()


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_good_file_is_imported_whole(open_wave: Survey, kind: str) -> None:
    analyst = user_with_role(Role.ANALYST)
    rows = [
        HEADER,
        ROW,
        ["shop_owner", "piraeus-3", "", "", "2", "3.5", "low", "piraeus-3", "", "ok"],
    ]
    if kind == "csv":
        content = csv_bytes(rows)
    else:
        content = xlsx_bytes([[4 if cell == "4" else cell for cell in row] for row in rows])
    check = import_check(survey=open_wave, filename=f"wave.{kind}", content=content)
    assert check.errors == []
    assert check.ok
    batch = responses_import(
        survey=open_wave, rows=check.rows, filename=f"wave.{kind}", imported_by=analyst
    )
    assert batch.rows == 2
    assert Response.objects.filter(import_batch=batch, status="complete").count() == 2
    assert SurveyRefresh.objects.get(survey=open_wave).state == "queued"


@pytest.mark.django_db
def test_the_dry_run_names_row_and_column_and_nothing_is_saved(open_wave: Survey) -> None:
    bad = list(ROW)
    bad[4] = "7"  # safe_day out of range
    missing = list(ROW)
    missing[6] = ""  # trust_police is required
    check = import_check(
        survey=open_wave, filename="wave.csv", content=csv_bytes([HEADER, ROW, bad, missing])
    )
    assert [(e.row, e.column) for e in check.errors] == [(3, "safe_day"), (4, "trust_police")]
    assert not check.ok
    with pytest.raises(ValidationError):
        responses_import(
            survey=open_wave,
            rows=check.rows,
            filename="x",
            imported_by=user_with_role(Role.ANALYST),
        )
    assert not Response.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("wave.csv", b"", "empty"),
        ("wave.csv", "group,district\n".encode("utf-16"), "UTF-8"),
        ("wave.xlsx", b"not a zip", "XLSX"),
        ("wave.pdf", b"%PDF", ".csv or .xlsx"),
        ("wave.csv", b"group,,district\nresident,,piraeus-1\n", "name"),
        ("wave.csv", b"group,district,group\n", "twice"),
        ("wave.csv", b"group,district,favourite_colour\nresident,piraeus-1,blue\n", "no question"),
        ("wave.csv", b"group,district\n", "no rows"),
        ("wave.csv", b"group,district\nresident,piraeus-1,extra\n", "more cells"),
    ],
)
def test_malformed_files_get_a_clear_error(
    open_wave: Survey, filename: str, content: bytes, message: str
) -> None:
    check = import_check(survey=open_wave, filename=filename, content=content)
    assert not check.ok
    assert any(message in error.message for error in check.errors), check.errors


@pytest.mark.django_db
def test_rows_keep_their_spreadsheet_numbers_across_blank_rows(open_wave: Survey) -> None:
    bad = list(ROW)
    bad[4] = "7"
    content = csv_bytes([HEADER, ROW, ["", "", "", "", "", "", "", "", "", ""], bad])
    check = import_check(survey=open_wave, filename="wave.csv", content=content)
    assert [(e.row, e.column) for e in check.errors] == [(4, "safe_day")]


@pytest.mark.django_db
def test_an_xlsx_export_survives_control_characters_in_old_answers(
    open_wave: Survey,
) -> None:
    from surveys.services.exports import responses_export

    parsed = parse(open_wave, GOOD)
    response, _ = response_save(survey=open_wave, parsed=parsed, complete=True, source="web")
    Answer.objects.filter(response=response, question__code="comment").update(text="a\x0bb")
    content, rows = responses_export(
        survey=open_wave, user=user_with_role(Role.ANALYST), file_format="xlsx"
    )
    assert rows == 1
    assert content[:2] == b"PK"
