"""Errors answer with the site's own pages, in the visitor's language, under the same policies."""

import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.accounts.roles import Role
from tests.factories import user_with_role

GREEK = {"Accept-Language": "el"}


@pytest.fixture(autouse=True)
def _production(settings: SettingsWrapper) -> None:
    settings.DEBUG = False


def page_of(response: Any, status: int) -> str:
    """The page, once it is known to be one of the site's: its status, the site's header, the
    Content-Security-Policy, and nothing inline that the policy would block."""
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    body: str = response.content.decode()
    assert '<header class="curim-header">' in body
    assert 'href="/"' in body
    assert ">CURiM</a>" in body
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert " style=" not in body
    assert "<script>" not in body
    assert "<style>" not in body
    return body


def test_a_missing_page_is_the_sites_page_in_greek_not_a_list_of_urls(client: Client) -> None:
    body = page_of(client.get("/no-such-page/", headers=GREEK), 404)
    assert '<html lang="el">' in body
    assert '<h1 class="govuk-heading-l">Η σελίδα δεν βρέθηκε</h1>' in body
    assert "Αρχική" in body  # the navigation, in Greek
    assert "URLconf" not in body
    assert "urlpatterns" not in body


def test_a_missing_page_is_in_english_for_an_english_visitor(client: Client) -> None:
    body = page_of(client.get("/no-such-page/", headers={"Accept-Language": "en"}), 404)
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in body


@pytest.mark.django_db
def test_a_refused_page_is_in_the_language_the_visitor_chose(client: Client) -> None:
    # The moderation queue raises PermissionDenied for a citizen: Django's fallback for that
    # was a bare English "403 Forbidden".
    client.force_login(user_with_role(Role.CITIZEN))
    client.cookies["django_language"] = "el"
    body = page_of(client.get("/moderation/"), 403)
    assert '<html lang="el">' in body
    assert '<h1 class="govuk-heading-l">Δεν έχετε πρόσβαση σε αυτή τη σελίδα</h1>' in body
    assert "Forbidden" not in body
    assert "Ο λογαριασμός μου" in body  # signed in: the account links are there


@pytest.mark.django_db
def test_a_refused_form_is_the_sites_page_in_greek(client: Client) -> None:
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post("/accounts/login/", {"username": "x"}, headers=GREEK)
    body = page_of(response, 403)
    assert '<h1 class="govuk-heading-l">Η φόρμα δεν μπόρεσε να σταλεί</h1>' in body
    assert "CSRF" not in body


def test_a_bad_request_is_the_sites_page_in_greek(client: Client) -> None:
    # A Host header the site does not serve is a SuspiciousOperation: 400.
    body = page_of(client.get("/", headers={**GREEK, "Host": "evil.example.org"}), 400)
    assert '<h1 class="govuk-heading-l">Το αίτημα δεν μπόρεσε να διαβαστεί</h1>' in body


def test_the_server_error_page_needs_no_request_and_no_database() -> None:
    # Django renders 500.html with an empty context; this test has no database access at all.
    request = RequestFactory().get("/")
    with translation.override("el"):
        response = server_error(request)
    body: str = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="el">' in body
    assert '<h1 class="govuk-heading-l">Κάτι πήγε στραβά</h1>' in body
    assert '<header class="curim-header">' in body
    # Nothing that needs the request: no form posting without its CSRF token.
    assert "<form" not in body


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def database_down(django_db_blocker: Any) -> Iterator[None]:
    """The database refuses connections: the default connection points at a closed port."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.update(saved)


def test_the_server_error_page_shows_when_the_database_is_down(database_down: None) -> None:
    client = Client(raise_request_exception=False)
    # A session cookie: reading the session needs the database, which is down.
    client.cookies["sessionid"] = uuid.uuid4().hex
    response = client.get("/", headers=GREEK)
    body = page_of(response, 500)
    assert '<html lang="el">' in body
    assert '<h1 class="govuk-heading-l">Κάτι πήγε στραβά</h1>' in body
    assert "OperationalError" not in body
    assert "Traceback" not in body


@pytest.mark.django_db
def test_the_api_keeps_answering_errors_in_json(client: Client) -> None:
    response = client.get(f"/api/v1/reports/{uuid.uuid4()}/", headers=GREEK)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}
