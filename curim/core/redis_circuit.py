"""One Redis budget per request: after the first Redis timeout or connection error, the rest of
the request does without Redis instead of waiting on it again.

Each Redis call has short socket timeouts, but one request may make several (a rate limit, a
cache read, publishing the outbox), and a Redis that accepts connections but never answers used
to cost each of them the full timeout. `redis_circuit()` opens a scope (the middleware opens one
per request; a task or command may open its own); once Redis has failed inside it, the cache
raises `RedisSkipped` at once (callers already treat a failing cache as a miss, and the rate
limit fails open) and the outbox leaves its rows pending for the sweep. Outside a scope every
call is tried.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.http import HttpRequest, HttpResponse
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# What a Redis that is down, unreachable or hanging raises, from redis-py or through kombu.
REDIS_DOWN: tuple[type[BaseException], ...] = (
    redis.ConnectionError,
    redis.TimeoutError,
    OperationalError,
    OSError,
)


class RedisSkipped(redis.ConnectionError):
    """Raised instead of talking to Redis once it has failed in the current scope."""


class _Circuit:
    def __init__(self) -> None:
        self.failure: str | None = None


# A mutable holder, so that a failure seen in a copied context (a thread) counts for the scope.
_circuit: ContextVar[_Circuit | None] = ContextVar("redis_circuit", default=None)


@contextmanager
def redis_circuit() -> Iterator[None]:
    """A scope within which Redis is given up after its first failure."""
    token = _circuit.set(_Circuit())
    try:
        yield
    finally:
        _circuit.reset(token)


def redis_usable() -> bool:
    circuit = _circuit.get()
    return circuit is None or circuit.failure is None


def redis_down(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) says Redis is down, unreachable or hanging."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, REDIS_DOWN):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def redis_failed(exc: BaseException) -> None:
    """Record a Redis failure: the rest of the current scope skips Redis."""
    circuit = _circuit.get()
    if circuit is not None and circuit.failure is None:
        circuit.failure = f"{type(exc).__name__}: {exc}"
        logger.warning(
            "redis failed (%s): skipped for the rest of this request or task", circuit.failure
        )


def _skip_if_failed() -> None:
    circuit = _circuit.get()
    if circuit is not None and circuit.failure is not None:
        raise RedisSkipped(f"Redis failed earlier in this request ({circuit.failure})")


class CircuitConnection(redis.Connection):
    """A redis-py connection that honours the circuit: every socket operation goes through one
    of these three methods, so no command waits on a Redis that already failed in the scope."""

    def connect(self, *args: Any, **kwargs: Any) -> None:
        self._guarded(super().connect, *args, **kwargs)

    def send_packed_command(self, *args: Any, **kwargs: Any) -> None:
        self._guarded(super().send_packed_command, *args, **kwargs)

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        return self._guarded(super().read_response, *args, **kwargs)

    def _guarded(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        _skip_if_failed()
        try:
            return call(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            redis_failed(exc)
            raise


class _CircuitCacheClient(RedisCacheClient):
    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **{"connection_class": CircuitConnection, **options})
        self._clients: dict[bool, redis.Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> redis.Redis:
        """One client for writes and one for reads, kept: Django builds a new `redis.Redis` for
        every cache call, and building one (its table of response callbacks) cost about as much
        as the round trip it was for. A client over a pool is safe to share between threads.
        (With several servers, Django reads from a random one; a process here keeps the first
        it drew.)"""
        client = self._clients.get(write)
        if client is None:
            client = self._clients[write] = super().get_client(key, write=write)
        return client


class CircuitRedisCache(RedisCache):
    """Django's Redis cache on `CircuitConnection`s (the CACHES backend in settings)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _CircuitCacheClient


def redis_circuit_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Each request gets its own circuit (first in MIDDLEWARE, so it covers everything)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        with redis_circuit():
            return get_response(request)

    return middleware
