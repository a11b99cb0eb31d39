"""Citizen reports: incidents, incivilities, urban risks and cyber threats, and their workflow."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "curim.reports"
    label = "reports"
    verbose_name = _("Citizen reports")
