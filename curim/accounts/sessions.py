"""The session engine: Django's database sessions, with the signed-in account beside the data
(curim.accounts.models.AccountSession), read by one fixed statement with that account and its
roles.

Every signed-in request reads its session, then its account: through the ORM these cost several
times the queries themselves, and as two statements one round trip more than needed
(docs/performance.md, "The HTTP write path"). The same expiry rule as
`django.contrib.sessions.backends.db`; the account read here is handed to the authentication
backend by `curim.accounts.middleware.AccountAuthenticationMiddleware`, which still checks it as
Django does (the session's account key, its backend, the password hash, the account active).
"""

from functools import cache
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.utils import timezone

from curim.accounts.backends import user_with_roles_columns, user_with_roles_from_row
from curim.accounts.models import AccountSession, User
from curim.core.prepared import prepared_cursor


class SessionStore(DatabaseSessionStore):
    # The account of the session as read with it (None: signed out, or not read yet).
    account: User | None = None

    @classmethod
    def get_model_class(cls) -> type[AccountSession]:
        return AccountSession

    def clear(self) -> None:
        # flush() (a logout) clears too: the account read with the old data is nobody's now.
        super().clear()
        self.account = None

    def create_model_instance(self, data: dict[str, Any]) -> AccountSession:
        instance: AccountSession = super().create_model_instance(data)  # type: ignore[assignment]
        instance.account_id = _account_id(data.get(SESSION_KEY))
        return instance

    async def acreate_model_instance(self, data: dict[str, Any]) -> AccountSession:
        # The async save (alogin, acycle_key) names the account as the sync one does; the async
        # read stays Django's (no account read with it: the backend reads the account).
        instance: AccountSession = await super().acreate_model_instance(data)  # type: ignore[assignment]
        instance.account_id = _account_id(data.get(SESSION_KEY))
        return instance

    def _get_session_from_db(self) -> AccountSession | None:
        key = self.session_key
        if key is None:
            return None
        database = router.db_for_read(AccountSession)
        with prepared_cursor(connections[database]) as cursor:
            cursor.execute(session_read_sql(), [key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        data, expiry, *account = row
        if account[0] is not None:  # the account's primary key: there is an account
            self.account = user_with_roles_from_row(database, account)
        fields = ["session_key", "session_data", "expire_date"]
        session: AccountSession = AccountSession.from_db(database, fields, [key, data, expiry])
        return session


def _account_id(value: Any) -> Any:
    try:
        return None if value is None else User._meta.pk.to_python(value)
    except ValidationError:
        return None


@cache
def session_read_sql() -> str:
    """The one statement that reads a session (parameters: its key, now) with its account and
    roles; the bench also times it bare, as part of a signed-in request's floor."""
    quote = connections["default"].ops.quote_name
    meta = AccountSession._meta
    data, expiry = meta.get_field("session_data").column, meta.get_field("expire_date").column
    key, account = meta.get_field("session_key").column, meta.get_field("account").column
    return (
        f"SELECT s.{quote(data)}, s.{quote(expiry)}, "  # noqa: S608 - the models' own names
        f"{user_with_roles_columns('u')} "
        f"FROM {quote(meta.db_table)} s LEFT JOIN {quote(User._meta.db_table)} u "
        f"ON u.{quote(User._meta.pk.column)} = s.{quote(account)} "
        f"WHERE s.{quote(key)} = %s AND s.{quote(expiry)} > %s"
    )
