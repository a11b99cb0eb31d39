"""The council's risk index page (`/analytics/risk/`): a map of the districts or neighbourhoods
coloured by their index, and a table of every component and weight beside each index. For
council members and secretaries, analysts and admins; a 404 for everybody else."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from curim.analytics.legend import RISK_BAND_NAMES
from curim.analytics.models import RunAudience, RunKind
from curim.analytics.selectors.layers import risk_area_geometries, risk_areas
from curim.analytics.selectors.runs import analytics_audience_for, run_readable_by
from curim.analytics.services.risk_runs import index_band
from curim.core.templatetags.components import Column
from curim.reports.views.citizens import map_config

MISSING = "—"


def _number(value: float | None, digits: int) -> str:
    return MISSING if value is None else str(floatformat(value, digits))


def _with_n(value: float | None, n: int, digits: int) -> str:
    return MISSING if value is None else f"{floatformat(value, digits)} (n = {n})"


def _weights(used: dict[str, float]) -> str:
    names = {"likelihood": _("likelihood"), "impact": _("impact"), "perception": _("perception")}
    return ", ".join(f"{names.get(k, k)} {floatformat(v, 2)}" for k, v in used.items()) or MISSING


def risk_head() -> list[Column]:
    return [
        Column(_("Area")),
        Column(_("Risk index (0–100)"), numeric=True),
        Column(_("Band")),
        Column(_("Rank"), numeric=True),
        Column(_("Reports and incidents"), numeric=True),
        Column(_("Residents"), numeric=True),
        Column(_("Rate per 1,000 residents, raw"), numeric=True),
        Column(_("Rate, smoothed (likelihood)"), numeric=True),
        Column(_("Weight of the area's own rate"), numeric=True),
        Column(_("Mean harm per report (impact)"), numeric=True),
        Column(_("Feeling unsafe at night, 1–5"), numeric=True),
        Column(_("Fear of crime, survey share"), numeric=True),
        Column(_("Perception, 0–1"), numeric=True),
        Column(_("Likelihood score"), numeric=True),
        Column(_("Impact score"), numeric=True),
        Column(_("Perception score"), numeric=True),
        Column(_("Weights used")),
    ]


def risk_row(area: dict[str, Any]) -> list[object]:
    incidents = area.get("incidents")
    return [
        area.get("name") or area.get("area"),
        _number(area.get("index"), 1),
        str(RISK_BAND_NAMES[index_band(area.get("index"))]),
        MISSING if area.get("rank") is None else area["rank"],
        MISSING if incidents is None else incidents,
        _number(area.get("population"), 0),
        _number(area.get("raw_rate"), 2),
        _number(area.get("likelihood"), 2),
        _number(area.get("shrinkage_weight"), 2),
        _number(area.get("impact"), 2),
        _with_n(area.get("night_unsafe_mean"), int(area.get("night_unsafe_n") or 0), 2),
        _with_n(area.get("fear_share"), int(area.get("fear_n") or 0), 2),
        _number(area.get("perception"), 2),
        _number(area.get("likelihood_score"), 0),
        _number(area.get("impact_score"), 0),
        _number(area.get("perception_score"), 0),
        _weights(dict(area.get("weights_used") or {})),
    ]


@login_required
@require_safe
def risk(request: HttpRequest) -> HttpResponse:
    if analytics_audience_for(request.user) != RunAudience.COUNCIL:
        raise Http404
    run = run_readable_by(request.user, RunKind.RISK_INDEX, RunAudience.COUNCIL)
    context: dict[str, Any] = {"run": run}
    if run is not None:
        figures = risk_areas(run)
        context |= {
            "figures": figures,
            "head": risk_head(),
            "districts": [risk_row(area) for area in figures["districts"]],
            "neighbourhoods": [risk_row(area) for area in figures["neighbourhoods"]],
            "areas_geojson": risk_area_geometries(figures),
            "cells_url": reverse("api:analytics_risk_cells") + "?audience=council",
            "map_config": map_config(),
        }
    return render(request, "analytics/risk.html", context)
