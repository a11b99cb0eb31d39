"""The accounts' authentication backend: Django's ModelBackend, whose per-request user lookup
also brings the account's roles (its groups' names) in the same query.

Every signed-in request loads its user; the roles follow on most of them (the idle timeout of
short-session roles asks on each one, navigation and selectors after it). One query instead of
two (docs/performance.md, "The HTTP write path").
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef

from curim.accounts.models import User

# The settings' path of this backend, for login() where no authenticate() preceded it.
ACCOUNT_BACKEND = "curim.accounts.backends.AccountBackend"


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        role_names = ArraySubquery(Group.objects.filter(user=OuterRef("pk")).values("name"))
        user = User._default_manager.annotate(loaded_role_names=role_names).filter(pk=user_id)
        found = next(iter(user), None)
        if found is None or not self.user_can_authenticate(found):
            return None
        # Where curim.accounts.roles.user_roles keeps them for the request.
        found.__dict__["_role_names"] = frozenset(found.__dict__.pop("loaded_role_names"))
        return found
