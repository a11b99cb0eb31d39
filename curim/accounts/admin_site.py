"""The Django admin site, open only to active staff accounts in the admin or analyst role, and
only once they have passed the second factor in this session. Each of its POSTs is one
transaction, and a service's refusal comes back as a message on the page it was sent from."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from curim.accounts.roles import ADMIN_SITE_ROLES
from curim.accounts.twofactor import twofactor_pending
from curim.core.admin_forms import messages_undone_from_here

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
            pending = twofactor_pending(request)
            if pending is not None:
                return pending
            if request.method != "POST":
                return view(request, *args, **kwargs)
            return refusals_shown(view, request, *args, **kwargs)

        return super().admin_view(cast(View, verified), cacheable)

    def password_change(  # type: ignore[override]  # a redirect, not the admin's template
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The platform's own page, whose old password the login lockout counts (Django's admin
        # form checks it without counting).
        return redirect("accounts:password_change")


def refusals_shown(
    view: Callable[..., HttpResponseBase], request: HttpRequest, *args: Any, **kwargs: Any
) -> HttpResponseBase:
    """A POST of the admin in one transaction. The admin's saves, deletions and actions call the
    services, which refuse with a ValidationError (a withdrawn recommendation's items no longer
    change, a row removed meanwhile): that was a 500, and an action on several rows (a
    deletion of the chosen items) stopped half-way with the first rows gone. Now all of it is
    undone and the page the POST came from says why; each row's own refusal inside an action
    (`curim.accounts.admin_actions.run_for_each`) is still said by the action and undoes that
    row only.
    """
    undo_messages = messages_undone_from_here(request)
    try:
        with transaction.atomic():
            return view(request, *args, **kwargs)
    except ValidationError as refusal:
        # What the view said before the refusal ("Copied …", "The API key is …") was undone
        # with it: only the refusal is said.
        undo_messages()
        for text in refusal.messages:
            messages.error(request, text)
        return HttpResponseRedirect(request.get_full_path())
