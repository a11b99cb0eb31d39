"""The Django admin site, open only to active staff accounts in the admin or analyst role."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from curim.accounts.roles import ADMIN_SITE_ROLES


class CurimAdminSite(admin.AdminSite):
    site_header = _("CURiM administration")
    site_title = _("CURiM administration")
    index_title = _("Administration")

    def has_permission(self, request: HttpRequest) -> bool:
        # is_staff alone is not enough: a staff flag left on a council member's account must not
        # open the admin. Superusers are the break-glass bootstrap account.
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return bool(user.is_superuser or user.groups.filter(name__in=ADMIN_SITE_ROLES).exists())
