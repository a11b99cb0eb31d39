"""The API's reference page (/api/docs/): every operation and schema of the OpenAPI document,
on the design system, in the visitor's language."""

import pytest
from django.test import Client

from curim.core.api_reference import api_reference, openapi_document, type_of
from tests.html import parse

pytestmark = pytest.mark.django_db


def test_the_page_lists_every_operation_and_schema_of_the_document() -> None:
    # The document /api/schema/ serves to outside tools.
    document = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    page = parse(Client().get("/api/docs/").content.decode())
    ids = {element.attrs.get("id") for element in page.find_all()}
    reference = api_reference(document)
    operations = {(path, method) for path, item in document["paths"].items() for method in item}
    assert {(o.path, o.method.lower()) for o in reference.operations} == operations
    assert {f"op-{o.operation_id}" for o in reference.operations} <= ids
    assert {f"schema-{name}" for name in document["components"]["schemas"]} <= ids
    assert openapi_document()["paths"].keys() == document["paths"].keys()


def test_the_page_is_in_the_visitor_s_language_and_marks_the_english_descriptions() -> None:
    client = Client()
    client.cookies["django_language"] = "el"
    response = client.get("/api/docs/")
    page = parse(response.content.decode())
    assert page.find("html").attrs["lang"] == "el"
    assert "Αναφορά του API" in page.find("h1").text
    # The schema's English descriptions say they are English.
    assert page.find("main").find_all("div", lang="en")


def test_a_type_names_its_schema_and_an_array_its_items() -> None:
    assert type_of({"$ref": "#/components/schemas/Report"}) == "Report"
    assert type_of({"type": "array", "items": {"$ref": "#/components/schemas/Area"}}) == (
        "array of Area"
    )
    assert type_of({"type": "string", "format": "date-time", "nullable": True}) == (
        "string (date-time), or null"
    )
    assert type_of({"enum": ["day", "night", ""]}) == "one of: day, night"
    assert type_of({"oneOf": [{"type": "integer"}, {"type": "string"}]}) == "integer | string"


def test_a_field_s_type_links_to_its_schema() -> None:
    page = parse(Client().get("/api/docs/").content.decode())
    links = {a.attrs.get("href") for a in page.find_all("a")}
    assert "#schema-ReportCreate" in links
