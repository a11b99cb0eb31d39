"""The documents' files on disk: an erasure removes every file it can, and the nightly run sweeps
away the files no document names (left by a failed removal or an upload rolled back), so that
nothing erased stays on the disk."""

import logging
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from curim.accounts.models import User
from tests.victims.factories import upload
from victims.models import Case, Document
from victims.services.privacy import person_erase, retention_apply
from victims.services.support import document_add

GROUNDS = "the person asked for erasure by letter"
TWO_DAYS = 2 * 24 * 3600


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def _documents(case: Case, by: User, n: int) -> list[Document]:
    return [
        document_add(case=case, by=by, title=f"Statement {i}", upload=upload(b"%d" % i * 50))
        for i in range(n)
    ]


def test_an_erasure_removes_every_file_it_can_and_names_the_one_it_cannot(
    case: Case,
    worker: User,
    supervisor: User,
    document_root: Path,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first, stuck, last = _documents(case, worker, 3)
    # A real failure of the file system: where the second file was, a folder that is not empty.
    stuck_path = document_root / stuck.file.name
    stuck_path.unlink()
    stuck_path.mkdir()
    (stuck_path / "something").write_bytes(b"x")
    assert case.person is not None

    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        person_erase(person=case.person, by=supervisor, reason=GROUNDS)

    assert not Document.objects.exists()
    assert not (document_root / first.file.name).exists()
    assert not (document_root / last.file.name).exists()  # the one after the failure too
    assert stuck_path.exists()
    assert stuck.file.name in caplog.text


def test_the_nightly_run_sweeps_away_old_files_no_document_names(
    case: Case, worker: User, document_root: Path
) -> None:
    (kept,) = _documents(case, worker, 1)
    kept_path = document_root / kept.file.name
    storage = Document._meta.get_field("file").storage
    orphan = document_root / storage.save("0" * 32 + ".bin", ContentFile(b"left behind"))
    deeper = document_root / storage.save("old/" + "1" * 32 + ".bin", ContentFile(b"older"))
    fresh = document_root / storage.save("2" * 32 + ".bin", ContentFile(b"upload in flight"))
    for path in (kept_path, orphan, deeper):
        _age(path, TWO_DAYS)

    run = retention_apply()

    assert run.files_removed == 2
    assert not orphan.exists()
    assert not deeper.exists()
    assert kept_path.exists()  # a document names it, however old
    assert fresh.exists()  # its row may still be on its way
    assert Document.objects.get(pk=kept.pk).file.read()  # still opens


def test_the_file_of_an_upload_rolled_back_is_swept_away(
    case: Case, worker: User, document_root: Path
) -> None:
    uploaded: list[Document] = []

    def request_failing_after_the_upload() -> None:
        with transaction.atomic():
            uploaded.extend(_documents(case, worker, 1))
            raise RuntimeError("the request failed after the upload")

    with pytest.raises(RuntimeError):
        request_failing_after_the_upload()
    path = document_root / uploaded[0].file.name
    assert path.exists()
    assert not Document.objects.exists()

    assert retention_apply().files_removed == 0  # not yet: it might be an upload in flight
    _age(path, TWO_DAYS)
    assert retention_apply().files_removed == 1
    assert not path.exists()


def test_the_sweep_with_no_document_folder_removes_nothing(db: None) -> None:
    assert retention_apply().files_removed == 0
