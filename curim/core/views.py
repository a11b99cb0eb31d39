"""Pages of the web shell, and the health endpoint."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from curim.core.api_reference import Body, published_reference
from curim.core.health import health_report


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    ok, checks = health_report()
    return JsonResponse(
        {"status": "ok" if ok else "down", "checks": checks}, status=200 if ok else 503
    )


@require_safe
def api_docs(request: HttpRequest) -> HttpResponse:
    """The API's reference, read from its OpenAPI schema (curim/core/api_reference.py)."""
    reference = published_reference()
    names = {schema.name for schema in reference.schemas}
    yes, no = gettext("yes"), gettext("no")
    operations = [
        {
            "operation": operation,
            "parameters": [
                (
                    format_html("<code>{}</code>", parameter.name),
                    parameter.location,
                    parameter.type,
                    yes if parameter.required else no,
                    parameter.description,
                )
                for parameter in operation.parameters
            ],
            "responses": [
                (
                    response.status,
                    response.description,
                    _bodies_html(response.bodies, names),
                )
                for response in operation.responses
            ],
            "request": _bodies_html(operation.request, names),
        }
        for operation in reference.operations
    ]
    schemas = [
        {
            "schema": schema,
            "properties": [
                (
                    format_html("<code>{}</code>", prop.name),
                    _type_html(prop.type, names),
                    yes if prop.required else no,
                    yes if prop.read_only else no,
                    prop.description,
                )
                for prop in schema.properties
            ],
        }
        for schema in reference.schemas
    ]
    return render(
        request,
        "core/api_docs.html",
        {
            "reference": reference,
            "operations": operations,
            "schemas": schemas,
            "heads": {
                "parameters": [
                    gettext("Name"),
                    gettext("In"),
                    gettext("Type"),
                    gettext("Required"),
                    gettext("Description"),
                ],
                "responses": [gettext("Status"), gettext("Description"), gettext("Body")],
                "properties": [
                    gettext("Name"),
                    gettext("Type"),
                    gettext("Required"),
                    gettext("Read-only"),
                    gettext("Description"),
                ],
            },
        },
    )


def _type_html(text: str, names: set[str]) -> str:
    """A type's text, with a link to the schema it names, if it names one."""
    for prefix in ("", "array of "):
        name = text.removeprefix(prefix)
        if text.startswith(prefix) and name in names:
            return format_html(
                '{}<a class="govuk-link" href="#schema-{}">{}</a>', prefix, name, name
            )
    return text


def _bodies_html(bodies: tuple[Body, ...], names: set[str]) -> str:
    return format_html_join(
        mark_safe("<br>"),
        "{} ({})",
        ((_type_html(body.type, names), body.content_type) for body in bodies),
    )
