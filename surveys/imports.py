"""Importing responses from CSV or XLSX: every row checked first, then all stored or none.

The format (docs/surveys.md): the first row names the columns: `group`, `district`, optionally
`age_band` and `gender`, then question codes. One row per respondent. A Likert or number cell
holds the number; a choice cell the choice's code; a multiple-choice cell codes separated by
`;`; a district cell the district's code. Empty cells are unanswered. Rows are numbered as a
spreadsheet shows them: the header is row 1.
"""

import csv
import io
from collections.abc import Generator
from contextlib import closing
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from curim.core.workbooks import WorkbookError, xlsx_rows
from surveys.answers import PROFILE_FIELDS, Definition, Parsed, Raw, answers_parse
from surveys.models import QuestionKind, Survey

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 500
MULTIPLE_SEPARATOR = ";"


class FileFormatError(ValueError):
    """The file cannot be read as a table at all."""


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    message: str


@dataclass
class ImportCheck:
    rows: list[Parsed] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def import_check(*, survey: Survey, filename: str, content: bytes) -> ImportCheck:
    """Read and check a whole file; nothing is stored (the dry run)."""
    check = ImportCheck()
    try:
        header, table = _table(filename, content)
    except FileFormatError as error:
        check.errors.append(CellError(1, "", str(error)))
        return check
    definition = Definition.load(survey)
    known = definition.codes | set(PROFILE_FIELDS)
    for column in sorted({c for c in header if c not in known}):
        check.errors.append(
            CellError(1, column, _("There is no question with this code in the survey."))
        )
    if len(set(header)) != len(header):
        check.errors.append(CellError(1, "", _("A column name appears twice.")))
    if check.errors:
        return check
    multiple = {q.code for q in definition.questions if q.kind == QuestionKind.MULTIPLE}
    for number, cells in table:
        raw: dict[str, Raw] = {}
        for column, cell in zip(header, cells, strict=False):
            if column in multiple:
                raw[column] = [part for part in cell.split(MULTIPLE_SEPARATOR) if part.strip()]
            else:
                raw[column] = cell
        parsed = answers_parse(definition, raw, complete=True, unknown_allowed=False)
        check.rows.append(parsed)
        for column, messages in parsed.errors.items():
            check.errors.extend(CellError(number, column, message) for message in messages)
    if not check.rows:
        check.errors.append(CellError(2, "", _("The file has no rows below the header.")))
    return check


def _table(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if len(content) > MAX_BYTES:
        raise FileFormatError(_("The file is larger than 10 MB."))
    # Numbered as a spreadsheet shows them (from 1), blank rows skipped but counted; read no
    # further than one row past the limit.
    numbered: list[tuple[int, list[str]]] = []
    try:
        with closing(_numbered_rows(filename, content)) as rows:
            for number, row in rows:
                if any(cell.strip() for cell in row):
                    numbered.append((number, row))
                    if len(numbered) > MAX_ROWS + 1:
                        break
    except WorkbookError as error:
        raise FileFormatError(str(error)) from None
    if not numbered:
        raise FileFormatError(_("The file is empty."))
    if len(numbered) > MAX_ROWS + 1:
        raise FileFormatError(_("The file has more than %(n)d rows.") % {"n": MAX_ROWS})
    header = [cell.strip() for cell in numbered[0][1]]
    while header and not header[-1]:  # spreadsheets pad rows with empty cells
        header.pop()
    if not all(header):
        raise FileFormatError(_("Every column needs a name in the first row."))
    width = len(header)
    for _number, row in numbered[1:]:
        if any(cell.strip() for cell in row[width:]):
            raise FileFormatError(_("A row has more cells than the first row has names."))
    return header, [
        (number, [cell.strip() for cell in row[:width]]) for number, row in numbered[1:]
    ]


def _numbered_rows(filename: str, content: bytes) -> Generator[tuple[int, list[str]], None, None]:
    if filename.lower().endswith(".xlsx"):
        # Bounded in memory and time: a small XLSX can unpack into gigabytes.
        yield from xlsx_rows(content, max_columns=MAX_COLUMNS)
    elif filename.lower().endswith(".csv"):
        yield from enumerate(_csv_rows(content), start=1)
    else:
        raise FileFormatError(_("Give a .csv or .xlsx file."))


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileFormatError(_("The CSV file is not in UTF-8.")) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:
        raise FileFormatError(_("The CSV file cannot be read: %(e)s") % {"e": error}) from None
