"""Login lockout after repeated failures, keyed on the account and the client address."""

import pytest
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client: Client, email: str, password: str, address: str = "203.0.113.5") -> int:
    response = client.post(
        "/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=address
    )
    return response.status_code


def test_five_failures_lock_the_account_for_that_address(client: Client, citizen: User) -> None:
    for _ in range(4):
        assert _login(client, citizen.email, "wrong") == 200
    assert _login(client, citizen.email, "wrong") == 429
    # Even the right password is refused now, from this address.
    assert _login(client, citizen.email, PASSWORD) == 429


def test_the_lock_does_not_reach_other_addresses(client: Client, citizen: User) -> None:
    for _ in range(5):
        _login(client, citizen.email, "wrong")
    assert _login(Client(), citizen.email, PASSWORD, address="198.51.100.7") == 302


def test_the_count_ignores_the_case_of_the_address(client: Client, citizen: User) -> None:
    for variant in ["CITIZEN@example.org", "Citizen@example.org", "citizen@EXAMPLE.org", "x", "y"]:
        _login(client, variant if "@" in variant else citizen.email, "wrong")
    assert _login(client, citizen.email, PASSWORD) == 429


def test_the_api_token_endpoint_is_locked_too(client: Client, citizen: User) -> None:
    for _ in range(5):
        client.post(
            "/api/v1/auth/token/",
            {"email": citizen.email, "password": "bad"},
            content_type="application/json",
            REMOTE_ADDR="203.0.113.9",
        )
    response = client.post(
        "/api/v1/auth/token/",
        {"email": citizen.email, "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 429


def test_behind_a_proxy_the_forwarded_address_counts(
    client: Client, citizen: User, settings: SettingsWrapper
) -> None:
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    proxy = "10.0.0.2"
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"username": citizen.email, "password": "bad"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="203.0.113.77, " + proxy,
        )
    blocked = client.post(
        "/accounts/login/",
        {"username": citizen.email, "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.77, " + proxy,
    )
    other = Client().post(
        "/accounts/login/",
        {"username": citizen.email, "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.8, " + proxy,
    )
    assert blocked.status_code == 429
    assert other.status_code == 302
