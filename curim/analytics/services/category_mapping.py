"""Writing a source's category mappings: its own category names, each to a platform category."""

from django.db import transaction

from curim.analytics.models import CategoryMapping, IncidentSource
from curim.reports.models import Category


def category_mappings_set(
    *, source: IncidentSource, mappings: dict[str, Category]
) -> list[CategoryMapping]:
    """Map each of the source's category names (spaces at the ends taken off) to its platform
    category: a new name is added, a known one remapped; names not given stay as they are."""
    written = []
    with transaction.atomic():
        for their_category, category in mappings.items():
            mapping = CategoryMapping.objects.filter(
                source=source, their_category=their_category.strip()
            ).first() or CategoryMapping(source=source, their_category=their_category.strip())
            mapping.category = category
            mapping.full_clean()
            mapping.save()
            written.append(mapping)
    return written
