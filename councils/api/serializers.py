"""The shapes of the council API: what a client sends (`*Create`) and what it reads back.

The read serializers are given plain values (the dataclasses of `councils.selectors.public`,
or the dicts the views make of a member's records), never a model whose other columns could
leak. Descriptions are in English, as everywhere in the API's schema.
"""

from typing import Any

from rest_framework import serializers

from councils.models import limits
from councils.models.choices import (
    AgendaItemKind,
    MeetingKind,
    MeetingStatus,
    Position,
    Visibility,
)
from curim.reports.api.common import SafeDateTimeField, TextChoiceField


# --- What a client sends -----------------------------------------------------------------------
class MeetingCreateSerializer(serializers.Serializer[Any]):
    council = serializers.SlugField(
        required=False,
        max_length=64,
        help_text=(
            "The council's slug. Needed only when the secretary keeps the records of more "
            "than one council; otherwise the meeting is the council's they keep."
        ),
    )
    title = serializers.CharField(max_length=limits.TITLE_MAX, help_text=("Title in English."))
    title_el = serializers.CharField(
        max_length=limits.TITLE_MAX, required=False, allow_blank=True, default=""
    )
    kind = TextChoiceField(choices=MeetingKind.choices)
    starts_at = SafeDateTimeField()
    ends_at = SafeDateTimeField()
    visibility = TextChoiceField(choices=Visibility.choices)
    place = serializers.CharField(
        max_length=limits.PLACE_MAX, required=False, allow_blank=True, default=""
    )
    online_url = serializers.URLField(
        max_length=limits.URL_MAX, required=False, allow_blank=True, default=""
    )


class AgendaItemCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=limits.TITLE_MAX)
    text = serializers.CharField(
        max_length=limits.TEXT_MAX, required=False, allow_blank=True, default=""
    )
    kind = TextChoiceField(choices=AgendaItemKind.choices, required=False)
    public = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=(
            "Left out: the items of a public meeting are public, those of a split or closed "
            "one closed."
        ),
    )


# --- What a client reads ------------------------------------------------------------------------
class AgendaItemSerializer(serializers.Serializer[Any]):
    order = serializers.IntegerField()
    title = serializers.CharField()
    text = serializers.CharField()
    kind = serializers.ChoiceField(choices=AgendaItemKind.choices)
    public = serializers.BooleanField()


class MeetingSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    council = serializers.CharField(help_text=("The council's slug."))
    title = serializers.CharField(help_text=("In English, or in Greek when there is no English."))
    title_en = serializers.CharField()
    title_el = serializers.CharField()
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField()
    online_url = serializers.CharField()
    status = serializers.ChoiceField(choices=MeetingStatus.choices)
    visibility = serializers.ChoiceField(choices=Visibility.choices)


class MeetingDetailSerializer(MeetingSerializer):
    agenda_items = AgendaItemSerializer(many=True)
    minutes_summary = serializers.CharField(
        allow_null=True, help_text=("The public summary of published minutes.")
    )


class OrganisationSerializer(serializers.Serializer[Any]):
    public_id = serializers.UUIDField()
    name_en = serializers.CharField()
    name_el = serializers.CharField()
    sector = serializers.CharField()


class ProgressUpdateSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    percent = serializers.IntegerField()


class ActionItemSerializer(serializers.Serializer[Any]):
    recommendation = serializers.CharField(help_text=("The recommendation's reference."))
    title_en = serializers.CharField()
    title_el = serializers.CharField()
    owner = OrganisationSerializer()
    due_on = serializers.DateField(allow_null=True)
    weight = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    status = serializers.CharField()
    updates = ProgressUpdateSerializer(many=True)


class StatusChangeSerializer(serializers.Serializer[Any]):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    changed_at = serializers.DateTimeField()


class RecommendationSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField()
    council = serializers.CharField(source="council_slug")
    title_en = serializers.CharField()
    title_el = serializers.CharField()
    text_en = serializers.CharField()
    text_el = serializers.CharField()
    rationale_en = serializers.CharField()
    rationale_el = serializers.CharField()
    priority = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    adopted_in_meeting = serializers.UUIDField(
        source="adopted_in_meeting_id",
        allow_null=True,
        help_text="Null for a proposal (which only the council's members read).",
    )
    adopted_on = serializers.DateTimeField(allow_null=True)
    progress = serializers.FloatField(
        source="progress.percent",
        allow_null=True,
        help_text=("Percent done, derived from the action items (docs/councils.md)."),
    )
    progress_rule = serializers.CharField(source="progress.rule")
    addressees = OrganisationSerializer(many=True)
    timeline = StatusChangeSerializer(many=True)


class MeasureSerializer(serializers.Serializer[Any]):
    order = serializers.IntegerField()
    title_en = serializers.CharField()
    title_el = serializers.CharField()
    description_en = serializers.CharField()
    description_el = serializers.CharField()
    recommendations = serializers.ListField(child=serializers.CharField())


class ObjectiveSerializer(serializers.Serializer[Any]):
    order = serializers.IntegerField()
    title_en = serializers.CharField()
    title_el = serializers.CharField()
    target_kind = serializers.CharField()
    indicator_name_en = serializers.CharField()
    indicator_name_el = serializers.CharField()
    category_group = serializers.CharField()
    area_code = serializers.CharField(allow_null=True)
    baseline_survey_code = serializers.CharField(
        allow_null=True,
        help_text=(
            "The survey wave whose estimate is the baseline. Null when the baseline is a year "
            "(baseline_year), or a survey wave still being prepared: a wave's code is public "
            "once it opens."
        ),
    )
    baseline_year = serializers.IntegerField(allow_null=True)
    baseline_value = serializers.FloatField(allow_null=True)
    target_value = serializers.FloatField()
    target_survey_code = serializers.CharField(
        allow_null=True,
        help_text=(
            "The survey wave by which the target is to be met. Null when the target is set for "
            "a year (target_year); null with target_year null too, a survey wave still being "
            "prepared: a wave's code is public once it opens."
        ),
    )
    target_year = serializers.IntegerField(allow_null=True)
    measures = MeasureSerializer(many=True)


class PrioritySerializer(serializers.Serializer[Any]):
    order = serializers.IntegerField()
    title_en = serializers.CharField()
    title_el = serializers.CharField()
    description_en = serializers.CharField()
    description_el = serializers.CharField()
    objectives = ObjectiveSerializer(many=True)


class StrategySerializer(serializers.Serializer[Any]):
    council = serializers.CharField(source="council_slug")
    title_en = serializers.CharField()
    title_el = serializers.CharField()
    summary_en = serializers.CharField()
    summary_el = serializers.CharField()
    starts_year = serializers.IntegerField()
    ends_year = serializers.IntegerField()
    priorities = PrioritySerializer(many=True)


# --- Popolo (https://www.popoloproject.com/specs/) ---------------------------------------------
POPOLO_ROLES = {position.value: position.value.replace("_", "-") for position in Position}


class PopoloPersonSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    name = serializers.CharField()


class PopoloOrganizationSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    name = serializers.CharField()
    other_names = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    classification = serializers.CharField()
    founding_date = serializers.DateField(required=False)
    dissolution_date = serializers.DateField(required=False)


class PopoloMembershipSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    organization_id = serializers.CharField(help_text=("The council."))
    on_behalf_of_id = serializers.CharField(help_text=("The organisation the member stands for."))
    person_id = serializers.CharField(
        required=False, help_text=("Only for members who agreed to be named.")
    )
    role = serializers.ChoiceField(choices=sorted(POPOLO_ROLES.values()))
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False)


class PopoloSerializer(serializers.Serializer[Any]):
    persons = PopoloPersonSerializer(many=True)
    organizations = PopoloOrganizationSerializer(many=True)
    memberships = PopoloMembershipSerializer(many=True)
