"""The council's dashboard (`/council/dashboard/`) and the CSV of each of its figures, for
council members, the secretary, analysts and admins; a 404 for everybody else."""

import csv
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from councils import dashboard as board
from curim.accounts.models import User
from curim.accounts.roles import user_has_role
from curim.reports.selectors import COUNCIL_FIGURE_READERS
from curim.reports.statistics import months_from_to

TEMPLATE = "councils/dashboard.html"


def _filter_form(request: HttpRequest) -> board.DashboardFilterForm:
    if not user_has_role(request.user, *COUNCIL_FIGURE_READERS):
        raise Http404
    return board.DashboardFilterForm(
        request.GET, districts=board.districts(), today=timezone.localdate()
    )


def _valid_filter(form: board.DashboardFilterForm) -> board.Filter | None:
    """The filter, or None when the form says what is wrong (empty fields take the defaults:
    the last 12 complete months, all districts, the period's last year)."""
    return board.filter_of(form) if form.is_valid() else None


@login_required
@require_safe
def council_dashboard(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    which = _valid_filter(form)
    if which is None:
        return render(request, TEMPLATE, {"form": form}, status=400)
    user = request.user
    today = timezone.localdate()
    figures = board.report_figures(user, which)
    places = board.night_places(user, which)
    changes = board.indicator_changes(user, which)
    by_status = board.recommendations_by_status(user)
    panels = board.analytics_panels(user, which)
    tables = {
        "report_changes": board.report_changes_table(figures),
        "report_counts": board.report_counts_table(figures),
        "night_places": board.night_places_table(places),
        "indicator_changes": board.indicator_changes_table(changes),
        "victim_support": board.victim_support_table(which.year),
        "recommendations": board.recommendations_table(by_status),
        "overdue_actions": board.overdue_action_items_table(user, today),
        "hot_cells": board.hot_cells_table(panels),
        "risk_areas": board.risk_areas_table(panels),
        "cyber_alerts": board.cyber_alerts_table(panels),
        "forecasts": board.forecasts_table(panels),
        "interventions": board.interventions_table(board.intervention_rows(user, which)),
    }
    chart = {
        "months": [f"{m:%Y-%m}" for m in months_from_to(which.first_month, which.last_month)],
        "reports": [
            {
                "label": board.group_name(s.group),
                "group": s.group,
                "counts": [m.count for m in s.months],
                "rolling": [m.rolling_12 for m in s.months],
            }
            for s in figures.series
        ],
        "night": [
            {"label": f"{rank}. {p.district.name if p.district else ''}", "feeling": p.feeling}
            for rank, p in enumerate(places, start=1)
        ],
        "changes": [
            {
                "label": f"{c.indicator} · {c.district_name} ({c.survey_to})",
                "change": c.change,
                "ci_low": c.ci_low,
                "ci_high": c.ci_high,
            }
            for c in changes
        ],
        "victims": [
            {"label": row[2], "count": row[3] if row[3] != "" else None}
            for row in tables["victim_support"].csv[1:]
            if row[1] == "month"
        ],
        "recommendations": [{"label": label, "count": n} for _v, label, n in by_status],
        "forecasts": [
            {
                "label": f"{board.forecast_place(f)} · {board.group_name(f.group)}",
                "total": f.total,
                "lower": f.lower,
                "upper": f.upper,
            }
            for f in (panels.forecast.rows if panels.forecast else [])
            if f.total is not None
        ],
    }
    context = {
        "form": form,
        "which": which,
        "figures": figures,
        "tables": tables,
        "chart": chart,
        "panels": panels,
        "victims_year": board.victim_support_year(which.year),
    }
    return render(request, TEMPLATE, context)


def _csv(filename: str, rows: list[list[object]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    csv.writer(response).writerows(rows)
    return response


TableOf = Callable[[User | AnonymousUser, board.Filter], board.Table]

CSV_FIGURES: dict[str, TableOf] = {
    "report-changes": lambda u, w: board.report_changes_table(board.report_figures(u, w)),
    "report-counts": lambda u, w: board.report_counts_table(board.report_figures(u, w)),
    "night-places": lambda u, w: board.night_places_table(board.night_places(u, w)),
    "indicator-changes": lambda u, w: board.indicator_changes_table(board.indicator_changes(u, w)),
    "victim-support": lambda _u, w: board.victim_support_table(w.year),
    "recommendations": lambda u, _w: board.recommendations_table(
        board.recommendations_by_status(u)
    ),
    "overdue-actions": lambda u, _w: board.overdue_action_items_table(u, timezone.localdate()),
    "hot-cells": lambda u, w: board.hot_cells_table(board.analytics_panels(u, w)),
    "risk-areas": lambda u, w: board.risk_areas_table(board.analytics_panels(u, w)),
    "cyber-alerts": lambda u, w: board.cyber_alerts_table(board.analytics_panels(u, w)),
    "forecasts": lambda u, w: board.forecasts_table(board.analytics_panels(u, w)),
    "interventions": lambda u, w: board.interventions_table(board.intervention_rows(u, w)),
}


def council_dashboard_csv(figure: str) -> Callable[[HttpRequest], HttpResponse]:
    """The view of one figure's table as CSV, for the same filter as the page (its query
    string); a 400 saying what is wrong with a bad filter."""

    @login_required
    @require_safe
    def view(request: HttpRequest) -> HttpResponse:
        form = _filter_form(request)
        which = _valid_filter(form)
        if which is None:
            errors = "; ".join(
                f"{name}: {' '.join(str(m) for m in found)}" for name, found in form.errors.items()
            )
            return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
        table = CSV_FIGURES[figure](request.user, which)
        return _csv(f"curim-council-{figure}.csv", table.csv)

    view.__name__ = view.__qualname__ = f"council_dashboard_{figure.replace('-', '_')}_csv"
    return view
