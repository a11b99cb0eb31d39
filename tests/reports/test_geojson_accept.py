"""The GeoJSON resources answer a client that accepts only `application/geo+json` (as the
report form's duplicate hint asks), with GeoJSON, never 406; JSON clients are served as before."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.http import Http404
from django.test import Client
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from curim.reports.api.common import GeoJSONNegotiation
from curim.reports.models import Report
from tests.reports.conftest import CENTRE

MakeReport = Callable[..., Report]

GEOJSON = "application/geo+json"


def _the_forms_accept() -> str:
    """The Accept header static/js/report-form.js sends to /api/v1/reports/nearby/."""
    script = Path(__file__).resolve().parents[2] / "static" / "js" / "report-form.js"
    found = re.search(r'fetch\(url, \{ headers: \{ Accept: "([^"]+)" \} \}\)', script.read_text())
    assert found, "report-form.js no longer asks for the nearby reports as this test expects"
    return found.group(1)


THE_FORMS_ACCEPT = _the_forms_accept()


def _nearby(category: str = "graffiti", at: tuple[float, float] = CENTRE) -> str:
    # As the form asks: the point rounded to three decimals.
    return f"/api/v1/reports/nearby/?category={category}&latitude={at[1]:.3f}&longitude={at[0]:.3f}"


def test_the_duplicate_hint_answers_the_forms_accept_header_with_the_nearby_report(
    client: Client, make_report: MakeReport
) -> None:
    near = make_report(category="graffiti", at=CENTRE)
    response = client.get(_nearby(), HTTP_ACCEPT=THE_FORMS_ACCEPT)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == GEOJSON
    assert [feature["id"] for feature in response.json()["features"]] == [str(near.public_id)]


@pytest.mark.parametrize(
    "accept",
    [
        GEOJSON,
        "application/geo+json; charset=utf-8",
        "application/geo+json, application/json;q=0.9",
        "application/json",
        "application/*",
        "*/*",
        None,  # no Accept header at all
    ],
)
def test_every_geojson_resource_answers_geojson_whichever_of_these_it_is_asked_for(
    client: Client, make_report: MakeReport, accept: str | None
) -> None:
    report = make_report(category="graffiti", at=CENTRE)
    paths = [
        _nearby(),
        "/api/v1/reports/",
        f"/api/v1/reports/{report.public_id}/",
        "/api/v1/evaluations/?time_of_day=night",
    ]
    for path in paths:
        headers = {} if accept is None else {"HTTP_ACCEPT": accept}
        response = client.get(path, **headers)  # type: ignore[arg-type]
        assert response.status_code == 200, (path, response.status_code)
        assert response["Content-Type"] == GEOJSON, path


def test_an_error_for_a_geojson_client_is_a_400_in_json_not_a_406(
    client: Client, make_report: MakeReport
) -> None:
    response = client.get(
        "/api/v1/reports/nearby/?category=graffiti&latitude=91&longitude=23",
        HTTP_ACCEPT=THE_FORMS_ACCEPT,
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "latitude" in response.json()


@pytest.mark.parametrize("accept", ["text/csv", "application/geo+json;q=0"])
def test_a_client_that_accepts_neither_json_nor_geojson_still_gets_406(
    client: Client, make_report: MakeReport, accept: str
) -> None:
    make_report(category="graffiti", at=CENTRE)
    assert client.get(_nearby(), HTTP_ACCEPT=accept).status_code == 406


class VersionedJSONRenderer(JSONRenderer):
    media_type = "application/json; version=2"


@pytest.mark.parametrize("accept", [None, "*/*", "*/*;q=0.5", "application/json", ""])
@pytest.mark.parametrize("query", ["", "?format=json", "?format=csv", "?format=", "?x=1"])
@pytest.mark.parametrize(
    "renderers",
    [
        [JSONRenderer],
        [JSONRenderer, BrowsableAPIRenderer],
        [BrowsableAPIRenderer, JSONRenderer],
        [VersionedJSONRenderer, JSONRenderer],  # DRF matches no */* to a type with parameters
    ],
)
@pytest.mark.parametrize("format_suffix", [None, "json"])
def test_the_negotiations_shortcut_for_any_media_type_answers_as_drf_does(
    accept: str | None,
    query: str,
    renderers: list[type[BaseRenderer]],
    format_suffix: str | None,
) -> None:
    # GeoJSONNegotiation answers a request asking for nothing in particular without DRF's
    # parsing of the Accept header: it must choose exactly what DRF would, and take DRF's way
    # for anything else.
    def chosen(negotiation: DefaultContentNegotiation) -> tuple[type[BaseRenderer], str] | str:
        request = APIRequestFactory().get(f"/api/v1/reports/{query}")
        if accept is not None:
            request.META["HTTP_ACCEPT"] = accept
        request = Request(request)
        try:
            renderer, media_type = negotiation.select_renderer(
                request, [kind() for kind in renderers], format_suffix
            )
        except NotAcceptable:
            return "406"
        except Http404:  # a format no renderer has
            return "404"
        return type(renderer), media_type

    assert chosen(GeoJSONNegotiation()) == chosen(DefaultContentNegotiation())
