"""Survey pages for the council and the survey staff: dashboard, import, export, margins."""

import csv
from dataclasses import asdict
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from curim.accounts.models import User
from curim.accounts.roles import user_has_role
from surveys.dashboard import dashboard_for
from surveys.exports import responses_export
from surveys.imports import MAX_BYTES, CellError, import_check
from surveys.margins import margins_parse, margins_replace, margins_text
from surveys.models import Response, SurveyRefresh
from surveys.selectors import (
    ESTIMATE_READERS,
    SURVEY_STAFF,
    estimates_visible_to,
    survey_for_staff,
    surveys_for_staff,
)
from surveys.services import responses_import


@login_required
def survey_dashboard(request: HttpRequest) -> HttpResponse:
    """The indicator dashboard, for the council and the survey staff."""
    if not user_has_role(request.user, *ESTIMATE_READERS):
        raise Http404
    board = dashboard_for(request.user, request.GET.get("survey"), request.GET.get("indicator"))
    chart = {
        "byDistrict": [asdict(row) for row in board.by_district],
        "byGroup": [asdict(row) for row in board.by_group],
        "byWave": [asdict(row) for row in board.by_wave],
        "k": settings.SURVEY_MIN_CELL_SIZE,
    }
    context = {"board": board, "chart": chart, "k": settings.SURVEY_MIN_CELL_SIZE}
    return render(request, "surveys/dashboard.html", context)


@login_required
def survey_estimates_csv(request: HttpRequest) -> HttpResponse:
    """The aggregated table (every wave, indicator, district and group), suppressed cells blank."""
    rows = estimates_visible_to(request.user)
    if not user_has_role(request.user, *ESTIMATE_READERS):
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="curim-survey-indicators.csv"'
    writer = csv.writer(response)
    writer.writerow(ESTIMATE_COLUMNS)
    for e in rows:
        writer.writerow(
            [
                e.survey.code,
                e.indicator.code,
                e.area.code if e.area else "all",
                e.group or "all",
                "yes" if e.suppressed else "no",
                *(
                    "" if value is None else value
                    for value in (e.n, e.estimate, e.std_error, e.ci_low, e.ci_high, e.effective_n)
                ),
                "yes" if e.weighted else "no",
            ]
        )
    return response


ESTIMATE_COLUMNS = [
    "survey",
    "indicator",
    "district",
    "group",
    "suppressed",
    "n",
    "estimate",
    "std_error",
    "ci_low",
    "ci_high",
    "effective_n",
    "weighted",
]


@login_required
def survey_staff_list(request: HttpRequest) -> HttpResponse:
    """The survey staff's own list of waves: responses, refresh state, and what to do."""
    if not user_has_role(request.user, *SURVEY_STAFF):
        raise Http404
    waves = surveys_for_staff(request.user).annotate(
        complete=Count("responses", filter=Q(responses__status=Response.Status.COMPLETE))
    )
    states = {r.survey_id: r for r in SurveyRefresh.objects.filter(survey__in=waves)}
    rows = [(wave, states.get(wave.pk)) for wave in waves]
    return render(request, "surveys/staff_list.html", {"rows": rows})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def survey_import(request: HttpRequest, code: str) -> HttpResponse:
    """Check a file (nothing is stored), or import it: every row or none."""
    survey = survey_for_staff(request.user, code)
    context: dict[str, object] = {"survey": survey}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["errors"] = [CellError(1, "", _("Choose a file."))]
            return render(request, "surveys/import.html", context, status=400)
        content = upload.read(MAX_BYTES + 1)
        check = import_check(survey=survey, filename=upload.name or "", content=content)
        context.update(check=check, filename=upload.name, errors=check.errors)
        if not check.ok:
            return render(request, "surveys/import.html", context, status=400)
        if request.POST.get("action") == "import":
            batch = responses_import(
                survey=survey,
                rows=check.rows,
                filename=upload.name or "upload",
                imported_by=cast(User, request.user),
            )
            messages.success(
                request,
                _("Imported %(n)d responses from %(file)s.")
                % {"n": batch.rows, "file": batch.filename},
            )
            return redirect("surveys:staff")
    return render(request, "surveys/import.html", context)


@login_required
@never_cache
def survey_export(request: HttpRequest, code: str, file_format: str) -> HttpResponse:
    """Raw responses for analysts (logged)."""
    survey = survey_for_staff(request.user, code)
    if file_format not in ("csv", "xlsx"):
        raise Http404
    content, _rows = responses_export(
        survey=survey, user=cast(User, request.user), file_format=file_format
    )
    kind = (
        "text/csv; charset=utf-8"
        if file_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = (
        f'attachment; filename="{survey.code}-responses.{file_format}"'
    )
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def survey_margins(request: HttpRequest, code: str) -> HttpResponse:
    """Population margins, as lines of district,gender,age_band,population."""
    survey = survey_for_staff(request.user, code)
    text = margins_text(survey)
    errors: list[str] = []
    if request.method == "POST":
        text = request.POST.get("margins", "")
        lines, errors = margins_parse(text)
        if not errors:
            margins_replace(survey=survey, lines=lines)
            messages.success(request, _("The margins are saved; the estimates will be reweighted."))
            return redirect("surveys:staff")
    context = {"survey": survey, "text": text, "errors": errors}
    return render(request, "surveys/margins.html", context, status=400 if errors else 200)
