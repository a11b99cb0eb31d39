"""The accounts' authentication backend: Django's ModelBackend, whose per-request user lookup
is one fixed statement that also brings the account's roles (its groups' names).

Every signed-in request loads its user, and the roles follow on most of them (the idle timeout
of short-session roles asks on each one; navigation and selectors after it). Through the ORM
these were two queries, each costing more to compile than to run; here they are one statement,
built once, the instance made by `User.from_db` as the ORM makes it (docs/performance.md, "The
HTTP write path"; the same approach as `curim.areas.selectors.area_containing`).

On a request, the session's own statement has read the account already (curim.accounts.sessions):
while `accounts_read_with(session)` is open (curim.accounts.middleware), `get_user` takes it from
there when it is the account asked for, and reads it itself otherwise.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any, Protocol

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connections, router

from curim.accounts.models import User
from curim.core.prepared import prepared_cursor

# The settings' path of this backend, for login() where no authenticate() preceded it.
ACCOUNT_BACKEND = "curim.accounts.backends.AccountBackend"


class SessionWithAccount(Protocol):
    """A session store that read its account with its data (curim.accounts.sessions)."""

    @property
    def account(self) -> User | None: ...


_session: ContextVar[SessionWithAccount | None] = ContextVar("account_session", default=None)


@contextmanager
def accounts_read_with(session: SessionWithAccount) -> Iterator[None]:
    """While open, `AccountBackend.get_user` takes the account `session` read, if it is the one."""
    token = _session.set(session)
    try:
        yield
    finally:
        _session.reset(token)


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        session = _session.get()
        user = None if session is None else session.account
        if user is None or user.pk != pk:
            user = _user_read(pk)
        if user is None or not self.user_can_authenticate(user):
            return None
        return user


def _user_read(pk: Any) -> User | None:
    database = router.db_for_read(User)
    with prepared_cursor(connections[database]) as cursor:
        cursor.execute(_user_with_roles_sql(), [pk])
        row = cursor.fetchone()
    return None if row is None else user_with_roles_from_row(database, row)


def user_with_roles_from_row(database: str, row: Sequence[Any]) -> User:
    """The account of a row that `user_with_roles_columns` selected, its roles with it."""
    *values, role_names = row
    user = User.from_db(database, _user_fields(), values)
    # Where curim.accounts.roles.user_roles keeps them for the request.
    user.__dict__["_role_names"] = frozenset(role_names)
    return user


@cache
def user_with_roles_columns(alias: str) -> str:
    """The select list of an account (table alias `alias`) and its roles' names, as
    `user_with_roles_from_row` reads them."""
    quote = connections["default"].ops.quote_name
    memberships = User.groups.through._meta
    user_column = memberships.get_field("user").column
    group_column = memberships.get_field("group").column
    columns = ", ".join(f"{alias}.{quote(field.column)}" for field in User._meta.concrete_fields)
    return (
        f"{columns}, ARRAY(SELECT g.{quote('name')} "  # noqa: S608 - the models' own names
        f"FROM {quote(Group._meta.db_table)} g JOIN {quote(memberships.db_table)} m "
        f"ON m.{quote(group_column)} = g.{quote(Group._meta.pk.column)} "
        f"WHERE m.{quote(user_column)} = {alias}.{quote(User._meta.pk.column)})"
    )


@cache
def _user_fields() -> list[str]:
    return [field.attname for field in User._meta.concrete_fields]


@cache
def _user_with_roles_sql() -> str:
    quote = connections["default"].ops.quote_name
    return (
        f"SELECT {user_with_roles_columns('u')} "  # noqa: S608 - the models' own names
        f"FROM {quote(User._meta.db_table)} u WHERE u.{quote(User._meta.pk.column)} = %s"
    )
