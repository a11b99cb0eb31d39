"""The survey's API: wave definitions, submitting a response, and the indicator estimates."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from curim.core.client import client_address
from surveys.answers import PROFILE_FIELDS, Definition, Raw, answers_parse
from surveys.changes import Change
from surveys.models import Choice, IndicatorEstimate, Question, Section, Survey
from surveys.models import Response as SurveyResponse
from surveys.selectors import (
    ALL,
    ChangeFilter,
    changes_visible_to,
    estimates_visible_to,
    invitation_for,
    survey_open,
    surveys_open,
)
from surveys.services.responses import response_limit_reached, response_save


class ChoiceSerializer(serializers.ModelSerializer[Choice]):
    class Meta:
        model = Choice
        fields = ["code", "label_en", "label_el"]


class QuestionSerializer(serializers.ModelSerializer[Question]):
    choices = ChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = [
            "code",
            "kind",
            "text_en",
            "text_el",
            "help_en",
            "help_el",
            "required",
            "scale_min",
            "scale_max",
            "low_label_en",
            "low_label_el",
            "high_label_en",
            "high_label_el",
            "number_min",
            "number_max",
            "choices",
        ]


class SectionSerializer(serializers.ModelSerializer[Section]):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["title_en", "title_el", "questions"]


class SurveySerializer(serializers.ModelSerializer[Survey]):
    sections = SectionSerializer(many=True, read_only=True)

    class Meta:
        model = Survey
        fields = [
            "code",
            "title_en",
            "title_el",
            "intro_en",
            "intro_el",
            "uses_invitations",
            "sections",
        ]


def _definitions() -> QuerySet[Survey]:
    return surveys_open().prefetch_related(
        "sections__questions__choices",
    )


class SurveyList(generics.ListAPIView[Survey]):
    """The waves open for responses, with their questions (the profile fields come first)."""

    permission_classes = [AllowAny]
    serializer_class = SurveySerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Survey]:
        return _definitions()


class SurveyDetail(generics.RetrieveAPIView[Survey]):
    permission_classes = [AllowAny]
    serializer_class = SurveySerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Survey]:
        return _definitions()


class ResponseCreateSerializer(serializers.Serializer[Any]):
    group = serializers.CharField()
    district = serializers.CharField()
    age_band = serializers.CharField(required=False, allow_blank=True)
    gender = serializers.CharField(required=False, allow_blank=True)
    answers = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text="question code → value, or a list of codes (null: unanswered)",
    )
    token = serializers.CharField(required=False, allow_blank=True)


class ResponseCreatedSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    status = serializers.CharField()


class ResponseCreate(APIView):
    """Send a complete response to an open wave. Errors are keyed by question code."""

    permission_classes = [AllowAny]

    @extend_schema(request=ResponseCreateSerializer, responses={201: ResponseCreatedSerializer})
    def post(self, request: Request, code: str) -> Response:
        survey = survey_open(code)
        body = ResponseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        invitation = None
        if survey.uses_invitations:
            invitation = invitation_for(survey=survey, token=data.get("token") or "")
            if invitation is None:
                return Response(
                    {"token": ["This survey needs a valid, unused invitation token."]},
                    status=status.HTTP_403_FORBIDDEN,
                )
        elif response_limit_reached(client_address=client_address(request._request)):
            return Response(
                {"detail": "Too many responses from your address. Try again later."},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        raw: dict[str, Raw] = {name: data.get(name) or "" for name in PROFILE_FIELDS}
        for question_code, value in data["answers"].items():
            raw[str(question_code)] = _raw(value)
        parsed = answers_parse(Definition.load(survey), raw, complete=True, unknown_allowed=False)
        if parsed.errors:
            raise serializers.ValidationError(parsed.errors)
        try:
            response, _ = response_save(
                survey=survey,
                parsed=parsed,
                complete=True,
                source=SurveyResponse.Source.WEB,
                invitation=invitation,
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return Response({"id": response.public_id, "status": response.status}, status=201)


def _raw(value: object) -> Raw:
    if value is None:
        return None
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, bool):  # JSON true/false is no answer to any of our questions
        return "?"
    return str(value)


class EstimateSerializer(serializers.ModelSerializer[IndicatorEstimate]):
    survey = serializers.SlugRelatedField[Survey](slug_field="code", read_only=True)
    indicator = serializers.SlugRelatedField[Any](slug_field="code", read_only=True)
    area = serializers.SlugRelatedField[Any](slug_field="code", read_only=True)
    group = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorEstimate
        fields = [
            "survey",
            "indicator",
            "area",
            "group",
            "suppressed",
            "n",
            "estimate",
            "std_error",
            "ci_low",
            "ci_high",
            "effective_n",
            "weighted",
        ]

    def get_group(self, row: IndicatorEstimate) -> str | None:
        return row.group or None


class EstimateList(generics.ListAPIView[IndicatorEstimate]):
    """The indicator estimates (null area or group: all of them). Suppressed cells carry no
    values. Every wave's for the council and the survey staff; the waves whose results are
    published for everybody else, without logging in."""

    permission_classes = [AllowAny]
    serializer_class = EstimateSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("survey", str, description="a wave's code"),
            OpenApiParameter("indicator", str, description="an indicator's code"),
            OpenApiParameter("area", str, description=f"a district's code, or '{ALL}'"),
            OpenApiParameter("group", str, description=f"a respondent group, or '{ALL}'"),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[IndicatorEstimate]:
        rows = estimates_visible_to(self.request.user)
        # PostgreSQL text cannot hold NUL: such a value matches nothing, and must not fail.
        params = {
            key: str(self.request.query_params.get(key, "")).replace("\x00", "")
            for key in ("survey", "indicator", "area", "group")
        }
        if params.get("survey"):
            rows = rows.filter(survey__code=params["survey"])
        if params.get("indicator"):
            rows = rows.filter(indicator__code=params["indicator"])
        if params.get("area") == ALL:
            rows = rows.filter(area__isnull=True)
        elif params.get("area"):
            rows = rows.filter(area__code=params["area"])
        if params.get("group") == ALL:
            rows = rows.filter(group="")
        elif params.get("group"):
            rows = rows.filter(group=params["group"])
        return rows


class ChangeSerializer(serializers.Serializer[Change]):
    survey_from = serializers.CharField(help_text="the earlier wave's code")
    survey_to = serializers.CharField(help_text="the later wave's code")
    indicator = serializers.CharField()
    area = serializers.CharField(allow_null=True, help_text="a district's code; null: all")
    group = serializers.CharField(allow_null=True, help_text="a respondent group; null: all")
    change = serializers.FloatField(help_text="the later estimate minus the earlier one")
    std_error = serializers.FloatField(help_text="√(SE_from² + SE_to²): independent samples")
    ci_low = serializers.FloatField(help_text="change − 1.959964 · std_error")
    ci_high = serializers.FloatField(help_text="change + 1.959964 · std_error")
    significant = serializers.BooleanField(help_text="the 95% interval leaves out 0")
    comparable = serializers.BooleanField(
        help_text="both waves weighted to population margins over the same dimensions"
    )
    estimate_from = serializers.FloatField()
    estimate_to = serializers.FloatField()


class ChangeList(generics.ListAPIView[Any]):  # its rows are `Change`s, not models
    """The change of each indicator estimate from one wave to another (cells shown in both
    waves only), with its standard error, 95% interval and significance. By default every wave
    against the baseline of its series (the first wave of its chain of follow-ups). Every pair
    for the council and the survey staff; pairs of waves whose results are both published for
    everybody else, without logging in."""

    permission_classes = [AllowAny]
    serializer_class = ChangeSerializer
    filter_backends: list[type[Any]] = []

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="the earlier wave's code"),
            OpenApiParameter("to", str, description="the later wave's code"),
            OpenApiParameter("indicator", str, description="an indicator's code"),
            OpenApiParameter("area", str, description=f"a district's code, or '{ALL}'"),
            OpenApiParameter("group", str, description=f"a respondent group, or '{ALL}'"),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> list[Change]:  # type: ignore[override]
        params = {
            key: str(self.request.query_params.get(key, "")).replace("\x00", "")
            for key in ("from", "to", "indicator", "area", "group")
        }
        if params["from"] and params["from"] == params["to"]:
            raise serializers.ValidationError({"to": ["Choose a wave other than 'from'."]})
        which = ChangeFilter(
            survey_from=params["from"],
            survey_to=params["to"],
            indicator=params["indicator"],
            area=params["area"],
            group=params["group"],
        )
        return changes_visible_to(self.request.user, which)
