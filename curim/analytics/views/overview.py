"""The analytics overview (`/analytics/`): the council's hotspot map, all day and at night, with
its explanation and a table of the hot cells; the emerging hot spot layer can be laid over it;
when each analysis was last computed and, for
analysts and admins, "Run now" (`views/run_now.py`). For council members and secretaries,
analysts and admins; a 404 for everybody else (the selector decides, as for the council's
dashboard)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from curim.analytics.legend import HOTSPOT_CLASS_NAMES
from curim.analytics.models import AnalysisRun, CellResult, RunAudience, RunKind
from curim.analytics.selectors.run_now import may_run_analytics, run_now_pending
from curim.analytics.selectors.runs import (
    analytics_audience_for,
    latest_runs_visible_to,
    run_readable_by,
)
from curim.core.templatetags.components import Column
from curim.reports.views.citizens import map_config


class HotspotLayerForm(forms.Form):
    """What the map shows; the page's script redraws the layer when it changes."""

    time_of_day = forms.ChoiceField(
        label=_("Show on the map"),
        choices=[("all", _("All day")), ("night", _("At night"))],
        widget=forms.RadioSelect,
        initial="all",
    )
    emerging = forms.BooleanField(
        label=_("Emerging hotspots (how each square changed month by month)"),
        required=False,
    )


@dataclass(frozen=True)
class RunShown:
    """A run as the page states it: its period's first and last days, what it counted."""

    title: str
    run: AnalysisRun
    first_day: date
    last_day: date
    head: list[Column]
    rows: list[list[object]]


def _hot_cells(run: AnalysisRun) -> list[list[object]]:
    cells = (
        CellResult.objects.filter(run=run, label__startswith="hot")
        .select_related("cell")
        .order_by("-z", "cell__index")
    )
    return [
        [
            cell.cell.code,
            cell.count,
            floatformat(cell.z, 2),
            floatformat(cell.p, 4),
            HOTSPOT_CLASS_NAMES.get(cell.label, cell.label),
        ]
        for cell in cells
    ]


def _shown(title: str, run: AnalysisRun | None) -> RunShown | None:
    if run is None:
        return None
    return RunShown(
        title=title,
        run=run,
        first_day=timezone.localtime(run.data_from).date(),
        last_day=_last_day(run),
        head=[
            Column(str(_("Cell"))),
            Column(str(_("Reports and incidents in the cell")), numeric=True),
            Column(str(_("z-score")), numeric=True),
            Column(str(_("p-value")), numeric=True),
            Column(str(_("Class"))),
        ],
        rows=_hot_cells(run),
    )


TIMES_OF_DAY = {"all": _("All day"), "night": _("At night"), "day": _("By day")}


def _last_day(run: AnalysisRun) -> date:
    # data_up_to is exclusive: the last day counted is the day before it.
    return (timezone.localtime(run.data_up_to) - timedelta(microseconds=1)).date()


def _runs_state(runs: list[AnalysisRun]) -> tuple[list[Column], list[list[object]]]:
    """When each analysis the page's reader may read was last computed, and up to which day."""
    head = [
        Column(str(_("Analysis"))),
        Column(str(_("For"))),
        Column(str(_("Time of day"))),
        Column(str(_("Data up to"))),
        Column(str(_("Computed"))),
    ]
    rows: list[list[object]] = [
        [
            run.get_kind_display(),
            run.get_audience_display(),
            TIMES_OF_DAY.get(run.parameters.get("time_of_day", ""), "—"),
            date_format(_last_day(run), "DATE_FORMAT"),
            date_format(timezone.localtime(run.computed_at), "DATETIME_FORMAT"),
        ]
        for run in runs
    ]
    return head, rows


@login_required
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    if analytics_audience_for(request.user) != RunAudience.COUNCIL:
        raise Http404
    runs = [
        _shown(
            str(_("Hot cells, all day")),
            run_readable_by(request.user, RunKind.HOTSPOTS, RunAudience.COUNCIL, time_of_day="all"),
        ),
        _shown(
            str(_("Hot cells at night")),
            run_readable_by(
                request.user, RunKind.HOTSPOTS, RunAudience.COUNCIL, time_of_day="night"
            ),
        ),
    ]
    state_head, state_rows = _runs_state(latest_runs_visible_to(request.user))
    return render(
        request,
        "analytics/overview.html",
        {
            "form": HotspotLayerForm(initial={"time_of_day": "all"}),
            "state_head": state_head,
            "state_rows": state_rows,
            "may_run": may_run_analytics(request.user),
            "run_now_pending": run_now_pending(),
            "runs": [shown for shown in runs if shown is not None],
            "layer_url": reverse("api:analytics_hotspots") + "?audience=council",
            "emerging_url": reverse("api:analytics_emerging") + "?audience=council",
            "map_config": map_config(),
        },
    )
