"""The Django admin site, open only to active staff accounts in the admin or analyst role, and
only once they have passed the second factor in this session."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from curim.accounts.roles import ADMIN_SITE_ROLES
from curim.accounts.twofactor import twofactor_pending

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


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

    def admin_view(self, view: View, cacheable: bool = False) -> View:
        # The admin grants roles, changes passwords and resets the second factor: a password
        # alone must not open it. Inside Django's own wrapper, which checks the permission once
        # and sends no-store; logging out needs no second factor.
        if view == self.logout:
            return super().admin_view(view, cacheable)

        @wraps(view)
        def verified(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            return twofactor_pending(request) or view(request, *args, **kwargs)

        return super().admin_view(cast(View, verified), cacheable)

    def password_change(  # type: ignore[override]  # a redirect, not the admin's template
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The platform's own page, whose old password the login lockout counts (Django's admin
        # form checks it without counting).
        return redirect("accounts:password_change")
