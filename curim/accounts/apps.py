"""Accounts and roles: the user model, registration, and the role groups."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "curim.accounts"
    label = "accounts"
    verbose_name = _("Accounts")


class CurimAdminConfig(admin_apps.AdminConfig):
    """Django's admin app, with the site that opens only by role (`admin_site.py`)."""

    default = False
    default_site = "curim.accounts.admin_site.CurimAdminSite"
