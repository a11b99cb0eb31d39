"""What every import page shows of a file it refused: the table of its errors (row, column,
problem; the first ERRORS_SHOWN) and the error summary's one line that leads to it. Used by the
record import pages, the official incidents' import and the survey responses' import."""

from collections.abc import Sequence
from typing import Protocol

from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from curim.core.templatetags.components import SummaryItem

ERRORS_SHOWN = 200


class FileError(Protocol):
    """An error of a file's row (1 is the header) and column ("" for the whole row or file)."""

    @property
    def row(self) -> int: ...

    @property
    def column(self) -> str: ...

    @property
    def message(self) -> str: ...


def import_errors_context(errors: Sequence[FileError]) -> dict[str, object]:
    """The template context of a file's errors, for `{% table %}` and the error summary."""
    rows = [
        [
            error.row,
            format_html("<code>{}</code>", error.column) if error.column else "—",
            error.message,
        ]
        for error in errors[:ERRORS_SHOWN]
    ]
    summary = ngettext(
        "The file has %(n)s error; nothing was imported.",
        "The file has %(n)s errors; nothing was imported.",
        len(errors),
    ) % {"n": len(errors)}
    return {
        "errors": errors,
        "error_rows": rows,
        "error_head": [_("Row"), _("Column"), _("Problem")],
        "error_items": [SummaryItem(summary, "#import-errors")] if errors else [],
    }
