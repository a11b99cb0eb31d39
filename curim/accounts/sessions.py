"""The session engine: Django's database sessions, read by one fixed statement.

Every signed-in request reads its session; through the ORM the lookup cost several times the
query itself (docs/performance.md, "The HTTP write path"). Same table, same rows, same expiry
rule as `django.contrib.sessions.backends.db`, so sessions survive switching between the two.
"""

from functools import cache

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone

from curim.core.prepared import prepared_cursor


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        if key is None:
            return None
        database = router.db_for_read(Session)
        with prepared_cursor(connections[database]) as cursor:
            cursor.execute(_session_sql(), [key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        fields = ["session_key", "session_data", "expire_date"]
        return Session.from_db(database, fields, [key, *row])


@cache
def _session_sql() -> str:
    quote = connections["default"].ops.quote_name
    meta = Session._meta
    data, expiry = meta.get_field("session_data").column, meta.get_field("expire_date").column
    key = meta.get_field("session_key").column
    return (
        f"SELECT {quote(data)}, {quote(expiry)} FROM {quote(meta.db_table)} "  # noqa: S608 - the model's own names
        f"WHERE {quote(key)} = %s AND {quote(expiry)} > %s"
    )
