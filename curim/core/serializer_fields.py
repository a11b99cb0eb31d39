"""A DRF serializer whose fields are built once per thread and language, not once per request.

DRF builds a serializer's fields anew for every instance: a deep copy of each declared field,
its lazy error messages included. On the platform's hot paths (a report's submission, every map
tile, the GeoJSON list) that copy cost more than the rest of the validation (docs/performance.md,
"The HTTP write path" and "The query serializer's fields built once"). Fields keep nothing of a
request while they validate: the values go through `run_validation` and come back, and the
serializer's own `validate_<field>` methods are looked up on the serializer that validates, not
on the fields' parent. So each thread builds them once, bound to a serializer of its own with no
data, and every instance of the class shares them.

Per language, because DRF keeps a field's limit message ("at most 5000 characters") once it has
formatted it, in the language of the request that first showed it.

An instance given `partial=True` or a `context` gets fields of its own, as DRF builds them: the
shared fields' root is the template, which has neither. Not for subclasses that change
`self.fields` (it would change them for every request), nor for nested serializers or fields
that keep state between calls.
"""

import threading
from typing import Any, ClassVar

from django.conf import settings
from django.utils.translation import get_language
from rest_framework import serializers

# DRF's own builder of a serializer's fields (the function under its cached_property).
_drf_fields_build = serializers.Serializer.fields.func  # type: ignore[attr-defined]


class FieldsBuiltOnce(serializers.Serializer[Any]):
    _fields_built: ClassVar[threading.local] = threading.local()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._fields_built = threading.local()  # each class its own

    @property
    def fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:  # type: ignore[override]
        if self.partial or self._context:
            own: dict[str, Any] | None = self.__dict__.get("_own_fields")
            if own is None:  # built once for the instance, as DRF's cached_property would
                own = self.__dict__["_own_fields"] = _drf_fields_build(self)
            return own
        key = get_language() or settings.LANGUAGE_CODE
        built: dict[str, Any] = type(self)._fields_built.__dict__
        if key not in built:
            built[key] = _drf_fields_build(type(self)())
        return built[key]  # type: ignore[no-any-return]
