"""The survey staff's pages: the waves and their refresh, import, logged export, margins."""

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from curim.accounts.models import User
from curim.accounts.roles import user_has_role
from curim.core.import_errors import import_errors_context
from curim.core.templatetags.components import Column, SummaryItem
from surveys.exports import FORMATS
from surveys.imports import MAX_BYTES, CellError, import_check
from surveys.margins import margins_parse, margins_text
from surveys.models import Response, Survey
from surveys.selectors import (
    SURVEY_STAFF,
    RefreshStatus,
    estimate_counts,
    margins_of,
    margins_unmet,
    refresh_statuses,
    survey_for_staff,
    surveys_for_staff,
)
from surveys.services.exports import responses_export
from surveys.services.margins import margins_clear, margins_replace
from surveys.services.publication import (
    results_publication_problems,
    results_publish,
    results_withdraw,
)
from surveys.services.responses import responses_import
from surveys.views.frozen import frozen_page


@login_required
@require_safe
def survey_staff_list(request: HttpRequest) -> HttpResponse:
    """The survey staff's own list of waves: responses, refresh state, and what to do."""
    if not user_has_role(request.user, *SURVEY_STAFF):
        raise Http404
    waves = list(
        surveys_for_staff(request.user).annotate(
            complete=Count("responses", filter=Q(responses__status=Response.Status.COMPLETE))
        )
    )
    states = refresh_statuses(wave.pk for wave in waves)
    rows = [_wave_cells(wave, states.get(wave.pk)) for wave in waves]
    head = [
        Column(_("Wave")),
        Column(_("Status")),
        Column(_("Complete responses"), numeric=True),
        Column(_("Estimates")),
        Column(_("Work")),
    ]
    return render(request, "surveys/staff_list.html", {"rows": rows, "head": head})


def _wave_cells(wave: Survey, state: RefreshStatus | None) -> list[object]:
    """A wave's row of the staff's table: its name, status, responses, refresh and links."""
    title = format_html("{} <code>{}</code>", wave.title, wave.code)
    estimates: object = "—"
    if state is not None:
        lines = [state.label + (f" ({state.progress}%)" if state.state == "running" else "")]
        if state.refreshed_at:
            lines.append(date_format(localtime(state.refreshed_at), "DATETIME_FORMAT"))
        if state.state == "failed":
            lines.append(Truncator(state.error).chars(120))
        estimates = format_html_join(SafeString("<br>"), "{}", ((line,) for line in lines))
    links = [
        (reverse("surveys:paper", args=[wave.code]), _("Enter paper")),
        (reverse("surveys:import", args=[wave.code]), _("Import")),
        (reverse("surveys:export", args=[wave.code, "csv"]), "CSV"),
        (reverse("surveys:export", args=[wave.code, "xlsx"]), "XLSX"),
        (reverse("surveys:margins", args=[wave.code]), _("Population margins")),
        (
            reverse("surveys:publication", args=[wave.code]),
            _("Results: published") if wave.results_published else _("Publish the results"),
        ),
    ]
    work = format_html(
        '<ul class="govuk-list">{}</ul>',
        format_html_join("", '<li><a class="govuk-link" href="{}">{}</a></li>', links),
    )
    complete: int = getattr(wave, "complete", 0)
    return [title, wave.get_status_display(), complete, estimates, work]


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def survey_import(request: HttpRequest, code: str) -> HttpResponse:
    """Check a file (nothing is stored), or import it: every row or none."""
    survey = survey_for_staff(request.user, code)
    if survey.results_published:
        return frozen_page(request, survey)
    context: dict[str, object] = {"survey": survey}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            missing = [CellError(1, "", _("Choose a file."))]
            context |= import_errors_context(missing)
            return render(request, "surveys/import.html", context, status=400)
        content = upload.read(MAX_BYTES + 1)
        check = import_check(survey=survey, filename=upload.name or "", content=content)
        context |= {"check": check, "filename": upload.name}
        context |= import_errors_context(check.errors)
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
# GET only: a HEAD would build and log an export nobody receives.
@require_GET
def survey_export(request: HttpRequest, code: str, file_format: str) -> HttpResponse:
    """Raw responses for analysts (logged)."""
    survey = survey_for_staff(request.user, code)
    if file_format not in FORMATS:
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


def _margins_unmet_text() -> str:
    return _(
        "Raking could not meet all the saved margins together with this wave’s responses: the "
        "estimates use weights that meet the last margins raked (the age bands, else the "
        "genders) but not the others. Check the margins against the responses, for instance a "
        "district whose respondents are all of one gender."
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def survey_margins(request: HttpRequest, code: str) -> HttpResponse:
    """Population margins, as lines of district,gender,age_band,population; or none at all,
    by the separate "remove all" action (an empty form is refused, not taken for that)."""
    survey = survey_for_staff(request.user, code)
    if survey.results_published:
        return frozen_page(request, survey)
    text = margins_text(survey)
    errors: list[str] = []
    if request.method == "POST" and request.POST.get("action") == "clear":
        if margins_clear(survey=survey):
            messages.success(
                request, _("The margins are removed; the estimates will be unweighted.")
            )
        return redirect("surveys:staff")
    if request.method == "POST":
        text = request.POST.get("margins", "")
        lines, errors = margins_parse(text)
        if not errors:
            try:
                margins_replace(survey=survey, lines=lines)
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(
                    request, _("The margins are saved; the estimates will be reweighted.")
                )
                if margins_unmet(survey):
                    messages.warning(request, _margins_unmet_text())
                return redirect("surveys:staff")
    field = _("Margins")
    context = {
        "survey": survey,
        "text": text,
        "errors": errors,
        "error_items": [SummaryItem(f"{field}: {error}", "#id_margins") for error in errors],
        "has_margins": margins_of(survey).exists(),
        "unmet_warning": _margins_unmet_text() if margins_unmet(survey) else "",
    }
    return render(request, "surveys/margins.html", context, status=400 if errors else 200)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def survey_results_publication(request: HttpRequest, code: str) -> HttpResponse:
    """Publish a closed wave's results to everybody, or withdraw them; the page says what will
    be public and, when the wave cannot be published yet, why."""
    survey = survey_for_staff(request.user, code)
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "publish":
                results_publish(survey=survey, user=cast(User, request.user))
                messages.success(
                    request,
                    _("The results of %(wave)s are published.") % {"wave": survey.title},
                )
                return redirect("surveys:staff")
            if action == "withdraw":
                results_withdraw(survey=survey, user=cast(User, request.user))
                messages.success(
                    request,
                    _("The results of %(wave)s are withdrawn from the public.")
                    % {"wave": survey.title},
                )
                return redirect("surveys:staff")
            errors = [_("Choose to publish the results or to withdraw them.")]
        except ValidationError as error:
            errors = error.messages
    context = {
        "survey": survey,
        "problems": results_publication_problems(survey),
        "cells": estimate_counts(survey),
        "errors": errors,
        "error_items": [SummaryItem(error, "#publication") for error in errors],
        "k": settings.SURVEY_MIN_CELL_SIZE,
    }
    return render(request, "surveys/publication.html", context, status=400 if errors else 200)
