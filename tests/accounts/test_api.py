"""API clients authenticate with a token obtained by e-mail and password."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from knox.models import AuthToken

from curim.accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _token(client: Client, email: str, password: str) -> tuple[int, dict[str, object]]:
    response = client.post(
        "/api/v1/auth/token/",
        {"email": email, "password": password},
        content_type="application/json",
    )
    return response.status_code, response.json()


def test_a_token_authenticates_api_requests(client: Client, citizen: User) -> None:
    status, body = _token(client, citizen.email, PASSWORD)
    assert status == 201
    me = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert me.status_code == 200
    assert me.json() == {
        "id": str(citizen.public_id),
        "email": citizen.email,
        "display_name": "",
        "roles": ["citizen"],
    }


def test_a_revoked_token_stops_working(client: Client, citizen: User) -> None:
    _, body = _token(client, citizen.email, PASSWORD)
    header = {"Authorization": f"Token {body['token']}"}
    assert Client().post("/api/v1/auth/token/revoke/", headers=header).status_code == 204
    assert Client().get("/api/v1/me/", headers=header).status_code == 401


def test_wrong_credentials_answer_400_without_a_token(client: Client, citizen: User) -> None:
    status, body = _token(client, citizen.email, "not the password")
    assert status == 400
    assert "token" not in body


def test_missing_fields_are_named(client: Client) -> None:
    status, body = _token(client, "not-an-email", "")
    assert status == 400
    assert set(body) == {"email", "password"}


def test_an_inactive_account_gets_no_token(client: Client, citizen: User) -> None:
    citizen.is_active = False
    citizen.save()
    status, _ = _token(client, citizen.email, PASSWORD)
    assert status == 400


def test_a_new_password_revokes_every_token(client: Client, citizen: User) -> None:
    _, body = _token(client, citizen.email, PASSWORD)
    citizen.set_password("a brand new passphrase")
    citizen.save()
    me = Client().get("/api/v1/me/", headers={"Authorization": f"Token {body['token']}"})
    assert me.status_code == 401


def test_the_number_of_live_tokens_is_limited(client: Client, citizen: User, settings: Any) -> None:
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    assert _token(client, citizen.email, PASSWORD)[0] == 201
    assert _token(client, citizen.email, PASSWORD)[0] == 201
    status, body = _token(client, citizen.email, PASSWORD)
    assert status == 403
    assert "token" not in body


@pytest.mark.django_db(transaction=True)
def test_concurrent_logins_cannot_go_past_the_token_limit(citizen: User, settings: Any) -> None:
    # Real threads, each with its own database connection, asking at the same moment.
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 3}
    # A fast hasher, so that the logins reach the limit check together, not one hash apart.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    citizen.set_password(PASSWORD)
    citizen.save()
    threads = 8
    start = threading.Barrier(threads)

    def login() -> int:
        start.wait()
        try:
            return _token(Client(), citizen.email, PASSWORD)[0]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        statuses = sorted(pool.map(lambda _: login(), range(threads)))

    assert statuses == [201] * 3 + [403] * 5
    assert AuthToken.objects.filter(user=citizen).count() == 3
