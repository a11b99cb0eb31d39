"""Fixed-window rate limits in the Redis cache.

When Redis is unreachable the limit is not enforced (fail open) and a warning is logged: a
citizen's report matters more than a perfect limit, and login lockout does not depend on this.
After a Redis failure earlier in the same request the cache refuses at once
(curim.core.redis_circuit), so the limit costs no second timeout.
"""

import hashlib
import logging
import time

import redis
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.utils.connection import ConnectionProxy

logger = logging.getLogger(__name__)


def rate_limit_exceeded(
    *, scope: str, key: str, limit: int, window_s: int, fail_closed: bool = False
) -> bool:
    """Count one hit for (scope, key); True once more than `limit` hits fell in this window.
    `fail_closed`: with the cache down, refuse (for what a stranger could abuse, such as
    e-mail sent to an address typed in a form) rather than let everything through."""
    return rate_limit_hit_sent(
        scope=scope, key=key, limit=limit, window_s=window_s, fail_closed=fail_closed
    ).exceeded()


# Count a hit and give a new counter its window's expiry: one command, one round trip, atomic
# (a counter can never be left without an expiry). NX: an expiry once set is kept. Sent by its
# digest (EVALSHA); loaded again whenever Redis answers that it does not know it (a restart).
HIT_SCRIPT = """
local hits = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
return hits
"""
HIT_SCRIPT_SHA = hashlib.sha1(HIT_SCRIPT.encode()).hexdigest()  # noqa: S324 - Redis's name for it


class SentHit:
    """One hit of a rate limit, sent to Redis; its count read by `exceeded()`.

    Between the two the caller does its own work (the report API validates a submission's JSON
    body) while Redis answers, so that the round trip overlaps it (docs/performance.md, "The HTTP
    write path, again"). Until it is read the hit holds a connection of Redis's pool: call
    `exceeded()` on every path, or `abandon()` where it will not be read.
    """

    def __init__(self, scope: str, limit: int, fail_closed: bool) -> None:
        self.scope, self.limit, self.fail_closed = scope, limit, fail_closed
        self.answer: bool | None = None
        self.sent: tuple[redis.Redis, redis.Connection, str, int] | None = None

    def send(self, cache_key: str, timeout: int) -> None:
        backend = caches[DEFAULT_CACHE_ALIAS] if isinstance(cache, ConnectionProxy) else cache
        if not isinstance(backend, RedisCache):
            hits = 1 if cache.add(cache_key, 1, timeout=timeout) else cache.incr(cache_key)
            self.answer = hits > self.limit
            return
        redis_key = backend.make_and_validate_key(cache_key)
        client = backend._cache.get_client(redis_key, write=True)  # type: ignore[attr-defined]
        connection = client.connection_pool.get_connection()
        self.sent = (client, connection, redis_key, timeout)
        try:
            connection.send_command("EVALSHA", HIT_SCRIPT_SHA, 1, redis_key, timeout)
        except BaseException:
            self.abandon()
            raise

    def exceeded(self) -> bool:
        """True once more than the limit's hits fell in this window (read once, then kept)."""
        if self.answer is None:
            try:
                self.answer = self._hits() > self.limit
            except Exception as exc:  # the cache being down must not block citizens
                self.answer = self.unavailable(exc)
        return self.answer

    def abandon(self) -> None:
        """Give the connection back unread: closed, since its answer may still come."""
        if self.sent is not None:
            (client, connection, _key, _timeout), self.sent = self.sent, None
            connection.disconnect()  # type: ignore[no-untyped-call]
            client.connection_pool.release(connection)

    def unavailable(self, exc: Exception) -> bool:
        logger.warning("rate limit %s not enforced: cache unavailable (%s)", self.scope, exc)
        return self.fail_closed

    def _hits(self) -> int:
        if self.sent is None:
            raise RuntimeError("the hit was never sent")
        client, connection, redis_key, timeout = self.sent
        try:
            hits = connection.read_response()
        except redis.exceptions.NoScriptError:
            # Redis forgot the script (restarted): this hit was not counted; count it anew.
            self.sent = None
            client.connection_pool.release(connection)
            client.script_load(HIT_SCRIPT)
            return int(client.evalsha(HIT_SCRIPT_SHA, 1, redis_key, timeout))
        except BaseException:
            self.abandon()
            raise
        self.sent = None
        client.connection_pool.release(connection)
        return int(hits)


def rate_limit_hit_sent(
    *, scope: str, key: str, limit: int, window_s: int, fail_closed: bool = False
) -> SentHit:
    """Count one hit for (scope, key) as `rate_limit_exceeded` does, without waiting for the
    count: `exceeded()` on the answer reads it."""
    hit = SentHit(scope, limit, fail_closed)
    window = int(time.time() // window_s)
    try:
        hit.send(f"ratelimit:{scope}:{key}:{window}", timeout=window_s + 5)
    except Exception as exc:  # as in exceeded()
        hit.answer = hit.unavailable(exc)
    return hit


def rate_limit_reached(*, scope: str, key: str, limit: int, window_s: int) -> bool:
    """True once `limit` hits were counted in this window, without counting one more.

    For limits that count only failures: the check comes before the attempt, the hit after.
    """
    window = int(time.time() // window_s)
    try:
        hits = cache.get(f"ratelimit:{scope}:{key}:{window}", 0)
    except Exception as exc:  # fail open, as above
        logger.warning("rate limit %s not enforced: cache unavailable (%s)", scope, exc)
        return False
    return int(hits) >= limit
