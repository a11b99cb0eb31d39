"""The admin's row-by-row actions (`curim.accounts.admin_actions.run_for_each`): a row's
refusal undoes that row's step only, even where the step wrote before refusing outside a
savepoint of its own, and the others are done and said."""

import pytest
from django.contrib import admin, messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from curim.accounts.admin_actions import run_for_each
from curim.accounts.models import User
from curim.accounts.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_a_row_refused_after_its_step_wrote_keeps_nothing_and_the_others_are_done() -> None:
    acting = user_with_role(Role.ADMIN)
    first, second = user_with_role(Role.MODERATOR), user_with_role(Role.MODERATOR)
    request = RequestFactory().post("/admin/accounts/user/")
    request.user = acting
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]  # as the middleware sets it

    def step(row: User, by: User) -> None:
        # A write, then a refusal, with no atomic block of the step's own.
        User.objects.filter(pk=row.pk).update(display_name=f"renamed by {by.pk}")
        if row.pk == first.pk:
            raise ValidationError("Refused for this row.")

    run_for_each(
        admin.site._registry[User], request, User.objects.filter(pk__in=[first.pk, second.pk]), step
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.display_name != f"renamed by {acting.pk}"
    assert second.display_name == f"renamed by {acting.pk}"
    said = [(m.level, m.message) for m in messages.get_messages(request)]
    assert said == [
        (messages.ERROR, f"{first}: Refused for this row."),
        (messages.SUCCESS, "Done for 1."),
    ]
