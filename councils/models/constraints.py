"""Database constraints whose violation a form shows on the field it concerns.

Django reports a broken check, or a unique constraint over several columns, as an error of the
whole form ("__all__"); these name the field to put the message on. The field must be one the
constraint reads: when a form leaves it out, Django skips the constraint (the database still
holds it), so the message never lands on a field the form does not have.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models


def _keyed(field: str, error: ValidationError) -> ValidationError:
    return ValidationError({field: error.error_list})


class FieldCheckConstraint(models.CheckConstraint):
    def __init__(self, *, field: str, **kwargs: Any) -> None:
        self.field = field
        super().__init__(**kwargs)

    def validate(
        self,
        model: Any,
        instance: Any,
        exclude: Any = None,
        using: str = DEFAULT_DB_ALIAS,
    ) -> None:
        try:
            # django-stubs does not declare the constraints' validate().
            super().validate(model, instance, exclude=exclude, using=using)  # type: ignore[misc]
        except ValidationError as error:
            raise _keyed(self.field, error) from None

    def deconstruct(self) -> Any:
        path, args, kwargs = super().deconstruct()
        kwargs["field"] = self.field
        return path, args, kwargs

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, FieldCheckConstraint)
            and self.field == other.field
            and super().__eq__(other)
        )


class FieldUniqueConstraint(models.UniqueConstraint):
    def __init__(self, *args: Any, field: str, **kwargs: Any) -> None:
        self.field = field
        super().__init__(*args, **kwargs)

    def validate(
        self,
        model: Any,
        instance: Any,
        exclude: Any = None,
        using: str = DEFAULT_DB_ALIAS,
    ) -> None:
        try:
            # django-stubs does not declare the constraints' validate().
            super().validate(model, instance, exclude=exclude, using=using)  # type: ignore[misc]
        except ValidationError as error:
            raise _keyed(self.field, error) from None

    def deconstruct(self) -> Any:
        path, args, kwargs = super().deconstruct()
        kwargs["field"] = self.field
        return path, args, kwargs

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, FieldUniqueConstraint)
            and self.field == other.field
            and super().__eq__(other)
        )
