"""The interventions API: the list for the map (GeoJSON) and one intervention's detail (JSON).

Anybody may call them (AllowAny); what each caller reads is decided by the selectors: the public
reads completed and evaluated interventions and those marked public, the council, analysts and
admins read them all. An intervention the caller may not read is a 404, whatever it is.

The list is a GeoJSON FeatureCollection that GIS tools read as it is (GDAL's `ogrinfo` in
tests/interventions/test_api_records.py): flat properties, the latest finished evaluation's
headline among them, and a feature without a place (a social intervention) has a null geometry.
Its queries are the same in number for 1 or 1,000 interventions.
"""

import json
import uuid
from decimal import Decimal
from typing import Any

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import FileResponse, HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import interventions.converters  # noqa: F401  (registers <intervention_ref:…>)
from curim.core.geometry import GeometryError, bbox_from_text
from curim.reports.api.common import GEOJSON, GeoJSONNegotiation, geojson_response
from interventions.evaluation_reading import CategoryPublicity, dates_read, result_as_read
from interventions.models import (
    Evaluation,
    EvaluationStatus,
    Intervention,
    InterventionKind,
    InterventionStatus,
    Session,
)
from interventions.models.choices import SOCIAL_KINDS
from interventions.selectors import (
    categories_publicity,
    evaluation_figures_withheld,
    evaluation_level_shown,
    evaluations_latest_of,
    intervention_get,
    intervention_photo_get,
    intervention_public_report_ids,
    interventions_for,
    user_reads_all,
)
from interventions.session_questionnaires import (
    IndicatorChange,
    QuestionnaireState,
    SessionQuestionnaires,
    session_questionnaires,
)
from surveys.models import IndicatorEstimate


class KindGroup(models.TextChoices):
    SOCIAL = "social", _("Social")
    SPATIAL = "spatial", _("Spatial")


SOCIAL, SPATIAL = KindGroup.SOCIAL.value, KindGroup.SPATIAL.value
# The headline of an evaluation's result: its JSON's keys (interventions.evaluation).
HEADLINE = ("estimate", "ci_low", "ci_high")


def kind_group(kind: str) -> str:
    return SOCIAL if kind in SOCIAL_KINDS else SPATIAL


def _codes(value: str, allowed: list[str], what: str) -> list[str]:
    codes = [code.strip() for code in value.split(",") if code.strip()]
    unknown = [code for code in codes if code not in allowed]
    if unknown or not codes:
        raise serializers.ValidationError(
            _("Unknown %(what)s. Use one or more of, separated by commas: %(codes)s.")
            % {"what": what, "codes": ", ".join(allowed)}
        )
    return codes


class InterventionQuerySerializer(serializers.Serializer[Any]):
    status = serializers.CharField(
        required=False, max_length=200, help_text="statuses, comma-separated"
    )
    kind = serializers.CharField(required=False, max_length=300, help_text="kinds, comma-separated")
    group = serializers.ChoiceField(
        choices=KindGroup.choices, required=False, help_text="social or spatial"
    )
    area = serializers.SlugField(
        required=False, max_length=64, help_text="an area's code: its own and its parts'"
    )
    bbox = serializers.CharField(
        required=False,
        max_length=200,
        help_text="minlon,minlat,maxlon,maxlat: the spatial interventions it meets",
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=500)
    offset = serializers.IntegerField(required=False, min_value=0, max_value=10**6, default=0)

    def validate_status(self, value: str) -> list[str]:
        return _codes(value, list(InterventionStatus.values), "status")

    def validate_kind(self, value: str) -> list[str]:
        return _codes(value, list(InterventionKind.values), "kind")

    def validate_bbox(self, value: str) -> Any:
        try:
            return bbox_from_text(value)
        except GeometryError as error:
            raise serializers.ValidationError(str(error)) from None

    def filtered(self, interventions: QuerySet[Intervention]) -> QuerySet[Intervention]:
        data = self.validated_data
        if data.get("status"):
            interventions = interventions.filter(status__in=data["status"])
        if data.get("kind"):
            interventions = interventions.filter(kind__in=data["kind"])
        if data.get("group"):
            social = sorted(SOCIAL_KINDS)
            interventions = (
                interventions.filter(kind__in=social)
                if data["group"] == SOCIAL
                else interventions.exclude(kind__in=social)
            )
        if data.get("area"):
            code = data["area"]
            interventions = interventions.filter(Q(area__code=code) | Q(area__parent__code=code))
        if data.get("bbox") is not None:
            interventions = interventions.filter(geometry__intersects=data["bbox"])
        return interventions


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _date(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())


def detail_url(request: Request, reference: str) -> str:
    return request.build_absolute_uri(reverse("api:intervention_detail", args=[reference]))


def feature(
    request: Request,
    intervention: Intervention,
    latest: Evaluation | None,
    publicity: CategoryPublicity | None,
) -> dict[str, Any]:
    """One intervention as a GeoJSON Feature: public fields only, flat, for GIS tools. The
    latest evaluation's figures are withheld from the public when they rest on small counts
    or count what the public never sees (`evaluation_figures_withheld`; `publicity`: the
    categories' publicity, read once for the list), as on its page and in its detail."""
    reads_all = user_reads_all(request.user)
    stored = latest.result if latest is not None and isinstance(latest.result, dict) else {}
    result = result_as_read(stored, reads_all=reads_all)
    level = (
        evaluation_level_shown(latest, reads_all=reads_all, publicity=publicity)
        if latest is not None
        else None
    )
    if evaluation_figures_withheld(result, reads_all=reads_all, publicity=publicity):
        result = {}
    geometry = getattr(intervention, "geometry_geojson", None)
    properties = {
        "reference": intervention.reference,
        "title_en": intervention.title_en,
        "title_el": intervention.title_el,
        "kind": intervention.kind,
        "group": kind_group(intervention.kind),
        "status": intervention.status,
        "starts_on": _date(intervention.starts_on),
        "ends_on": _date(intervention.ends_on),
        "area": intervention.area.code,
        "target_group": intervention.target_group,
        "organisation": intervention.organisation,
        # Public money, spent in public: the budget and its funder are public.
        "budget": _number(intervention.budget),
        "funder": intervention.funder,
        "url": detail_url(request, intervention.reference),
        "evaluation_version": latest.version if latest is not None else None,
        "sms_level": level,
        **{name: _float_or_none(result.get(name)) for name in HEADLINE},
    }
    return {
        "type": "Feature",
        "id": intervention.reference,
        "geometry": json.loads(geometry) if geometry else None,
        "properties": properties,
    }


def _float_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


class InterventionFeaturePropertiesSerializer(serializers.Serializer[Any]):
    """The properties of a feature of the list (for the OpenAPI description)."""

    reference = serializers.CharField(help_text="e.g. INT-2026-007")
    title_en = serializers.CharField()
    title_el = serializers.CharField()
    kind = serializers.ChoiceField(choices=InterventionKind.choices)
    group = serializers.ChoiceField(choices=KindGroup.choices)
    status = serializers.ChoiceField(choices=InterventionStatus.choices)
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    area = serializers.CharField(help_text="the district's or neighbourhood's code")
    target_group = serializers.CharField()
    organisation = serializers.CharField()
    budget = serializers.FloatField(allow_null=True, help_text="EUR")
    funder = serializers.CharField()
    url = serializers.URLField(help_text="the intervention's detail in this API")
    evaluation_version = serializers.IntegerField(
        allow_null=True, help_text="the latest finished evaluation's version, or null"
    )
    estimate = serializers.FloatField(allow_null=True, help_text="its estimated effect")
    ci_low = serializers.FloatField(allow_null=True, help_text="95% interval, low end")
    ci_high = serializers.FloatField(allow_null=True, help_text="95% interval, high end")
    sms_level = serializers.IntegerField(
        allow_null=True,
        help_text="Maryland Scientific Methods Scale level (1-5); for the public, the level of "
        "the evaluation computed from public reports at their public places (its comparison "
        "matched on those), null when it has none",
    )


class InterventionFeatureSerializer(serializers.Serializer[Any]):
    type = serializers.CharField()
    id = serializers.CharField()
    geometry = serializers.DictField(
        allow_null=True, help_text="GeoJSON Point, LineString, Polygon (or Multi*), WGS 84"
    )
    properties = InterventionFeaturePropertiesSerializer()


class InterventionFeatureCollectionSerializer(serializers.Serializer[Any]):
    type = serializers.CharField()
    features = InterventionFeatureSerializer(many=True)
    next = serializers.URLField(allow_null=True, help_text="the following page, or null")


class InterventionList(APIView):
    """The interventions the caller may read, as a GeoJSON FeatureCollection, newest first."""

    permission_classes = [AllowAny]
    content_negotiation_class = GeoJSONNegotiation

    @extend_schema(
        operation_id="interventions_list",
        parameters=[InterventionQuerySerializer],
        responses={(200, GEOJSON): InterventionFeatureCollectionSerializer},
        description="The interventions the caller may read (the public: completed and evaluated "
        "ones, and planned or running ones marked public; the council, analysts and admins: "
        "all), each with its latest finished evaluation's headline. A social intervention "
        "without a place has a null geometry. `next` is the URL of the following page, or null.",
    )
    def get(self, request: Request) -> HttpResponse:
        query = InterventionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        limit, offset = query.validated_data["limit"], query.validated_data["offset"]
        interventions = (
            query.filtered(interventions_for(request.user))
            .select_related("area")
            .annotate(geometry_geojson=AsGeoJSON("geometry", precision=7))
            .order_by("-starts_on", "-pk")
        )
        page = list(interventions[offset : offset + limit + 1])
        more = len(page) > limit
        page = page[:limit]
        latest = evaluations_latest_of(page)
        publicity = None if user_reads_all(request.user) else categories_publicity()
        features = [feature(request, i, latest.get(i.pk), publicity) for i in page]
        next_url = None
        if more:
            params = request.query_params.copy()
            params["offset"] = str(offset + limit)
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        body = {"type": "FeatureCollection", "features": features, "next": next_url}
        return geojson_response(json.dumps(body, ensure_ascii=False))


# --- Detail -------------------------------------------------------------------------------------
class InterventionAreaSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name_en = serializers.CharField()
    name_el = serializers.CharField()


class InterventionParticipantsSerializer(serializers.Serializer[Any]):
    group = serializers.CharField()
    school_year = serializers.IntegerField(allow_null=True)
    count = serializers.IntegerField()


class SessionIndicatorChangeSerializer(serializers.Serializer[Any]):
    """What a session's questionnaires measured on one survey indicator (for the OpenAPI
    description; docs/interventions/evaluation.md, "Session questionnaires")."""

    indicator = serializers.CharField(help_text="the survey indicator's code")
    name_en = serializers.CharField()
    name_el = serializers.CharField()
    suppressed = serializers.BooleanField(
        help_text="fewer than k respondents in a wave: that wave's figures and the change are null"
    )
    before = serializers.FloatField(allow_null=True, help_text="score before, 0-100")
    before_ci_low = serializers.FloatField(allow_null=True)
    before_ci_high = serializers.FloatField(allow_null=True)
    after = serializers.FloatField(allow_null=True, help_text="score after, 0-100")
    after_ci_low = serializers.FloatField(allow_null=True)
    after_ci_high = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True, help_text="after minus before, in points")
    std_error = serializers.FloatField(allow_null=True, help_text="sqrt(se_before² + se_after²)")
    ci_low = serializers.FloatField(allow_null=True, help_text="change − 1.96 SE")
    ci_high = serializers.FloatField(allow_null=True, help_text="change + 1.96 SE")
    significant = serializers.BooleanField(
        allow_null=True, help_text="the 95% interval leaves out 0"
    )


class InterventionSessionSerializer(serializers.Serializer[Any]):
    """A session: counts of participants by group, nothing about any participant."""

    held_on = serializers.DateField()
    place_kind = serializers.CharField()
    place_name = serializers.CharField()
    area = serializers.CharField(source="area.code", allow_null=True, default=None)
    participants = InterventionParticipantsSerializer(many=True)
    participants_total = serializers.IntegerField()
    questionnaire = serializers.SerializerMethodField(
        help_text="whether a short questionnaire was answered before and after"
    )
    proposals = serializers.IntegerField(
        source="proposal_count", help_text="how many proposals were heard (advisory meetings)"
    )
    questionnaires_status = serializers.SerializerMethodField(
        help_text="none (no questionnaire before and after), shown, not_published (the "
        "caller may not read both waves' results), not_estimated (a wave has no estimates "
        "yet), suppressed (too few respondents: no change), nothing_shared (no indicator in "
        "common)"
    )
    questionnaires = serializers.SerializerMethodField(
        help_text="per survey indicator: the score (0-100) before and after, the change after "
        "minus before, its standard error and normal 95% interval (null where a wave's cell is "
        "suppressed); empty unless the status is shown or suppressed"
    )

    def get_questionnaire(self, session: Session) -> bool:
        return bool(session.survey_before_id and session.survey_after_id)

    def _measured(self, session: Session) -> SessionQuestionnaires | None:
        measured: dict[int, SessionQuestionnaires] = self.context.get("questionnaires", {})
        return measured.get(session.pk)

    @extend_schema_field(
        serializers.ChoiceField(choices=["none", *(s.value for s in QuestionnaireState)])
    )
    def get_questionnaires_status(self, session: Session) -> str:
        found = self._measured(session)
        return "none" if found is None else found.state.value

    @extend_schema_field(SessionIndicatorChangeSerializer(many=True))
    def get_questionnaires(self, session: Session) -> list[dict[str, Any]]:
        found = self._measured(session)
        return [] if found is None else [_indicator_change(item) for item in found.indicators]


def _shown(estimate: IndicatorEstimate | None) -> IndicatorEstimate | None:
    return None if estimate is None or estimate.suppressed else estimate


def _indicator_change(item: IndicatorChange) -> dict[str, Any]:
    before, after, change = _shown(item.before), _shown(item.after), item.change
    return {
        "indicator": item.indicator.code,
        "name_en": item.indicator.name_en,
        "name_el": item.indicator.name_el,
        "suppressed": item.suppressed,
        "before": before.estimate if before else None,
        "before_ci_low": before.ci_low if before else None,
        "before_ci_high": before.ci_high if before else None,
        "after": after.estimate if after else None,
        "after_ci_low": after.ci_low if after else None,
        "after_ci_high": after.ci_high if after else None,
        "change": change.change if change else None,
        "std_error": change.std_error if change else None,
        "ci_low": change.ci_low if change else None,
        "ci_high": change.ci_high if change else None,
        "significant": change.significant if change else None,
    }


class InterventionPhotoSerializer(serializers.Serializer[Any]):
    moment = serializers.CharField(help_text="before or after")
    caption = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, photo: Any) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(reverse("api:intervention_photo", args=[photo.public_id]))


class InterventionEvaluationItemSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=EvaluationStatus.choices)
    method = serializers.CharField()
    sms_level = serializers.SerializerMethodField(
        help_text="Maryland Scientific Methods Scale level (1-5); for the public, the level of "
        "the evaluation computed from public reports at their public places (its comparison "
        "matched on those), null when it has none"
    )
    computed_at = serializers.SerializerMethodField(
        help_text="when the figures this reader reads were computed: for the public, those "
        "counted from public reports, computed later for a version finished before they were"
    )
    url = serializers.SerializerMethodField(help_text="this version in the evaluation endpoint")

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_computed_at(self, evaluation: Evaluation) -> str | None:
        reads_all = user_reads_all(self.context["request"].user)
        computed_at = dates_read(evaluation, reads_all=reads_all)[1]
        return serializers.DateTimeField().to_representation(computed_at) if computed_at else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_sms_level(self, evaluation: Evaluation) -> int | None:
        reads_all = user_reads_all(self.context["request"].user)
        publicity = self.context.get("publicity")  # read once for the list
        return evaluation_level_shown(evaluation, reads_all=reads_all, publicity=publicity)

    def get_url(self, evaluation: Evaluation) -> str:
        request: Request = self.context["request"]
        base = detail_url(request, evaluation.intervention.reference)
        return f"{base}evaluation/?version={evaluation.version}"


class InterventionDetailSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField()
    title_en = serializers.CharField()
    title_el = serializers.CharField()
    description_en = serializers.CharField()
    description_el = serializers.CharField()
    kind = serializers.ChoiceField(choices=InterventionKind.choices)
    group = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=InterventionStatus.choices)
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    budget = serializers.FloatField(allow_null=True, help_text="EUR")
    funder = serializers.CharField()
    organisation = serializers.CharField()
    target_group = serializers.CharField()
    target_description = serializers.CharField()
    categories = serializers.SerializerMethodField(help_text="report categories' codes")
    indicator = serializers.CharField(
        source="indicator.code", allow_null=True, default=None, help_text="survey indicator code"
    )
    area = InterventionAreaSerializer()
    geometry = serializers.SerializerMethodField(help_text="GeoJSON, WGS 84, or null")
    evidence_en = serializers.CharField()
    evidence_el = serializers.CharField()
    reports = serializers.SerializerMethodField(
        help_text="public ids of the published reports that motivated it"
    )
    sessions = InterventionSessionSerializer(many=True)
    photos = InterventionPhotoSerializer(many=True)
    evaluations = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=KindGroup.choices))
    def get_group(self, intervention: Intervention) -> str:
        return kind_group(intervention.kind)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_categories(self, intervention: Intervention) -> list[str]:
        return sorted(c.slug for c in intervention.categories.all())

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_geometry(self, intervention: Intervention) -> dict[str, Any] | None:
        text = getattr(intervention, "geometry_geojson", None)
        return json.loads(text) if text else None

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_reports(self, intervention: Intervention) -> list[uuid.UUID]:
        return intervention_public_report_ids(intervention)

    @extend_schema_field(InterventionEvaluationItemSerializer(many=True))
    def get_evaluations(self, intervention: Intervention) -> list[dict[str, Any]]:
        evaluations = list(intervention.evaluations.all())  # newest version first
        context = dict(self.context)
        if not user_reads_all(self.context["request"].user):
            # The public reads the latest finished version only (`evaluation_readable`).
            evaluations = [e for e in evaluations if e.status == EvaluationStatus.DONE][:1]
            context["publicity"] = categories_publicity() if evaluations else None
        items = InterventionEvaluationItemSerializer(evaluations, many=True, context=context)
        return list(items.data)


class InterventionDetail(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="interventions_retrieve",
        responses={200: InterventionDetailSerializer, 404: OpenApiTypes.OBJECT},
        description="One intervention the caller may read (a 404 otherwise): its sessions "
        "(participants counted by group, nobody named, and what their questionnaires before and "
        "after measured), photos, the problem it addresses, the "
        "published reports that motivated it and its evaluations.",
    )
    def get(self, request: Request, reference: str) -> Response:
        found = intervention_get(user=request.user, reference=reference)
        intervention = (
            Intervention.objects.filter(pk=found.pk)
            .select_related("area", "indicator")
            .annotate(geometry_geojson=AsGeoJSON("geometry", precision=7))
            .prefetch_related(
                "categories",
                "photos",
                Prefetch(
                    "sessions",
                    queryset=Session.objects.select_related("area")
                    .prefetch_related("participants")
                    .annotate(proposal_count=Count("proposals")),
                ),
                Prefetch(
                    "evaluations",
                    queryset=Evaluation.objects.select_related("intervention")
                    .defer("inputs")
                    .order_by("-version"),
                ),
            )
            .get()
        )
        questionnaires = session_questionnaires(request.user, intervention.sessions.all())
        context = {"request": request, "questionnaires": questionnaires}
        return Response(InterventionDetailSerializer(intervention, context=context).data)


class InterventionPhotoFile(APIView):
    """A photo of an intervention the caller may read, as an inert JPEG."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="interventions_photo",
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, public_id: uuid.UUID) -> FileResponse:
        photo = intervention_photo_get(user=request.user, public_id=public_id)
        response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
        # As report photos: never sniffed, never run, never framed elsewhere.
        response["Content-Disposition"] = 'inline; filename="photo.jpg"'
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, max-age=300"
        return response


urlpatterns = [
    path("interventions/", InterventionList.as_view(), name="intervention_list"),
    path(
        "interventions/photos/<uuid:public_id>.jpg",
        InterventionPhotoFile.as_view(),
        name="intervention_photo",
    ),
    path(
        "interventions/<intervention_ref:reference>/",
        InterventionDetail.as_view(),
        name="intervention_detail",
    ),
]
