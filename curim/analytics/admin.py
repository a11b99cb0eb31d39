"""The analytics in the Django admin: incident sources with their category mappings (analysts
and admins keep them), the import log and the incidents themselves, read only (incidents come
from files, `services/incident_import.py`, never from a form), and the risk index's harm
weights per category."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from curim.analytics.models import (
    CategoryHarm,
    CategoryMapping,
    IncidentImport,
    IncidentSource,
    OfficialIncident,
)
from curim.core.admin_maps import MapAdminMixin


class CategoryMappingInline(admin.TabularInline[CategoryMapping, IncidentSource]):
    model = CategoryMapping
    extra = 1
    fields = ("their_category", "category")


@admin.register(IncidentSource)
class IncidentSourceAdmin(admin.ModelAdmin[IncidentSource]):
    list_display = ["slug", "name_en", "name_el"]
    search_fields = ["slug", "name_en", "name_el"]
    inlines = [CategoryMappingInline]


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Written by the import alone; the admin reads."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IncidentImport)
class IncidentImportAdmin(ReadOnlyAdmin):
    list_display = [
        "imported_at",
        "source",
        "file_name",
        "file_format",
        "rows",
        "created_count",
        "updated_count",
        "unchanged_count",
        "imported_by",
    ]
    list_filter = ["source", "file_format"]
    list_select_related = ["source", "imported_by"]
    date_hierarchy = "imported_at"


@admin.register(OfficialIncident)
class OfficialIncidentAdmin(MapAdminMixin, ReadOnlyAdmin):  # type: ignore[misc]
    """Read only, its location on a map (MapAdminMixin swaps the field for `location_map`)."""

    list_display = ["external_id", "source", "their_category", "category", "occurred_at", "area"]
    list_filter = ["source", "category", "occurred_at"]
    list_select_related = ["source", "category", "area"]
    search_fields = ["external_id"]
    date_hierarchy = "occurred_at"
    fields = readonly_fields = (
        "source",
        "external_id",
        "their_category",
        "category",
        "occurred_at",
        "location",
        "area",
        "last_import",
    )


@admin.register(CategoryHarm)
class CategoryHarmAdmin(admin.ModelAdmin[CategoryHarm]):
    list_display = ["category", "weight"]
    list_editable = ["weight"]
    list_select_related = ["category"]
    ordering = ["category__group", "category__position", "category__slug"]
