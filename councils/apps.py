"""App config of the crime prevention council."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = _("Crime prevention council")

    def ready(self) -> None:
        # The interventions app does not know the council; its pages lead back to the
        # recommendations an intervention carries out through this reader.
        from councils.selectors.interventions import recommendations_implemented_by
        from interventions.selectors import implemented_reader_register

        implemented_reader_register(recommendations_implemented_by)
