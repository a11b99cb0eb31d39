"""Admin for the taxonomy and for reports (read-mostly: moderation happens in the queue)."""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from curim.core.admin_forms import RefusalsOnTheForm
from curim.core.admin_maps import MapAdmin
from curim.reports.models import (
    Category,
    Comment,
    CommentFlag,
    Confirmation,
    Follow,
    Open311Client,
    PlaceEvaluation,
    Report,
    ReportEvent,
    ReportPhoto,
)
from curim.reports.services.open311 import api_key_issue
from curim.reports.services.taxonomy import category_save
from curim.reports.services.workflow import REPORT_UNCORRECTABLE, report_correct


@admin.register(Category)
class CategoryAdmin(RefusalsOnTheForm, admin.ModelAdmin[Category]):
    list_display = [
        "slug",
        "name_en",
        "name_el",
        "group",
        "may_be_public",
        "location_required",
        "grid_size_m",
        "forward_to",
        "is_active",
    ]
    list_filter = ["group", "may_be_public", "forward_to", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["slug", "name_en", "name_el"]

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        category_save(category=obj)


class ReportEventInline(admin.TabularInline[ReportEvent, Report]):
    model = ReportEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "created_at",
        "kind",
        "actor",
        "from_status",
        "to_status",
        "forwarded_to",
        "forward_department",
        "note",
        "changes",
        "is_public",
    )

    def has_add_permission(self, request: HttpRequest, obj: Report | None = None) -> bool:
        return False


class ReportPhotoInline(admin.TabularInline[ReportPhoto, Report]):
    model = ReportPhoto
    extra = 0
    fields = readonly_fields = ("image", "width", "height", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Report | None = None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(RefusalsOnTheForm, MapAdmin):  # type: ignore[misc]  # as MapAdmin
    list_display = ["public_id", "category", "status", "area", "created_at"]
    list_filter = ["status", "category__group", "category", "area"]
    search_fields = ["public_id", "description"]
    date_hierarchy = "created_at"
    list_select_related = ["category", "area"]
    # The exact and public locations and the district are computed together at submission, the
    # public one on the category's privacy grid; editing one of them, or the category, here would
    # leave the others wrong (a report moved to a coarser-grid category would keep a finer
    # public location).
    # The duplicate too: merging closes the report as public (report_merge), so clearing it here
    # would publish a report nobody moderated, with no history line and the tiles left stale.
    readonly_fields = list(REPORT_UNCORRECTABLE)
    exclude = ["public_point_3857", "idempotency_fingerprint"]
    inlines = [ReportPhotoInline, ReportEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports come from citizens, placed by the submission service

    def save_model(self, request: HttpRequest, obj: Report, form: Any, change: bool) -> None:
        report_correct(report=obj, actor=request.user, fields=form.changed_data)  # type: ignore[arg-type]


@admin.register(PlaceEvaluation)
class PlaceEvaluationAdmin(MapAdmin):
    list_display = ["public_id", "time_of_day", "feeling", "area", "created_at"]
    list_filter = ["time_of_day", "area"]
    date_hierarchy = "created_at"
    readonly_fields = ["public_id", "public_location", "evaluator", "client_address", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # ratings come from citizens, placed by their service


class CommentFlagInline(admin.TabularInline[CommentFlag, Comment]):
    model = CommentFlag
    extra = 0
    fields = readonly_fields = ("created_at", "user", "reason")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin[Comment]):
    list_display = ["public_id", "report", "status", "flag_count", "reviewed", "created_at"]
    list_filter = ["status", "reviewed"]
    search_fields = ["body"]
    readonly_fields = ["public_id", "report", "author", "flag_count", "created_at"]
    inlines = [CommentFlagInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments are written by citizens under a report


@admin.register(Confirmation, Follow)
class ParticipationAdmin(admin.ModelAdmin[Confirmation | Follow]):
    list_display = ["report", "user", "created_at"]
    list_select_related = ["report__category", "user"]
    readonly_fields = ["report", "user", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a citizen's own "me too" or follow, never made for them


@admin.register(Open311Client)
class Open311ClientAdmin(RefusalsOnTheForm, admin.ModelAdmin[Open311Client]):
    list_display = ["name", "key_hint", "is_active", "created_at"]
    fields = ["name", "is_active", "key_hint", "created_at"]
    readonly_fields = ["key_hint", "created_at"]

    def save_model(self, request: HttpRequest, obj: Open311Client, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        client, key = api_key_issue(name=obj.name)
        obj.pk, obj.key_hash, obj.key_hint = client.pk, client.key_hash, client.key_hint
        messages.warning(
            request,
            _("The API key is %(key)s. Copy it now: it is stored hashed and cannot be shown again.")
            % {"key": key},
        )
