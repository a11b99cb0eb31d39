"""The documents' files on disk: an erasure removes every file it can, and the nightly run sweeps
away the files of ours no document names (left by a failed removal or an upload rolled back),
so that nothing erased stays on the disk; the sweep never takes a file a document names, one
that may be an upload in flight, one that is not ours, one that came after the latest document
the database knows (a stale copy of it), or anything at all when the database it reads names
few of the files it finds, or none."""

import datetime
import logging
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from curim.accounts.models import User
from curim.core.encrypted_storage import ROTATION_PREFIX
from tests.victims.factories import upload
from victims.models import Case, Document
from victims.services.document_files import document_files_orphaned_delete
from victims.services.privacy import person_erase, retention_apply
from victims.services.support import document_add

GROUNDS = "the person asked for erasure by letter"


def _later(**delta: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**delta)


def _documents(case: Case, by: User, n: int) -> list[Document]:
    return [
        document_add(case=case, by=by, title=f"Statement {i}", upload=upload(b"%d" % i * 50))
        for i in range(n)
    ]


def _orphan(name: str) -> Path:
    """A file of ours with no document: written by the document storage itself."""
    storage = Document._meta.get_field("file").storage
    return Path(storage.path(storage.save(name, ContentFile(b"left behind"))))


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


def test_the_nightly_run_sweeps_away_files_of_ours_no_document_names(
    case: Case, worker: User, document_root: Path
) -> None:
    orphan = _orphan("0" * 32 + ".bin")
    taken = _orphan("2" * 32 + "_AbC1234.bin")  # the storage's suffix for a name taken
    rotation = _orphan(ROTATION_PREFIX + "ab_9xyz0")  # a key rotation's, left by a crash
    not_ours = [_orphan("notes.txt"), _orphan("tmpab_9xyz0"), _orphan("old/" + "1" * 32 + ".bin")]
    (kept,) = _documents(case, worker, 1)  # a document the database knows, uploaded after them

    run = retention_apply(now=_later(days=1, minutes=1))

    assert run.files_removed == 3
    for path in (orphan, taken, rotation):
        assert not path.exists(), path
    assert all(path.exists() for path in not_ours)  # another program's, or in a folder
    assert Document.objects.get(pk=kept.pk).file.read()  # a document names it, however old


def test_a_file_is_left_alone_for_a_day_after_it_came(case: Case, worker: User) -> None:
    orphan = _orphan("3" * 32 + ".bin")
    # A restore writes files with their old times: the inode's change time says when it came
    # (setting the times is a change of the inode: done before the document is uploaded, so
    # that the file came first, whatever the clocks' grain; after it, the file came after the
    # latest document and is not judged, as the next test says).
    ten_days_ago = (timezone.now() - datetime.timedelta(days=10)).timestamp()
    os.utime(orphan, (ten_days_ago, ten_days_ago))
    _documents(case, worker, 1)
    # An upload's file comes just before its row: until a day has passed, it may be in flight.
    assert document_files_orphaned_delete(now=_later(hours=23, minutes=59)) == 0
    assert orphan.exists()
    assert document_files_orphaned_delete(now=_later(days=1, minutes=1)) == 1
    assert not orphan.exists()


def test_a_file_that_came_after_the_latest_document_is_not_judged(case: Case, worker: User) -> None:
    # A stale copy of the database (a backup restored, a clone) does not know the documents
    # uploaded after it was taken: their files are not its to judge.
    _documents(case, worker, 1)
    after = _orphan("4" * 32 + ".bin")
    assert document_files_orphaned_delete(now=_later(days=30)) == 0
    assert after.exists()
    _documents(case, worker, 1)  # once a later document is known, the orphan is judged
    assert document_files_orphaned_delete(now=_later(days=30)) == 1


def test_with_no_document_known_nothing_is_removed(db: None) -> None:
    # An empty database (a worker pointed at the wrong one) names nothing: it judges nothing.
    orphan = _orphan("5" * 32 + ".bin")
    assert document_files_orphaned_delete(now=_later(days=30)) == 0
    assert orphan.exists()


def test_a_link_is_never_followed(
    case: Case, worker: User, document_root: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / ("6" * 32 + ".bin")
    target.write_bytes(b"someone else's")
    _orphan("7" * 32 + ".bin")
    (document_root / ("8" * 32 + ".bin")).symlink_to(target)
    _documents(case, worker, 1)

    assert document_files_orphaned_delete(now=_later(days=2)) == 1  # the real orphan only
    assert target.exists()
    assert (document_root / ("8" * 32 + ".bin")).is_symlink()


def test_the_sweep_removes_nothing_when_the_database_names_few_of_the_files(
    case: Case, worker: User, caplog: pytest.LogCaptureFixture
) -> None:
    # A worker reading another database would see every file as an orphan.
    orphans = [_orphan(f"{n:032x}.bin") for n in range(11)]
    documents = _documents(case, worker, 2)
    with caplog.at_level(logging.ERROR):
        assert document_files_orphaned_delete(now=_later(days=2)) == 0
    assert all(path.exists() for path in orphans)
    assert "11 document files" in caplog.text
    assert "none removed" in caplog.text
    assert all(path.name in caplog.text for path in orphans)  # to check them one by one
    documents += _documents(case, worker, 8)  # ten: still fewer than the orphans
    assert document_files_orphaned_delete(now=_later(days=2)) == 0
    # As many documents as orphans: a night after a bad failure, not a wrong database.
    documents += _documents(case, worker, 1)
    assert document_files_orphaned_delete(now=_later(days=2)) == 11
    assert all(d.file.read() for d in documents)


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
    _documents(case, worker, 1)  # the next upload, which went through

    assert retention_apply().files_removed == 0  # not yet: it might be an upload in flight
    assert retention_apply(now=_later(days=1, minutes=1)).files_removed == 1
    assert not path.exists()
