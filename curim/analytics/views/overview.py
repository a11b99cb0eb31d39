"""The analytics overview (`/analytics/`): the council's hotspot map, all day and at night, with
its explanation and a table of the hot cells; the emerging hot spot layer can be laid over it.
For council members and secretaries, analysts and admins; a 404 for everybody else (the
selector decides, as for the council's dashboard)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from curim.analytics.legend import HOTSPOT_CLASS_NAMES
from curim.analytics.models import AnalysisRun, CellResult, RunAudience, RunKind
from curim.analytics.selectors.runs import analytics_audience_for, latest_run
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
        # data_up_to is exclusive: the last day counted is the day before it.
        last_day=(timezone.localtime(run.data_up_to) - timedelta(microseconds=1)).date(),
        head=[
            Column(str(_("Cell"))),
            Column(str(_("Reports and incidents in the cell")), numeric=True),
            Column(str(_("z-score")), numeric=True),
            Column(str(_("p-value")), numeric=True),
            Column(str(_("Class"))),
        ],
        rows=_hot_cells(run),
    )


@login_required
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    if analytics_audience_for(request.user) != RunAudience.COUNCIL:
        raise Http404
    runs = [
        _shown(
            str(_("Hot cells, all day")),
            latest_run(RunKind.HOTSPOTS, RunAudience.COUNCIL, time_of_day="all"),
        ),
        _shown(
            str(_("Hot cells at night")),
            latest_run(RunKind.HOTSPOTS, RunAudience.COUNCIL, time_of_day="night"),
        ),
    ]
    return render(
        request,
        "analytics/overview.html",
        {
            "form": HotspotLayerForm(initial={"time_of_day": "all"}),
            "runs": [shown for shown in runs if shown is not None],
            "layer_url": reverse("api:analytics_hotspots") + "?audience=council",
            "emerging_url": reverse("api:analytics_emerging") + "?audience=council",
            "map_config": map_config(),
        },
    )
