"""Councils, organisations and memberships in the admin."""

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey
from django.forms import ModelChoiceField, ModelForm
from django.http import HttpRequest

from councils.admin.common import ReadOnlyInline
from councils.models import Council, Membership, Organisation, ReferenceSequence
from councils.services.bodies import council_save, membership_save, organisation_save
from curim.accounts.admin_actions import acting_user
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.core.admin_forms import RefusalsOnTheForm


class ReferenceSequenceInline(ReadOnlyInline):
    model = ReferenceSequence
    fields = readonly_fields = ("year", "last_number")


@admin.register(Council)
class CouncilAdmin(RefusalsOnTheForm, admin.ModelAdmin[Council]):
    list_display = ["name_en", "name_el", "slug", "area", "term_starts_on", "term_ends_on"]
    search_fields = ["name_en", "name_el", "slug"]
    list_select_related = ["area"]
    inlines = [ReferenceSequenceInline]

    def save_model(
        self, request: HttpRequest, obj: Council, form: ModelForm[Council], change: bool
    ) -> None:
        council_save(council=obj)


@admin.register(Organisation)
class OrganisationAdmin(RefusalsOnTheForm, admin.ModelAdmin[Organisation]):
    list_display = ["name_en", "name_el", "sector"]
    list_filter = ["sector"]
    search_fields = ["name_en", "name_el"]

    def save_model(
        self, request: HttpRequest, obj: Organisation, form: ModelForm[Organisation], change: bool
    ) -> None:
        organisation_save(organisation=obj)


def council_people() -> Any:
    """The accounts that may sit on a council: those holding a council role."""
    return User.objects.filter(
        groups__name__in=[Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY]
    ).distinct()


@admin.register(Membership)
class MembershipAdmin(RefusalsOnTheForm, admin.ModelAdmin[Membership]):
    list_display = [
        "person",
        "organisation",
        "council",
        "position",
        "starts_on",
        "ends_on",
        "name_public",
    ]
    list_filter = ["council", "position", "name_public"]
    search_fields = ["person__email", "person__display_name", "organisation__name_en"]
    list_select_related = ["person", "organisation", "council"]

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "person":
            kwargs["queryset"] = council_people()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Membership, form: ModelForm[Membership], change: bool
    ) -> None:
        acting_user(request)
        membership_save(membership=obj)
