"""The API's reference page (/api/docs/), read from the OpenAPI schema that drf-spectacular
builds from the code (the same document as /api/schema/).

Why our own page and not Swagger UI: Swagger UI fails WCAG 2.2 AA (method badges below 3:1
contrast, links nested in buttons, touch targets under 24 px; axe-core finds them on every
load), is English-only chrome, and cannot be fixed from outside its bundle. This page is drawn
with the design system's partials, in the visitor's language, and the schema stays one link
away for tools (Postman, openapi-generator, Swagger UI of one's own) that want the document.
"""

import functools
from dataclasses import dataclass, field
from typing import Any

from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")
REF_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path, query, header, cookie
    required: bool
    type: str
    description: str


@dataclass(frozen=True)
class Body:
    content_type: str
    type: str
    schema: str  # the name of a schema below, or ""


@dataclass(frozen=True)
class Response:
    status: str
    description: str
    bodies: tuple[Body, ...]


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    description: str
    parameters: tuple[Parameter, ...]
    request: tuple[Body, ...]
    responses: tuple[Response, ...]


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    required: bool
    read_only: bool
    description: str


@dataclass(frozen=True)
class Schema:
    name: str
    type: str
    description: str
    properties: tuple[Property, ...] = field(default=())
    values: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Reference:
    title: str
    version: str
    description: str
    operations: tuple[Operation, ...]
    schemas: tuple[Schema, ...]


@functools.cache
def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of the public API, as /api/schema/ serves it. It follows from the
    code alone, so one build per process is enough."""
    generator = SchemaGenerator()  # type: ignore[no-untyped-call]
    document: dict[str, Any] = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    return document


def type_of(schema: dict[str, Any]) -> str:
    """A short text for a schema's type: `Report`, `array of Category`, `string (date-time)`,
    `one of: day, night`."""
    if "$ref" in schema:
        return str(schema["$ref"]).removeprefix(REF_PREFIX)
    for combined in ("allOf", "oneOf", "anyOf"):
        if combined in schema:
            parts = [type_of(part) for part in schema[combined]]
            return " | ".join(part for part in parts if part)
    if "enum" in schema:
        return "one of: " + ", ".join(str(value) for value in schema["enum"] if value != "")
    kind = str(schema.get("type", "object"))
    if kind == "array":
        return "array of " + type_of(schema.get("items", {}))
    if "format" in schema:
        kind = f"{kind} ({schema['format']})"
    if schema.get("nullable"):
        kind += ", or null"
    return kind


def _bodies(content: dict[str, Any]) -> tuple[Body, ...]:
    bodies = []
    for content_type, media in content.items():
        schema = media.get("schema", {})
        reference = str(schema.get("$ref", "")).removeprefix(REF_PREFIX)
        bodies.append(Body(content_type=content_type, type=type_of(schema), schema=reference))
    return tuple(bodies)


def _operation(path: str, method: str, spec: dict[str, Any]) -> Operation:
    parameters = tuple(
        Parameter(
            name=parameter["name"],
            location=parameter["in"],
            required=bool(parameter.get("required")),
            type=type_of(parameter.get("schema", {})),
            description=parameter.get("description", ""),
        )
        for parameter in spec.get("parameters", [])
    )
    responses = tuple(
        Response(
            status=status,
            description=answer.get("description", ""),
            bodies=_bodies(answer.get("content", {})),
        )
        for status, answer in spec.get("responses", {}).items()
    )
    return Operation(
        method=method.upper(),
        path=path,
        operation_id=spec.get("operationId", f"{method}-{path}"),
        description=spec.get("description", "") or spec.get("summary", ""),
        parameters=parameters,
        request=_bodies(spec.get("requestBody", {}).get("content", {})),
        responses=responses,
    )


def _schema(name: str, spec: dict[str, Any]) -> Schema:
    required = set(spec.get("required", []))
    properties = tuple(
        Property(
            name=property_name,
            type=type_of(property_spec),
            required=property_name in required,
            read_only=bool(property_spec.get("readOnly")),
            description=property_spec.get("description", ""),
        )
        for property_name, property_spec in spec.get("properties", {}).items()
    )
    values = tuple(str(value) for value in spec.get("enum", []) if value not in ("", None))
    kind = "enumeration" if values else type_of({k: v for k, v in spec.items() if k != "enum"})
    return Schema(
        name=name,
        type=kind,
        description=spec.get("description", ""),
        properties=properties,
        values=values,
    )


def api_reference(document: dict[str, Any]) -> Reference:
    """The reference of an API: its operations in the schema's order, then its schemas."""
    operations = tuple(
        _operation(path, method, item[method])
        for path, item in document.get("paths", {}).items()
        for method in METHODS
        if method in item
    )
    schemas = tuple(
        _schema(name, spec)
        for name, spec in sorted(document.get("components", {}).get("schemas", {}).items())
    )
    info = document.get("info", {})
    return Reference(
        title=info.get("title", ""),
        version=str(info.get("version", "")),
        description=info.get("description", ""),
        operations=operations,
        schemas=schemas,
    )


@functools.cache
def published_reference() -> Reference:
    """The reference of the API this process serves (built once, like its document)."""
    return api_reference(openapi_document())
