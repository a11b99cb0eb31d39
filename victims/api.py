"""The unit's API: cases (list, detail) and recording a session. Session authentication with a
verified second factor only: an API token would bypass the second factor."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from curim.accounts.twofactor import TwoFactorVerified
from curim.reports.api.common import SafeDateTimeField
from victims.audit import access_log_write
from victims.models import AccessLog, Case, SupportSession
from victims.selectors import (
    case_for,
    case_opened_by_glass,
    case_to_change,
    cases_visible_to,
    is_unit_member,
)
from victims.services.support import session_record


class UnitMember(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        if not is_unit_member(request.user):
            raise NotFound  # outsiders learn nothing, not even that the endpoint is theirs to miss
        return True


class UnitAPIView(APIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated, UnitMember, TwoFactorVerified]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        return response


class PersonSerializer(serializers.Serializer[Any]):
    full_name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    address = serializers.CharField()
    safe_contact = serializers.DictField()


class CaseSerializer(serializers.ModelSerializer[Case]):
    district: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "intake_date",
            "source",
            "offence_type",
            "risk_level",
            "status",
            "district",
            "restricted",
            "closed_at",
            "closure_outcome",
        ]


class CaseDetailSerializer(CaseSerializer):
    person = PersonSerializer()
    summary = serializers.CharField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "person", "summary"]


def _unencodable(value: Any) -> bool:
    """True if `value` holds a string that is not valid Unicode text (a lone surrogate, which
    JSON's "\\ud800" can carry): it can be neither stored nor echoed in an error message."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, Mapping):
        return any(_unencodable(k) or _unencodable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unencodable(v) for v in value)
    return False


class SessionSerializer(serializers.ModelSerializer[SupportSession]):
    held_at = SafeDateTimeField()  # a year its time zone cannot hold is a 400, not a 500

    def to_internal_value(self, data: Any) -> Any:
        # Before the fields: a choice field would echo the value in its error, and the answer
        # could not be encoded (a 500).
        if isinstance(data, Mapping):
            errors: dict[str, Any] = {
                name: [_("This holds characters that are not valid text.")]
                for name in self.fields.keys()  # noqa: SIM118  the stubs iterate over fields
                if name in data and _unencodable(data[name])
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    class Meta:
        model = SupportSession
        fields = ["id", "kind", "channel", "held_at", "duration_minutes", "notes"]
        read_only_fields = ["id"]


class CaseList(UnitAPIView, generics.ListAPIView[Case]):
    serializer_class = CaseSerializer
    filterset_fields = ["status", "offence_type", "risk_level", "source"]

    def get_queryset(self) -> Any:
        return (
            cases_visible_to(self.request.user)
            .select_related("district")
            .order_by("-intake_date", "-created_at")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        ids = [row["id"] for row in response.data["results"]]
        access_log_write(
            user=request.user,
            action=AccessLog.Action.LIST,
            cases=list(Case.objects.filter(pk__in=ids)),
            # Only the known filters, which are codes: never free text from the query string.
            detail="api "
            + " ".join(
                f"{k}={request.GET[k]}" for k in sorted(self.filterset_fields) if k in request.GET
            )[:190],
        )
        return response


class CaseDetail(UnitAPIView):
    @extend_schema(responses=CaseDetailSerializer)
    def get(self, request: Request, case_id: str) -> Response:
        case = _case(request, case_id)
        access_log_write(
            user=request.user,
            action=AccessLog.Action.VIEW,
            case=case,
            detail="api",
            break_glass=case_opened_by_glass(request.user, case),
        )
        return Response(CaseDetailSerializer(case).data)


class SessionCreate(UnitAPIView):
    @extend_schema(request=SessionSerializer, responses={201: SessionSerializer})
    def post(self, request: Request, case_id: str) -> Response:
        case = _case(request, case_id, to_change=True)
        data = SessionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            session = session_record(case=case, by=request.user, **data.validated_data)  # type: ignore[arg-type]
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                error.message_dict
                if hasattr(error, "error_dict")
                else {"non_field_errors": error.messages}
            ) from error
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)


def _case(request: Request, case_id: str, *, to_change: bool = False) -> Case:
    """The case to read, or with `to_change` to change (not through break-glass access)."""
    try:
        return (case_to_change if to_change else case_for)(request.user, case_id)
    except Http404 as exc:
        raise NotFound from exc
