"""The fixed-window rate limit on the real Redis cache: it counts, it refuses past its limit, and
its counters expire with their window (a counter without an expiry would stay in Redis)."""

import time
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.core.ratelimit import rate_limit_exceeded, rate_limit_hit_sent, rate_limit_reached


def _counter(scope: str, key: str, window_s: int) -> tuple[Any, str]:
    backend: Any = caches[DEFAULT_CACHE_ALIAS]
    window = int(time.time() // window_s)
    redis_key = backend.make_and_validate_key(f"ratelimit:{scope}:{key}:{window}")
    return backend._cache.get_client(redis_key, write=True), redis_key


def test_hits_are_counted_and_refused_past_the_limit() -> None:
    answers = [rate_limit_exceeded(scope="test", key="a", limit=2, window_s=3600) for _ in range(4)]
    assert answers == [False, False, True, True]
    # Another key has its own count; reaching is read without counting.
    assert not rate_limit_exceeded(scope="test", key="b", limit=2, window_s=3600)
    assert rate_limit_reached(scope="test", key="a", limit=4, window_s=3600)
    assert not rate_limit_reached(scope="test", key="a", limit=5, window_s=3600)


def test_a_counter_expires_with_its_window_and_keeps_its_first_expiry() -> None:
    rate_limit_exceeded(scope="test", key="c", limit=10, window_s=60)
    client, redis_key = _counter("test", "c", 60)
    assert 0 < client.ttl(redis_key) <= 65
    client.expire(redis_key, 7)  # as if the window were nearly over
    rate_limit_exceeded(scope="test", key="c", limit=10, window_s=60)
    assert 0 < client.ttl(redis_key) <= 7
    assert int(client.get(redis_key)) == 2


def test_the_limit_still_counts_after_redis_forgets_its_scripts() -> None:
    rate_limit_exceeded(scope="test", key="d", limit=10, window_s=3600)
    client, redis_key = _counter("test", "d", 3600)
    client.script_flush()  # as after a restart of Redis
    rate_limit_exceeded(scope="test", key="d", limit=10, window_s=3600)
    assert int(client.get(redis_key)) == 2
    assert client.ttl(redis_key) > 0


def _in_use(key: str = "e") -> int:
    client, _redis_key = _counter("test", key, 3600)
    return len(client.connection_pool._in_use_connections)


def test_a_sent_hit_gives_its_connection_back_once_read() -> None:
    before = _in_use()
    hit = rate_limit_hit_sent(scope="test", key="e", limit=1, window_s=3600)
    assert _in_use() == before + 1  # held until read
    assert not hit.exceeded()
    assert _in_use() == before
    assert not hit.exceeded()  # read once, kept: not counted again
    assert rate_limit_exceeded(scope="test", key="e", limit=1, window_s=3600)
    assert _in_use() == before


def test_a_hit_sent_before_redis_forgets_its_script_is_counted_once() -> None:
    rate_limit_exceeded(scope="test", key="f", limit=10, window_s=3600)  # the script is loaded
    client, redis_key = _counter("test", "f", 3600)
    before = _in_use("f")
    client.script_flush()
    hit = rate_limit_hit_sent(scope="test", key="f", limit=10, window_s=3600)
    assert not hit.exceeded()
    assert int(client.get(redis_key)) == 2
    assert _in_use("f") == before


def test_with_redis_down_a_sent_hit_lets_through_or_refuses_as_asked(
    settings: SettingsWrapper,
) -> None:
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:9/0"}
    }
    assert not rate_limit_hit_sent(scope="test", key="g", limit=1, window_s=60).exceeded()
    assert rate_limit_hit_sent(
        scope="test", key="g", limit=1, window_s=60, fail_closed=True
    ).exceeded()
