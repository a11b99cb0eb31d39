"""Reports through the API: categories, submit, list as GeoJSON, read one, the duplicate hint,
and the counts a selection holds (a cell of the risk map)."""

import hashlib
import json
import re
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from curim.core.client import client_address
from curim.core.geometry import GeometryError, point_from_lon_lat
from curim.core.json_input import GuardedJSONParser
from curim.core.serializer_fields import FieldsBuiltOnce
from curim.reports.api.common import (
    GEOJSON,
    CategoryField,
    CreatedSerializer,
    GeoJSONNegotiation,
    ReportQuerySerializer,
    SafeDateTimeField,
    TextChoiceField,
    coordinate_field,
    geojson_response,
    json_answer,
    rating_field,
    submission_limited_and_validated,
)
from curim.reports.models import Category, CyberChannel
from curim.reports.photos import photos_clean
from curim.reports.selectors import (
    reports_filter,
    reports_near,
    reports_public,
    reports_summary,
)
from curim.reports.serialise import (
    feature_json,
    features_page_json,
)
from curim.reports.services.submission import (
    MAX_PHOTOS,
    IdempotencyKeyReused,
    ReportDraft,
    report_submit,
)
from curim.reports.support import support_token_make


class CategorySerializer(serializers.ModelSerializer[Category]):
    class Meta:
        model = Category
        fields = [
            "slug",
            "group",
            "name_en",
            "name_el",
            "may_be_public",
            "location_required",
            "is_victimisation",
        ]


class CategoryList(generics.ListAPIView[Category]):
    """The categories a report can be filed in (those that are never public say so)."""

    permission_classes = [AllowAny]
    serializer_class = CategorySerializer
    pagination_class = None
    queryset = Category.objects.filter(is_active=True)


class ReportCreateSerializer(FieldsBuiltOnce):
    # Its fields built once per thread and language (curim.core.serializer_fields): DRF's copy
    # of them for each submission was a third of a submission's own Python.
    category = CategoryField()
    description = serializers.CharField(
        max_length=5000,
        error_messages={
            "required": _("Describe what happened."),
            "blank": _("Describe what happened."),
            "max_length": _("Keep the description to {max_length} characters or fewer."),
        },
    )
    occurred_at = SafeDateTimeField(required=False)
    latitude = coordinate_field(latitude=True, required=False, allow_null=True)
    longitude = coordinate_field(latitude=False, required=False, allow_null=True)
    severity = rating_field(_("Choose how serious it is, from 1 to 5."))
    feeling_unsafe = rating_field(_("Choose how unsafe it makes you feel, from 1 to 5."))
    cyber_channel = TextChoiceField(choices=CyberChannel.choices, required=False, allow_blank=True)
    cyber_sender = serializers.CharField(max_length=500, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=MAX_PHOTOS
    )
    idempotency_key = serializers.CharField(max_length=64, required=False, allow_blank=True)
    # A field people never see; bots fill it in.
    website = serializers.CharField(required=False, allow_blank=True, write_only=True)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            missing = "longitude" if lon is None else "latitude"
            raise serializers.ValidationError({missing: _("Give both latitude and longitude.")})
        try:
            data["location"] = None if lat is None else point_from_lon_lat(lon, lat)
        except GeometryError as error:
            raise serializers.ValidationError({"latitude": str(error)}) from error
        try:
            data["clean_photos"] = photos_clean(data.get("photos", []))
        except DjangoValidationError as error:
            raise serializers.ValidationError({"photos": error.messages}) from error
        return data


# What an Idempotency-Key header may hold: a string of printable ASCII (the IETF draft's
# sf-string), at most 255 characters (as Stripe allows).
IDEMPOTENCY_KEY = re.compile(r"[\x20-\x7e]{1,255}")


def _idempotency_key(request: Request, fields: dict[str, Any]) -> str | None:
    header = request.headers.get("Idempotency-Key")
    if header and not IDEMPOTENCY_KEY.fullmatch(header):
        raise serializers.ValidationError(
            {"idempotency_key": _("An idempotency key is 1 to 255 printable ASCII characters.")}
        )
    return header or fields.get("idempotency_key") or None


def _body_fingerprint(data: Any) -> str:
    """A SHA-256 of the request's content as parsed: the same for the same content however it
    was encoded (key order, multipart boundary), with each file counted by its bytes."""

    def plain(value: Any) -> Any:
        if isinstance(value, UploadedFile):
            digest = hashlib.sha256()
            value.seek(0)
            for chunk in value.chunks():
                digest.update(chunk)
            return {"file": digest.hexdigest()}
        if isinstance(value, dict):
            return {str(key): plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    content = (
        {key: plain(data.getlist(key)) for key in data}
        if isinstance(data, QueryDict)
        else plain(data)
    )
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class ReportListCreate(APIView):
    """GET: published reports as a GeoJSON FeatureCollection. POST: submit a report."""

    permission_classes = [AllowAny]
    content_negotiation_class = GeoJSONNegotiation
    parser_classes = [GuardedJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="reports_list",
        parameters=[ReportQuerySerializer],
        responses={(200, GEOJSON): OpenApiTypes.OBJECT},
        description="A GeoJSON FeatureCollection with public fields only, newest first. "
        "`next` is the URL of the following page, or null.",
    )
    def get(self, request: Request) -> HttpResponse:
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        limit, offset = query.validated_data["limit"], query.validated_data["offset"]
        reports = reports_filter(reports_public(), query.criteria()).order_by("-created_at", "-id")
        features, more = features_page_json(reports, offset=offset, limit=limit)
        next_url = None
        if more:
            params = request.query_params.copy()
            params["offset"] = str(offset + limit)
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        next_json = "null" if next_url is None else f'"{next_url}"'
        return geojson_response(
            f'{{"type":"FeatureCollection","features":{features},"next":{next_json}}}'
        )

    @extend_schema(
        request={
            "application/json": ReportCreateSerializer,
            "multipart/form-data": ReportCreateSerializer,
        },
        responses={201: CreatedSerializer, 200: CreatedSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        description="Submit a report. A retry with the same Idempotency-Key and the same content "
        "returns the first report with 200; the same key with other content answers 422. "
        "Submissions are limited per client address (anonymous) or per account (429).",
    )
    def post(self, request: Request) -> HttpResponse:
        address = client_address(request._request)
        checked = submission_limited_and_validated(
            request,
            address,
            "report",
            _("Too many reports from your address. Try again later."),
            _("Too many reports from your account. Try again later."),
            lambda: ReportCreateSerializer(data=request.data),
        )
        if isinstance(checked, Response):
            return checked
        fields = checked.validated_data
        if fields.get("website"):
            # Only bots fill the hidden field: answer as if accepted, keep nothing.
            # The same answer as a real report's, however the client asked.
            return json_answer(request, {"id": str(uuid.uuid4()), "status": "submitted"}, 201)
        key = _idempotency_key(request, fields)
        draft = ReportDraft(
            category=fields["category"],
            description=fields["description"],
            occurred_at=fields.get("occurred_at") or timezone.now(),
            severity=fields["severity"],
            feeling_unsafe=fields["feeling_unsafe"],
            location=fields["location"],
            cyber_channel=fields.get("cyber_channel", ""),
            cyber_sender=fields.get("cyber_sender", ""),
            contact_email=fields.get("contact_email", ""),
            language=get_language() or settings.LANGUAGE_CODE,
        )
        try:
            report, created = report_submit(
                draft=draft,
                reporter=request.user if request.user.is_authenticated else None,
                client_address=address,
                photos=fields["clean_photos"],
                idempotency_key=key,
                request_fingerprint=_body_fingerprint(request.data) if key else "",
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        except IdempotencyKeyReused:
            return Response(
                {
                    "detail": _(
                        "This idempotency key was already used with different content. Send "
                        "the same content to get the first report back, or a new key for a "
                        "new report."
                    )
                },
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        # CreatedSerializer's shape (the schema names it), written directly.
        answer = {"id": str(report.public_id), "status": str(report.status)}
        token = support_token_make(report)
        if token:
            answer["support"] = token
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return json_answer(request, answer, code)


class ReportDetail(APIView):
    permission_classes = [AllowAny]
    content_negotiation_class = GeoJSONNegotiation

    @extend_schema(operation_id="reports_retrieve", responses={(200, GEOJSON): OpenApiTypes.OBJECT})
    def get(self, request: Request, public_id: uuid.UUID) -> HttpResponse:
        feature = feature_json(reports_public().filter(public_id=public_id))
        if feature is None:
            raise Http404
        return geojson_response(feature)


class NearbyQuerySerializer(FieldsBuiltOnce):
    category = CategoryField()
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)


class ReportNearby(APIView):
    """The duplicate hint: public reports of the same category nearby in the last 30 days.

    Computed on public locations only, so that probing points cannot reveal an exact one.
    """

    permission_classes = [AllowAny]
    content_negotiation_class = GeoJSONNegotiation

    @extend_schema(
        operation_id="reports_nearby",
        parameters=[NearbyQuerySerializer],
        responses={(200, GEOJSON): OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> HttpResponse:
        query = NearbyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        point = point_from_lon_lat(data["longitude"], data["latitude"])
        reports = reports_near(point=point, category=data["category"])
        features, _ = features_page_json(reports, offset=0, limit=5)
        return geojson_response(f'{{"type":"FeatureCollection","features":{features}}}')


class _CategoryCountSerializer(serializers.Serializer[Any]):
    category = serializers.CharField(help_text="the category's code")
    count = serializers.IntegerField()


class _GroupCountSerializer(serializers.Serializer[Any]):
    group = serializers.CharField()
    count = serializers.IntegerField()
    categories = _CategoryCountSerializer(many=True)


class ReportSummarySerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    groups = _GroupCountSerializer(many=True)
    first_occurred_on = serializers.DateField(allow_null=True)
    last_occurred_on = serializers.DateField(allow_null=True)


class ReportSummary(APIView):
    """How many published reports match the list's filters, per category group and category,
    and between which dates they happened: what a dot of the risk map holds."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="reports_summary",
        parameters=[ReportQuerySerializer],
        responses={200: ReportSummarySerializer},
        description="Counts of published reports with the filters of the list (`limit` and "
        "`offset` are ignored): per category group (in a fixed order) and per category.",
    )
    def get(self, request: Request) -> Response:
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        summary = reports_summary(reports_filter(reports_public(), query.criteria()))
        return Response(ReportSummarySerializer(summary).data)
