"""The session engine reads Django's database sessions by one statement, with their rules: an
expired or unknown session is no session, and rows written by Django's own engine are read
(curim.accounts.sessions)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from curim.accounts.sessions import SessionStore
from tests.factories import PASSWORD, user_create

pytestmark = pytest.mark.django_db


def test_a_session_written_by_django_s_engine_is_read_by_one_statement() -> None:
    theirs = DjangoSessionStore()
    theirs["colour"] = "blue"
    theirs.save()
    with CaptureQueriesContext(connection) as queries:
        ours = SessionStore(theirs.session_key)
        assert ours["colour"] == "blue"
    assert len(queries) == 1
    assert ours.session_key == theirs.session_key


def test_an_expired_session_is_no_session() -> None:
    store = SessionStore()
    store["colour"] = "blue"
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    again = SessionStore(store.session_key)
    assert "colour" not in again
    assert again.session_key is None  # a new one is made on save, never the old key reused


def test_an_unknown_key_is_no_session() -> None:
    store = SessionStore("x" * 32)
    assert dict(store.items()) == {}
    assert store.session_key is None


def test_signing_in_and_out_round_trips(client: Client) -> None:
    user = user_create()
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/accounts/profile/").status_code == 302
