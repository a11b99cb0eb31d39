"""Model fields whose values are encrypted in Python before they reach the database.

The column holds a Fernet token (random per write), so nothing can be looked up, ordered or
compared in SQL except NULL-ness: code filters on the plain columns beside them.
"""

import datetime
import json
from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Lookup
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from curim.core import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    description = "Text encrypted by the application"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # As CharField does. A TextField's max_length reaches only forms and serializers, and the
        # column is unbounded text, so without this full_clean() would store any length.
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return self.from_plain(crypto.decrypt_text(value))

    def get_prep_value(self, value: Any) -> str | None:
        value = self.to_python(value)
        if value is None:
            return None
        return crypto.encrypt_text(self.to_plain(value))

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        # Equal plaintexts give different tokens: any lookup but isnull would silently miss.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def to_plain(self, value: Any) -> str:
        return str(value)

    def from_plain(self, plain: str) -> Any:
        return plain


class EncryptedDateField(EncryptedTextField):
    description = "Date encrypted by the application"
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def to_python(self, value: Any) -> datetime.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            parsed = parse_date(str(value))
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError(_("Enter a valid date."), code="invalid")
        return parsed

    def get_prep_value(self, value: Any) -> str | None:
        return None if self.to_python(value) is None else super().get_prep_value(value)

    def to_plain(self, value: Any) -> str:
        return value.isoformat()  # type: ignore[no-any-return]

    def from_plain(self, plain: str) -> Any:
        # Never "": an empty date is stored as NULL (get_prep_value), which never gets here.
        return datetime.date.fromisoformat(plain)

    def formfield(
        self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any
    ) -> forms.Field:
        # What the form asks for (a label, a help text, a widget, a form class) wins.
        defaults = {
            "required": not self.blank,
            "label": self.verbose_name,
            "help_text": self.help_text,
        }
        return (form_class or forms.DateField)(**{**defaults, **kwargs})


class EncryptedJSONField(EncryptedTextField):
    description = "JSON encrypted by the application"
    # What django-stubs' plugin reads as the Python type of the field.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def to_python(self, value: Any) -> Any:
        return value

    def to_plain(self, value: Any) -> str:
        return json.dumps(value, sort_keys=True)

    def from_plain(self, plain: str) -> Any:
        return json.loads(plain)
