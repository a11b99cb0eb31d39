"""Areas: the municipality, its districts and neighbourhoods, as polygons."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "curim.areas"
    label = "areas"
    verbose_name = _("Areas")
