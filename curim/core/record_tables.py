"""The tables of records that staff export and import as CSV or XLSX (the council's
recommendations, the interventions): writing a table, reading a file back as a header and
numbered rows within bounds, and the errors of a file or of one cell. Each app keeps its own
columns and rows; what a file is and how it is read is the same for all of them."""

import csv
import io
from collections.abc import Callable, Generator, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from curim.core.spreadsheet import formula_defused
from curim.core.workbooks import WorkbookError, xlsx_rows

FORMATS = ("csv", "xlsx")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000


class FileFormatError(ValueError):
    """The file cannot be read as the table at all."""


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    message: str


def text_out(value: str) -> str:
    # Text must not become a formula in a spreadsheet (CSV injection); the import takes the
    # apostrophe added here off again, so that a round trip changes nothing.
    return formula_defused(value) if value else value


def table_file(
    *,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sheet_name: str,
    file_format: str,
    decimal: Callable[[Decimal], Any],
) -> bytes:
    """The table as CSV (UTF-8 with a BOM, for spreadsheets) or XLSX (decimals written as
    `decimal` makes them)."""
    if file_format == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(sheet_name)
        sheet.append(list(columns))
        for row in rows:
            sheet.append(
                [
                    decimal(v)
                    if isinstance(v, Decimal)
                    else ILLEGAL_CHARACTERS_RE.sub("", v)
                    if isinstance(v, str)
                    else v
                    for v in row
                ]
            )
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(columns)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def _numbered_rows(
    filename: str, content: bytes, max_columns: int
) -> Generator[tuple[int, list[str]], None, None]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        yield from xlsx_rows(content, max_columns=max_columns)
    elif name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileFormatError(
                _("The CSV file is not in UTF-8: save it as “CSV UTF-8” and try again.")
            ) from None
        try:
            dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            yield from enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1)
        except csv.Error as error:
            raise FileFormatError(
                _("The CSV file cannot be read: %(e)s") % {"e": str(error)[:200]}
            ) from None
    else:
        raise FileFormatError(_("Give a .csv or .xlsx file."))


def table_read(
    filename: str, content: bytes, *, max_columns: int
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the numbered rows (as a spreadsheet numbers them; blank rows skipped)."""
    if len(content) > MAX_BYTES:
        raise FileFormatError(_("The file is larger than 5 MB."))
    numbered: list[tuple[int, list[str]]] = []
    try:
        with closing(_numbered_rows(filename, content, max_columns)) as rows:
            for number, row in rows:
                if any(cell.strip() for cell in row):
                    numbered.append((number, row))
                    if len(numbered) > MAX_ROWS + 1:
                        raise FileFormatError(
                            _("The file has more than %(n)d rows.") % {"n": MAX_ROWS}
                        )
    except WorkbookError as error:
        raise FileFormatError(str(error)) from None
    if not numbered:
        raise FileFormatError(_("The file is empty."))
    header = [cell.strip() for cell in numbered[0][1]]
    while header and not header[-1]:
        header.pop()
    return header, numbered[1:]


def table_header_errors(header: list[str], columns: Sequence[str]) -> list[CellError]:
    """What is wrong with a file's header: columns missing, unknown or named twice."""
    errors = []
    missing = [name for name in columns if name not in header]
    if missing:
        errors.append(
            CellError(
                1,
                "",
                _(
                    "Columns missing: %(names)s. The first sheet must be the table as the export "
                    "writes it."
                )
                % {"names": ", ".join(missing)},
            )
        )
    for name in sorted({name for name in header if name not in columns}):
        errors.append(CellError(1, name[:60], _("Not a column of this table.")))
    if len(set(header)) != len(header):
        errors.append(CellError(1, "", _("A column name appears twice.")))
    return errors
