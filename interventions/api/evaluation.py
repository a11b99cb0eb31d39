"""The interventions API: `/api/v1/interventions/<reference>/evaluation/`, the latest finished
evaluation of an intervention (a contract: keep the address and the fields); `?version=N`, a
given finished version, for those who read every intervention (the council's readers,
analysts, admins): the public reads the latest only (`evaluation_readable` says why), and any
other version is a 404 to it.

Anybody may ask (AllowAny); the selectors decide: an intervention the caller may not read, or
one with no finished evaluation, is a 404. The public reads public interventions' evaluations,
with the counts of 1 and 2 withheld (null) as every public figure withholds them
(`counts_withheld_below`), and the survey's changes only when both waves' results are published.
"""

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import interventions.converters  # noqa: F401  (registers <intervention_ref:…>)
from interventions.evaluation_data import evaluation_readable
from interventions.evaluation_reading import published_result
from interventions.models import EvaluationStatus
from interventions.selectors import (
    evaluation_hidden_from,
    evaluation_latest,
    intervention_get,
    survey_readable,
    user_reads_all,
)


class EvaluationNotFoundSerializer(serializers.Serializer[dict[str, Any]]):
    detail = serializers.CharField()


class EvaluationComparisonAreaSerializer(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField()
    name_en = serializers.CharField()
    name_el = serializers.CharField()
    before_count = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Its count in the window before (suggested comparisons); null when withheld.",
    )


class EvaluationComparisonSerializer(serializers.Serializer[dict[str, Any]]):
    how = serializers.ChoiceField(
        choices=["chosen", "suggested", "matched_cells"],
        help_text="chosen by the analyst, or suggested by the platform (the k areas of the "
        "same level whose counts before were closest to the intervention area's), or "
        "matched_cells: an intervention at several sites (a Multi* geometry), each site a "
        "treated unit against the k cells of the 250 m grid, clear of every site's treated "
        "zone and ring, whose counts before were closest to the sites' (areas are then those "
        "cells).",
    )
    units = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text="matched_cells: the number of treated units (sites) and control units (cells).",
    )
    description = serializers.CharField(
        required=False, help_text="matched_cells: the design in one sentence (English)."
    )
    areas = EvaluationComparisonAreaSerializer(many=True)
    own_before_count = serializers.IntegerField(required=False, allow_null=True)
    k = serializers.IntegerField(required=False)


class EvaluationWindowSerializer(serializers.Serializer[dict[str, Any]]):
    start = serializers.DateField()
    end = serializers.DateField(help_text="The window's last day (included).")


class EvaluationWindowsSerializer(serializers.Serializer[dict[str, Any]]):
    before = EvaluationWindowSerializer()
    after = EvaluationWindowSerializer()
    days = serializers.IntegerField(help_text="The length of each window: both are equal.")
    periods_per_window = serializers.IntegerField()


class EvaluationCountRowSerializer(serializers.Serializer[dict[str, Any]]):
    zone = serializers.CharField(
        help_text="treated, ring (displacement ring), ring_control, or control:<area code>; "
        "for several sites treated:<n> per site and control:cell:<column>:<row> per cell."
    )
    role = serializers.ChoiceField(choices=["treated", "control", "ring", "ring_control"])
    code = serializers.CharField()
    before = serializers.IntegerField(allow_null=True, help_text="null: withheld (1 or 2).")
    after = serializers.IntegerField(allow_null=True, help_text="null: withheld (1 or 2).")
    periods_before = serializers.ListField(child=serializers.IntegerField(), required=False)
    periods_after = serializers.ListField(child=serializers.IntegerField(), required=False)


class EvaluationWDDSerializer(serializers.Serializer[dict[str, Any]]):
    estimate = serializers.FloatField()
    se = serializers.FloatField()
    variance = serializers.FloatField()
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    p_value = serializers.FloatField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)


class EvaluationWDQSerializer(serializers.Serializer[dict[str, Any]]):
    value = serializers.FloatField(allow_null=True)
    success_measure = serializers.FloatField(allow_null=True)
    buffer_measure = serializers.FloatField(allow_null=True)
    interpretation = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)


class InterventionEvaluationSerializer(serializers.Serializer[dict[str, Any]]):
    reference = serializers.CharField()
    version = serializers.IntegerField()
    method = serializers.CharField()
    estimate = serializers.FloatField(
        allow_null=True,
        help_text="The difference-in-differences estimate: the log of the rate ratio (null: "
        "withheld from the public, see `withheld`).",
    )
    ci_low = serializers.FloatField(allow_null=True, help_text="95% interval; null: open.")
    ci_high = serializers.FloatField(allow_null=True, help_text="95% interval; null: open.")
    rate_ratio = serializers.FloatField(allow_null=True)
    rate_ratio_ci = serializers.ListField(
        child=serializers.FloatField(allow_null=True), allow_null=True
    )
    percent_change = serializers.FloatField(allow_null=True)
    percent_ci = serializers.ListField(
        child=serializers.FloatField(allow_null=True), allow_null=True
    )
    p_value = serializers.FloatField(allow_null=True)
    inference = serializers.DictField(
        allow_null=True,
        help_text="cluster (robust by area) or randomization; for the public, that of the "
        "evaluation computed from public reports at their public places, null when it has "
        "none.",
    )
    verdict = serializers.ChoiceField(
        choices=["fewer", "more", "unclear", "withheld"],
        help_text="unclear whenever the 95% interval includes no change; withheld when the "
        "figures rest on a count the public never sees.",
    )
    verdict_text = serializers.CharField()
    withheld = serializers.BooleanField(
        help_text="The public's figures are null: they rest on a count of 1 or 2, which they "
        "would give back, or the evaluation counts what the public never sees (the council's "
        "readers read them)."
    )
    withheld_reason = serializers.ChoiceField(
        choices=["small_counts", "kept_from_public"],
        allow_null=True,
        help_text="small_counts: the figures rest on a count of 1 or 2; kept_from_public: the "
        "evaluation counts official incidents or a category the public may not see, or has no "
        "figures counted from public reports at their public places, and the public gets no "
        "count at all; null when nothing is withheld. The public's figures are always those "
        "counted from public reports at their public places, never the council's.",
    )
    sms_level = serializers.IntegerField(
        allow_null=True,
        help_text="Maryland Scientific Methods Scale, 1-5; for the public, the level of "
        "the evaluation computed from public reports at their public places (its comparison "
        "matched on those), null when it has none.",
    )
    sms_reason = serializers.CharField()
    comparison = EvaluationComparisonSerializer()
    windows = EvaluationWindowsSerializer()
    sources = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField())
    counts = EvaluationCountRowSerializer(many=True)
    counts_withheld_below = serializers.IntegerField(
        help_text="Counts from 1 up to this number less one are null (the public's rule)."
    )
    wdq = EvaluationWDQSerializer(allow_null=True, help_text="Spatial interventions only.")
    wdd = EvaluationWDDSerializer(allow_null=True, help_text="Spatial interventions only.")
    displacement_counts = serializers.DictField(allow_null=True)
    survey = serializers.DictField(
        help_text="Each indicator's change in the district against the other districts."
    )
    data_up_to = serializers.DateTimeField(
        help_text="when the counts were read: for the public, those of its own figures, read "
        "later for a version finished before they were computed"
    )
    computed_at = serializers.DateTimeField(
        help_text="when the figures this reader reads were computed (for the public, as "
        "`data_up_to`)"
    )
    emmie = serializers.DictField(child=serializers.CharField(allow_blank=True))


class EvaluationVersionSerializer(serializers.Serializer[dict[str, Any]]):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="A finished version (those who read every intervention); the latest when "
        "absent. The public reads the latest only: another version is a 404 to it.",
    )


class InterventionEvaluation(APIView):
    """The latest finished evaluation of an intervention the caller may read."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="intervention_evaluation",
        parameters=[EvaluationVersionSerializer],
        responses={
            200: InterventionEvaluationSerializer,
            400: OpenApiTypes.OBJECT,
            404: EvaluationNotFoundSerializer,
        },
        description=(
            "Whether the intervention worked: the difference-in-differences estimate (log rate "
            "ratio) with its 95% interval, the method and its Maryland level, the comparison "
            "areas and how they were chosen, the windows, the counts per area and window, and "
            "for a spatial intervention the weighted displacement quotient and difference. "
            "The public's counts of 1 and 2 are null, and every count and figure of an "
            "evaluation that counts what the public never sees (official incidents, a category "
            "kept from the public). 404 when the intervention is not readable "
            "or has no finished evaluation (or not that version, to this caller)."
        ),
    )
    def get(self, request: Request, reference: str) -> Response:
        query = EvaluationVersionSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        intervention = intervention_get(user=request.user, reference=reference)
        version = query.validated_data.get("version")
        if version is None:
            evaluation = evaluation_latest(intervention)
        else:
            evaluation = evaluation_readable(
                user=request.user, intervention=intervention, version=version
            )
            if evaluation.status == EvaluationStatus.QUEUED:
                raise NotFound(_("This version of the evaluation is not computed yet."))
            if evaluation.status != EvaluationStatus.DONE:
                raise NotFound(_("This version of the evaluation gave no result."))
        if evaluation is None:
            raise NotFound(_("This intervention has no finished evaluation yet."))
        result = evaluation.result or {}
        readable = survey_readable(request.user, result)
        reads_all = user_reads_all(request.user)
        hidden = evaluation_hidden_from(result, reads_all=reads_all)
        return Response(
            published_result(
                evaluation, reads_all=reads_all, hidden=hidden, survey_readable=readable
            )
        )


urlpatterns = [
    path(
        "interventions/<intervention_ref:reference>/evaluation/",
        InterventionEvaluation.as_view(),
        name="intervention_evaluation",
    ),
]
