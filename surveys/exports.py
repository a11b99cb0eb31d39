"""Raw responses of a wave as a CSV or XLSX file, safe to open in a spreadsheet.

The rows come from `selectors.responses_table_rows` (one per complete response: its id, source,
completion date, profile, then one column per question code, multiple choices joined by `;`,
the same layout the import reads); `services.exports.responses_export` logs every export.
"""

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from curim.core.spreadsheet import formula_defused

FORMATS = ("csv", "xlsx")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?")


def defused(value: Any) -> Any:
    # Respondents' free text must not become a formula in a spreadsheet (CSV injection); a
    # number (-3) stays a number, and characters a workbook cannot hold are dropped.
    if not isinstance(value, str) or NUMBER.fullmatch(value):
        return value
    return formula_defused(ILLEGAL_CHARACTERS_RE.sub("", value))


def _cell(value: Any) -> Any:
    """A workbook cell: numbers as numbers."""
    if isinstance(value, str) and NUMBER.fullmatch(value):
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


def table_file(
    *, columns: list[str], rows: Iterable[list[Any]], file_format: str, sheet: str
) -> bytes:
    """The table as a file; `rows` must already be defused."""
    if file_format == "xlsx":
        book = Workbook(write_only=True)
        worksheet = book.create_sheet(sheet[:31])
        worksheet.append(columns)
        for row in rows:
            worksheet.append([_cell(value) for value in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(columns)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig")
