"""The table of a council's recommendations and action items, as CSV or XLSX: its columns,
the export, and reading an uploaded file into numbered rows (the import checks and writes them:
`recommendation_io`).

One row per record: a recommendation's row, then a row per action item, with the same columns
both ways (`COLUMNS`). Text a spreadsheet would take for a formula is written with a leading
apostrophe, which the import takes off again.
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from councils.models import ActionItem, Recommendation
from councils.selectors.scopes import councils_kept_by
from curim.accounts.models import User
from curim.core.record_tables import (
    CellError,
    table_file,
    table_header_errors,
    table_read,
    text_out,
)

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


# --- Export ------------------------------------------------------------------------------------
def recommendations_kept_by(user: User) -> QuerySet[Recommendation]:
    """Every recommendation (whatever its status) of the councils the user keeps as secretary."""
    return Recommendation.objects.filter(council__in=councils_kept_by(user).values("pk"))


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
            **{name: text_out(getattr(r, name)) for name in TEXTS},
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
                "title_en": text_out(item.title_en),
                "title_el": text_out(item.title_el),
                "owner_organisation": str(item.owner_organisation.public_id),
                "weight": item.weight if item.weight is not None else "",
                "due_on": item.due_on.isoformat() if item.due_on else "",
                "status": item.status,
            }
            yield [values.get(name, "") for name in COLUMNS]


def export_file(*, user: User, file_format: str) -> bytes:
    """The table as CSV (UTF-8 with a BOM, for spreadsheets) or XLSX."""
    return table_file(
        columns=COLUMNS,
        rows=export_rows(user),
        sheet_name=SHEET,
        file_format=file_format,
        decimal=float,
    )


# --- Reading a file ----------------------------------------------------------------------------
def read_table(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the numbered rows (as a spreadsheet numbers them; blank rows skipped)."""
    return table_read(filename, content, max_columns=MAX_COLUMNS)


def header_errors(header: list[str]) -> list[CellError]:
    return table_header_errors(header, COLUMNS)
