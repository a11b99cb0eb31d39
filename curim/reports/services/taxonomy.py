"""The report taxonomy: saving a category (which may change what the public map shows)."""

from django.db import transaction

from curim.reports.models import Category
from curim.reports.tilecache import tiles_changed


@transaction.atomic
def category_save(*, category: Category) -> Category:
    """Create or change a category; cached tiles are dropped once it is committed.

    A category made private leaves the map at once (the public-cell counts follow by trigger,
    the cached tiles by this), and one made public appears.
    """
    category.full_clean()
    category.save()
    transaction.on_commit(tiles_changed)
    return category
