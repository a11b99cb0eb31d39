"""The access log cannot be rewritten with the application's credentials.

These tests create a real role with `manage.py database_app_role`, connect as it (a second
connection to the test database) and try what someone holding the application's credentials
might: the settings that let key rotation through, UPDATE, DELETE, TRUNCATE, and switching the
trigger off. Only the owner, running `encryption_rotate`, re-encrypts reasons.
"""

import io
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.accounts.models import User
from victims.audit import access_log_write
from victims.models import AccessLog

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class AppRole:
    name: str
    password: str

    def connect(self) -> psycopg.Connection[Any]:
        db = connection.settings_dict
        return psycopg.connect(
            host=db["HOST"] or "localhost",
            port=db["PORT"] or 5432,
            dbname=db["NAME"],
            user=self.name,
            password=self.password,
            connect_timeout=5,
        )


def _drop_role(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {name}")  # its grants and default privileges here
        cursor.execute(f"DROP ROLE {name}")


@pytest.fixture
def app_role(transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppRole]:
    # Committed for real (a transactional test), so that a second connection sees the role.
    role = AppRole(name=f"curim_app_test_{uuid.uuid4().hex[:10]}", password=secrets.token_hex(12))
    monkeypatch.setenv("APP_DATABASE_PASSWORD", role.password)
    call_command("database_app_role", role.name, stdout=io.StringIO())
    try:
        yield role
    finally:
        _drop_role(role.name)


@pytest.fixture
def entry(transactional_db: None, supervisor: User) -> AccessLog:
    return access_log_write(
        user=supervisor,
        action=AccessLog.Action.ERASE,
        detail="erased on request",
        reason="the person asked in writing on the 3rd",
    )


def _stored(entry: AccessLog) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT victims_accesslog::text FROM victims_accesslog WHERE id = %s", [entry.pk]
        )
        return tuple(cursor.fetchone())


def _reencrypting_as(role: AppRole, statement: str) -> None:
    """`statement` as the application's role, after the setting that lets rotation through."""
    with role.connect() as conn, conn.transaction():
        conn.execute("SET LOCAL curim.reencrypting = 'on'")
        conn.execute(statement)


def test_the_application_role_does_the_applications_work(
    app_role: AppRole, entry: AccessLog
) -> None:
    with app_role.connect() as conn:
        written = conn.execute(
            "INSERT INTO victims_accesslog (at, user_email, action, case_reference, cases,"
            " detail, reason, break_glass) VALUES (now(), '', 'list', '', '{}', 'x', '', false)"
            " RETURNING id"
        ).fetchone()
        assert written is not None
        count = conn.execute("SELECT count(*) FROM victims_accesslog").fetchone()
        assert count == (2,)
        assert conn.execute("SELECT nextval('victims_case_reference_seq')").fetchone()
        conn.execute(
            "INSERT INTO victims_service (id, name_en, name_el, kind, phone, email, address,"
            " website, notes, is_active) VALUES (gen_random_uuid(), 'A', '', 'legal', '', '', '',"
            " '', '', true)"
        )
        assert conn.execute("UPDATE victims_service SET phone = '1'").rowcount == 1
        assert conn.execute("DELETE FROM victims_service").rowcount == 1


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("UPDATE victims_accesslog SET reason = 'rewritten'", id="update-reason"),
        pytest.param("UPDATE victims_accesslog SET detail = 'x'", id="update-detail"),
        pytest.param("DELETE FROM victims_accesslog", id="delete"),
        pytest.param("TRUNCATE victims_accesslog", id="truncate"),
    ],
)
def test_the_application_role_cannot_change_the_log_even_while_reencrypting(
    app_role: AppRole, entry: AccessLog, statement: str
) -> None:
    before = _stored(entry)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _reencrypting_as(app_role, statement)
    assert _stored(entry) == before


@pytest.mark.parametrize(
    "statement",
    [
        "DROP TRIGGER victims_accesslog_immutable ON victims_accesslog",
        "ALTER TABLE victims_accesslog DISABLE TRIGGER ALL",
        "ALTER TABLE victims_accesslog DISABLE TRIGGER victims_accesslog_immutable",
        "SET session_replication_role = replica",
        "DROP FUNCTION victims_accesslog_immutable() CASCADE",
        "CREATE OR REPLACE FUNCTION victims_accesslog_immutable() RETURNS trigger"
        " LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
        "CREATE FUNCTION public.pg_has_role(oid, text) RETURNS boolean"
        " LANGUAGE sql AS $$ SELECT true $$",
        "ALTER TABLE victims_accesslog OWNER TO CURRENT_USER",
    ],
)
def test_the_application_role_cannot_switch_the_trigger_off(
    app_role: AppRole, entry: AccessLog, statement: str
) -> None:
    with app_role.connect() as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute(statement)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM victims_accesslog")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = 'victims_accesslog_immutable'"
        )
        assert cursor.fetchone() == ("O",)


def test_the_trigger_refuses_a_role_that_does_not_own_the_table_even_with_update_granted(
    app_role: AppRole, entry: AccessLog
) -> None:
    # Should someone grant UPDATE by mistake, the trigger still holds: re-encryption needs the
    # owner, and the setting alone is not enough.
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT UPDATE ON victims_accesslog TO {app_role.name}")
    before = _stored(entry)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="never changed"):
        _reencrypting_as(app_role, "UPDATE victims_accesslog SET reason = reason")
    assert _stored(entry) == before
    # The owner, saying it re-encrypts, may.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL curim.reencrypting = 'on'")
        cursor.execute("UPDATE victims_accesslog SET reason = reason")
        assert cursor.rowcount == 1


def test_running_the_command_again_takes_back_privileges_granted_since(
    app_role: AppRole, entry: AccessLog
) -> None:
    def may(privilege: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT has_table_privilege(%s, 'victims_accesslog', %s)",
                [app_role.name, privilege],
            )
            return bool(cursor.fetchone()[0])

    with connection.cursor() as cursor:
        cursor.execute(f"GRANT ALL ON victims_accesslog TO {app_role.name}")
    assert may("UPDATE")

    call_command("database_app_role", app_role.name, stdout=io.StringIO())

    assert (may("SELECT"), may("INSERT")) == (True, True)
    assert (may("UPDATE"), may("DELETE"), may("TRUNCATE")) == (False, False, False)


def test_the_command_refuses_a_role_that_could_pass_the_owner_check(
    transactional_db: None,
) -> None:
    member = f"curim_app_test_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {member} LOGIN")
        cursor.execute(
            f"GRANT {connection.ops.quote_name(connection.settings_dict['USER'])} TO {member}"
        )
    try:
        with pytest.raises(CommandError, match="is a member of"):
            call_command("database_app_role", member, stdout=io.StringIO())
        with pytest.raises(CommandError, match="owner of the tables"):
            call_command(
                "database_app_role", connection.settings_dict["USER"], stdout=io.StringIO()
            )
        with pytest.raises(CommandError, match="lower-case"):
            call_command(
                "database_app_role", 'x"; DROP TABLE victims_case; --', stdout=io.StringIO()
            )
    finally:
        _drop_role(member)


def test_rotation_as_the_owner_still_reencrypts_the_log(
    app_role: AppRole, entry: AccessLog, settings: SettingsWrapper
) -> None:
    new_key = Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [new_key, *settings.ENCRYPTION_KEYS]
    call_command("encryption_rotate", stdout=io.StringIO())
    settings.ENCRYPTION_KEYS = [new_key]
    assert AccessLog.objects.get(pk=entry.pk).reason == "the person asked in writing on the 3rd"


def test_the_command_takes_the_role_from_the_applications_database_url(
    transactional_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    role = AppRole(name=f"curim_app_test_{uuid.uuid4().hex[:10]}", password=secrets.token_hex(12))
    monkeypatch.delenv("APP_DATABASE_URL", raising=False)
    out = io.StringIO()
    call_command("database_app_role", "--from-env", stdout=out)
    assert "not set" in out.getvalue()

    monkeypatch.setenv("APP_DATABASE_URL", f"postgis://{role.name}:{role.password}@db:5432/curim")
    call_command("database_app_role", "--from-env", stdout=io.StringIO())
    try:
        with role.connect() as conn:
            assert conn.execute("SELECT count(*) FROM victims_accesslog").fetchone() == (0,)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("DELETE FROM victims_accesslog")
    finally:
        _drop_role(role.name)
