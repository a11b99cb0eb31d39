"""Reads from a streaming replica, when there is one (docs/operations.md, "Growing beyond one
machine").

With `DATABASE_REPLICA_URL` set, the settings add a `replica` database, and the GET and HEAD
requests of the views named in `REPLICA_VIEWS` (public lists, the map's data, the council's
dashboard, the analytics) read there; every other read, and every write, stays on the primary.
A replica may lag the primary by a moment, so whoever just wrote (a citizen who submitted, a
moderator who published) reads from the primary for `REPLICA_PIN_SECONDS` after: any POST, PUT,
PATCH or DELETE sets a short cookie that pins their next reads there (read-your-writes). API
clients without cookies read lists from the replica (Open311's `requests.json` too, also when
it is asked for one request by id); their reads of a report's page stay on the primary. Who is
signed in, with which roles and tokens, is always read from the primary (`PRIMARY_APPS`).

The choice is made here, once per request (`ReplicaReadsMiddleware`), and the database router
reads it; views know nothing of it. Without a replica configured, the router answers None (the
primary) and no cookie is set.

A replica that cannot be reached, or has fallen more than `REPLICA_MAX_LAG_SECONDS` behind,
is left alone: its reads go to the primary until it answers again and has caught up. Each web
process asks it at most every `REPLICA_CHECK_SECONDS` (`replica_usable`); /healthz reports the
answer beside its checks, never as a reason to take the web down.
"""

import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PIN_COOKIE = "curim_primary"
SAFE_METHODS = frozenset({"GET", "HEAD"})

# The views whose GET reads may lag the primary by a moment: lists and figures that many read
# and no one has just changed (the writer is pinned to the primary). By URL name. Not the
# tiles: a tile is cached under the public set's version, so one built on a replica that has
# not replayed a moderation yet would be served, stale, under the new version for a minute.
REPLICA_VIEWS = frozenset(
    {
        "core:home",
        "reports:map",
        "reports:list",
        "api:report_list",
        "api:report_nearby",
        "api:report_summary",
        "open311:discovery",
        "open311:services",
        "open311:requests",
        "councils:dashboard",
        "analytics:overview",
        "analytics:risk",
        "api:analytics_hotspots",
        "api:analytics_emerging",
        "api:analytics_risk",
        "api:analytics_risk_cells",
        "interventions:list",
        "api:intervention_list",
    }
)

# What is always read from the primary: who is signed in, with which roles and tokens, and the
# login records (a token revoked or a role removed must stop working at once, not when the
# replica replays it).
PRIMARY_APPS = frozenset({"accounts", "auth", "knox", "sessions", "axes", "contenttypes"})

# Whether this request's reads may go to the replica; False outside requests (tasks, commands).
_reads_from_replica: ContextVar[bool] = ContextVar("reads_from_replica", default=False)

logger = logging.getLogger(__name__)

# Where the primary's WAL is now; asked of the primary just before LAG_SQL is asked of the
# standby, so that the standby is measured against the primary itself and not against what it
# happens to have received (a standby cut off from the primary has replayed all it received).
PRIMARY_POSITION_SQL = "SELECT pg_current_wal_lsn()::text"

# How far the standby is behind that position, in seconds: 0 once it has replayed up to it (an
# idle primary writes nothing, and the standby is then not behind however long ago its last
# replayed commit was); otherwise the time since its last replayed commit (an upper bound: after
# a quiet spell the first new write shows the whole quiet spell); NULL when it has replayed
# nothing since it started, which is unknown and left alone. 0 on a server that is not a
# standby (a replica URL pointing at a primary).
LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN 0
  WHEN pg_last_wal_replay_lsn() >= %s::pg_lsn THEN 0
  ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())
END::float8
"""


@dataclass(frozen=True)
class ReplicaState:
    usable: bool = False
    lag_seconds: float | None = None
    error: str = ""
    checked_at: float = float("-inf")  # time.monotonic()


# One per process, replaced whole by each check (threads read one answer, never half of two);
# the lock keeps one thread asking at a time.
_state = ReplicaState()
_state_lock = threading.Lock()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_lag_seconds() -> float | None:
    """How far the replica is behind the primary now, in seconds (None: unknown). Raises
    django.db.Error when either cannot answer."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(PRIMARY_POSITION_SQL)
        (position,) = cursor.fetchone()
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(LAG_SQL, [position])
        (lag,) = cursor.fetchone()
    return None if lag is None else float(lag)


def replica_state() -> ReplicaState:
    """Whether the replica may serve reads now: it answers and is at most
    REPLICA_MAX_LAG_SECONDS behind the primary. Asked again once the last answer is older than
    REPLICA_CHECK_SECONDS; a thread that finds another asking uses the last answer."""
    global _state
    if time.monotonic() - _state.checked_at < settings.REPLICA_CHECK_SECONDS:
        return _state
    if not _state_lock.acquire(blocking=False):
        return _state
    try:
        was_usable = _state.usable
        lag: float | None = None
        try:
            lag = replica_lag_seconds()
            error = replica_lag_refusal(lag, settings.REPLICA_MAX_LAG_SECONDS)
        except Error as exc:  # DatabaseError and InterfaceError alike
            error = f"{type(exc).__name__}: {exc}".strip()
            connections[REPLICA].close()  # reconnect next time rather than reuse a broken one
        _state = ReplicaState(
            usable=not error, lag_seconds=lag, error=error, checked_at=time.monotonic()
        )
        if was_usable and error:
            logger.warning("replica left alone, reads go to the primary: %s", error)
        elif not was_usable and not error:
            logger.info("replica serves reads (%.1f s behind)", lag or 0.0)
    finally:
        _state_lock.release()
    return _state


def replica_lag_refusal(lag: float | None, most: float) -> str:
    """Why a replica this far behind may not serve reads, or "" when it may."""
    if lag is None:
        return "behind the primary, and has replayed nothing since it started"
    if lag > most:
        return f"{lag:.0f} s behind the primary (at most {most:g})"
    return ""


def replica_usable() -> bool:
    return replica_state().usable


def read_connection(model: type[Model]) -> BaseDatabaseWrapper:
    """The connection a read of this model's table goes to, for SQL written by hand (a
    queryset's own reads are routed by Django: `connections[queryset.db]`)."""
    return connections[router.db_for_read(model)]


class ReplicaRouter:
    """Sends the reads of a request marked by `ReplicaReadsMiddleware` to the replica; every
    other read (None: Django's default database) and every write to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if (
            _reads_from_replica.get()
            and replica_configured()
            and model._meta.app_label not in PRIMARY_APPS
        ):
            return REPLICA
        return None

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        # Explicitly: without an answer Django would write an object where it was read.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary: an object read there may be related
        # to one read here.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA


class ReplicaReadsMiddleware:
    """Marks the reads of a GET or HEAD of a `REPLICA_VIEWS` view for the replica, unless the
    client wrote a moment ago (its pin cookie); pins a client that writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _reads_from_replica.set(False)
        try:
            response = self.get_response(request)
        finally:
            _reads_from_replica.reset(token)
        if request.method not in SAFE_METHODS and replica_configured():
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        match = request.resolver_match
        if (
            replica_configured()
            and request.method in SAFE_METHODS
            and PIN_COOKIE not in request.COOKIES
            and match is not None
            and match.view_name in REPLICA_VIEWS
            and replica_usable()
        ):
            _reads_from_replica.set(True)
