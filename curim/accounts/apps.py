"""Accounts and roles: the user model, registration, and the role groups."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "curim.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
