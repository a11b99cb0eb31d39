"""The files of the unit's documents on disk, once their rows are gone.

A document's file goes after the transaction that deletes its row commits (a rollback keeps
both). A file that cannot be removed then, and the file of an upload whose transaction never
committed, is named by no row: the nightly retention run sweeps such files away, so that an
erasure or an anonymisation is complete on disk too, not only in the database.
"""

import datetime
import logging
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from django.db import transaction

from victims.models import Document

logger = logging.getLogger(__name__)

# An upload's file is written just before its row is committed: a file younger than this may
# still be waiting for its row, and is left for a later night.
ORPHAN_MIN_AGE = datetime.timedelta(days=1)


def _document_root() -> Path:
    return Path(Document._meta.get_field("file").storage.location)  # type: ignore[attr-defined]


def document_files_delete(names: Sequence[str]) -> int:
    """Removes these files of the document storage; one that cannot be removed is logged by its
    name (a random one: nothing personal) and left to the nightly sweep. The number removed."""
    storage = Document._meta.get_field("file").storage
    removed = 0
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception(
                "victims: document file %s could not be removed; the nightly retention run "
                "removes it once no document names it",
                name,
            )
            continue
        removed += 1
    return removed


def document_files_delete_on_commit(names: Iterable[str]) -> None:
    """Removes the files once the transaction that deletes their rows commits."""
    kept = list(names)  # read now, while the rows are still there
    # robust: the rows are gone for good by then; an error must not turn the erasure into a
    # failed request after the fact.
    transaction.on_commit(lambda: document_files_delete(kept), robust=True)


def document_files_orphaned_delete(*, now: float | None = None) -> int:
    """Removes every file under VSU_DOCUMENT_ROOT that no document names and that is older than
    ORPHAN_MIN_AGE. The number removed."""
    root = _document_root()
    if not root.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - ORPHAN_MIN_AGE.total_seconds()
    named = set(Document.objects.values_list("file", flat=True))
    orphans = []
    for path in root.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        if path.relative_to(root).as_posix() in named or path.stat().st_mtime > cutoff:
            continue
        orphans.append(path)
    removed = 0
    for path in orphans:
        try:
            path.unlink()
        except OSError:
            logger.exception("victims: orphaned document file %s could not be removed", path.name)
            continue
        removed += 1
    if removed:
        logger.info("victims: %s document files no document names were removed", removed)
    return removed
