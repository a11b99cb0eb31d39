"""Texts the council keeps in English and Greek, of which one language may be left empty."""

from django.utils.translation import get_language


def in_either_language(obj: object, name: str) -> str:
    """`obj.<name>_el` in Greek and `obj.<name>_en` otherwise, or the other language's text
    when that one is empty: a secretary may write only in Greek, or only in English."""
    greek = (get_language() or "en").startswith("el")
    first, second = ("el", "en") if greek else ("en", "el")
    return str(getattr(obj, f"{name}_{first}", "") or getattr(obj, f"{name}_{second}", "") or "")
