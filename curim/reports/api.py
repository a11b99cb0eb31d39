"""Public API of citizen reports: submit, list as GeoJSON, read one, categories, vector tiles."""

import csv
import uuid
from itertools import chain
from typing import Any, cast

from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from curim.accounts.models import User
from curim.core.client import client_address
from curim.core.geometry import GeometryError, point_from_lon_lat
from curim.core.ratelimit import rate_limit_exceeded
from curim.reports.conversation import comment_post
from curim.reports.evaluations import EvaluationDraft, evaluation_cells_geojson, evaluation_submit
from curim.reports.models import AUDIT_PARAMETERS, Category, Comment, CyberChannel, TimeOfDay
from curim.reports.photos import CleanPhoto, photo_clean
from curim.reports.selectors import (
    ReportFilter,
    comments_public,
    reports_filter,
    reports_near,
    reports_public,
)
from curim.reports.serialise import (
    CSV_COLUMNS,
    csv_rows,
    feature_json,
    features_page_json,
    tile_bytes,
    tile_exists,
)
from curim.reports.services import MAX_PHOTOS, ReportDraft, report_submit
from curim.reports.tilecache import tile_cached

GEOJSON = "application/geo+json"


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


class SafeDateTimeField(serializers.DateTimeField):
    """A date-time field that answers 400, not 500, for dates its time zone cannot hold."""

    def to_internal_value(self, value: Any) -> Any:
        try:
            return super().to_internal_value(value)
        except OverflowError:
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]")


class ReportCreateSerializer(serializers.Serializer[Any]):
    category = serializers.SlugRelatedField[Category](
        slug_field="slug", queryset=Category.objects.filter(is_active=True)
    )
    description = serializers.CharField(max_length=5000)
    occurred_at = SafeDateTimeField(required=False)
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.FloatField(
        required=False, allow_null=True, min_value=-180, max_value=180
    )
    severity = serializers.IntegerField(min_value=1, max_value=5)
    feeling_unsafe = serializers.IntegerField(min_value=1, max_value=5)
    cyber_channel = serializers.ChoiceField(
        choices=CyberChannel.choices, required=False, allow_blank=True
    )
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
        cleaned: list[CleanPhoto] = []
        errors: list[str] = []
        for upload in data.get("photos", []):
            try:
                cleaned.append(photo_clean(upload))
            except DjangoValidationError as error:
                errors.extend(f"{upload.name}: {message}" for message in error.messages)
        if errors:
            raise serializers.ValidationError({"photos": errors})
        data["clean_photos"] = cleaned
        return data


class ReportCreatedSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    status = serializers.CharField()


class ReportQuerySerializer(serializers.Serializer[Any]):
    bbox = serializers.CharField(required=False, help_text="minlon,minlat,maxlon,maxlat")
    category = serializers.CharField(required=False, help_text="category codes, comma-separated")
    group = serializers.CharField(required=False, help_text="category groups, comma-separated")
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)
    area = serializers.SlugField(required=False)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=5000, default=1000)
    offset = serializers.IntegerField(required=False, min_value=0, max_value=10**6, default=0)

    def validate_bbox(self, value: str) -> Polygon:
        parts = value.split(",")
        try:
            minlon, minlat, maxlon, maxlat = (float(part) for part in parts)
        except ValueError:
            raise serializers.ValidationError(
                _("Give four numbers: minlon,minlat,maxlon,maxlat.")
            ) from None
        if not (-180 <= minlon < maxlon <= 180 and -90 <= minlat < maxlat <= 90):
            raise serializers.ValidationError(
                _("The box must have min < max, longitudes within ±180 and latitudes within ±90.")
            )
        return Polygon.from_bbox((minlon, minlat, maxlon, maxlat))

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise serializers.ValidationError({"until": _("'until' is before 'since'.")})
        return data

    def criteria(self) -> ReportFilter:
        data = self.validated_data
        bbox = data.get("bbox")
        if bbox is not None:
            bbox.srid = 4326
        return ReportFilter(
            bbox=bbox,
            categories=tuple(filter(None, data.get("category", "").split(","))),
            groups=tuple(filter(None, data.get("group", "").split(","))),
            since=data.get("since"),
            until=data.get("until"),
            area=data.get("area"),
        )


def _anonymous_limit(
    request: Request, address: str | None, scope: str, message: str | Promise
) -> Response | None:
    """429 once an anonymous client address has sent too much this hour; None otherwise."""
    if request.user.is_authenticated:
        return None
    if rate_limit_exceeded(
        scope=scope,
        key=address or "unknown",
        limit=settings.REPORTS_ANONYMOUS_PER_HOUR,
        window_s=3600,
    ):
        return Response({"detail": message}, status=status.HTTP_429_TOO_MANY_REQUESTS)
    return None


def _geojson(body: str, status_code: int = 200) -> HttpResponse:
    return HttpResponse(body, content_type=GEOJSON, status=status_code)


class ReportListCreate(APIView):
    """GET: published reports as a GeoJSON FeatureCollection. POST: submit a report."""

    permission_classes = [AllowAny]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

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
        return _geojson(f'{{"type":"FeatureCollection","features":{features},"next":{next_json}}}')

    @extend_schema(
        request={
            "application/json": ReportCreateSerializer,
            "multipart/form-data": ReportCreateSerializer,
        },
        responses={201: ReportCreatedSerializer, 200: ReportCreatedSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        description="Submit a report. A retry with the same Idempotency-Key returns the first "
        "report with 200. Anonymous submissions are limited per client address (429).",
    )
    def post(self, request: Request) -> Response:
        address = client_address(request._request)
        refused = _anonymous_limit(
            request,
            address,
            "report-anonymous",
            _("Too many reports from your address. Try again later."),
        )
        if refused is not None:
            return refused
        data = ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        if fields.get("website"):
            # Only bots fill the hidden field: answer as if accepted, keep nothing.
            return Response({"id": uuid.uuid4(), "status": "submitted"}, status=201)
        key = request.headers.get("Idempotency-Key") or fields.get("idempotency_key") or None
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
                idempotency_key=key[:64] if key else None,
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return Response(
            ReportCreatedSerializer({"id": report.public_id, "status": report.status}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ReportDetail(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="reports_retrieve", responses={(200, GEOJSON): OpenApiTypes.OBJECT})
    def get(self, request: Request, public_id: uuid.UUID) -> HttpResponse:
        feature = feature_json(reports_public().filter(public_id=public_id))
        if feature is None:
            raise Http404
        return _geojson(feature)


class NearbyQuerySerializer(serializers.Serializer[Any]):
    category = serializers.SlugRelatedField[Category](
        slug_field="slug", queryset=Category.objects.filter(is_active=True)
    )
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)


class ReportNearby(APIView):
    """The duplicate hint: public reports of the same category nearby in the last 30 days.

    Computed on public locations only, so that probing points cannot reveal an exact one.
    """

    permission_classes = [AllowAny]

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
        return _geojson(f'{{"type":"FeatureCollection","features":{features}}}')


class EvaluationCreateSerializer(serializers.Serializer[Any]):
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    time_of_day = serializers.ChoiceField(choices=TimeOfDay.choices)
    feeling = serializers.IntegerField(min_value=1, max_value=5)
    lighting = serializers.IntegerField(min_value=1, max_value=5)
    visibility = serializers.IntegerField(min_value=1, max_value=5)
    people = serializers.IntegerField(min_value=1, max_value=5)
    security = serializers.IntegerField(min_value=1, max_value=5)
    walk_path = serializers.IntegerField(min_value=1, max_value=5)
    website = serializers.CharField(required=False, allow_blank=True, write_only=True)


class EvaluationQuerySerializer(serializers.Serializer[Any]):
    time_of_day = serializers.ChoiceField(choices=TimeOfDay.choices, required=False)
    since = serializers.DateField(required=False)


class EvaluationListCreate(APIView):
    """GET: average ratings per 50 m cell (GeoJSON). POST: rate how safe a place feels."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="evaluations_list",
        parameters=[EvaluationQuerySerializer],
        responses={(200, GEOJSON): OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> HttpResponse:
        query = EvaluationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return _geojson(
            evaluation_cells_geojson(
                time_of_day=query.validated_data.get("time_of_day"),
                since=query.validated_data.get("since"),
            )
        )

    @extend_schema(
        operation_id="evaluations_create",
        request=EvaluationCreateSerializer,
        responses={201: ReportCreatedSerializer},
    )
    def post(self, request: Request) -> Response:
        address = client_address(request._request)
        refused = _anonymous_limit(
            request,
            address,
            "evaluation-anonymous",
            _("Too many evaluations from your address. Try again later."),
        )
        if refused is not None:
            return refused
        data = EvaluationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        if fields.get("website"):
            return Response({"id": uuid.uuid4(), "status": "submitted"}, status=201)
        draft = EvaluationDraft(
            location=point_from_lon_lat(fields["longitude"], fields["latitude"]),
            time_of_day=fields["time_of_day"],
            **{name: fields[name] for name in ("feeling", *AUDIT_PARAMETERS)},
        )
        try:
            evaluation = evaluation_submit(
                draft=draft,
                evaluator=request.user if request.user.is_authenticated else None,
                client_address=address,
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return Response({"id": evaluation.public_id, "status": "recorded"}, status=201)


class CommentSerializer(serializers.ModelSerializer[Comment]):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "body", "created_at"]
        read_only_fields = ["created_at"]


class ReportComments(generics.ListCreateAPIView[Comment]):
    """Comments on a published report (no author names). Posting needs an account."""

    serializer_class = CommentSerializer
    pagination_class = None

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    def _report(self) -> Any:
        report = reports_public().filter(public_id=self.kwargs["public_id"]).first()
        if report is None:
            raise Http404
        return report

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no report
            return Comment.objects.none()
        return comments_public().filter(report=self._report())

    def perform_create(self, serializer: Any) -> None:
        try:
            serializer.instance = comment_post(
                report=self._report(),
                author=cast(User, self.request.user),  # IsAuthenticated for POST
                body=serializer.validated_data["body"],
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value: object) -> object:
    # Citizens' text must not turn into a formula in a spreadsheet (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@require_GET
def reports_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Open data: published reports as CSV, public columns only, with the list's filters."""
    query = ReportQuerySerializer(data=request.GET)
    if not query.is_valid():
        return HttpResponse(str(query.errors), status=400, content_type="text/plain; charset=utf-8")
    reports = reports_filter(reports_public(), query.criteria()).order_by("-created_at", "-id")
    writer = csv.writer(_Echo())
    rows = ([_csv_cell(value) for value in row] for row in csv_rows(reports))
    lines = chain([writer.writerow(CSV_COLUMNS)], (writer.writerow(row) for row in rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="curim-reports.csv"'
    return response


@require_GET
def report_tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    """A Mapbox Vector Tile of public report locations, counted per category and cluster."""
    if not tile_exists(z, x, y):
        raise Http404("No such tile")
    query = ReportQuerySerializer(data=request.GET)
    if not query.is_valid():
        return HttpResponse(str(query.errors), status=400, content_type="text/plain; charset=utf-8")
    criteria = query.criteria()
    key = f"{z}/{x}/{y}?{request.GET.urlencode()}"
    tile = tile_cached(key, lambda: tile_bytes(reports_filter(reports_public(), criteria), z, x, y))
    response = HttpResponse(tile, content_type="application/vnd.mapbox-vector-tile")
    response["Cache-Control"] = "public, max-age=60"
    return response
