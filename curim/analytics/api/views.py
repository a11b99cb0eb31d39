"""The analytics API's views. Thin: reads through `curim.analytics.selectors.runs`.

Who reads what: everybody (no login) reads the public runs (public reports only); the council's
figure readers (council members and secretaries, analysts, admins) read the council's runs too
(every moderated report and the official incidents). Asking for the council's runs without
that role is refused: 401 without an account, 403 with one."""

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotAuthenticated, NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from curim.analytics.api import serializers as shapes
from curim.analytics.models import AnalysisRun, RunAudience, RunKind
from curim.analytics.selectors import run_tables
from curim.analytics.selectors.layers import (
    emerging_cells_geojson,
    risk_areas,
    risk_cells_geojson,
)
from curim.analytics.selectors.runs import (
    analytics_audience_for,
    hotspot_cells_geojson,
    latest_runs_visible_to,
    run_readable_by,
)
from curim.reports.api.common import GEOJSON, GeoJSONNegotiation, TextChoiceField, geojson_response


class HotspotQuerySerializer(serializers.Serializer[Any]):
    audience = TextChoiceField(
        choices=RunAudience.choices,
        required=False,
        default=RunAudience.PUBLIC,
        help_text="public (default): public reports only. council: every moderated report and "
        "the official incidents, for council members and secretaries, analysts and admins.",
    )
    time_of_day = TextChoiceField(choices=[("all", "all"), ("night", "night")], default="all")


def readable_audience(request: Request, audience: str) -> RunAudience:
    """The audience asked for, when the caller may read it."""
    if audience == RunAudience.PUBLIC:
        return RunAudience.PUBLIC
    if analytics_audience_for(request.user) == RunAudience.COUNCIL:
        return RunAudience.COUNCIL
    if not request.user.is_authenticated:
        raise NotAuthenticated
    raise PermissionDenied(_("Only the council, analysts and admins read the council's analyses."))


PUBLIC_ALL_DAY_ONLY = gettext_lazy(
    "The public hotspot layer covers the whole day: the time of day of a report is not public."
)


class HotspotLayer(APIView):
    """The latest hotspot run (Getis-Ord Gi*) the caller may read, as GeoJSON: one feature per
    cell with the properties of `cells.geojson`, and the run in `meta`."""

    permission_classes = [AllowAny]
    content_negotiation_class = GeoJSONNegotiation

    @extend_schema(
        operation_id="analytics_hotspots",
        parameters=[HotspotQuerySerializer],
        responses={
            (200, GEOJSON): shapes.HotspotLayerSerializer,
            401: shapes.ErrorSerializer,
            403: shapes.ErrorSerializer,
            404: shapes.ErrorSerializer,
        },
        description=(
            "Cells of the latest hotspot analysis: `class` is hot-99, hot-95, hot-90 (many more "
            "events nearby than expected, at 99, 95, 90% confidence after the false discovery "
            "rate correction), none, or cold-90 … cold-99. `audience=council` needs a council, "
            "analyst or admin role (401 without an account, 403 with another); "
            "`time_of_day=night` is the council's only (404 for the public layer). 404 when "
            "no run has been stored yet."
        ),
    )
    def get(self, request: Request) -> HttpResponse:
        query = HotspotQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        audience = readable_audience(request, query.validated_data["audience"])
        if audience == RunAudience.PUBLIC and query.validated_data["time_of_day"] != "all":
            raise NotFound(PUBLIC_ALL_DAY_ONLY)
        run = run_readable_by(
            request.user,
            RunKind.HOTSPOTS,
            audience,
            time_of_day=query.validated_data["time_of_day"],
        )
        if run is None:
            raise NotFound(_("No hotspot analysis has been run yet."))
        collection = hotspot_cells_geojson(run)
        collection["meta"] = shapes.HotspotMetaSerializer(run).data
        return geojson_response(json.dumps(collection))


class RunList(APIView):
    """The latest run of each kind, audience and time of day the caller may read (the public
    runs for everybody; the council's too for the council, analysts and admins)."""

    permission_classes = [AllowAny]

    @extend_schema(operation_id="analytics_runs", responses=shapes.RunSerializer(many=True))
    def get(self, request: Request) -> Response:
        runs = latest_runs_visible_to(request.user)
        return Response(shapes.RunSerializer(runs, many=True).data)


class AudienceQuerySerializer(serializers.Serializer[Any]):
    audience = TextChoiceField(
        choices=RunAudience.choices,
        required=False,
        default=RunAudience.PUBLIC,
        help_text="public (default): public reports only, small counts withheld. council: "
        "every moderated report and the official incidents, for council members and "
        "secretaries, analysts and admins.",
    )


def _latest_readable(request: Request, kind: RunKind, missing: str) -> AnalysisRun:
    """The run of the audience asked for (`?audience=`), when the caller may read it: 401/403
    for the council's without the role, 404 when there is none (or the kind has no public run)."""
    query = AudienceQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    audience = readable_audience(request, query.validated_data["audience"])
    run = run_tables.shown_run(request.user, kind, audience)
    if run is None:
        raise NotFound(missing)
    return run


AUDIENCE_ERRORS = {
    401: shapes.ErrorSerializer,
    403: shapes.ErrorSerializer,
    404: shapes.ErrorSerializer,
}


class EmergingLayer(APIView):
    """The latest emerging hot spot run the caller may read, as GeoJSON: one feature per cell
    with its pattern and its trend, and the run in `meta`."""

    permission_classes = [AllowAny]
    content_negotiation_class = GeoJSONNegotiation

    @extend_schema(
        operation_id="analytics_emerging",
        parameters=[AudienceQuerySerializer],
        responses={(200, GEOJSON): shapes.EmergingLayerSerializer, **AUDIENCE_ERRORS},
        description=(
            "Every cell of the latest emerging hot spot analysis (Gi* per month and a "
            "Mann-Kendall trend of each cell's z-series): `category` is one of ArcGIS's "
            "patterns (new-hot, consecutive-hot, intensifying-hot, persistent-hot, "
            "diminishing-hot, sporadic-hot, oscillating-hot, historical-hot and the cold ones) "
            "or `none` where no pattern was found; `meta.summary.slices` gives the slices. "
            "`audience=council` needs a council, analyst or admin role (401 without an "
            "account, 403 with another). 404 when no run has been stored yet."
        ),
    )
    def get(self, request: Request) -> HttpResponse:
        run = _latest_readable(
            request, RunKind.EMERGING, _("No emerging hotspot analysis has been run yet.")
        )
        collection = emerging_cells_geojson(run)
        collection["meta"] = shapes.EmergingMetaSerializer(run).data
        return geojson_response(json.dumps(collection))


NO_RISK_RUN = gettext_lazy("No risk index has been computed yet.")


class RiskIndex(APIView):
    """The latest risk index run the caller may read: every district and neighbourhood with
    its index, every component and the weights used, and the harm weights per category."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="analytics_risk",
        parameters=[AudienceQuerySerializer],
        responses={200: shapes.RiskIndexSerializer, **AUDIENCE_ERRORS},
        description=(
            "The risk index (0-100) of every district and neighbourhood, each with its "
            "components: likelihood (events per 1,000 residents, raw and smoothed by empirical "
            "Bayes, with the shrinkage weight), impact (mean harm weight per event) and "
            "perception (night-time evaluations and the survey's fear of crime), their 0-100 "
            "scores and the weights used. The cells are at /api/v1/analytics/risk/cells/. "
            "Public: public reports only; counts of 1 or 2, and their raw rates, are null. "
            "`audience=council` needs a council, analyst or admin role (401/403). 404 when no "
            "run has been stored yet."
        ),
    )
    def get(self, request: Request) -> Response:
        run = _latest_readable(request, RunKind.RISK_INDEX, str(NO_RISK_RUN))
        return Response({**risk_areas(run), "meta": shapes.RiskMetaSerializer(run).data})


class RiskCells(APIView):
    """The latest risk index run's cells, as GeoJSON."""

    permission_classes = [AllowAny]
    content_negotiation_class = GeoJSONNegotiation

    @extend_schema(
        operation_id="analytics_risk_cells",
        parameters=[AudienceQuerySerializer],
        responses={(200, GEOJSON): shapes.RiskCellLayerSerializer, **AUDIENCE_ERRORS},
        description=(
            "Every grid cell of the latest risk index: `band` q1 (index below 20) … q5 (80 or "
            "more), or none, and every component as in /api/v1/analytics/risk/. Same audiences "
            "and suppression."
        ),
    )
    def get(self, request: Request) -> HttpResponse:
        run = _latest_readable(request, RunKind.RISK_INDEX, str(NO_RISK_RUN))
        collection = risk_cells_geojson(run)
        collection["meta"] = shapes.RiskMetaSerializer(run).data
        return geojson_response(json.dumps(collection))


AUDIENCE_RULE = (
    " `audience=council` needs a council, analyst or admin role (401 without an account, 403 "
    "with another). 404 when no run has been stored yet"
)


def _table_response(
    request: Request,
    kind: RunKind,
    table: Callable[[AnalysisRun], dict[str, Any]],
    missing: str,
) -> Response:
    run = _latest_readable(request, kind, missing)
    return Response({**table(run), "run": shapes.RunMetaSerializer(run).data})


class CyberTrends(APIView):
    """The latest cyber-threat run the caller may read: weekly counts per kind and channel,
    the weeks that alerted against their baseline, and each series' trend."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="analytics_cyber",
        parameters=[AudienceQuerySerializer],
        responses={
            200: shapes.CyberTrendsSerializer,
            401: shapes.ErrorSerializer,
            403: shapes.ErrorSerializer,
            404: shapes.ErrorSerializer,
        },
        description=(
            "Reports of cyber threats per ISO week (Monday, Athens), per kind and channel. A "
            "week alerts when its count is improbably high against the baseline_weeks before "
            "it (Poisson, or negative binomial when over-dispersed; p < alert_alpha and at "
            "least alert_min_count reports). The trend compares the last trend_weeks with the "
            "trend_weeks before. Public: series with fewer than 3 reports are left out, and "
            "weekly counts of 1 or 2 are null, with the figures they could be worked out from."
            + AUDIENCE_RULE
            + "."
        ),
    )
    def get(self, request: Request) -> Response:
        return _table_response(
            request,
            RunKind.CYBER,
            run_tables.cyber_trends,
            _("No cyber-threat analysis has been run yet."),
        )


class Forecasts(APIView):
    """The latest forecast run the caller may read: the next weeks per district and category
    group with prediction intervals, the model the rolling-origin backtest chose and its
    accuracy, the pooled districts and, for the council, the prospective hotspot backtest."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="analytics_forecasts",
        parameters=[AudienceQuerySerializer],
        responses={
            200: shapes.ForecastsSerializer,
            401: shapes.ErrorSerializer,
            403: shapes.ErrorSerializer,
            404: shapes.ErrorSerializer,
        },
        description=(
            "Weekly counts forecast per district and category group, with 80% and 95% "
            "prediction intervals. chosen_model is the candidate (seasonal naive, exponential "
            "smoothing, negative binomial) with the lowest MASE in the rolling-origin "
            "backtest; each model's MASE, MASE relative to seasonal naive and interval "
            "coverage are in backtest. Districts with too few events are pooled (pooled). "
            "prospective_backtest (the council's only) holds PAI and PEI* at 1, 5 and 10% of "
            "the area for the prospective map, last period's counts and a retrospective kernel "
            "density." + AUDIENCE_RULE + "."
        ),
    )
    def get(self, request: Request) -> Response:
        return _table_response(
            request, RunKind.FORECAST, run_tables.forecasts, _("No forecast has been run yet.")
        )


class NearRepeat(APIView):
    """The latest near-repeat run (Knox test), the council's only."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="analytics_near_repeat",
        parameters=[AudienceQuerySerializer],
        responses={
            200: shapes.NearRepeatSerializer,
            401: shapes.ErrorSerializer,
            403: shapes.ErrorSerializer,
            404: shapes.ErrorSerializer,
        },
        description=(
            "The Knox test: pairs of events per space band (rows) and time band (columns), "
            "labelled with the intervals counted; expected pairs over n_permutations seeded "
            "permutations of the times, Knox ratios and one-sided p-values. cluster is the "
            "largest block from the origin where every cell has a ratio above 1 at p < alpha. "
            "There is no public run: audience=public is a 404." + AUDIENCE_RULE + "."
        ),
    )
    def get(self, request: Request) -> Response:
        return _table_response(
            request,
            RunKind.NEAR_REPEAT,
            run_tables.near_repeat,
            _("No near-repeat analysis for this audience: it is computed for the council only."),
        )
