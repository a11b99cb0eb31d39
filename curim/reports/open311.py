"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), in JSON and XML.

Only public categories are services, only public reports are requests, and a request's
location is its public cell centre. Requests are created synchronously, so there are no tokens.
"""

import hashlib
import re
import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from curim.core.client import client_address
from curim.core.geometry import GeometryError, point_from_lon_lat
from curim.reports.models import Category, Open311Client, Report, ReportStatus
from curim.reports.selectors import categories_public, reports_public
from curim.reports.services import ReportDraft, report_submit

CLOSED = {ReportStatus.RESOLVED, ReportStatus.CLOSED, ReportStatus.REJECTED, ReportStatus.SPAM}
LIST_ELEMENTS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "endpoints": "endpoint",
    "formats": "format",
}
MAX_REQUESTS = 1000
# Characters XML 1.0 cannot carry; a citizen's text may contain them.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- API keys -------------------------------------------------------------------------------
def api_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_issue(*, name: str) -> tuple[Open311Client, str]:
    """Create a client; the key is returned once and only its hash is kept."""
    key = secrets.token_urlsafe(32)
    client = Open311Client(name=name, key_hash=api_key_hash(key), key_hint=key[:8])
    client.full_clean()
    client.save()
    return client, key


def _client_for(key: str) -> Open311Client | None:
    if not key:
        return None
    return Open311Client.objects.filter(key_hash=api_key_hash(key), is_active=True).first()


# --- Rendering ------------------------------------------------------------------------------
def _xml(root: str, items: Any) -> bytes:
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


def _render(fmt: str, root: str, items: Any, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(
            _xml(root, items), content_type="text/xml; charset=utf-8", status=status
        )
    return JsonResponse(items, status=status, safe=False)


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _render(fmt, "errors", [{"code": status, "description": description}], status)


def _when(value: datetime | None) -> str | None:
    # Day precision, as in every public output: the time of a report could identify someone.
    if value is None:
        return None
    day = timezone.localtime(value).replace(hour=0, minute=0, second=0, microsecond=0)
    return day.isoformat(timespec="seconds")


# --- Services -------------------------------------------------------------------------------
def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.slug,
        "service_name": category.name,
        "description": category.name_en,
        "metadata": False,
        "type": "realtime",
        "keywords": category.group,
        "group": category.get_group_display(),
    }


@require_GET
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:discovery", args=["json"]))
    return _render(
        fmt,
        "discovery",
        {
            "changeset": "2026-11-21T00:00:00Z",
            "contact": settings.DEFAULT_FROM_EMAIL,
            "key_service": settings.SITE_URL,
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base.rsplit("/", 1)[0],
                    "changeset": "2026-11-21T00:00:00Z",
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


@require_GET
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return _render(fmt, "services", [_service(c) for c in categories_public()])


@require_GET
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    category = categories_public().filter(slug=code).first()
    if category is None:
        return _error(fmt, 404, f"service_code {code!r} not found")
    return _render(fmt, "service_definition", {"service_code": code, "attributes": []})


# --- Requests -------------------------------------------------------------------------------
def _requests_public() -> QuerySet[Report]:
    return reports_public().select_related("category").prefetch_related("photos")


def _request(report: Report, base: str) -> dict[str, Any]:
    photo = next(iter(report.photos.all()), None)
    location = report.public_location
    return {
        "service_request_id": str(report.public_id),
        "status": "closed" if report.status in CLOSED else "open",
        "status_notes": report.public_note or None,
        "service_name": report.category.name,
        "service_code": report.category.slug,
        "description": report.description,
        "agency_responsible": report.category.get_forward_to_display() or None,
        "service_notice": None,
        "requested_datetime": _when(report.created_at),
        "updated_datetime": _when(report.updated_at),
        "expected_datetime": None,
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": round(location.y, 6) if location else None,
        "long": round(location.x, 6) if location else None,
        "media_url": base + reverse("reports:photo", args=[photo.public_id]) if photo else None,
    }


def _render_requests(request: HttpRequest, fmt: str, reports: Iterable[Report]) -> HttpResponse:
    base = request.build_absolute_uri("/").rstrip("/")
    return _render(fmt, "service_requests", [_request(r, base) for r in reports])


@csrf_exempt  # an API authenticated by api_key, not by a browser session
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    values = [*request.GET.values(), *request.POST.values()]
    if any("\x00" in value for value in values):
        return _error(fmt, 400, "parameters may not contain NUL characters")
    if request.method == "POST":
        return _request_create(request, fmt)
    reports = _requests_public().order_by("-created_at")
    params = request.GET
    if params.get("service_request_id"):
        ids = []
        for value in params["service_request_id"].split(","):
            try:
                ids.append(uuid.UUID(value.strip()))
            except ValueError:
                return _error(fmt, 400, f"service_request_id {value!r} is not valid")
        return _render_requests(request, fmt, reports.filter(public_id__in=ids))
    if params.get("service_code"):
        reports = reports.filter(category__slug__in=params["service_code"].split(","))
    for name, lookup in (("start_date", "created_at__gte"), ("end_date", "created_at__lte")):
        if params.get(name):
            try:
                moment = parse_datetime(params[name])
            except ValueError:
                moment = None
            if moment is None:
                return _error(fmt, 400, f"{name} must be a W3C date-time")
            reports = reports.filter(**{lookup: moment})
    status = params.get("status")
    if status:
        wanted = set(status.split(","))
        if not wanted <= {"open", "closed"}:
            return _error(fmt, 400, "status must be open or closed")
        if wanted == {"open"}:
            reports = reports.exclude(status__in=CLOSED)
        elif wanted == {"closed"}:
            reports = reports.filter(status__in=CLOSED)
    if not params.get("start_date") and not params.get("end_date"):
        # The specification's default window: the last 90 days.
        reports = reports.filter(created_at__gte=timezone.now() - timedelta(days=90))
    return _render_requests(request, fmt, reports[:MAX_REQUESTS])


def _request_create(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    client = _client_for(data.get("api_key", ""))
    if client is None:
        return _error(fmt, 403, "api_key is missing or not valid")
    code = data.get("service_code", "")
    category = categories_public().filter(slug=code).first()
    if category is None:
        return _error(fmt, 400, f"service_code {code!r} not found")
    location = None
    if data.get("lat") or data.get("long"):
        try:
            location = point_from_lon_lat(data.get("long"), data.get("lat"))
        except GeometryError as error:
            return _error(fmt, 400, f"lat/long: {error}")
    description = data.get("description", "").strip()
    if not description:
        return _error(fmt, 400, "description is required")
    draft = ReportDraft(
        category=category,
        description=description[:5000],
        occurred_at=timezone.now(),
        severity=3,
        feeling_unsafe=3,
        location=location,
        contact_email=data.get("email", ""),
    )
    try:
        report, _ = report_submit(
            draft=draft,
            reporter=None,
            client_address=client_address(request),
            idempotency_key=None,
        )
    except ValidationError as error:
        messages = [f"{field}: {' '.join(errors)}" for field, errors in error.message_dict.items()]
        return _error(fmt, 400, "; ".join(messages))
    return _render(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": str(report.public_id),
                "service_notice": "The request will be published after moderation.",
                "account_id": None,
            }
        ],
        status=201,
    )


@require_GET
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    try:
        public_id = uuid.UUID(request_id)
    except ValueError:
        return _error(fmt, 404, "service_request_id not found")
    reports = list(_requests_public().filter(public_id=public_id))
    if not reports:
        return _error(fmt, 404, "service_request_id not found")
    return _render_requests(request, fmt, reports)
