"""How long each free text of the unit may be: enforced by the models (full_clean), the forms
and the API, so that nobody stores a megabyte in a note by mistake or on purpose."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

# Notes of a session, the intake summary, closing notes.
NOTES_MAX = 20_000
# Reasons and short notes: break-glass, erasure, a declined request, a referral, a stage change.
REASON_MAX = 2_000
# The free-text part of the safe-contact preferences.
CONTACT_NOTES_MAX = 1_000
NAME_MAX = 200
PHONE_MAX = 40
EMAIL_MAX = 254
ADDRESS_MAX = 300
TITLE_MAX = 200


def text_lengths_check(texts: dict[str, tuple[str, int]]) -> None:
    """For services writing text that no model full_clean() sees: a ValidationError naming
    each field whose text (field → (text, limit)) is too long."""
    errors: dict[str, list[str]] = {}
    for field, (text, limit) in texts.items():
        try:
            MaxLengthValidator(limit)(text)
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
