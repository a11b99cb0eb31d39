"""The core app: the web shell, health checks and the task outbox."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "curim.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from curim.core import (
            checks,  # noqa: F401 - registers the system checks
            outbox_completion,  # noqa: F401 - connects the worker's signals
        )
        from curim.core.admin_labels import third_party_names_set

        third_party_names_set()
