"""The page that exports and imports a table of records (the council's recommendations, the
interventions): the file to download, and the import page that checks a file (nothing kept)
or imports it, every row or none, shown with `templates/components/record_import.html`. Each
app's view decides who may use it, and names its texts, its kinds of records and its import."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from curim.core.import_errors import import_errors_context
from curim.core.record_imports import ImportResult
from curim.core.record_tables import MAX_BYTES, CellError

TEMPLATE = "components/record_import.html"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def table_download(content: bytes, *, file_format: str, name: str) -> HttpResponse:
    """The exported table as a file named after the table and today (`name-2026-12-04.csv`)."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{day}.{file_format}"'
    return response


@dataclass(frozen=True)
class ImportPage:
    """What an import page says: its title, the text under it, the file field's hint, where
    the table is exported, the columns, and each kind of record by the name shown."""

    title: str
    intro: str
    hint: str
    export_csv_url: str
    export_xlsx_url: str
    columns: Sequence[str]
    kinds: dict[str, str]


# Runs the import of a file (its name and content); a check (dry run) when the flag is true.
Importer = Callable[[str, bytes, bool], ImportResult]


def _summary_rows(result: ImportResult, kinds: dict[str, str]) -> list[list[object]]:
    return [
        [name, result.created[kind], result.updated[kind], result.unchanged[kind]]
        for kind, name in kinds.items()
    ]


def record_import_page(request: HttpRequest, page: ImportPage, run: Importer) -> HttpResponse:
    """The import page; on a POST, the file checked (or imported, with the Import button),
    with its errors by row and column (a 400) or what the import did or would do."""
    context: dict[str, object] = {"page": page, "columns": page.columns}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context |= import_errors_context([CellError(1, "", _("Choose a file."))])
            return render(request, TEMPLATE, context, status=400)
        content = upload.read(MAX_BYTES + 1)
        result = run(upload.name or "", content, request.POST.get("action") != "import")
        context["filename"] = upload.name
        if not result.ok:
            context |= import_errors_context(result.errors)
            return render(request, TEMPLATE, context, status=400)
        context |= {
            "result": result,
            "summary_rows": _summary_rows(result, page.kinds),
            "summary_head": [_("Records"), _("Created"), _("Updated"), _("Unchanged")],
        }
    return render(request, TEMPLATE, context)
