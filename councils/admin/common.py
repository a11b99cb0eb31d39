"""What the council's admin pages share: read-only inlines and workflow actions."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from curim.accounts.models import User


class ReadOnlyInline(admin.TabularInline[Any, Any]):
    """Rows written by the workflows (history, timelines, updates): shown, never edited here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def run_for_each(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[Any],
    step: Callable[[Any, User], object],
) -> None:
    """Apply a workflow step to each chosen row, saying which succeeded and why others did
    not. The admin's POST is one transaction (`curim.accounts.admin_site.refusals_shown`): a
    row's refusal undoes that row's step only (the service's own atomic block, a savepoint
    there), and the rows are taken in the order of their keys, as another admin's action on
    the same rows takes them."""
    done = 0
    user = acting_user(request)
    for row in queryset.order_by("pk"):
        try:
            step(row, user)
        except ValidationError as error:
            model_admin.message_user(
                request,
                _("%(row)s: %(reasons)s") % {"row": row, "reasons": " ".join(error.messages)},
                messages.ERROR,
            )
        else:
            done += 1
    if done:
        model_admin.message_user(request, _("Done for %(n)d.") % {"n": done}, messages.SUCCESS)


def acting_user(request: HttpRequest) -> User:
    """Who acts, for the history rows (the admin site lets only signed-in staff in)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
