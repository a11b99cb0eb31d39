"""Importing a table of records all or nothing (the council's recommendations, the
interventions): the file read and its header checked, every row checked by the app, then all
written through the app's services in one transaction, or none; and the checks of a cell that
every such table makes. Each app keeps its columns, its checks of a row and its writes."""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from curim.core.record_tables import CellError, FileFormatError
from curim.core.spreadsheet import FORMULA_STARTS

SURROGATE = re.compile("[\ud800-\udfff]")
EXCEL_EPOCH = date(1899, 12, 30)

# A file's header and its numbered rows, as `record_tables.table_read` gives them.
Table = tuple[list[str], list[tuple[int, list[str]]]]
# A row of the file by its number, each cell under its column's name.
Record = tuple[int, dict[str, str]]


@dataclass
class ImportResult:
    """The errors by row and column, or what was (or, in a check, would be) created, updated
    and left unchanged, by kind of record."""

    errors: list[CellError] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    saved: bool = False

    @classmethod
    def counting(cls, *kinds: str) -> "ImportResult":
        """A result with nothing done yet to records of these kinds."""
        return cls(
            created=dict.fromkeys(kinds, 0),
            updated=dict.fromkeys(kinds, 0),
            unchanged=dict.fromkeys(kinds, 0),
        )

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ImportTable:
    """An app's table as its import reads it: its columns, its reader (within the table's
    bounds), the check of its header, and the column under which a service's error about a
    model field is shown when the field is not itself a column ("" for none)."""

    columns: Sequence[str]
    read: Callable[[str, bytes], Table]
    header_errors: Callable[[list[str]], list[CellError]]
    field_columns: Mapping[str, str]


class CheckedRow(Protocol):
    @property
    def number(self) -> int: ...


Row = TypeVar("Row", bound=CheckedRow)


class RowCheck:
    """Collects the errors of one row, by column."""

    def __init__(self, number: int, errors: list[CellError]) -> None:
        self.number, self.errors = number, errors

    def add(self, column: str, message: str) -> None:
        self.errors.append(CellError(self.number, column, message))


def text_in(value: str) -> str:
    """A cell's text without the apostrophe the export put before a formula's first sign."""
    if len(value) > 1 and value[0] == "'" and value[1:2] in FORMULA_STARTS:
        return value[1:]
    return value


def date_in(value: str) -> date:
    """A date written as YYYY-MM-DD, as a spreadsheet's serial day or as a midnight time;
    a ValueError or an OverflowError otherwise."""
    text = value.strip()
    if text.isdigit() and len(text) <= 6:  # a spreadsheet's serial day number
        return EXCEL_EPOCH + timedelta(days=int(text))
    if len(text) > 10 and text[10:] in ("T00:00:00", " 00:00:00"):
        text = text[:10]
    return date.fromisoformat(text)


def same_text(stored: str, given: str) -> bool:
    """Equal but for line endings, spaces at the ends and characters a workbook cannot hold."""

    def plain(text: str) -> str:
        return ILLEGAL_CHARACTERS_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()

    return plain(stored) == plain(given)


def cells_clean(check: RowCheck, values: dict[str, str]) -> bool:
    """Whether every cell is text the database takes (no NUL, no lone surrogate)."""
    clean = True
    for column, value in values.items():
        if "\x00" in value:
            check.add(column, _("The cell holds a NUL character."))
            clean = False
        elif SURROGATE.search(value):
            check.add(column, _("The cell holds a character that is not valid text."))
            clean = False
    return clean


def _service_errors(number: int, error: ValidationError, table: ImportTable) -> list[CellError]:
    """A service's refusal of a row, each message under the column of its field (a field
    named in the table's `field_columns` under the column given there, one that is no column
    under none)."""
    if not hasattr(error, "error_dict"):
        return [CellError(number, "", message) for message in error.messages]
    found = []
    for name, messages in error.message_dict.items():
        column = table.field_columns.get(name, name if name in table.columns else "")
        if name == NON_FIELD_ERRORS:
            column = ""
        found += [CellError(number, column, message) for message in messages]
    return found


def records_import(
    result: ImportResult,
    table: ImportTable,
    *,
    filename: str,
    content: bytes,
    rows_checked: Callable[[list[Record]], list[Row]],
    write: Callable[[Row], None],
    dry_run: bool,
) -> ImportResult:
    """Read the file, check its header, then `rows_checked` checks every row (adding its
    errors to `result.errors`); with no error anywhere, `write` writes each row, all in one
    transaction that is rolled back at the first refusal or for a check (`dry_run`). Errors
    come by row, then in the order of the columns."""
    _import_into(result, table, filename, content, rows_checked, write, dry_run=dry_run)
    order = {name: index for index, name in enumerate(table.columns)}
    result.errors.sort(key=lambda e: (e.row, order.get(e.column, -1)))
    return result


def _records(
    header: list[str], numbered: list[tuple[int, list[str]]], result: ImportResult
) -> list[Record]:
    """Each row's cells under the header's names; an error for a row longer than the header."""
    width = len(header)
    records: list[Record] = []
    for number, cells in numbered:
        if any(cell.strip() for cell in cells[width:]):
            result.errors.append(CellError(number, "", _("The row has cells without a column.")))
            continue
        padded = [*cells[:width], *[""] * (width - len(cells))]
        records.append((number, dict(zip(header, padded, strict=True))))
    if not records and not result.errors:
        result.errors.append(CellError(2, "", _("The file has no rows below the header.")))
    return records


def _import_into(
    result: ImportResult,
    table: ImportTable,
    filename: str,
    content: bytes,
    rows_checked: Callable[[list[Record]], list[Row]],
    write: Callable[[Row], None],
    *,
    dry_run: bool,
) -> None:
    try:
        header, numbered = table.read(filename, content)
    except FileFormatError as error:
        result.errors.append(CellError(1, "", str(error)))
        return
    result.errors += table.header_errors(header)
    if result.errors:
        return
    records = _records(header, numbered, result)
    if result.errors:
        return
    rows = rows_checked(records)
    if result.errors:
        return
    with transaction.atomic():
        for row in rows:
            try:
                with transaction.atomic():
                    write(row)
            except ValidationError as error:
                result.errors += _service_errors(row.number, error, table)
            except DatabaseError:
                result.errors.append(
                    CellError(row.number, "", _("The row could not be saved as it is."))
                )
        if result.errors or dry_run:
            transaction.set_rollback(True)
    result.saved = not result.errors and not dry_run
