"""The accounts' authentication backend: Django's ModelBackend, whose per-request user lookup
is one fixed statement that also brings the account's roles (its groups' names).

Every signed-in request loads its user, and the roles follow on most of them (the idle timeout
of short-session roles asks on each one; navigation and selectors after it). Through the ORM
these were two queries, each costing more to compile than to run; here they are one statement,
built once, the instance made by `User.from_db` as the ORM makes it (docs/performance.md, "The
HTTP write path"; the same approach as `curim.areas.selectors.area_containing`).
"""

from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connections, router

from curim.accounts.models import User
from curim.core.prepared import prepared_cursor

# The settings' path of this backend, for login() where no authenticate() preceded it.
ACCOUNT_BACKEND = "curim.accounts.backends.AccountBackend"


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        database = router.db_for_read(User)
        with prepared_cursor(connections[database]) as cursor:
            cursor.execute(_user_with_roles_sql(), [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        *values, role_names = row
        user = User.from_db(database, _user_fields(), values)
        if not self.user_can_authenticate(user):
            return None
        # Where curim.accounts.roles.user_roles keeps them for the request.
        user.__dict__["_role_names"] = frozenset(role_names)
        return user


@cache
def _user_fields() -> list[str]:
    return [field.attname for field in User._meta.concrete_fields]


@cache
def _user_with_roles_sql() -> str:
    quote = connections["default"].ops.quote_name
    memberships = User.groups.through._meta
    user_column = memberships.get_field("user").column
    group_column = memberships.get_field("group").column
    columns = ", ".join(f"u.{quote(field.column)}" for field in User._meta.concrete_fields)
    return (
        f"SELECT {columns}, ARRAY(SELECT g.{quote('name')} "  # noqa: S608 - the models' own names
        f"FROM {quote(Group._meta.db_table)} g JOIN {quote(memberships.db_table)} m "
        f"ON m.{quote(group_column)} = g.{quote(Group._meta.pk.column)} "
        f"WHERE m.{quote(user_column)} = u.{quote(User._meta.pk.column)}) "
        f"FROM {quote(User._meta.db_table)} u WHERE u.{quote(User._meta.pk.column)} = %s"
    )
