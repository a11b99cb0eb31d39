"""Statements PostgreSQL keeps prepared, for the few fixed statements on every request's path.

Django binds parameters on the client and prepares nothing, so that connection poolers keep
working. Where one fixed statement runs on every request (the session, the account with its
roles, the district of a point) or is the submission itself, PostgreSQL's parse and plan cost
more than the work: the placed insert takes 0.74 ms planned each time and 0.40 ms prepared with
its plan kept (docs/performance.md, "The count tables' size, and prepared statements"). A cursor
from `prepared_cursor` binds on the server and has psycopg prepare each statement once per
connection (and again after a rollback, when psycopg forgets them all); settings set
`plan_cache_mode = force_generic_plan`, so PostgreSQL plans it once too instead of re-planning
for each set of parameters. Nothing else on the connection is prepared, so that setting touches
only these statements and the cached plans of the triggers' PL/pgSQL (a trigger function whose
plan depends on its argument sets `plan_cache_mode = auto` on itself, as migration reports/0018
does for the day counts' rebuild).

`DATABASE_PREPARED_STATEMENTS=false` turns it off (a cursor as Django's own, no setting on the
connection): behind a connection pooler in transaction mode that cannot carry prepared
statements (PgBouncer before 1.22, see docs/operations.md), or with `DB_CONN_MAX_AGE=0`, where
each request's new connection would prepare and then run, one round trip more.
"""

from typing import Any, Self

import psycopg
from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from psycopg.abc import Params


class _PreparingCursor(psycopg.Cursor[Any]):
    """Server-side binding; every statement prepared on the connection by its first run."""

    def execute(
        self,
        query: Any,
        params: Params | None = None,
        *,
        prepare: bool | None = None,
        binary: bool | None = None,
    ) -> Self:
        return super().execute(query, params, prepare=True, binary=binary)


class _ComposedDebugWrapper(CursorDebugWrapper):
    """Logs each statement with its parameters composed in: psycopg keeps no text of a
    prepared statement's run for Django's usual reading of it."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        try:
            logged = self.db.ops.compose_sql(sql, params)
        except Exception:  # a value psycopg cannot compose: logged uncomposed
            logged = sql
        with self.debug_sql(logged, params):
            return CursorWrapper.execute(self, sql, params)


def prepared_cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """A cursor of `connection` whose statements PostgreSQL keeps prepared, wrapped as Django's
    own (errors as django.db's, the statements in `connection.queries` when they are logged)."""
    if not settings.DATABASE_PREPARED_STATEMENTS:
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = _PreparingCursor(connection.connection)
    if connection.queries_logged:
        return _ComposedDebugWrapper(cursor, connection)
    return CursorWrapper(cursor, connection)
