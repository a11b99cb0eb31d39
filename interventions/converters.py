"""The URL converter of an intervention's reference (INT-2026-007): `<intervention_ref:reference>`.

Registered once, when this module is first imported (the pages' and the API's URL modules
import it), so that nothing else under /interventions/ is taken for a reference.
"""

from django.urls import register_converter


class ReferenceConverter:
    regex = "INT-[0-9]{4}-[0-9]{3,9}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "intervention_ref")
