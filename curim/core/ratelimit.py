"""Fixed-window rate limits in the Redis cache.

When Redis is unreachable the limit is not enforced (fail open) and a warning is logged: a
citizen's report matters more than a perfect limit, and login lockout does not depend on this.
After a Redis failure earlier in the same request the cache refuses at once
(curim.core.redis_circuit), so the limit costs no second timeout.
"""

import logging
import time

from django.core.cache import cache

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
        added = cache.add(cache_key, 1, timeout=window_s + 5)
        hits = 1 if added else cache.incr(cache_key)
    except Exception as exc:  # the cache being down must not block citizens
        logger.warning("rate limit %s not enforced: cache unavailable (%s)", scope, exc)
        return fail_closed
    return hits > limit


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
