"""Category changes (e.g. one made private) change the public map at once."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from curim.reports.models import Category
from curim.reports.tilecache import tiles_changed


def category_saved(sender: type[Category], **kwargs: Any) -> None:
    transaction.on_commit(tiles_changed)


post_save.connect(category_saved, sender=Category, dispatch_uid="reports.category_saved")
