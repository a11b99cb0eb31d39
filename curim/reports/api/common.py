"""What the report API's resources share: GeoJSON and error responses, the list filters, fields
that refuse what PostgreSQL cannot hold, rate limits."""

import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.core.validators import ProhibitNullCharactersValidator
from django.http import HttpResponse, JsonResponse
from django.utils.functional import Promise
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from rest_framework import serializers, status
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from curim.core.geometry import GeometryError, bbox_from_text
from curim.core.ratelimit import SentHit, rate_limit_hit_sent
from curim.core.serializer_fields import FieldsBuiltOnce
from curim.reports.categories import category_active_cached
from curim.reports.models import Category
from curim.reports.selectors import (
    ReportFilter,
)

GEOJSON = "application/geo+json"


class GeoJSONNegotiation(DefaultContentNegotiation):
    """For views that write their GeoJSON answers themselves (as `application/geo+json`): a
    client that accepts only GeoJSON, as the map's scripts and GIS tools do, gets the answer
    rather than 406, and any error as JSON, since an error is not a GeoJSON object."""

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderers = list(renderers)
        # Asked for nothing in particular (no Accept header, or `*/*`; no format override), as
        # most API clients ask: DRF's own answer is the first renderer with its media type,
        # given here without parsing and ordering the media types (0.05 ms of each request).
        if (
            renderers
            and ";" not in renderers[0].media_type  # DRF matches no parameters to */*
            and format_suffix is None
            and request.META.get("HTTP_ACCEPT", "*/*") == "*/*"
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            return renderers[0], str(renderers[0].media_type)
        try:
            chosen: tuple[BaseRenderer, str] = super().select_renderer(
                request, renderers, format_suffix
            )
        except NotAcceptable:
            if not any(_accepts_geojson(token) for token in self.get_accept_list(request)):
                raise
            return renderers[0], str(renderers[0].media_type)
        return chosen


def _accepts_geojson(token: str) -> bool:
    media_type, params = parse_header_parameters(token)
    try:
        if float(params.get("q", "1")) <= 0:
            return False  # "q=0": explicitly not acceptable
    except ValueError:
        return False
    return media_type == GEOJSON


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


def unstorable_refused(data: object) -> None:
    """Refuse a NUL byte (PostgreSQL cannot store it) or a lone surrogate (UTF-8 cannot encode
    it), with DRF's own messages, before a field looks the value up or echoes it in an error."""
    if isinstance(data, str):
        if "\x00" in data:
            raise serializers.ValidationError(
                ProhibitNullCharactersValidator.message, code=ProhibitNullCharactersValidator.code
            )
        ProhibitSurrogateCharactersValidator()(data)


class TextChoiceField(serializers.ChoiceField):
    """A choice whose refusal never echoes a NUL byte or a lone surrogate back."""

    def to_internal_value(self, data: Any) -> Any:
        unstorable_refused(data)
        return super().to_internal_value(data)


CATEGORY_CODE_MAX = int(Category._meta.get_field("slug").max_length or 0)
# Built once: DRF clones a field's queryset (.all()) wherever it reads it.
ACTIVE_CATEGORIES = Category.objects.filter(is_active=True)


class CategoryField(serializers.SlugRelatedField[Category]):
    """An active category by its code; a code PostgreSQL cannot compare is refused first."""

    # The report form shows these under its category list: DRF's own ("This field may not be
    # null." for the empty choice, "Object with slug=… does not exist.") read like an API.
    default_error_messages = {
        "required": _("Choose a category."),
        "null": _("Choose a category."),
        "does_not_exist": _("There is no category in use with this code."),
        "invalid": _("There is no category in use with this code."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="slug", queryset=ACTIVE_CATEGORIES, **kwargs)

    def to_internal_value(self, data: Any) -> Category:
        unstorable_refused(data)
        if not isinstance(data, str) or len(data) > CATEGORY_CODE_MAX:
            self.fail("invalid")  # not a code at all: neither looked up nor echoed
        # The active categories this process keeps (the queryset above, without a query).
        category = category_active_cached(data)
        if category is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return category


# Every way a number field can be refused; the forms show one plain message for all of them.
NUMBER_ERRORS = ("required", "null", "invalid", "min_value", "max_value", "max_string_length")


def rating_field(message: StrOrPromise, **options: Any) -> serializers.IntegerField:
    """A whole number from 1 to 5 whose every refusal is `message`, which names what it rates:
    DRF's "A valid integer is required." says neither what nor how."""
    return serializers.IntegerField(
        min_value=1, max_value=5, error_messages=dict.fromkeys(NUMBER_ERRORS, message), **options
    )


def coordinate_field(*, latitude: bool, **options: Any) -> serializers.FloatField:
    """A latitude or a longitude in degrees, refused in words that say which and its range."""
    limit = 90 if latitude else 180
    message = (
        _("Give the place's latitude: a number from -90 to 90.")
        if latitude
        else _("Give the place's longitude: a number from -180 to 180.")
    )
    return serializers.FloatField(
        min_value=-limit,
        max_value=limit,
        error_messages=dict.fromkeys(NUMBER_ERRORS, message),
        **options,
    )


class SafeDateTimeField(serializers.DateTimeField):
    """A date-time field that answers 400, not 500, for dates its time zone cannot hold."""

    def to_internal_value(self, value: Any) -> Any:
        try:
            return super().to_internal_value(value)
        except OverflowError:
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]")


class ReportQuerySerializer(FieldsBuiltOnce):
    # Read by every tile, GeoJSON list and summary: its fields built once per thread and
    # language (curim.core.serializer_fields).
    bbox = serializers.CharField(required=False, help_text="minlon,minlat,maxlon,maxlat")
    category = serializers.CharField(required=False, help_text="category codes, comma-separated")
    group = serializers.CharField(required=False, help_text="category groups, comma-separated")
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)
    area = serializers.SlugField(required=False)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=5000, default=1000)
    offset = serializers.IntegerField(required=False, min_value=0, max_value=10**6, default=0)

    def validate_bbox(self, value: str) -> Polygon:
        try:
            return bbox_from_text(value)
        except GeometryError as error:
            raise serializers.ValidationError(str(error)) from None

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise serializers.ValidationError({"until": _("'until' is before 'since'.")})
        return data

    def criteria(self) -> ReportFilter:
        data = self.validated_data
        return ReportFilter(
            bbox=data.get("bbox"),
            categories=tuple(filter(None, data.get("category", "").split(","))),
            groups=tuple(filter(None, data.get("group", "").split(","))),
            since=data.get("since"),
            until=data.get("until"),
            area=data.get("area"),
        )


def submission_limit(
    request: Request,
    address: str | None,
    scope: str,
    message: str | Promise,
    signed_in_message: str | Promise,
) -> Response | None:
    """429 once a client has sent too much this hour; None otherwise.

    Anonymous clients count per address (REPORTS_ANONYMOUS_PER_HOUR), registered citizens per
    account (REPORTS_SIGNED_IN_PER_HOUR), each in its own window.
    """
    hit = _submission_hit_sent(request, address, scope)
    return _too_many(request, message, signed_in_message) if hit.exceeded() else None


Validated = TypeVar("Validated", bound=serializers.Serializer[Any])


def submission_limited_and_validated(
    request: Request,
    address: str | None,
    scope: str,
    message: str | Promise,
    signed_in_message: str | Promise,
    serializer: Callable[[], Validated],
) -> Validated | Response:
    """`submission_limit` and the submission's validation at once: the hit goes to Redis, the
    serializer (built by `serializer()`) validates while Redis counts it, then the count is read.

    The answer is as if the limit came first: the 429 when the client has sent too much,
    whatever its body; otherwise the serializer, valid, or its ValidationError raised (400). A
    body with files (multipart) waits for the count first: a client over its limit must not
    have its files read, nor its photos decoded.
    """
    hit = _submission_hit_sent(request, address, scope)
    if request.content_type.startswith("multipart/") and hit.exceeded():
        return _too_many(request, message, signed_in_message)
    try:
        validated = serializer()
        valid = validated.is_valid()
    except Exception:
        if hit.exceeded():  # the limit first, even for a body that cannot be read
            return _too_many(request, message, signed_in_message)
        raise
    except BaseException:
        hit.abandon()
        raise
    if hit.exceeded():
        return _too_many(request, message, signed_in_message)
    if not valid:
        raise serializers.ValidationError(validated.errors)
    return validated


def _submission_hit_sent(request: Request, address: str | None, scope: str) -> SentHit:
    if request.user.is_authenticated:
        scope, key = f"{scope}-user", str(request.user.pk)
        limit = settings.REPORTS_SIGNED_IN_PER_HOUR
    else:
        scope, key = f"{scope}-anonymous", address or "unknown"
        limit = settings.REPORTS_ANONYMOUS_PER_HOUR
    return rate_limit_hit_sent(scope=scope, key=key, limit=limit, window_s=3600)


def _too_many(
    request: Request, message: str | Promise, signed_in_message: str | Promise
) -> Response:
    detail = signed_in_message if request.user.is_authenticated else message
    return Response({"detail": detail}, status=status.HTTP_429_TOO_MANY_REQUESTS)


def geojson_response(body: str, status_code: int = 200) -> HttpResponse:
    return HttpResponse(body, content_type=GEOJSON, status=status_code)


def json_answer(request: Request, data: dict[str, str], status_code: int) -> HttpResponse:
    """A JSON answer of plain strings, as DRF's Response with its JSONRenderer writes it: written
    here directly (compact, UTF-8, `application/json`, U+2028 and U+2029 escaped) when the
    client asked for JSON without parameters, as nearly all do, since DRF's template response
    costs 0.08 ms of a report submission, the platform's hot path (docs/performance.md); through
    DRF otherwise (an `indent=` in the Accept header, say), so that the answer never differs."""
    if request.accepted_media_type != JSONRenderer.media_type:
        return Response(data, status=status_code)
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return HttpResponse(body.encode(), content_type=JSONRenderer.media_type, status=status_code)


def errors_response(errors: Any) -> JsonResponse:
    """A 400 with the errors per field, as DRF views answer, for the plain Django views."""
    return JsonResponse(errors, status=status.HTTP_400_BAD_REQUEST)
