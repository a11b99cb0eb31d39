"""Admin for areas, with a Leaflet map widget for the boundary."""

from typing import Any

from django.contrib import admin
from django.contrib.gis import forms as gis_forms
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.db.models import Field
from django.forms import Field as FormField
from django.http import HttpRequest
from leaflet.admin import LeafletAdminWidget

from curim.areas.models import Area
from curim.core.admin_maps import MapAdmin
from curim.core.geometry import GeometryError, multipolygon_from_text


class BoundaryField(gis_forms.MultiPolygonField):
    """The boundary as the map sends it (GeoJSON) or typed as WKT, read by curim.core.geometry.

    Django's own field hands the text to GDAL, which would honour a GeoJSON "crs" member or an
    EWKT SRID and re-project, and accepts any latitude; here those are refused.
    """

    def to_python(self, value: Any) -> GEOSGeometry | None:
        if value in self.empty_values:
            return None
        if isinstance(value, GEOSGeometry):
            return value
        try:
            return multipolygon_from_text(str(value))
        except GeometryError as exc:
            raise ValidationError(str(exc), code="invalid_geom") from None


class BoundaryWidget(LeafletAdminWidget):  # type: ignore[misc]
    """The map widget, which re-reads the posted text when the form is shown again."""

    def deserialize(self, value: str) -> GEOSGeometry | None:
        try:
            return multipolygon_from_text(value)
        except GeometryError:
            return None  # the field says what is wrong; the map starts empty


@admin.register(Area)
class AreaAdmin(MapAdmin):
    list_display = ["code", "name_en", "name_el", "level", "parent", "population", "approximate"]
    list_filter = ["level", "approximate"]
    search_fields = ["code", "name_en", "name_el"]
    autocomplete_fields = ["parent"]
    widget = BoundaryWidget

    def formfield_for_dbfield(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> FormField | None:
        if db_field.name == "geometry":
            kwargs["form_class"] = BoundaryField
        field: FormField | None = super().formfield_for_dbfield(db_field, request, **kwargs)
        return field
