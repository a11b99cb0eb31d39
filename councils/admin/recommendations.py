"""Recommendations and their action items in the admin.

The reference is given when a recommendation is recorded; its status moves on the pages (each
step dated, attributed and explained), and is shown here with its timeline. Every save leaves a
history row.
"""

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from councils.admin.common import ReadOnlyInline
from councils.admin.history import HistoryInline
from councils.models import (
    ActionItem,
    ProgressUpdate,
    Recommendation,
    RecommendationStatusChange,
)
from councils.services.actions import action_item_delete, action_item_save
from councils.services.recommendations import (
    recommendation_addressees_set,
    recommendation_save,
)
from curim.accounts.admin_actions import acting_user
from curim.core.admin_forms import RefusalsOnTheForm


class StatusChangeInline(ReadOnlyInline):
    model = RecommendationStatusChange
    fields = readonly_fields = ("changed_at", "from_status", "to_status", "note", "changed_by")


class ActionItemInline(ReadOnlyInline):
    model = ActionItem
    fields = readonly_fields = ("title_en", "owner_organisation", "due_on", "weight", "status")
    show_change_link = True


class RecommendationHistoryInline(HistoryInline):
    fk_name = "recommendation"


@admin.register(Recommendation)
class RecommendationAdmin(RefusalsOnTheForm, admin.ModelAdmin[Recommendation]):
    list_display = ["reference", "title_en", "title_el", "council", "status", "priority", "due_on"]
    list_filter = ["council", "status", "priority"]
    search_fields = ["reference", "title_en", "title_el"]
    list_select_related = ["council"]
    filter_horizontal = ["addressees"]
    raw_id_fields = ["adopted_by"]
    readonly_fields = ["reference", "status", "adopted_by", "created_by", "created_at"]
    inlines = [ActionItemInline, StatusChangeInline, RecommendationHistoryInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = list(self.readonly_fields)
        return [*readonly, "council"] if obj is not None else readonly

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not request.user.is_superuser:
            return False  # a recommendation is withdrawn, not deleted
        return super().has_delete_permission(request, obj)

    def save_model(
        self,
        request: HttpRequest,
        obj: Recommendation,
        form: ModelForm[Recommendation],
        change: bool,
    ) -> None:
        recommendation_save(recommendation=obj, by=acting_user(request))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:  # read-only here: saves nothing, but says so to the admin
            self.save_formset(request, form, formset, change=change)
        # The addressees, through the service, so that a change is in the history.
        if "addressees" in form.cleaned_data:
            recommendation_addressees_set(
                recommendation=form.instance,
                by=acting_user(request),
                addressees=form.cleaned_data["addressees"],
                initial=not change,
            )


class ProgressUpdateInline(ReadOnlyInline):
    model = ProgressUpdate
    fields = readonly_fields = ("on", "percent", "text", "author", "created_at")


class ActionItemHistoryInline(HistoryInline):
    fk_name = "action_item"


@admin.register(ActionItem)
class ActionItemAdmin(RefusalsOnTheForm, admin.ModelAdmin[ActionItem]):
    list_display = ["title_en", "title_el", "recommendation", "owner_organisation", "due_on"]
    list_filter = ["status", "recommendation__council"]
    search_fields = ["title_en", "title_el", "recommendation__reference"]
    list_select_related = ["recommendation", "owner_organisation"]
    raw_id_fields = ["recommendation"]
    readonly_fields = ["status"]
    inlines = [ProgressUpdateInline, ActionItemHistoryInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["status", "recommendation"] if obj is not None else ["status"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "owner_person":
            from councils.admin.bodies import council_people

            kwargs["queryset"] = council_people()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: ActionItem, form: ModelForm[ActionItem], change: bool
    ) -> None:
        action_item_save(item=obj, by=acting_user(request))

    def delete_model(self, request: HttpRequest, obj: ActionItem) -> None:
        action_item_delete(item=obj, by=acting_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for item in queryset.order_by("pk"):  # in key order, as every action takes rows
            action_item_delete(item=item, by=acting_user(request))
