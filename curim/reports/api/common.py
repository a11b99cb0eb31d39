"""What the report API's resources share: GeoJSON responses, the list filters, rate limits."""

from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from curim.core.ratelimit import rate_limit_exceeded
from curim.reports.selectors import (
    ReportFilter,
)

GEOJSON = "application/geo+json"


class CreatedSerializer(serializers.Serializer[Any]):
    """What a POST that creates something answers."""

    id = serializers.UUIDField()
    status = serializers.CharField()
    # Reports in a victimisation category: a token with which the reporter may ask the Victim
    # Support Unit to contact them (see curim.reports.support).
    support = serializers.CharField(required=False)

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        if not data.get("support"):
            data.pop("support", None)
        return data


class SafeDateTimeField(serializers.DateTimeField):
    """A date-time field that answers 400, not 500, for dates its time zone cannot hold."""

    def to_internal_value(self, value: Any) -> Any:
        try:
            return super().to_internal_value(value)
        except OverflowError:
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]")


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


def anonymous_limit(
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


def geojson_response(body: str, status_code: int = 200) -> HttpResponse:
    return HttpResponse(body, content_type=GEOJSON, status=status_code)
