"""The indicator dashboard and its CSV, for the council and the survey staff."""

import csv
from collections.abc import Iterable
from dataclasses import asdict

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from curim.accounts.roles import user_has_role
from surveys.changes import Change
from surveys.dashboard import dashboard_for, estimate_table
from surveys.models import IndicatorEstimate
from surveys.selectors import (
    ALL,
    ESTIMATE_READERS,
    ChangeFilter,
    changes_visible_to,
    estimates_visible_to,
)


@login_required
@require_safe
def survey_dashboard(request: HttpRequest) -> HttpResponse:
    """The indicator dashboard, for the council and the survey staff."""
    if not user_has_role(request.user, *ESTIMATE_READERS):
        raise Http404
    board = dashboard_for(request.user, request.GET.get("survey"), request.GET.get("indicator"))
    chart = {
        "byDistrict": [asdict(row) for row in board.by_district],
        "byGroup": [asdict(row) for row in board.by_group],
        "byWave": [asdict(row) for row in board.by_wave],
        "byChange": [asdict(row) for row in board.changes],
        "k": settings.SURVEY_MIN_CELL_SIZE,
    }
    k = settings.SURVEY_MIN_CELL_SIZE
    tables = {
        "district": estimate_table(
            board.by_district, _("District"), k, board.change_column, by="district"
        ),
        "group": estimate_table(board.by_group, _("Group"), k, board.change_column, by="group"),
        "wave": estimate_table(board.by_wave, _("Wave"), k),
    }
    context = {"board": board, "chart": chart, "k": k, "tables": tables}
    return render(request, "surveys/dashboard.html", context)


@login_required
@require_safe
def survey_estimates_csv(request: HttpRequest) -> HttpResponse:
    """The aggregated table (every wave, indicator, district and group), suppressed cells blank."""
    if not user_has_role(request.user, *ESTIMATE_READERS):
        raise Http404
    return estimates_csv(estimates_visible_to(request.user), "curim-survey-indicators.csv")


def estimates_csv(rows: Iterable[IndicatorEstimate], filename: str) -> HttpResponse:
    """Estimates as CSV, one row per cell; a suppressed cell's figures are blank."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
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
@require_safe
def survey_changes_csv(request: HttpRequest) -> HttpResponse:
    """The change of every cell shown in both waves, each wave against its series' baseline."""
    if not user_has_role(request.user, *ESTIMATE_READERS):
        raise Http404
    return changes_csv(changes_visible_to(request.user, ChangeFilter()), "curim-survey-changes.csv")


def changes_csv(changes: Iterable[Change], filename: str) -> HttpResponse:
    """Changes between waves as CSV, one row per cell shown in both waves."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(CHANGE_COLUMNS)
    for c in changes:
        writer.writerow(
            [
                c.survey_from,
                c.survey_to,
                c.indicator,
                c.area or ALL,
                c.group or ALL,
                c.estimate_from,
                c.estimate_to,
                c.change,
                c.std_error,
                c.ci_low,
                c.ci_high,
                "yes" if c.significant else "no",
                "yes" if c.comparable else "no",
            ]
        )
    return response


CHANGE_COLUMNS = [
    "survey_from",
    "survey_to",
    "indicator",
    "district",
    "group",
    "estimate_from",
    "estimate_to",
    "change",
    "std_error",
    "ci_low",
    "ci_high",
    "significant",
    "comparable",
]
