"""Login lockout after repeated failures, keyed on the account and the client address."""

import pytest
from axes.models import AccessAttempt
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


def _login_via_proxy(client: Client, email: str, password: str, forwarded: str) -> int:
    response = client.post(
        "/accounts/login/",
        {"username": email, "password": password},
        REMOTE_ADDR="10.0.0.2",  # the proxy
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    return response.status_code


def test_behind_a_proxy_the_address_the_proxy_saw_counts(
    client: Client, citizen: User, settings: SettingsWrapper
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sends a different made-up X-Forwarded-For each time; the proxy appends the
    # real address. Only the real one may count, so the spoofing does not escape the lock.
    for n in range(5):
        _login_via_proxy(client, citizen.email, "bad", f"192.0.2.{n}, 203.0.113.77")
    assert _login_via_proxy(client, citizen.email, PASSWORD, "192.0.2.99, 203.0.113.77") == 429
    assert _login_via_proxy(Client(), citizen.email, PASSWORD, "198.51.100.8") == 302


def test_one_ipv6_network_counts_as_one_client(client: Client, citizen: User) -> None:
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": citizen.email, "password": "bad"},
            REMOTE_ADDR=f"2001:db8:1:2::{n + 1}",
        )
    locked = client.post(
        "/accounts/login/",
        {"username": citizen.email, "password": PASSWORD},
        REMOTE_ADDR="2001:db8:1:2:ffff::1",
    )
    assert locked.status_code == 429


def test_old_login_records_are_pruned(citizen: User) -> None:
    from datetime import timedelta

    import time_machine
    from axes.models import AccessAttempt

    from curim.accounts.services import login_records_prune

    with time_machine.travel("2026-01-01 12:00Z"):
        AccessAttempt.objects.create(
            username=citizen.email, ip_address="192.0.2.1", failures_since_start=1
        )
    with time_machine.travel("2026-06-01 12:00Z"):
        AccessAttempt.objects.create(
            username=citizen.email, ip_address="192.0.2.2", failures_since_start=1
        )
        assert login_records_prune(older_than=timedelta(days=90)) == 1
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["192.0.2.2"]


@pytest.mark.django_db
def test_expired_sessions_are_deleted_every_night() -> None:
    from curim.accounts.models import AccountSession as Session
    from curim.accounts.sessions import SessionStore
    from curim.accounts.tasks import sessions_prune
    from curim.celery import app

    expired, live = SessionStore(), SessionStore()
    expired.set_expiry(-60)
    expired.create()
    live.create()
    assert sessions_prune() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert app.conf.beat_schedule["sessions-prune"]["task"] == "accounts.sessions_prune"


@pytest.mark.parametrize(
    ("path", "field", "extra"),
    [
        (
            "/accounts/password/change/",
            "old_password",
            {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
        ),
        ("/accounts/delete/", "password", {}),
    ],
    ids=["password-change", "account-delete"],
)
def test_a_signed_in_session_cannot_guess_the_password_without_limit(
    citizen: User, path: str, field: str, extra: dict[str, str]
) -> None:
    # A stolen session cookie, guessing the password on the pages that ask for it again: the
    # guesses count as failed logins of that account from that address.
    client = Client(REMOTE_ADDR="203.0.113.5")
    client.force_login(citizen)
    for _ in range(5):
        assert client.post(path, {field: "wrong", **extra}).status_code in (200, 400, 429)
    assert client.post(path, {field: PASSWORD, **extra}).status_code == 429
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)
    assert User.objects.filter(pk=citizen.pk).exists()
    assert _login(Client(), citizen.email, PASSWORD) == 429  # the login is locked too
    assert _login(Client(), citizen.email, PASSWORD, address="198.51.100.7") == 302


def test_no_typed_password_is_kept_with_a_failure(citizen: User) -> None:
    # django-axes keeps a failure's form, which admins read: every password field is masked.
    client = Client(REMOTE_ADDR="203.0.113.5")
    client.force_login(citizen)
    typed = {
        "old_password": "an old one, mistyped",
        "new_password1": "the new one, in clear",
        "new_password2": "the new one, in clear",
    }
    client.post("/accounts/password/change/", typed)
    client.post("/accounts/delete/", {"password": "a guess at deleting"})
    _login(Client(), citizen.email, "a guess at signing in")
    kept = " ".join(
        f"{attempt.post_data} {attempt.get_data}" for attempt in AccessAttempt.objects.all()
    )
    assert kept
    for value in [*typed.values(), "a guess at deleting", "a guess at signing in"]:
        assert value not in kept
