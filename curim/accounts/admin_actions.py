"""What the admin's workflow actions share: who acts, and a step applied to each chosen row."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from curim.accounts.models import User


def acting_user(request: HttpRequest) -> User:
    """Who acts, for the history rows (the admin site lets only signed-in staff in)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def run_for_each(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[Any],
    step: Callable[[Any, User], object],
) -> None:
    """Apply a workflow step to each chosen row, saying which succeeded and why others did
    not. The admin's POST is one transaction (`curim.accounts.admin_site.refusals_shown`);
    each row's step runs in a savepoint of its own, so that a row's refusal undoes that row's
    step only, whatever the service does before refusing. The rows are taken in the order of
    their keys, as another admin's action on the same rows takes them."""
    done = 0
    user = acting_user(request)
    for row in queryset.order_by("pk"):
        try:
            with transaction.atomic():
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
