"""XLSX imports are read in bounded memory: bombs are refused before they unpack, DTDs refused,
and real workbooks (shared strings, rich text, gaps, numbers) read as a spreadsheet shows them."""

import io
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from curim.accounts.roles import Role
from curim.core import workbooks
from curim.core.workbooks import xlsx_rows
from surveys import imports
from surveys.imports import import_check
from surveys.models import Survey
from tests.factories import user_with_role

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MiB = 2**20

Part = bytes | Callable[[], Iterable[bytes]]


def package(sheet: Part, strings: Part | None = None, workbook: bytes | None = None) -> bytes:
    """A workbook as Excel lays it out: the first sheet, and shared strings if given."""
    rels = f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    if strings is not None:
        rels += f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    types = (
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    )
    if strings is not None:
        types += (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
    parts: dict[str, Part] = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{types}</Types>'
        ).encode(),
        "_rels/.rels": (
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": workbook
        or (
            f'<x:workbook xmlns:x="{MAIN}" xmlns:r="{DOC}"><x:sheets>'
            '<x:sheet name="Answers" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{RELS}">{rels}</Relationships>'.encode()
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    if strings is not None:
        parts["xl/sharedStrings.xml"] = strings
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, content in parts.items():
            with z.open(name, "w", force_zip64=True) as part:
                for chunk in [content] if isinstance(content, bytes) else content():
                    part.write(chunk)
    return out.getvalue()


def sheet_xml(rows: str) -> bytes:
    return f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'.encode()


def repeated(head: bytes, body: bytes, tail: bytes, total: int) -> Callable[[], Iterable[bytes]]:
    """A part of about `total` bytes: `body` over and over (deflate packs it ~1000 to 1)."""

    def chunks() -> Iterable[bytes]:
        yield head
        block = body * (MiB // len(body))
        for _ in range(total // len(block)):
            yield block
        yield tail

    return chunks


def peak_while(work: Callable[[], Any]) -> tuple[Any, int]:
    """What `work` returns, and the most memory Python held for it at once."""
    tracemalloc.start()
    try:
        result = work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def test_a_sheet_reads_as_a_spreadsheet_shows_it() -> None:
    strings = (
        f'<sst xmlns="{MAIN}"><si><t>group</t></si><si><t>district</t></si>'
        "<si><r><t>resi</t></r><r><rPr><b/></rPr><t>dent</t></r><rPh><t>ignored</t></rPh></si>"
        '<si><t xml:space="preserve"> piraeus-1 </t></si></sst>'
    ).encode()
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="inlineStr"><is><t>safe_day</t></is></c><c t="str"><f>X</f><v>n</v></c></row>'
        '<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" t="s"><v>3</v></c>'
        '<c r="C3"><v>4.0</v></c><c r="D3" t="b"><v>1</v></c><c r="F3"><v>12.50</v></c></row>'
        '<row r="4"><c r="A4"><v>1E2</v></c><c r="ZZ4"><v>7</v></c></row>'
        '<row r="5"><c r="A5" t="s"><v>0</v></c></row>'
    )
    got = list(xlsx_rows(package(sheet_xml(rows), strings), max_columns=10))
    assert got == [
        (1, ["group", "district", "safe_day", "n"]),
        (3, ["resident", " piraeus-1 ", "4", "True", "", "12.5"]),
        (4, ["100"]),  # the cell in column ZZ is past max_columns
        (5, ["group"]),
    ]


def test_a_legitimate_large_workbook_still_imports(wave: Survey, piraeus: None) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["group", "district", "age_band", "safe_day", "years_here", "comment"])
    for i in range(5000):
        sheet.append(["resident", f"piraeus-{1 + i % 5}", "25-34", 1 + i % 5, i % 90, f"note {i}"])
    out = io.BytesIO()
    book.save(out)
    wave.questions.filter(required=True).exclude(code__in=["safe_day", "years_here"]).update(
        required=False
    )
    check = import_check(survey=wave, filename="big.xlsx", content=out.getvalue())
    assert check.errors == []
    assert len(check.rows) == 5000
    assert check.rows[4999].answers[-1].text == "note 4999"


@pytest.mark.django_db
def test_a_shared_strings_bomb_is_refused_before_it_is_unpacked(wave: Survey) -> None:
    strings = repeated(
        f'<sst xmlns="{MAIN}">'.encode(),
        b"<si><t>aaaaaaaaaaaaaaaaaa</t></si>",
        b"</sst>",
        160 * MiB,
    )
    bomb = package(sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), strings)
    assert len(bomb) < MiB
    check, peak = peak_while(lambda: import_check(survey=wave, filename="x.xlsx", content=bomb))
    assert [e.message for e in check.errors] == [
        "The workbook holds more than can be read at once: split it, or save it as CSV."
    ]
    assert peak < 2 * MiB  # openpyxl held gigabytes for this one, for minutes


@pytest.mark.django_db
def test_a_sheet_bomb_is_refused_before_it_is_unpacked(wave: Survey) -> None:
    rows = repeated(
        f'<worksheet xmlns="{MAIN}"><sheetData>'.encode(),
        b'<row><c t="inlineStr"><is><t>resident</t></is></c></row>',
        b"</sheetData></worksheet>",
        160 * MiB,
    )
    check, peak = peak_while(
        lambda: import_check(survey=wave, filename="x.xlsx", content=package(rows))
    )
    assert "more than can be read" in check.errors[0].message
    assert peak < 2 * MiB


def test_what_is_kept_stays_within_the_memory_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    # 20,000 small rows, each with one cell far to the right: 30 bytes of XML each, 4 kB kept.
    monkeypatch.setattr(workbooks, "MEMORY_BUDGET", 4 * MiB)
    far = "".join(f'<row r="{n}"><c r="SF{n}"><v>{n}</v></c></row>' for n in range(1, 20001))
    content = package(sheet_xml(far))

    def read_all() -> str:
        try:
            list(xlsx_rows(content, max_columns=500))
        except workbooks.WorkbookError as error:
            return str(error)
        return "read"

    outcome, peak = peak_while(read_all)
    assert "more than can be read" in outcome
    assert peak < 6 * MiB


def test_a_cell_longer_than_excel_allows_is_refused() -> None:
    long = sheet_xml(f'<row><c t="inlineStr"><is><t>{"x" * 40_000}</t></is></c></row>')
    with pytest.raises(workbooks.WorkbookError, match="32767 characters"):
        list(xlsx_rows(package(long), max_columns=10))


@pytest.mark.django_db
def test_reading_stops_past_the_row_limit(wave: Survey, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "MAX_ROWS", 10)
    many = "".join(f'<row><c t="inlineStr"><is><t>r{n}</t></is></c></row>' for n in range(5000))
    check = import_check(survey=wave, filename="x.xlsx", content=package(sheet_xml(many)))
    assert [e.message for e in check.errors] == ["The file has more than 10 rows."]


DTD_SHEET = b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY who "resident">]>' + sheet_xml(
    '<row><c t="inlineStr"><is><t>&who;</t></is></c></row>'
)
EXTERNAL_WORKBOOK = (
    f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
    f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
    '<sheet name="&ext;" sheetId="1" r:id="rId1"/></sheets></workbook>'
).encode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [
        package(DTD_SHEET),
        package(sheet_xml(""), workbook=EXTERNAL_WORKBOOK),
        package(sheet_xml('<row><c t="s"><v>7</v></c></row>'), b"<sst/>"),  # no such string
        package(sheet_xml('<row><c t="inlineStr"><is><t>&#xD800;</t></is></c></row>')),
        b"PK\x03\x04 not really a zip",
    ],
    ids=["dtd", "external-entity", "missing-string", "surrogate", "broken-zip"],
)
def test_an_unreadable_workbook_is_a_form_error_not_a_500(
    client: Client, wave: Survey, content: bytes
) -> None:
    client.force_login(user_with_role(Role.ANALYST))
    client.raise_request_exception = False
    upload = SimpleUploadedFile("wave.xlsx", content)
    refused = client.post(
        f"/surveys/staff/{wave.code}/import/", {"file": upload, "action": "check"}
    )
    assert refused.status_code == 400
    assert "The file is not a readable XLSX workbook." in refused.content.decode()
