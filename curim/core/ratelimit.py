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
    window = int(time.time() // window_s)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    try:
        hits = _hit(cache_key, timeout=window_s + 5)
    except Exception as exc:  # the cache being down must not block citizens
        logger.warning("rate limit %s not enforced: cache unavailable (%s)", scope, exc)
        return fail_closed
    return hits > limit


# Count a hit and give a new counter its window's expiry: one command, one round trip, atomic
# (a counter can never be left without an expiry). NX: an expiry once set is kept.
HIT_SCRIPT = """
local hits = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
return hits
"""


def _hit(cache_key: str, *, timeout: int) -> int:
    """Count one hit; the hits of the window so far. On Redis one command (HIT_SCRIPT); on any
    other cache its add then incr."""
    backend = caches[DEFAULT_CACHE_ALIAS] if isinstance(cache, ConnectionProxy) else cache
    if not isinstance(backend, RedisCache):
        return 1 if cache.add(cache_key, 1, timeout=timeout) else cache.incr(cache_key)
    redis_key = backend.make_and_validate_key(cache_key)
    client = backend._cache.get_client(redis_key, write=True)  # type: ignore[attr-defined]
    return int(_hit_script(client)(keys=[redis_key], args=[timeout]))


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
