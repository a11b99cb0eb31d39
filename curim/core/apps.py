"""The core app: the web shell, health checks and the task outbox."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "curim.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from curim.core import checks  # noqa: F401 - registers the deployment checks


class CurimAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "curim.core.admin_site.CurimAdminSite"
