"""The secretary's export (CSV, XLSX) and import of recommendations and action items; a 404
for anybody who keeps no council's records."""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from councils.selectors.scopes import councils_kept_by
from councils.services.recommendation_io import ImportResult, recommendations_import
from councils.services.recommendation_table import ACTION_ITEM, COLUMNS, RECOMMENDATION, export_file
from curim.accounts.models import User
from curim.core.record_tables import MAX_BYTES, CellError
from curim.core.templatetags.components import SummaryItem

TEMPLATE = "councils/manage/recommendation_import.html"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _secretary(request: HttpRequest) -> User:
    if not councils_kept_by(request.user).exists():
        raise Http404
    return cast(User, request.user)


@login_required
@never_cache
@require_GET
def recommendations_export_csv(request: HttpRequest) -> HttpResponse:
    return _export_response(request, "csv")


@login_required
@never_cache
@require_GET
def recommendations_export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export_response(request, "xlsx")


def _export_response(request: HttpRequest, file_format: str) -> HttpResponse:
    user = _secretary(request)
    content = export_file(user=user, file_format=file_format)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="recommendations-{day}.{file_format}"'
    return response


def _errors_context(errors: list[CellError]) -> dict[str, object]:
    """The table of the errors (the first 200) and the error summary's line that leads to it."""
    rows = [
        [
            error.row,
            format_html("<code>{}</code>", error.column) if error.column else "—",
            error.message,
        ]
        for error in errors[:200]
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


def _summary_rows(result: ImportResult) -> list[list[object]]:
    names = {RECOMMENDATION: _("Recommendations"), ACTION_ITEM: _("Action items")}
    return [
        [names[kind], result.created[kind], result.updated[kind], result.unchanged[kind]]
        for kind in (RECOMMENDATION, ACTION_ITEM)
    ]


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def recommendations_import_page(request: HttpRequest) -> HttpResponse:
    """Check a file (nothing is kept) or import it: every row or none."""
    user = _secretary(request)
    context: dict[str, object] = {"columns": COLUMNS}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context |= _errors_context([CellError(1, "", _("Choose a file."))])
            return render(request, TEMPLATE, context, status=400)
        content = upload.read(MAX_BYTES + 1)
        result = recommendations_import(
            user=user,
            filename=upload.name or "",
            content=content,
            dry_run=request.POST.get("action") != "import",
        )
        context["filename"] = upload.name
        if not result.ok:
            context |= _errors_context(result.errors)
            return render(request, TEMPLATE, context, status=400)
        context |= {
            "result": result,
            "summary_rows": _summary_rows(result),
            "summary_head": [_("Records"), _("Created"), _("Updated"), _("Unchanged")],
        }
    return render(request, TEMPLATE, context)
