"""The legends' class names (curim/analytics/legend.py) for any page's template, so that a page
showing an analysis layer (the public risk map among them) needs nothing in its view."""

from django import template
from django.utils.functional import Promise

from curim.analytics.legend import EMERGING_CATEGORIES, RISK_BANDS

register = template.Library()


@register.simple_tag
def emerging_categories() -> tuple[tuple[str, Promise], ...]:
    return EMERGING_CATEGORIES


@register.simple_tag
def risk_bands() -> tuple[tuple[str, Promise], ...]:
    return RISK_BANDS
