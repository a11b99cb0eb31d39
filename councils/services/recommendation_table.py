"""The table of a council's recommendations and action items, as CSV or XLSX: its columns,
the export, and reading an uploaded file into numbered rows (the import checks and writes them:
`recommendation_io`).

One row per record: a recommendation's row, then a row per action item, with the same columns
both ways (`COLUMNS`). Text a spreadsheet would take for a formula is written with a leading
apostrophe, which the import takes off again.
"""

import csv
import io
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from councils.models import ActionItem, Recommendation
from councils.selectors.scopes import councils_kept_by
from curim.accounts.models import User
from curim.core.spreadsheet import formula_defused
from curim.core.workbooks import WorkbookError, xlsx_rows

FORMATS = ("csv", "xlsx")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 50
SHEET = "recommendations"
RECOMMENDATION = "recommendation"
ACTION_ITEM = "action_item"
ADDRESSEE_SEPARATOR = ";"

COLUMNS = (
    "row_type",  # recommendation | action_item
    "council",  # the council's code (slug)
    "reference",
    "item_id",  # an action item's own id; empty on a recommendation's row, or a new item
    "title_en",
    "title_el",
    "text_en",
    "text_el",
    "rationale_en",
    "rationale_el",
    "priority",
    "addressees",  # organisation codes, separated by ";"
    "owner_organisation",  # an organisation code
    "weight",
    "due_on",  # YYYY-MM-DD
    "status",
    "status_note",  # the note of a change of status (the public reads it)
)
RECOMMENDATION_ONLY = (
    "text_en",
    "text_el",
    "rationale_en",
    "rationale_el",
    "priority",
    "addressees",
)
ITEM_ONLY = ("item_id", "owner_organisation", "weight")
TEXTS = ("title_en", "title_el", "text_en", "text_el", "rationale_en", "rationale_el")


class FileFormatError(ValueError):
    """The file cannot be read as the table at all."""


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    message: str


# --- Export ------------------------------------------------------------------------------------
def recommendations_kept_by(user: User) -> QuerySet[Recommendation]:
    """Every recommendation (whatever its status) of the councils the user keeps as secretary."""
    return Recommendation.objects.filter(council__in=councils_kept_by(user).values("pk"))


def _text_out(value: str) -> str:
    # Text must not become a formula in a spreadsheet (CSV injection); the import takes the
    # apostrophe added here off again, so that a round trip changes nothing.
    return formula_defused(value) if value else value


def export_rows(user: User) -> Iterator[list[Any]]:
    """The table's rows (without the header): each recommendation, then its action items."""
    recommendations = (
        recommendations_kept_by(user)
        .select_related("council")
        .prefetch_related("addressees")
        .order_by("council__slug", "reference")
    )
    items: dict[int, list[ActionItem]] = {}
    for item in (
        ActionItem.objects.filter(recommendation__in=recommendations.values("pk"))
        .select_related("owner_organisation")
        .order_by("pk")
    ):
        items.setdefault(item.recommendation_id, []).append(item)
    for r in recommendations:
        addressees = sorted(str(o.public_id) for o in r.addressees.all())
        values: dict[str, Any] = {
            "row_type": RECOMMENDATION,
            "council": r.council.slug,
            "reference": r.reference,
            **{name: _text_out(getattr(r, name)) for name in TEXTS},
            "priority": r.priority,
            "addressees": ADDRESSEE_SEPARATOR.join(addressees),
            "due_on": r.due_on.isoformat() if r.due_on else "",
            "status": r.status,
        }
        yield [values.get(name, "") for name in COLUMNS]
        for item in items.get(r.pk, []):
            values = {
                "row_type": ACTION_ITEM,
                "council": r.council.slug,
                "reference": r.reference,
                "item_id": item.pk,
                "title_en": _text_out(item.title_en),
                "title_el": _text_out(item.title_el),
                "owner_organisation": str(item.owner_organisation.public_id),
                "weight": item.weight if item.weight is not None else "",
                "due_on": item.due_on.isoformat() if item.due_on else "",
                "status": item.status,
            }
            yield [values.get(name, "") for name in COLUMNS]


def export_file(*, user: User, file_format: str) -> bytes:
    """The table as CSV (UTF-8 with a BOM, for spreadsheets) or XLSX."""
    rows = export_rows(user)
    if file_format == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(SHEET)
        sheet.append(list(COLUMNS))
        for row in rows:
            sheet.append(
                [
                    float(v)
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
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig")


# --- Reading a file ----------------------------------------------------------------------------
def _numbered_rows(filename: str, content: bytes) -> Generator[tuple[int, list[str]], None, None]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        yield from xlsx_rows(content, max_columns=MAX_COLUMNS)
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


def read_table(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the numbered rows (as a spreadsheet numbers them; blank rows skipped)."""
    if len(content) > MAX_BYTES:
        raise FileFormatError(_("The file is larger than 5 MB."))
    numbered: list[tuple[int, list[str]]] = []
    try:
        with closing(_numbered_rows(filename, content)) as rows:
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


def header_errors(header: list[str]) -> list[CellError]:
    errors = []
    missing = [name for name in COLUMNS if name not in header]
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
    for name in sorted({name for name in header if name not in COLUMNS}):
        errors.append(CellError(1, name[:60], _("Not a column of this table.")))
    if len(set(header)) != len(header):
        errors.append(CellError(1, "", _("A column name appears twice.")))
    return errors
