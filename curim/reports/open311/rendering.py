"""Rendering GeoReport v2 answers: services and errors, in JSON or XML (requests are built by
one SQL statement: serialise.py).
"""

import re
from typing import Any
from xml.etree import ElementTree

from django.http import HttpResponse, JsonResponse

from curim.reports.models import Category

LIST_ELEMENTS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "endpoints": "endpoint",
    "formats": "format",
}
# Characters XML 1.0 cannot carry; a citizen's text may contain them.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_bytes(root: str, items: Any) -> bytes:
    def fill(element: ElementTree.Element, value: Any) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                fill(ElementTree.SubElement(element, key), child)
        elif isinstance(value, list):
            for child in value:
                fill(ElementTree.SubElement(element, LIST_ELEMENTS.get(element.tag, "item")), child)
        elif value is not None:
            text = str(value).lower() if isinstance(value, bool) else str(value)
            element.text = XML_ILLEGAL.sub("", text)

    element = ElementTree.Element(root)
    fill(element, items)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(element)


CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json"}


def render(fmt: str, root: str, items: Any, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(
            xml_bytes(root, items), content_type=CONTENT_TYPES["xml"], status=status
        )
    return JsonResponse(items, status=status, safe=False)


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(fmt, "errors", [{"code": status, "description": description}], status)


def service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.slug,
        "service_name": category.name,
        "description": category.name_en,
        "metadata": False,
        "type": "realtime",
        "keywords": category.group,
        "group": category.get_group_display(),
    }
