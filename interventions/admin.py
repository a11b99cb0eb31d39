"""The interventions in the Django admin, for admins: interventions with their geometry drawn on
a Leaflet map (read only through curim.core.geometry), sessions with their participant counts,
the proposals heard, photos (read and delete: they are added through the service that strips
their metadata, on the staff's pages) and evaluations (read only: computed in the background)."""

from typing import Any

from django.contrib import admin
from django.contrib.gis import forms as gis_forms
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.db.models import Field, QuerySet
from django.forms import Field as FormField
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletAdminWidget

from curim.accounts.admin_actions import acting_user, run_for_each
from curim.accounts.models import User
from curim.core.admin_forms import RefusalsOnTheForm
from curim.core.admin_maps import MapAdmin
from curim.core.geometry import GeometryError, geometry_from_text
from interventions.models import (
    Evaluation,
    Intervention,
    InterventionPhoto,
    InterventionStatus,
    Participants,
    Proposal,
    Session,
)
from interventions.models.choices import NEXT_STATUS
from interventions.services.interventions import intervention_save, intervention_status_advance
from interventions.services.sessions import proposal_send_to_council


class DrawnGeometryField(gis_forms.GeometryField):
    """The geometry as the map sends it (GeoJSON), read by curim.core.geometry: a "crs" member,
    an out-of-range coordinate or an oversized shape is refused, never re-projected."""

    def to_python(self, value: Any) -> GEOSGeometry | None:
        if value in self.empty_values:
            return None
        if isinstance(value, GEOSGeometry):
            return value
        try:
            return geometry_from_text(str(value))
        except GeometryError as exc:
            raise ValidationError(str(exc), code="invalid_geom") from None


class DrawnGeometryWidget(LeafletAdminWidget):  # type: ignore[misc]
    """The map widget, which re-reads the posted text when the form is shown again."""

    def deserialize(self, value: str) -> GEOSGeometry | None:
        try:
            return geometry_from_text(value)
        except GeometryError:
            return None  # the field says what is wrong; the map starts empty


@admin.register(Intervention)
class InterventionAdmin(RefusalsOnTheForm, MapAdmin):  # type: ignore[misc]  # as MapAdmin
    list_display = ["reference", "title_en", "title_el", "kind", "status", "area", "starts_on"]
    list_filter = ["status", "kind", "area", "public"]
    list_select_related = ["area"]
    search_fields = ["reference", "title_en", "title_el", "organisation"]
    readonly_fields = ["reference", "status", "created_by", "created_at", "updated_at"]
    filter_horizontal = ["categories"]
    raw_id_fields = ["reports"]
    widget = DrawnGeometryWidget
    actions = ["advance_status"]

    def formfield_for_dbfield(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> FormField | None:
        if db_field.name == "geometry":
            kwargs["form_class"] = DrawnGeometryField
        field: FormField | None = super().formfield_for_dbfield(db_field, request, **kwargs)
        return field

    def save_model(
        self,
        request: HttpRequest,
        obj: Intervention,
        form: ModelForm[Intervention],
        change: bool,
    ) -> None:
        # Through the service: a new one gets the next reference of the year. The categories
        # and reports follow in save_related, from the form.
        intervention_save(intervention=obj, by=acting_user(request))

    @admin.action(description=_("Move to the next status"), permissions=["change"])
    def advance_status(self, request: HttpRequest, queryset: QuerySet[Intervention]) -> None:
        def step(row: Intervention, user: User) -> object:
            following = NEXT_STATUS.get(InterventionStatus(row.status))
            if following is None:
                raise ValidationError(gettext("It has no next status."))
            return intervention_status_advance(intervention=row, to=following)

        run_for_each(self, request, queryset, step)


class ParticipantsInline(admin.TabularInline[Participants, Session]):
    model = Participants
    extra = 1
    fields = ("group", "school_year", "count")


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin[Session]):
    list_display = ["held_on", "intervention", "place_kind", "place_name", "facilitator"]
    list_filter = ["place_kind", "held_on"]
    list_select_related = ["intervention"]
    search_fields = ["intervention__reference", "place_name", "facilitator"]
    autocomplete_fields = ["intervention"]
    raw_id_fields = ["area", "survey_before", "survey_after"]
    inlines = [ParticipantsInline]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin[Proposal]):
    list_display = ["__str__", "session", "sent_to_council_at"]
    list_filter = ["sent_to_council_at"]
    list_select_related = ["session__intervention"]
    search_fields = ["text", "session__intervention__reference"]
    raw_id_fields = ["session"]
    readonly_fields = ["public_id", "sent_to_council_at", "sent_by"]
    actions = ["send_to_council"]

    @admin.action(description=_("Send to the council's next agenda"), permissions=["change"])
    def send_to_council(self, request: HttpRequest, queryset: QuerySet[Proposal]) -> None:
        run_for_each(
            self,
            request,
            queryset,
            lambda row, user: proposal_send_to_council(proposal=row, by=user),
        )


@admin.register(InterventionPhoto)
class InterventionPhotoAdmin(admin.ModelAdmin[InterventionPhoto]):
    """Read and deleted here; added on the staff's pages, through the service that re-encodes
    them without metadata."""

    list_display = ["intervention", "moment", "caption", "width", "height", "created_at"]
    list_filter = ["moment"]
    list_select_related = ["intervention"]
    search_fields = ["intervention__reference", "caption"]
    fields = readonly_fields = (
        "public_id",
        "intervention",
        "moment",
        "caption",
        "width",
        "height",
        "created_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin[Evaluation]):
    """Read only: an evaluation is computed in the background and kept as a version."""

    list_display = ["intervention", "version", "status", "method", "sms_level", "computed_at"]
    list_filter = ["status", "sms_level"]
    list_select_related = ["intervention"]
    search_fields = ["intervention__reference"]
    fields = readonly_fields = (
        "intervention",
        "version",
        "status",
        "method",
        "parameters",
        "result",
        "message",
        "sms_level",
        "data_up_to",
        "requested_by",
        "requested_at",
        "computed_at",
        "emmie_effect",
        "emmie_mechanism",
        "emmie_moderators",
        "emmie_implementation",
        "emmie_economics",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
