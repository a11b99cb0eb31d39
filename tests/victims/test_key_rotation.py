"""A new key goes in front, `encryption_rotate` rewrites everything, and the old key can go."""

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.accounts.models import User
from curim.core.crypto import DecryptionError
from curim.core.encrypted_fields import EncryptedTextField
from tests.victims.factories import case_create, moments_ago, upload
from victims.models import AccessLog, Case, Document, Person, SupportKind, SupportSession
from victims.services.privacy import break_glass_open
from victims.services.support import document_add, session_record

CONTENT = b"scanned police statement, page 1 of 3"
NAME = "Eleftheria Markopoulou"
NOTES = "first session: sleeping badly since the break-in"
REASON = "night duty: the police asked whether she is safe at home"

Tokens = dict[tuple[str, str, str], str]


@dataclass
class Written:
    """Rows and a file written under key A only."""

    key_a: str
    key_b: str
    case: Case
    session: SupportSession
    glass_log: AccessLog
    document: Document


@pytest.fixture
def written(settings: SettingsWrapper, worker: User, supervisor: User) -> Written:
    key_a, key_b = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [key_a]
    case = case_create(by=worker, full_name=NAME, restricted=True, summary="summary text")
    session = session_record(
        case=case,
        by=worker,
        kind=SupportKind.PSYCHOLOGICAL,
        channel="in_person",
        held_at=moments_ago(),
        duration_minutes=45,
        notes=NOTES,
    )
    break_glass_open(case=case, user=supervisor, reason=REASON)
    document = document_add(case=case, by=worker, title="Statement", upload=upload(CONTENT))
    return Written(
        key_a=key_a,
        key_b=key_b,
        case=case,
        session=session,
        glass_log=AccessLog.objects.get(action=AccessLog.Action.BREAK_GLASS),
        document=document,
    )


def _tokens() -> Tokens:
    """Every encrypted column of every victims row, as stored."""
    found: Tokens = {}
    with connection.cursor() as cursor:
        for model in apps.get_app_config("victims").get_models():
            columns = [
                f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
            ]
            if not columns:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT id::text, {quoted} FROM {table}")  # noqa: S608
            for pk, *values in cursor.fetchall():
                for column, value in zip(columns, values, strict=True):
                    if value is not None:
                        found[(model._meta.db_table, pk, column)] = value
    return found


def _file(written: Written, root: Path) -> Path:
    return root / str(written.document.file.name)


def _rotate() -> None:
    call_command("encryption_rotate", stdout=io.StringIO())


def _read_everything(written: Written) -> None:
    assert Person.objects.get(pk=written.case.person_id).full_name == NAME
    assert Case.objects.get(pk=written.case.pk).summary == "summary text"
    assert SupportSession.objects.get(pk=written.session.pk).notes == NOTES
    assert AccessLog.objects.get(pk=written.glass_log.pk).reason == REASON
    with Document.objects.get(pk=written.document.pk).file.open("rb") as handle:
        assert handle.read() == CONTENT


@pytest.mark.django_db
def test_without_the_old_key_nothing_written_under_it_can_be_read(
    written: Written, settings: SettingsWrapper
) -> None:
    settings.ENCRYPTION_KEYS = [written.key_b]
    with pytest.raises(DecryptionError):
        Person.objects.get(pk=written.case.person_id)
    with pytest.raises(DecryptionError):
        SupportSession.objects.get(pk=written.session.pk)
    with pytest.raises(DecryptionError):
        AccessLog.objects.get(pk=written.glass_log.pk)
    storage = Document._meta.get_field("file").storage
    with pytest.raises(DecryptionError):
        storage.open(written.document.file.name)


@pytest.mark.django_db
def test_a_new_key_in_front_still_reads_what_the_old_one_wrote(
    written: Written, settings: SettingsWrapper
) -> None:
    settings.ENCRYPTION_KEYS = [written.key_b, written.key_a]
    _read_everything(written)


@pytest.mark.django_db
def test_rotation_rewrites_every_token_and_file_under_the_new_key(
    written: Written, settings: SettingsWrapper, document_root: Path
) -> None:
    before = _tokens()
    file_before = _file(written, document_root).read_bytes()
    assert ("victims_accesslog", str(written.glass_log.pk), "reason") in before
    settings.ENCRYPTION_KEYS = [written.key_b, written.key_a]

    _rotate()

    after = _tokens()
    assert set(after) == set(before)
    old_key, new_key = Fernet(written.key_a.encode()), Fernet(written.key_b.encode())
    for place, token in after.items():
        assert token != before[place], f"{place} was not rewritten"
        assert new_key.decrypt(token.encode()) == old_key.decrypt(before[place].encode())
        with pytest.raises(InvalidToken):
            old_key.decrypt(token.encode())
    file_after = _file(written, document_root).read_bytes()
    assert file_after != file_before
    assert new_key.decrypt(file_after) == CONTENT


@pytest.mark.django_db
def test_after_rotation_the_old_key_can_be_dropped(
    written: Written, settings: SettingsWrapper
) -> None:
    settings.ENCRYPTION_KEYS = [written.key_b, written.key_a]
    _rotate()
    settings.ENCRYPTION_KEYS = [written.key_b]
    _read_everything(written)


@pytest.mark.django_db
def test_rotation_changes_only_the_reason_of_an_access_log_entry(
    written: Written, settings: SettingsWrapper
) -> None:
    entry = written.glass_log
    settings.ENCRYPTION_KEYS = [written.key_b, written.key_a]
    _rotate()
    settings.ENCRYPTION_KEYS = [written.key_b]
    again = AccessLog.objects.get(pk=entry.pk)
    assert again.reason == REASON
    assert (again.at, again.user_id, again.action, again.case_id, again.break_glass) == (
        entry.at,
        entry.user_id,
        entry.action,
        entry.case_id,
        True,
    )


def _execute(statement: str, entry: AccessLog, *, reencrypting: bool) -> None:
    # In a savepoint of its own, so that the refusal leaves the test's transaction usable.
    with transaction.atomic(), connection.cursor() as cursor:
        if reencrypting:
            cursor.execute("SET LOCAL curim.reencrypting = 'on'")
        cursor.execute(statement, [entry.pk])


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("UPDATE victims_accesslog SET detail = 'x' WHERE id = %s", id="detail"),
        pytest.param(
            "UPDATE victims_accesslog SET reason = reason, action = 'view' WHERE id = %s",
            id="reason-and-action",
        ),
        pytest.param("DELETE FROM victims_accesslog WHERE id = %s", id="delete"),
    ],
)
@pytest.mark.django_db
def test_the_access_log_refuses_other_changes_even_while_reencrypting(
    written: Written, statement: str
) -> None:
    with pytest.raises(DatabaseError, match="never changed or deleted"):
        _execute(statement, written.glass_log, reencrypting=True)
    assert AccessLog.objects.get(pk=written.glass_log.pk).detail == ""


@pytest.mark.django_db
def test_the_access_log_refuses_a_reason_change_outside_rotation(written: Written) -> None:
    statement = "UPDATE victims_accesslog SET reason = '' WHERE id = %s"
    with pytest.raises(DatabaseError, match="never changed or deleted"):
        _execute(statement, written.glass_log, reencrypting=False)


@pytest.mark.django_db
def test_the_orm_refuses_to_save_again_or_delete_an_access_log_entry(written: Written) -> None:
    entry = AccessLog.objects.get(pk=written.glass_log.pk)
    entry.detail = "edited"
    with pytest.raises(ValueError, match="never changed"):
        entry.save()
    with pytest.raises(ValueError, match="never deleted"):
        entry.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(detail="edited")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()
    assert AccessLog.objects.get(pk=entry.pk).detail == ""


@pytest.mark.django_db
def test_a_rotated_file_is_written_beside_the_old_one_and_replaces_it_whole(
    written: Written,
    settings: SettingsWrapper,
    document_root: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # The new token goes to a temporary file in the same folder, then replaces the old file in
    # one rename, which is atomic only within one filesystem: never the system's temp folder.
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "not-there"))
    settings.ENCRYPTION_KEYS = [written.key_b, written.key_a]
    _rotate()
    path = _file(written, document_root)
    assert Fernet(written.key_b.encode()).decrypt(path.read_bytes()) == CONTENT
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


@pytest.mark.django_db
def test_a_value_no_key_opens_is_named_and_the_rest_is_rotated_all_the_same(
    written: Written, settings: SettingsWrapper, document_root: Path
) -> None:
    # Tampered, or written under a key since dropped: it must neither stop the run half-way
    # (the models after it never rotated) nor let the run pass as if everything were done.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE victims_supportsession SET notes = 'garbage' WHERE id = %s",
            [written.session.pk],
        )
    _file(written, document_root).write_bytes(b"not a token")
    settings.ENCRYPTION_KEYS = [written.key_b, written.key_a]
    errors = io.StringIO()

    with pytest.raises(CommandError, match="2 values or files could not be re-encrypted"):
        call_command("encryption_rotate", stdout=io.StringIO(), stderr=errors)

    assert f"victims_supportsession row {written.session.pk}" in errors.getvalue()
    assert str(written.document.file.name) in errors.getvalue()
    assert NOTES not in errors.getvalue()
    settings.ENCRYPTION_KEYS = [written.key_b]  # the others were rotated
    assert Person.objects.get(pk=written.case.person_id).full_name == NAME
    assert AccessLog.objects.get(pk=written.glass_log.pk).reason == REASON
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT notes FROM victims_supportsession WHERE id = %s", [written.session.pk]
        )
        assert cursor.fetchone() == ("garbage",)
