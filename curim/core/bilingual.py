"""Texts kept in both languages of the platform, as pairs of `<name>_en` and `<name>_el` fields."""

from django.utils.translation import get_language


def in_current_language(obj: object, name: str) -> str:
    """`obj.<name>_el` when the current language is Greek and it is filled in, else English."""
    if (get_language() or "en").startswith("el"):
        greek = str(getattr(obj, f"{name}_el", "") or "")
        if greek:
            return greek
    return str(getattr(obj, f"{name}_en", "") or "")
