"""Rendering GeoReport v2 answers: services, requests and errors, in JSON or XML.

A request shows public fields only: its public cell centre, dates to the day, no reporter.
"""

import re
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone

from curim.reports.models import Category, Report
from curim.reports.selectors import OPEN311_CLOSED

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


def render(fmt: str, root: str, items: Any, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(
            xml_bytes(root, items), content_type="text/xml; charset=utf-8", status=status
        )
    return JsonResponse(items, status=status, safe=False)


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(fmt, "errors", [{"code": status, "description": description}], status)


def day(value: datetime | None) -> str | None:
    # Day precision, as in every public output: the time of a report could identify someone.
    if value is None:
        return None
    midnight = timezone.localtime(value).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.isoformat(timespec="seconds")


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


def request(report: Report, base: str) -> dict[str, Any]:
    photo = next(iter(report.photos.all()), None)
    location = report.public_location
    return {
        "service_request_id": str(report.public_id),
        "status": "closed" if report.status in OPEN311_CLOSED else "open",
        "status_notes": report.public_note or None,
        "service_name": report.category.name,
        "service_code": report.category.slug,
        "description": report.description,
        "agency_responsible": report.category.get_forward_to_display() or None,
        "service_notice": None,
        "requested_datetime": day(report.created_at),
        "updated_datetime": day(report.updated_at),
        "expected_datetime": None,
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": round(location.y, 6) if location else None,
        "long": round(location.x, 6) if location else None,
        "media_url": base + reverse("reports:photo", args=[photo.public_id]) if photo else None,
    }
