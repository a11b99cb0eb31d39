"""The active categories by code, kept in each process: a submission looks its category up
without a query (the hot path, see docs/performance.md).

The few categories change seldom, and only through the admin: a save or delete in this process
empties the copy at once, and every other process reads the table again within
CATEGORIES_TTL_S. A deactivated category may thus still be accepted for that long elsewhere.
"""

import copy
import time
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from curim.reports.models import Category

CATEGORIES_TTL_S = 30.0

# (read at, {slug: category}); replaced whole, so a reader never sees one half-built.
_active: tuple[float, dict[str, Category]] = (float("-inf"), {})


def category_active_cached(slug: str) -> Category | None:
    """An active category by its code (a copy of this process's), or None."""
    global _active
    read_at, by_slug = _active
    now = time.monotonic()
    if now - read_at > CATEGORIES_TTL_S:
        # From the primary, whatever the request reads (curim/core/replica.py): a replica that
        # lags would hand a category deactivated a moment ago back for another 30 s.
        active = Category.objects.using(DEFAULT_DB_ALIAS).filter(is_active=True)
        by_slug = {category.slug: category for category in active}
        _active = (now, by_slug)
    category = by_slug.get(slug)
    # A copy: the caller may set attributes on it (or on its state) without touching others'.
    return None if category is None else copy.copy(category)


def categories_forget() -> None:
    """Read the categories again at the next look-up."""
    global _active
    _active = (float("-inf"), {})


@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
def _category_changed(**kwargs: Any) -> None:
    categories_forget()
