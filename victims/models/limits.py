"""How long each free text of the unit may be: enforced by the models (full_clean), the forms
and the API, so that nobody stores a megabyte in a note by mistake or on purpose."""

import datetime

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
# The earliest intake date: an earlier one is a typing error (and the unit's times of day in
# years before this, in local mean time, are not worth keeping).
INTAKE_EARLIEST = datetime.date(1900, 1, 1)


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
