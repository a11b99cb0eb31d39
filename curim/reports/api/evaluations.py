"""Place evaluations through the API: rate a place; average ratings per cell as GeoJSON."""

import uuid
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from curim.core.client import client_address
from curim.core.geometry import point_from_lon_lat
from curim.core.serializer_fields import FieldsBuiltOnce
from curim.reports.api.common import (
    GEOJSON,
    CreatedSerializer,
    GeoJSONNegotiation,
    TextChoiceField,
    coordinate_field,
    geojson_response,
    rating_field,
    submission_limit,
)
from curim.reports.models import AUDIT_PARAMETERS, TimeOfDay
from curim.reports.serialise import evaluation_cells_geojson
from curim.reports.services.evaluations import EvaluationDraft, evaluation_submit


class EvaluationCreateSerializer(FieldsBuiltOnce):
    # A citizen's submission, as a report's: its fields built once per thread and language
    # (curim.core.serializer_fields).
    latitude = coordinate_field(latitude=True)
    longitude = coordinate_field(latitude=False)
    time_of_day = TextChoiceField(choices=TimeOfDay.choices)
    # The form shows each message under the rating's own label.
    feeling = rating_field(_("Choose a rating from 1 to 5."))
    lighting = rating_field(_("Choose a rating from 1 to 5."))
    visibility = rating_field(_("Choose a rating from 1 to 5."))
    people = rating_field(_("Choose a rating from 1 to 5."))
    security = rating_field(_("Choose a rating from 1 to 5."))
    walk_path = rating_field(_("Choose a rating from 1 to 5."))
    website = serializers.CharField(required=False, allow_blank=True, write_only=True)


class EvaluationQuerySerializer(FieldsBuiltOnce):
    time_of_day = TextChoiceField(choices=TimeOfDay.choices, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The ratings are averaged over all time: two periods' answers, subtracted, would give
        # the ratings of the days between them, one rating alone if so.
        if self.initial_data.get("since"):
            raise serializers.ValidationError(
                {"since": _("The ratings are shown over all time; no period can be chosen.")}
            )
        return attrs


class EvaluationListCreate(APIView):
    """GET: average ratings per 50 m cell (GeoJSON). POST: rate how safe a place feels."""

    permission_classes = [AllowAny]
    content_negotiation_class = GeoJSONNegotiation

    @extend_schema(
        operation_id="evaluations_list",
        parameters=[EvaluationQuerySerializer],
        responses={(200, GEOJSON): OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> HttpResponse:
        query = EvaluationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return geojson_response(
            evaluation_cells_geojson(time_of_day=query.validated_data.get("time_of_day"))
        )

    @extend_schema(
        operation_id="evaluations_create",
        request=EvaluationCreateSerializer,
        responses={201: CreatedSerializer},
    )
    def post(self, request: Request) -> Response:
        address = client_address(request._request)
        refused = submission_limit(
            request,
            address,
            "evaluation",
            _("Too many evaluations from your address. Try again later."),
            _("Too many evaluations from your account. Try again later."),
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
