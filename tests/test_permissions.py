"""Deny by default: every URL in the URLconf refuses anonymous visitors unless it is listed here.

The walk covers every pattern, so a new URL fails this test until it is either protected or
added, deliberately, to PUBLIC.
"""

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

# Route names (namespace:name) that anonymous visitors may use, and why.
PUBLIC = {
    "core:home": "the landing page",
    "core:healthz": "load balancers and monitoring",
    "accounts:login": "logging in",
    "accounts:logout": "logging out is harmless",
    "accounts:register": "citizens register themselves",
    "accounts:register_done": "after registering",
    "accounts:confirm": "the e-mailed confirmation link",
    "accounts:password_reset": "forgotten passwords",
    "accounts:password_reset_done": "forgotten passwords",
    "accounts:password_reset_confirm": "the e-mailed reset link",
    "accounts:password_reset_complete": "forgotten passwords",
    "set_language": "the language switcher",
    "javascript_catalog": "translations for scripts",
    "admin:login": "the admin's own login page",
    "admin:logout": "logging out is harmless",
    "api:token_create": "API clients log in",
    "api:area_list": "public boundaries for maps",
    "api:area_detail": "public boundaries for maps",
    "api:category_list": "the report categories",
    "api:report_list": "published reports (GET) and anonymous submission (POST)",
    "api:report_detail": "one published report",
    "api:report_tile": "the public risk map",
    "api:report_nearby": "the duplicate hint while submitting",
    "api:report_export": "open data: published reports, public columns",
    "api:report_comments": "comments on published reports (GET; POST needs an account)",
    "reports:new": "anyone may report, anonymously",
    "reports:submitted": "the thank-you page",
    "reports:map": "the public risk map",
    "reports:evaluate": "anyone may rate how safe a place feels",
    "surveys:list": "the surveys open to anyone",
    "surveys:respond": "anyone may answer an open survey, anonymously",
    "surveys:thanks": "the thank-you page",
    "api:survey_list": "the questions of open surveys",
    "api:survey_detail": "the questions of an open survey",
    "api:survey_response": "anyone may answer an open survey, anonymously",
    "api:evaluation_list": "average ratings per cell (GET) and anonymous rating (POST)",
    "reports:detail": "published reports only (404 otherwise)",
    "reports:photo": "photos of published reports only (404 otherwise)",
    "api_schema": "the OpenAPI description",
    "open311:discovery": "Open311 GeoReport v2 is public",
    "open311:services": "Open311 GeoReport v2 is public",
    "open311:service": "Open311 GeoReport v2 is public",
    "open311:requests": "public requests (GET); POST needs an api_key",
    "open311:request": "Open311 GeoReport v2 is public",
    "api_docs": "the API documentation",
    "victims:help": "victims of crime find the unit (with a quick-exit button)",
    "victims:support_request": "anyone may ask the Victim Support Unit to contact them",
    "victims:support_request_sent": "the thank-you page",
}

CONVERTER_SAMPLES = {
    "open311format": "json",
    "int": "1",
    "uuid": str(uuid.UUID(int=1)),
    "slug": "sample",
    "str": "sample",
    "path": "sample",
}


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str


def _route_sample(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: CONVERTER_SAMPLES[m.group(1) or "str"], route)


def _regex_sample(regex: str) -> str:
    def group(match: re.Match[str]) -> str:
        body = match.group(1)
        if r"\d" in body:
            return "1"
        if "|" in body:
            return body.split("|")[0].strip("()")
        return "sample"

    text = re.sub(r"\(\?P<\w+>((?:[^()]|\([^()]*\))*)\)", group, regex)
    return text.lstrip("^").replace("\\Z", "").rstrip("$").replace("\\", "")


def _sample(pattern: Any) -> str:
    if isinstance(pattern, RoutePattern):
        return _route_sample(str(pattern))
    assert isinstance(pattern, RegexPattern)
    return _regex_sample(pattern.regex.pattern)


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Endpoint]:
    for entry in patterns:
        path = prefix + _sample(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, path, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {path}>"
            yield Endpoint(name, "/" + path)


ENDPOINTS = list(_walk(get_resolver().url_patterns))


def test_the_walk_reaches_every_pattern() -> None:
    assert len(ENDPOINTS) > 40
    for endpoint in ENDPOINTS:
        match = resolve(endpoint.path)
        assert (
            match.view_name == endpoint.name
            or endpoint.name.startswith(match.namespace + ":<unnamed")
            or endpoint.name.endswith(">")
        ), endpoint


def test_every_public_name_exists() -> None:
    names = {endpoint.name for endpoint in ENDPOINTS}
    assert set(PUBLIC) <= names


def _refused(response: Any) -> bool:
    if response.status_code in (401, 403):
        return True
    if response.status_code == 302:
        return "/login/" in response["Location"]
    return False


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.name not in PUBLIC], ids=str)
def test_anonymous_visitors_are_refused(endpoint: Endpoint) -> None:
    client = Client()
    for method in ("get", "post", "put", "patch", "delete"):
        response = getattr(client, method)(endpoint.path)
        if response.status_code == 405:
            continue
        assert _refused(response), f"{method.upper()} {endpoint.path} -> {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.name in PUBLIC], ids=str)
def test_public_pages_never_fail(endpoint: Endpoint) -> None:
    response = Client().get(endpoint.path)
    # /healthz answers 503 by design here: no worker runs for this test.
    assert response.status_code < 500 or endpoint.name == "core:healthz"
