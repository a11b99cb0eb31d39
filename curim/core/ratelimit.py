"""Fixed-window rate limits in the Redis cache.

When Redis is unreachable the limit is not enforced (fail open) and a warning is logged: a
citizen's report matters more than a perfect limit, and login lockout does not depend on this.
After a Redis failure earlier in the same request the cache refuses at once
(curim.core.redis_circuit), so the limit costs no second timeout.
"""

import functools
import logging
import time

import redis
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.utils.connection import ConnectionProxy
from redis.commands.core import Script

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


class SentHit:
    """One hit of a rate limit, sent to Redis; its count read by `exceeded()`.

    Between the two the caller does its own work (the report API validates the submission)
    while Redis answers: the round trip, a third of an anonymous submission's time when waited
    for (docs/performance.md, "The HTTP write path"), overlaps it. Until `exceeded()` has been
    called the hit holds a connection of Redis's pool: call it on every path.
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
        pool = client.connection_pool
        connection = pool.get_connection()
        try:
            connection.send_command("EVALSHA", _hit_script(client).sha, 1, redis_key, timeout)
        except BaseException:
            connection.disconnect()
            pool.release(connection)
            raise
        self.sent = (client, connection, redis_key, timeout)

    def exceeded(self) -> bool:
        """True once more than the limit's hits fell in this window (read once, then kept)."""
        if self.answer is None:
            try:
                self.answer = self._hits() > self.limit
            except Exception as exc:  # the cache being down must not block citizens
                self.answer = self.unavailable(exc)
        return self.answer

    def unavailable(self, exc: Exception) -> bool:
        logger.warning("rate limit %s not enforced: cache unavailable (%s)", self.scope, exc)
        return self.fail_closed

    def _hits(self) -> int:
        if self.sent is None:
            raise RuntimeError("the hit was never sent")
        (client, connection, redis_key, timeout), self.sent = self.sent, None
        try:
            hits = connection.read_response()
        except redis.exceptions.NoScriptError:
            # Redis forgot the script (restarted): this hit was not counted; count it anew.
            client.connection_pool.release(connection)
            return int(_hit_script(client)(keys=[redis_key], args=[timeout]))
        except BaseException:
            # An answer may still come on this connection: it is never reused.
            connection.disconnect()  # type: ignore[no-untyped-call]
            client.connection_pool.release(connection)
            raise
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


# Count a hit and give a new counter its window's expiry: one command, one round trip, atomic
# (a counter can never be left without an expiry). NX: an expiry once set is kept.
HIT_SCRIPT = """
local hits = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
return hits
"""


@functools.lru_cache(maxsize=8)
def _hit_script(client: redis.Redis) -> Script:
    """HIT_SCRIPT for `client` (the cache keeps its clients): sent by its digest, and loaded
    into Redis again by redis-py whenever Redis answers that it does not know it."""
    return client.register_script(HIT_SCRIPT)


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
