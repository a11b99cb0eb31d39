"""Admin for areas, with a Leaflet map widget for the boundary."""

from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from curim.areas.models import Area


@admin.register(Area)
class AreaAdmin(LeafletGeoAdmin):  # type: ignore[misc]
    list_display = ["code", "name_en", "name_el", "level", "parent", "approximate"]
    list_filter = ["level", "approximate"]
    search_fields = ["code", "name_en", "name_el"]
    autocomplete_fields = ["parent"]
