"""A short-lived Redis cache of vector tiles, dropped at once whenever public data changes.

Low-zoom tiles aggregate every public report of the city and are slow with a million rows;
many visitors ask for the same few. The cache key holds a version number that every change to
what is public bumps, so a report that stops being public never lingers in a cached tile.
When Redis is unreachable, tiles are simply built each time.
"""

import logging
from collections.abc import Callable

from django.core.cache import cache

logger = logging.getLogger(__name__)

VERSION_KEY = "reports:tiles:version"
TILE_SECONDS = 60


def tiles_changed() -> None:
    """Call after anything that changes what the public map shows."""
    try:
        if not cache.add(VERSION_KEY, 1, timeout=None):
            cache.incr(VERSION_KEY)
    except Exception as exc:  # a cache that is down holds no stale tiles either
        logger.warning("tile cache not invalidated: %s", exc)


def tile_cached(key: str, build: Callable[[], bytes]) -> bytes:
    try:
        version = cache.get(VERSION_KEY, 0)
        full_key = f"reports:tile:{version}:{key}"
        tile = cache.get(full_key)
    except Exception as exc:
        logger.warning("tile cache unavailable: %s", exc)
        return build()
    if tile is None:
        tile = build()
        try:
            cache.set(full_key, tile, TILE_SECONDS)
        except Exception as exc:
            logger.warning("tile cache unavailable: %s", exc)
    return bytes(tile)
