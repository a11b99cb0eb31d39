"""The secretary's CSV and XLSX export and import of recommendations and action items: a round
trip changes nothing, an edited file updates its rows through the services (history kept, the
workflow obeyed), one bad row keeps the whole file out, and bad files are a page of errors."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from councils.models import (
    ActionItem,
    ActionItemStatus,
    Council,
    Recommendation,
    RecommendationStatus,
    RecordChange,
)
from councils.services.recommendation_io import ImportResult, recommendations_import
from councils.services.recommendation_table import COLUMNS, export_file
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.core.record_tables import MAX_BYTES
from tests.councils.factories import (
    action_item_with,
    council_create,
    member_create,
    organisation_create,
    recommendation_adopted,
    recommendation_proposed,
    secretary_of,
)
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
EXPORT_CSV = reverse("councils:recommendations_export_csv")
EXPORT_XLSX = reverse("councils:recommendations_export_xlsx")
IMPORT = reverse("councils:recommendations_import")


@pytest.fixture
def council() -> Council:
    council = council_create(reference_prefix="LCCP")
    adopted = recommendation_adopted(
        council, title_en="=Light the port", title_el="Φωτισμός λιμανιού", text_en="Line 1\nLine 2"
    )
    action_item_with(adopted, weight="1.50")
    action_item_with(adopted)
    recommendation_proposed(council, title_en="Patrols", title_el="")
    return council


def _table(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _csv(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _state() -> tuple[object, ...]:
    return (
        sorted(Recommendation.objects.values_list("reference", "title_en", "text_en", "status")),
        sorted(ActionItem.objects.values_list("pk", "title_en", "weight", "status")),
        RecordChange.objects.count(),
    )


def _import(user: User, name: str, content: bytes, **kwargs: bool) -> ImportResult:
    return recommendations_import(user=user, filename=name, content=content, **kwargs)


# --- Round trips ------------------------------------------------------------------------------
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_importing_the_export_changes_nothing_and_duplicates_nothing(
    council: Council, file_format: str
) -> None:
    secretary = secretary_of(council)
    content = export_file(user=secretary, file_format=file_format)
    before = _state()
    for _twice in range(2):
        result = _import(secretary, f"export.{file_format}", content)
        assert result.ok, result.errors
        assert result.created == {"recommendation": 0, "action_item": 0}
        assert result.updated == {"recommendation": 0, "action_item": 0}
        assert result.unchanged == {"recommendation": 2, "action_item": 2}
    assert _state() == before


def test_the_export_has_a_row_per_recommendation_and_item_with_the_same_columns(
    council: Council,
) -> None:
    rows = _table(export_file(user=secretary_of(council), file_format="csv"))
    assert [row["row_type"] for row in rows] == [
        "recommendation",
        "action_item",
        "action_item",
        "recommendation",
    ]
    assert rows[0]["title_en"] == "'=Light the port"  # no formula in a spreadsheet
    assert rows[1]["reference"] == rows[0]["reference"]
    assert rows[1]["weight"] == "1.50"
    book = load_workbook(io.BytesIO(export_file(user=secretary_of(council), file_format="xlsx")))
    assert [cell.value for cell in book.worksheets[0][1]] == list(COLUMNS)


def test_the_export_holds_only_the_councils_the_secretary_keeps(council: Council) -> None:
    other = council_create()
    recommendation_proposed(other, title_en="Elsewhere")
    rows = _table(export_file(user=secretary_of(council), file_format="csv"))
    assert {row["council"] for row in rows} == {council.slug}


# --- Updates by re-import ---------------------------------------------------------------------
def test_an_edited_file_updates_its_rows_through_the_services(council: Council) -> None:
    secretary = secretary_of(council)
    rows = _table(export_file(user=secretary, file_format="csv"))
    proposed = Recommendation.objects.get(title_en="Patrols")
    rows[1]["title_en"] = "Install 40 lamps"
    rows[1]["status"] = "in_progress"
    rows[2]["weight"] = "2"
    rows[3]["due_on"] = "2027-01-31"
    rows[3]["priority"] = "high"
    result = _import(secretary, "edited.csv", _csv(rows))
    assert result.ok, result.errors
    assert result.updated == {"recommendation": 1, "action_item": 2}
    item = ActionItem.objects.get(pk=rows[1]["item_id"])
    assert (item.title_en, item.status) == ("Install 40 lamps", ActionItemStatus.IN_PROGRESS)
    assert item.changes.filter(action=RecordChange.Action.EDITED).exists()
    assert item.changes.filter(action=RecordChange.Action.STATUS).exists()
    assert ActionItem.objects.get(pk=rows[2]["item_id"]).weight == Decimal("2.00")
    proposed.refresh_from_db()
    assert (str(proposed.due_on), proposed.priority) == ("2027-01-31", "high")
    # The same file again: nothing more to do, no duplicate.
    before = _state()
    again = _import(secretary, "edited.csv", _csv(rows))
    assert again.ok
    assert again.updated == {"recommendation": 0, "action_item": 0}
    assert _state() == before


def test_rows_without_keys_create_records_once(council: Council) -> None:
    secretary = secretary_of(council)
    rows = _table(export_file(user=secretary, file_format="csv"))
    owner = organisation_create(name_en="Port Authority")
    new_item = dict.fromkeys(COLUMNS, "") | {
        "row_type": "action_item",
        "reference": rows[0]["reference"],
        "title_en": "Map dark streets",
        "owner_organisation": "port authority",  # a name does as well as the code
    }
    new_recommendation = dict.fromkeys(COLUMNS, "") | {
        "row_type": "recommendation",
        "council": council.slug,
        "title_el": "Νέα σύσταση",
        "addressees": str(owner.public_id),
    }
    result = _import(secretary, "new.csv", _csv([*rows, new_item, new_recommendation]))
    assert result.ok, result.errors
    assert result.created == {"recommendation": 1, "action_item": 1}
    created = Recommendation.objects.get(title_el="Νέα σύσταση")
    assert created.status == RecommendationStatus.PROPOSED
    assert list(created.addressees.all()) == [owner]
    assert ActionItem.objects.get(title_en="Map dark streets").owner_organisation == owner
    # Imported again, the new rows would be recorded twice: they are refused instead.
    again = _import(secretary, "new.csv", _csv([*rows, new_item, new_recommendation]))
    assert {(e.row, e.column) for e in again.errors} == {(6, "item_id"), (7, "reference")}
    assert Recommendation.objects.filter(title_el="Νέα σύσταση").count() == 1


def test_a_status_change_follows_the_workflow_with_its_note(council: Council) -> None:
    secretary = secretary_of(council)
    rows = _table(export_file(user=secretary, file_format="csv"))
    rows[0]["status"] = "withdrawn"
    refused = _import(secretary, "withdraw.csv", _csv(rows))
    assert [(e.row, e.column) for e in refused.errors] == [(2, "status_note")]
    rows[0]["status_note"] = "Merged into another recommendation."
    result = _import(secretary, "withdraw.csv", _csv(rows))
    assert result.ok, result.errors
    recommendation = Recommendation.objects.get(reference=rows[0]["reference"])
    assert recommendation.status == RecommendationStatus.WITHDRAWN
    change = recommendation.status_changes.last()
    assert change is not None
    assert change.note == "Merged into another recommendation."
    # Re-importing the same file: the status is already that, the note is not used again.
    assert _import(secretary, "withdraw.csv", _csv(rows)).ok
    assert recommendation.status_changes.count() == 3


def test_an_import_cannot_adopt_or_skip_the_workflow(council: Council) -> None:
    secretary = secretary_of(council)
    rows = _table(export_file(user=secretary, file_format="csv"))
    rows[3]["status"] = "adopted"
    result = _import(secretary, "adopt.csv", _csv(rows))
    assert [(e.row, e.column) for e in result.errors] == [(5, "status")]
    rows[3]["status"] = "implemented"  # proposed → implemented is not a step of the workflow
    result = _import(secretary, "skip.csv", _csv(rows))
    assert [(e.row, e.column) for e in result.errors] == [(5, "status")]
    assert Recommendation.objects.get(reference=rows[3]["reference"]).status == "proposed"


# --- All or nothing ---------------------------------------------------------------------------
def test_one_bad_row_keeps_the_whole_file_out_with_errors_by_row_and_column(
    council: Council,
) -> None:
    secretary = secretary_of(council)
    rows = _table(export_file(user=secretary, file_format="csv"))
    before = _state()
    rows[0]["title_en"] = "A good change"
    rows[1]["status"] = "half_done"
    rows[2]["owner_organisation"] = "No Such Body"
    rows[2]["due_on"] = "31/12/2026"
    rows[3]["reference"] = "LCCP-1999-99"
    result = _import(secretary, "bad.csv", _csv(rows))
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "status"),
        (4, "owner_organisation"),
        (4, "due_on"),
        (5, "reference"),
    ]
    assert "not_started" in result.errors[0].message
    assert _state() == before


def test_an_error_only_a_service_finds_rolls_back_the_rows_written_before_it(
    council: Council,
) -> None:
    secretary = secretary_of(council)
    rows = _table(export_file(user=secretary, file_format="csv"))
    before = _state()
    rows[1]["title_en"] = "Changed first"
    rows[3]["status"] = "withdrawn"  # the service asks for a note
    result = _import(secretary, "late.csv", _csv(rows))
    assert [(e.row, e.column) for e in result.errors] == [(5, "status_note")]
    assert _state() == before


def test_a_check_writes_nothing_but_says_what_an_import_would_do(council: Council) -> None:
    secretary = secretary_of(council)
    rows = _table(export_file(user=secretary, file_format="csv"))
    rows[1]["title_en"] = "Changed"
    before = _state()
    result = _import(secretary, "check.csv", _csv(rows), dry_run=True)
    assert result.ok
    assert not result.saved
    assert result.updated["action_item"] == 1
    assert _state() == before


def test_another_councils_records_cannot_be_reached(council: Council) -> None:
    other = council_create()
    theirs = recommendation_adopted(other)
    their_item = action_item_with(theirs)
    rows = _table(export_file(user=secretary_of(council), file_format="csv"))
    rows[1]["item_id"] = str(their_item.pk)
    rows[3]["reference"] = theirs.reference
    result = _import(secretary_of(council), "theirs.csv", _csv(rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "item_id"), (5, "reference")]


def test_a_record_twice_in_the_file_is_refused(council: Council) -> None:
    secretary = secretary_of(council)
    rows = _table(export_file(user=secretary, file_format="csv"))
    result = _import(secretary, "twice.csv", _csv([*rows, rows[1]]))
    assert [(e.row, e.column) for e in result.errors] == [(6, "item_id")]


def test_an_item_id_of_other_digits_is_an_error_not_a_500(council: Council) -> None:
    """Found in review: "²".isdigit() holds, int("²") fails."""
    secretary = secretary_of(council)
    rows = _table(export_file(user=secretary, file_format="csv"))
    rows[1]["item_id"] = "²"
    result = _import(secretary, "digits.csv", _csv(rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "item_id")]


# --- Bad files --------------------------------------------------------------------------------
def _errors(user: User, name: str, content: bytes) -> list[tuple[int, str]]:
    before = _state()
    result = _import(user, name, content)
    assert not result.ok
    assert _state() == before
    return [(e.row, e.column) for e in result.errors]


def test_bad_files_are_refused_with_a_reason(council: Council) -> None:
    secretary = secretary_of(council)
    good = export_file(user=secretary, file_format="csv")
    assert _errors(secretary, "x.csv", "title_en\nΦως".encode("cp1253")) == [(1, "")]
    assert _errors(secretary, "x.pdf", good) == [(1, "")]
    assert _errors(secretary, "x.csv", b"") == [(1, "")]
    assert _errors(secretary, "x.csv", b"x" * (MAX_BYTES + 1)) == [(1, "")]
    assert _errors(secretary, "x.xlsx", b"PK\x03\x04 not a zip") == [(1, "")]
    assert _errors(secretary, "x.xlsx", _zip_bomb()) == [(1, "")]
    assert _errors(secretary, "x.csv", good.split(b"\r\n")[0] + b"\r\n") == [(2, "")]


def test_missing_and_unknown_columns_are_named(council: Council) -> None:
    secretary = secretary_of(council)
    rows = _table(export_file(user=secretary, file_format="csv"))
    columns = tuple(c for c in COLUMNS if c != "status")
    content = _csv([{k: v for k, v in row.items() if k != "status"} for row in rows], columns)
    result = _import(secretary, "x.csv", content)
    assert "status" in result.errors[0].message
    extra = _csv([row | {"colour": "red"} for row in rows], (*COLUMNS, "colour"))
    assert _errors(secretary, "x.csv", extra) == [(1, "colour")]


def test_a_workbook_whose_first_sheet_is_another_table_is_refused(council: Council) -> None:
    book = Workbook()
    book.active.append(["notes"])
    book.active.append(["not the table"])
    book.create_sheet("recommendations").append(list(COLUMNS))
    out = io.BytesIO()
    book.save(out)
    result = _import(secretary_of(council), "x.xlsx", out.getvalue())
    assert result.errors[0].row == 1
    assert "first sheet" in result.errors[0].message


def test_nul_bytes_and_lone_surrogates_are_cell_errors(council: Council) -> None:
    secretary = secretary_of(council)
    rows = _table(export_file(user=secretary, file_format="csv"))
    rows[0]["title_en"] = "Light\x00the port"
    assert _errors(secretary, "x.csv", _csv(rows)) == [(2, "title_en")]
    rows[0]["title_en"] = "Light"
    rows[1]["title_el"] = "\ud800"
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    content = text.getvalue().encode("utf-8", "surrogatepass")  # not UTF-8 any more
    assert _errors(secretary, "x.csv", content) == [(1, "")]
    result = recommendations_import(
        user=secretary, filename="x.xlsx", content=_xlsx_with_surrogate(rows)
    )
    assert not result.ok


def _xlsx_with_surrogate(rows: list[dict[str, str]]) -> bytes:
    """A workbook written by hand whose cell holds an escaped lone surrogate."""
    book = Workbook()
    book.active.append(list(COLUMNS))
    book.active.append([rows[0][c] for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"Light", b"&#xD800;")
            target.writestr(info, data)
    return patched.getvalue()


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (200 * 2**20))
    return out.getvalue()


# --- The pages --------------------------------------------------------------------------------
def test_the_secretary_downloads_both_files(client: Client, council: Council) -> None:
    client.force_login(secretary_of(council))
    answer = client.get(EXPORT_CSV)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    assert b"LCCP-" in answer.content
    answer = client.get(EXPORT_XLSX)
    assert answer.status_code == 200
    assert answer.content[:2] == b"PK"


@pytest.mark.parametrize("url", [EXPORT_CSV, EXPORT_XLSX, IMPORT])
def test_only_a_secretary_who_sits_on_a_council_reaches_the_pages(
    client: Client, council: Council, url: str
) -> None:
    member = member_create(council).person
    client.force_login(member)
    assert client.get(url).status_code == 404
    client.force_login(user_with_role(Role.COUNCIL_SECRETARY))  # a role without a seat
    assert client.get(url).status_code == 404


def test_the_import_page_lists_errors_by_row_and_column(client: Client, council: Council) -> None:
    secretary = secretary_of(council)
    client.force_login(secretary)
    rows = _table(export_file(user=secretary, file_format="csv"))
    rows[1]["status"] = "half_done"
    upload = SimpleUploadedFile("bad.csv", _csv(rows), content_type="text/csv")
    answer = client.post(IMPORT, {"file": upload, "action": "import"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "<code>status</code>" in page
    assert ">3<" in page


def test_the_import_page_says_what_was_created_and_updated(
    client: Client, council: Council
) -> None:
    secretary = secretary_of(council)
    client.force_login(secretary)
    rows = _table(export_file(user=secretary, file_format="csv"))
    rows[1]["title_en"] = "Changed on the page"
    upload = SimpleUploadedFile("ok.csv", _csv(rows), content_type="text/csv")
    answer = client.post(IMPORT, {"file": upload, "action": "import"})
    assert answer.status_code == 200
    assert "The file is imported." in answer.content.decode()
    assert ActionItem.objects.filter(title_en="Changed on the page").exists()


def test_a_post_without_a_file_is_a_page_of_errors(client: Client, council: Council) -> None:
    client.force_login(secretary_of(council))
    assert client.post(IMPORT, {"action": "import"}).status_code == 400


def test_too_many_rows_and_a_huge_cell_are_refused(council: Council) -> None:
    secretary = secretary_of(council)
    header = ",".join(COLUMNS).encode()
    rows = b"\n".join([header, *[b"recommendation" + b"," * (len(COLUMNS) - 1)] * 5_001])
    assert _errors(secretary, "x.csv", rows) == [(1, "")]
    huge = header + b"\n" + b'"' + b"x" * 200_000 + b'"' + b"," * (len(COLUMNS) - 1)
    assert _errors(secretary, "x.csv", huge) == [(1, "")]


def test_a_date_a_spreadsheet_turned_into_a_day_number_reads_as_that_date(
    council: Council,
) -> None:
    secretary = secretary_of(council)
    rows = _table(export_file(user=secretary, file_format="csv"))
    rows[3]["due_on"] = "46387"  # 31 December 2026, as Excel counts days
    assert _import(secretary, "x.csv", _csv(rows)).ok
    assert str(Recommendation.objects.get(reference=rows[3]["reference"]).due_on) == "2026-12-31"
