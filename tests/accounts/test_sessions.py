"""The session engine: Django's database sessions with the signed-in account beside them, read
with that account and its roles by one statement, under Django's rules: an expired or unknown
session is no session, the account is the one the session's data names and still active, a
changed password ends the other sessions, and live sessions of Django's own table survive the
upgrade (curim.accounts.sessions, curim.accounts.middleware, migration accounts/0005)."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from curim.accounts.models import AccountSession, User
from curim.accounts.roles import Role
from curim.accounts.sessions import SessionStore
from tests.factories import PASSWORD, user_create, user_with_role

pytestmark = pytest.mark.django_db

USER_TABLE = User._meta.db_table


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _account_statements(client: Client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in queries if USER_TABLE in query["sql"]]


def test_a_signed_in_request_reads_its_session_and_account_by_one_statement() -> None:
    user = user_with_role(Role.MODERATOR)
    client = _signed_in(user)
    statements = _account_statements(client, "/moderation/")
    assert len(statements) == 1, statements
    assert AccountSession._meta.db_table in statements[0]


def test_the_session_names_its_account_and_reads_it_with_its_roles() -> None:
    user = user_with_role(Role.MODERATOR)
    client = _signed_in(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert AccountSession.objects.get(session_key=key).account_id == user.pk
    with CaptureQueriesContext(connection) as queries:
        store = SessionStore(key)
        assert store[SESSION_KEY] == str(user.pk)
    assert len(queries) == 1
    assert store.account == user
    assert store.account is not None
    assert store.account.__dict__["_role_names"] == {"moderator"}


def test_the_account_is_the_one_the_session_data_names_not_the_column() -> None:
    # Should the column ever disagree with the signed data, the data wins: its account is read.
    user, other = user_with_role(Role.MODERATOR), user_with_role(Role.ADMIN)
    client = _signed_in(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    AccountSession.objects.filter(session_key=key).update(account_id=other.pk)
    response = client.get("/accounts/profile/")
    assert response.status_code == 200
    assert response.wsgi_request.user == user
    assert client.get("/admin/")["Location"].startswith("/admin/login/")  # nor its rights


def test_a_deactivated_account_read_with_its_session_is_nobody() -> None:
    user = user_with_role(Role.MODERATOR)
    client = _signed_in(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated


def test_a_changed_password_ends_the_account_s_other_sessions() -> None:
    user = user_create()
    client = _signed_in(user)
    assert client.get("/accounts/profile/").status_code == 200
    user.set_password("another long passphrase 9")
    user.save()
    assert client.get("/accounts/profile/").status_code == 302


def test_a_deleted_account_takes_its_sessions_with_it() -> None:
    user = user_create()
    client = _signed_in(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    user.delete()
    assert not AccountSession.objects.filter(session_key=key).exists()
    assert client.get("/accounts/profile/").status_code == 302


def test_an_anonymous_session_has_no_account() -> None:
    store = SessionStore()
    store["colour"] = "blue"
    store.save()
    assert AccountSession.objects.get(session_key=store.session_key).account_id is None
    again = SessionStore(store.session_key)
    assert again["colour"] == "blue"
    assert again.account is None


def test_an_expired_session_is_no_session() -> None:
    store = SessionStore()
    store["colour"] = "blue"
    store.save()
    AccountSession.objects.filter(session_key=store.session_key).update(
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
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert AccountSession.objects.get(session_key=key).account_id == user.pk
    assert client.get("/accounts/profile/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/accounts/profile/").status_code == 302
    assert not AccountSession.objects.filter(account=user).exists()


def test_the_upgrade_copies_django_s_live_sessions_with_their_account() -> None:
    user = user_create()
    client = _signed_in(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    # The session as Django's own engine kept it before the upgrade; the others beside it.
    ours = AccountSession.objects.get(session_key=key)
    Session.objects.create(
        session_key=key, session_data=ours.session_data, expire_date=ours.expire_date
    )
    AccountSession.objects.all().delete()
    anonymous, expired = DjangoSessionStore(), DjangoSessionStore()
    anonymous["colour"] = "blue"
    expired[SESSION_KEY] = str(user.pk)
    for store in (anonymous, expired):
        store.save()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    Session.objects.create(  # signed with another key: Django reads it as empty, not copied
        session_key="y" * 32, session_data="garbage:sig", expire_date=timezone.now() + timedelta(1)
    )
    migration = importlib.import_module("curim.accounts.migrations.0005_account_sessions")
    with connection.schema_editor() as editor:
        migration.sessions_copy(apps, editor)
    copied = dict(AccountSession.objects.values_list("session_key", "account_id"))
    assert copied == {key: user.pk, anonymous.session_key: None}
    # Django's table stays for the previous release's processes; the nightly prune empties it.
    assert Session.objects.filter(session_key=key).exists()
    # Still signed in after the upgrade, by one statement.
    assert _account_statements(client, "/accounts/profile/") != []
    assert client.get("/accounts/profile/").wsgi_request.user == user


def test_a_downgrade_copies_the_live_sessions_back_to_django_s_table() -> None:
    user = user_create()
    key = _signed_in(user).cookies[settings.SESSION_COOKIE_NAME].value
    migration = importlib.import_module("curim.accounts.migrations.0005_account_sessions")
    with connection.schema_editor() as editor:
        migration.sessions_copy_back(apps, editor)
    assert DjangoSessionStore(key)[SESSION_KEY] == str(user.pk)


def test_a_flushed_session_forgets_the_account_it_was_read_with() -> None:
    user = user_create()
    key = _signed_in(user).cookies[settings.SESSION_COOKIE_NAME].value
    store = SessionStore(key)
    assert store[SESSION_KEY] == str(user.pk)
    assert store.account == user
    store.flush()  # as logout() does
    assert store.account is None


def test_the_nightly_prune_empties_both_tables_of_expired_sessions() -> None:
    from curim.accounts.services import sessions_expired_delete

    ours, theirs = SessionStore(), DjangoSessionStore()
    for store in (ours, theirs):
        store.set_expiry(-60)
        store.create()
    live = SessionStore()
    live.create()
    assert sessions_expired_delete() == 2
    assert list(AccountSession.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert not Session.objects.exists()


def test_an_async_save_names_the_account_too() -> None:
    from asgiref.sync import async_to_sync

    user = user_create()
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    instance = async_to_sync(store.acreate_model_instance)(dict(store.items()))
    assert instance.account_id == user.pk
