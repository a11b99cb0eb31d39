"""The GeoReport v2 endpoints: discovery, services, and requests (listed, read, created).

Only public categories are services, only public reports are requests. Requests are created
synchronously, so there are no tokens.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from curim.core.client import client_address
from curim.core.geometry import GeometryError, point_from_lon_lat
from curim.reports.models import Report
from curim.reports.open311 import rendering
from curim.reports.open311.rendering import error, render
from curim.reports.open311.serialise import open311_requests_body
from curim.reports.selectors import (
    Open311Query,
    categories_public,
    open311_client_for,
    open311_requests,
)
from curim.reports.services.submission import ReportDraft, report_submit


@require_safe
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:discovery", args=["json"]))
    return render(
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


@require_safe
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(fmt, "services", [rendering.service(c) for c in categories_public()])


@require_safe
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    category = categories_public().filter(slug=code).first()
    if category is None:
        return error(fmt, 404, f"service_code {code!r} not found")
    return render(fmt, "service_definition", {"service_code": code, "attributes": []})


def _render_requests(request: HttpRequest, fmt: str, reports: QuerySet[Report]) -> HttpResponse:
    body, _ = _requests_body(request, fmt, reports)
    return body


def _requests_body(
    request: HttpRequest, fmt: str, reports: QuerySet[Report]
) -> tuple[HttpResponse, int]:
    base = request.build_absolute_uri("/").rstrip("/")
    body, count = open311_requests_body(reports, fmt, base=base)
    return HttpResponse(body, content_type=rendering.CONTENT_TYPES[fmt]), count


@csrf_exempt  # an API authenticated by api_key, not by a browser session
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    values = [*request.GET.values(), *request.POST.values()]
    if any("\x00" in value for value in values):
        return error(fmt, 400, "parameters may not contain NUL characters")
    if request.method == "POST":
        return _request_create(request, fmt)
    params = request.GET
    if params.get("service_request_id"):
        ids = []
        for value in params["service_request_id"].split(","):
            try:
                ids.append(uuid.UUID(value.strip()))
            except ValueError:
                return error(fmt, 400, f"service_request_id {value!r} is not valid")
        # The specification: with ids, every other parameter is ignored.
        return _render_requests(request, fmt, open311_requests(Open311Query(ids=tuple(ids))))
    moments = {}
    for name in ("start_date", "end_date"):
        if params.get(name):
            try:
                moments[name] = parse_datetime(params[name])
            except ValueError:
                moments[name] = None
            if moments[name] is None:
                return error(fmt, 400, f"{name} must be a W3C date-time")
    status = None
    if params.get("status"):
        wanted = set(params["status"].split(","))
        if not wanted <= {"open", "closed"}:
            return error(fmt, 400, "status must be open or closed")
        status = wanted.pop() if len(wanted) == 1 else None
    codes = params.get("service_code")
    query = Open311Query(
        service_codes=tuple(codes.split(",")) if codes else (),
        start=moments.get("start_date"),
        end=moments.get("end_date"),
        status=status,
    )
    return _render_requests(request, fmt, open311_requests(query))


def _request_create(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    client = open311_client_for(data.get("api_key", ""))
    if client is None:
        return error(fmt, 403, "api_key is missing or not valid")
    code = data.get("service_code", "")
    category = categories_public().filter(slug=code).first()
    if category is None:
        return error(fmt, 400, f"service_code {code!r} not found")
    location = None
    if data.get("lat") or data.get("long"):
        try:
            location = point_from_lon_lat(data.get("long"), data.get("lat"))
        except GeometryError as problem:
            return error(fmt, 400, f"lat/long: {problem}")
    description = data.get("description", "").strip()
    if not description:
        return error(fmt, 400, "description is required")
    draft = ReportDraft(
        category=category,
        description=description,  # longer than the report allows: refused by the service
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
    except ValidationError as problem:
        messages = [
            f"{field}: {' '.join(errors)}" for field, errors in problem.message_dict.items()
        ]
        return error(fmt, 400, "; ".join(messages))
    return render(
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


@require_safe
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    try:
        public_id = uuid.UUID(request_id)
    except ValueError:
        return error(fmt, 404, "service_request_id not found")
    response, count = _requests_body(request, fmt, open311_requests(Open311Query(ids=(public_id,))))
    if not count:
        return error(fmt, 404, "service_request_id not found")
    return response
