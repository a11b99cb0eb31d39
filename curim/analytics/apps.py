"""Risk analytics: official incident data, the analysis grid, and the background runs that
compute hotspots, emerging hotspots, near repeats, the risk index, cyber alerts and forecasts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "curim.analytics"
    label = "analytics"
    verbose_name = _("Risk analytics")
