"""The harm weights admins set per category, as the risk index takes them."""

from curim.analytics.models import DEFAULT_HARM_WEIGHT, CategoryHarm
from curim.reports.models import Category


def harm_weights() -> tuple[list[int], list[str], list[float]]:
    """Every category's id, code and harm weight, in id order; a category without a weight
    set weighs DEFAULT_HARM_WEIGHT (1)."""
    weights = dict(CategoryHarm.objects.values_list("category_id", "weight"))
    categories = list(Category.objects.order_by("pk").values_list("pk", "slug"))
    return (
        [pk for pk, _ in categories],
        [slug for _, slug in categories],
        [float(weights.get(pk, DEFAULT_HARM_WEIGHT)) for pk, _ in categories],
    )
