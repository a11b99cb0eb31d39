"""App config of the interventions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = _("Interventions")

    def ready(self) -> None:
        # The reports do not know the interventions; a report's page leads to the
        # interventions it motivated through this reader.
        from curim.reports.selectors import follow_up_reader_register
        from interventions.selectors import report_follow_ups_of

        follow_up_reader_register(report_follow_ups_of)
