"""Geometry in the Django admin as a map, never as `SRID=4326;POINT (…)` text.

django-leaflet's `LeafletGeoAdminMixin` draws the fields one may edit (its widget's inline
script carries the request's CSP nonce). A read-only geometry (a declared read-only field, or
every field of a user who may only view) would be shown by the admin as WKT text; `MapAdmin`
shows it on a map instead, drawn by `static/js/admin-map.js` from the GeoJSON in a data
attribute, so that no inline script is needed. Leaflet is the copy django-leaflet ships (no
CDN); the base-map tiles come from MAP_TILE_URL, which nothing needs in the tests.
"""

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.gis.db.models import GeometryField
from django.db.models import Model
from django.forms import Media
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from leaflet.admin import LeafletGeoAdminMixin


def geometry_fields(model: type[Model]) -> list[str]:
    """The names of a model's own geometry fields (not generated copies such as a 3857 one)."""
    return [
        field.name
        for field in model._meta.get_fields()
        if isinstance(field, GeometryField) and not getattr(field, "generated", False)
    ]


def map_html(value: Any, *, name: str) -> SafeString | str:
    """A read-only map of a geometry, drawn by admin-map.js; "-" when there is none. (Not an
    image with a label: Leaflet puts its zoom buttons inside, and a field's label is beside.)"""
    if value is None:
        return "-"
    geometry = value.transform(4326, clone=True) if value.srid not in (None, 4326) else value
    return format_html(
        '<div class="curim-admin-map" data-field="{}" data-geojson="{}" '
        'data-tiles="{}" data-attribution="{}"></div>',
        name,
        json.dumps(json.loads(geometry.geojson)),
        settings.MAP_TILE_URL,
        settings.MAP_TILE_ATTRIBUTION,
    )


class MapAdminMixin(LeafletGeoAdminMixin):  # type: ignore[misc]  # django-leaflet is untyped
    """Leaflet's widget for the geometry one edits, a map for the geometry one only reads.

    The admin shows a read-only model field through `display_for_field` (WKT text for a
    geometry), so a read-only geometry `name` is swapped for `name_map`, an attribute of this
    admin that draws the map: in the read-only fields (declared, or all of them for a user who
    may only view) and in the fields of the form.
    """

    model: type[Model]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in geometry_fields(self.model):
            setattr(self, f"{name}_map", self._map_display(name))

    def _map_display(self, name: str) -> Callable[[Model], SafeString | str]:
        verbose_name = getattr(self.model._meta.get_field(name), "verbose_name", name)

        def display(obj: Model) -> SafeString | str:
            return map_html(getattr(obj, name), name=name)

        display.short_description = verbose_name  # type: ignore[attr-defined]
        return display

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        geometry = geometry_fields(self.model)
        readonly = [f"{name}_map" if name in geometry else name for name in fields]
        if obj is not None and not self.has_change_permission(request, obj):
            readonly += [f"{name}_map" for name in geometry if f"{name}_map" not in readonly]
        return readonly

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        fields = list(super().get_fields(request, obj))
        readonly = set(self.get_readonly_fields(request, obj))
        swapped = [
            f"{name}_map" if f"{name}_map" in readonly else name
            for name in fields
            if isinstance(name, str)
        ]
        return list(dict.fromkeys(swapped))

    @property
    def media(self) -> Media:
        own = Media(
            js=["leaflet/leaflet.js", "js/admin-map.js"],
            css={"screen": ["leaflet/leaflet.css", "css/admin-map.css"]},
        )
        media: Media = super().media + own
        return media


class MapAdmin(MapAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg, misc]
    pass
