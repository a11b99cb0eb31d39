"""The analyst's import of an official incident file (`/analytics/incidents/import/`): choose
the source, check the file (nothing is kept), import it (every row or none). A 404 for anybody
who may not import."""

from typing import cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from curim.accounts.models import User
from curim.analytics.incident_files import COLUMNS, MAX_BYTES, RowError
from curim.analytics.models import IncidentSource
from curim.analytics.selectors.incidents import (
    incident_imports_for,
    incident_sources_for,
    may_import_incidents,
)
from curim.analytics.services.incident_import import IncidentImportResult, incidents_import
from curim.core.import_errors import import_errors_context
from curim.core.templatetags.components import SummaryItem

TEMPLATE = "analytics/incident_import.html"


class SourceForm(forms.Form):
    source = forms.ModelChoiceField(
        queryset=IncidentSource.objects.none(),
        label=gettext_lazy("Source"),
        empty_label=None,
        error_messages={"required": gettext_lazy("Choose the source of the file.")},
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["source"].queryset = incident_sources_for(user)  # type: ignore[attr-defined]


def _page(
    request: HttpRequest, user: User, context: dict[str, object], status: int = 200
) -> HttpResponse:
    """The page, with the recent imports read last: an import just made is among them."""
    context["import_head"] = [
        _("When"),
        _("Source"),
        _("File"),
        _("Created"),
        _("Updated"),
        _("Unchanged"),
    ]
    context["import_rows"] = [
        [
            date_format(localtime(log.imported_at), "SHORT_DATETIME_FORMAT"),
            log.source.name,
            log.file_name,
            log.created_count,
            log.updated_count,
            log.unchanged_count,
        ]
        for log in incident_imports_for(user)
    ]
    return render(request, TEMPLATE, context, status=status)


def _summary(result: IncidentImportResult) -> dict[str, object]:
    return {
        "summary_head": [_("Rows"), _("Created"), _("Updated"), _("Unchanged")],
        "summary_rows": [[result.rows, result.created, result.updated, result.unchanged]],
    }


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def incident_import_page(request: HttpRequest) -> HttpResponse:
    if not may_import_incidents(request.user):
        raise Http404
    user = cast(User, request.user)
    form = SourceForm(request.POST or None, user=user)
    context: dict[str, object] = {
        "form": form,
        "columns": COLUMNS,
        "max_mb": MAX_BYTES // (1024 * 1024),
        "sources": incident_sources_for(user),
    }
    if request.method != "POST":
        return _page(request, user, context)
    upload = request.FILES.get("file")
    if not form.is_valid():
        context["error_items"] = [
            SummaryItem(str(error), "#id_source") for error in form.errors.get("source", [])
        ]
        return _page(request, user, context, status=400)
    if upload is None:
        context |= import_errors_context([RowError(0, "", _("Choose a file."))])
        return _page(request, user, context, status=400)
    dry_run = request.POST.get("action") != "import"
    result = incidents_import(
        source=form.cleaned_data["source"],
        file_name=upload.name or "",
        content=upload.read(MAX_BYTES + 1),
        imported_by=user,
        dry_run=dry_run,
    )
    if not result.ok:
        context |= import_errors_context(result.errors)
        return _page(request, user, context, status=400)
    context |= {"result": result, "saved": not dry_run, **_summary(result)}
    return _page(request, user, context)
