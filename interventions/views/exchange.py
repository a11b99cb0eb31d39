"""Pages of the interventions: the export (CSV, XLSX) and import of the table of interventions
and their sessions, for those who record interventions (council secretaries, analysts,
admins); a 404 for everybody else."""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from curim.accounts.models import User
from curim.core.record_import_page import ImportPage, record_import_page, table_download
from interventions.selectors import user_edits
from interventions.services.exchange import interventions_import
from interventions.services.exchange_table import COLUMNS, INTERVENTION, SESSION, export_file


def _recorder(request: HttpRequest) -> User:
    if not user_edits(request.user):
        raise Http404
    return cast(User, request.user)


@login_required
@never_cache
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export_response(request, "csv")


@login_required
@never_cache
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export_response(request, "xlsx")


def _export_response(request: HttpRequest, file_format: str) -> HttpResponse:
    content = export_file(user=_recorder(request), file_format=file_format)
    return table_download(content, file_format=file_format, name="interventions")


def _page() -> ImportPage:
    return ImportPage(
        title=_("Import interventions and sessions"),
        intro=_(
            "Export the table, change it in a spreadsheet, and import it again: a row with a "
            "reference (and, for a session, its id) updates that record, a row without "
            "creates one. Importing the file as it was exported changes nothing."
        ),
        hint=_(
            "CSV (UTF-8) or XLSX, at most 5 MB, with the columns of the export. A session "
            "names an intervention already recorded: import a new intervention first, then its "
            "sessions under the reference it got. The geometry is WKT or GeoJSON in longitude "
            "and latitude (EPSG:4326); the status moves forward only, and an intervention "
            "becomes evaluated by its evaluation. Participants are counted per group, nobody "
            "is named. Nothing is stored unless every row is right."
        ),
        export_csv_url=reverse("interventions:export_csv"),
        export_xlsx_url=reverse("interventions:export_xlsx"),
        columns=COLUMNS,
        kinds={INTERVENTION: _("Interventions"), SESSION: _("Sessions")},
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Check a file (nothing is kept) or import it: every row or none."""
    user = _recorder(request)
    return record_import_page(
        request,
        _page(),
        lambda filename, content, dry_run: interventions_import(
            user=user, filename=filename, content=content, dry_run=dry_run
        ),
    )


urlpatterns = [
    path("interventions/manage/export.csv", export_csv, name="export_csv"),
    path("interventions/manage/export.xlsx", export_xlsx, name="export_xlsx"),
    path("interventions/manage/import/", import_page, name="import"),
]
