"""The secretary's export (CSV, XLSX) and import of recommendations and action items; a 404
for anybody who keeps no council's records."""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from councils.selectors.scopes import councils_kept_by
from councils.services.recommendation_io import recommendations_import
from councils.services.recommendation_table import ACTION_ITEM, COLUMNS, RECOMMENDATION, export_file
from curim.accounts.models import User
from curim.core.record_import_page import ImportPage, record_import_page, table_download


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
    content = export_file(user=_secretary(request), file_format=file_format)
    return table_download(content, file_format=file_format, name="recommendations")


def _page() -> ImportPage:
    return ImportPage(
        title=_("Import recommendations and action items"),
        intro=_(
            "Export the table, change it in a spreadsheet, and import it again: a row with a "
            "reference (and, for an action item, its id) updates that record, a row without "
            "creates one. Importing the file as it was exported changes nothing."
        ),
        hint=_(
            "CSV (UTF-8) or XLSX, at most 5 MB, with the columns of the export. A change of "
            "status follows the workflow and takes its note from the status_note column; a "
            "recommendation is adopted in a meeting, not here. Nothing is stored unless every "
            "row is right."
        ),
        export_csv_url=reverse("councils:recommendations_export_csv"),
        export_xlsx_url=reverse("councils:recommendations_export_xlsx"),
        columns=COLUMNS,
        kinds={RECOMMENDATION: _("Recommendations"), ACTION_ITEM: _("Action items")},
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def recommendations_import_page(request: HttpRequest) -> HttpResponse:
    """Check a file (nothing is kept) or import it: every row or none."""
    user = _secretary(request)
    return record_import_page(
        request,
        _page(),
        lambda filename, content, dry_run: recommendations_import(
            user=user, filename=filename, content=content, dry_run=dry_run
        ),
    )
