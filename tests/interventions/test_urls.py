"""Every route that takes an intervention's reference, page or API, takes it through the
`intervention_ref` converter: anything else under /interventions/ is never taken for one."""

import pytest
from django.test import Client
from django.urls import get_resolver

from tests.permissions.walk import _keywords, _patterns


def _routes_with_a_reference() -> list[str]:
    return [
        route
        for _namespace, route, _pattern in _patterns(get_resolver().url_patterns)
        if "interventions/" in route and "reference" in _keywords(route)
    ]


def test_every_intervention_reference_goes_through_the_converter() -> None:
    routes = _routes_with_a_reference()
    assert any(route.endswith("/evaluate/") for route in routes)
    assert len(routes) >= 10
    loose = [route for route in routes if "<intervention_ref:reference>" not in route]
    assert loose == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/interventions/manage/new/evaluate/",
        "/interventions/export/evaluations/1/",
        "/api/v1/interventions/not-a-reference/evaluation/",
    ],
)
def test_a_path_that_holds_no_reference_is_not_found(client: Client, path: str) -> None:
    assert client.get(path).status_code == 404
