"""The files of the unit's documents on disk, once their rows are gone.

A document's file goes after the transaction that deletes its row commits (a rollback keeps
both). A file that cannot be removed then, and the file of an upload whose transaction never
committed, is named by no row: the nightly retention run sweeps such files away, so that an
erasure or an anonymisation is complete on disk too, not only in the database.

The sweep guesses from absence, so it guards itself against reading the wrong database. It
looks only at the top of VSU_DOCUMENT_ROOT (documents have no folders) and only at the names
this application writes there (`document_add`'s random names, the key rotation's temporary
files); it removes a file only a day after it came to this disk (its inode's change time too: a
restore keeps the files' old modification times) and only if a document the database knows was
uploaded after it (so a stale copy of the database, restored or cloned, never judges the files
that came after it, and an empty one judges none); and it removes nothing at all when such
files outnumber those the documents name (another database altogether).
"""

import datetime
import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import cast

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from curim.core.encrypted_storage import ROTATION_PREFIX
from victims.models import Document
from victims.storage import DocumentStorage

logger = logging.getLogger(__name__)

# An upload's file is written just before its row is committed: a file younger than this may
# still be waiting for its row, and is left for a later night.
ORPHAN_MIN_AGE = datetime.timedelta(days=1)
# The names this application writes at the top of VSU_DOCUMENT_ROOT: `document_add`'s (a uuid4's
# hex, and the suffix Django's storage adds to a name taken), and the key rotation's temporary
# files (`EncryptedFileStorage.reencrypt`).
OUR_NAMES = re.compile(
    r"[0-9a-f]{32}(_[A-Za-z0-9]{7})?\.bin|" + re.escape(ROTATION_PREFIX) + r"[a-z0-9_]{8}"
)
# How many orphans' names the refusal lists in the log (random names: nothing personal).
NAMES_LOGGED = 100
# Below this many, orphans are removed whatever the number of documents (a unit's first days).
ORPHANS_ALWAYS_REMOVED = 10


def _storage() -> DocumentStorage:
    return cast(DocumentStorage, Document._meta.get_field("file").storage)


def _document_root() -> Path:
    return Path(_storage().location)


def document_files_delete(names: Sequence[str]) -> None:
    """Removes these files of the document storage; one that cannot be removed is logged by its
    name (a random one: nothing personal) and left to the nightly sweep, and the rest still go."""
    storage = _storage()
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            logger.exception(
                "victims: document file %s could not be removed; the nightly retention run "
                "removes it once no document names it",
                name,
            )


def document_files_delete_on_commit(names: Iterable[str]) -> None:
    """Removes the files once the transaction that deletes their rows commits."""
    kept = list(names)  # read now, while the rows are still there
    # robust: the rows are gone for good by then; an error must not turn the erasure into a
    # failed request after the fact.
    transaction.on_commit(lambda: document_files_delete(kept), robust=True)


def _came_before(path: Path, cutoff: float) -> bool:
    """The file is older than `cutoff` by its content and by its inode (False if it is gone)."""
    try:
        status = path.lstat()
    except FileNotFoundError:
        return False
    return max(status.st_mtime, status.st_ctime) < cutoff


def document_files_orphaned_delete(*, now: datetime.datetime | None = None) -> int:
    """Removes the files of ours at the top of VSU_DOCUMENT_ROOT that no document names, that
    came more than ORPHAN_MIN_AGE ago and before the latest document the database knows, unless
    they outnumber the documents' files (then it logs an error and removes nothing). The number
    removed."""
    root = _document_root()
    latest = Document.objects.aggregate(latest=Max("uploaded_at"))["latest"]
    if latest is None or not root.is_dir():
        return 0  # no document to judge by: an empty (or another) database
    day_ago = (now or timezone.now()).timestamp() - ORPHAN_MIN_AGE.total_seconds()
    cutoff = min(day_ago, latest.timestamp())
    named = set(Document.objects.values_list("file", flat=True))
    found, orphans = 0, []
    for path in root.iterdir():
        if path.is_symlink() or not path.is_file() or not OUR_NAMES.fullmatch(path.name):
            continue
        if path.name in named:
            found += 1
        elif _came_before(path, cutoff):
            orphans.append(path)
    if len(orphans) > max(ORPHANS_ALWAYS_REMOVED, found):
        logger.error(
            "victims: %s document files under %s are named by no document, more than the %s "
            "found that are: none removed. Check that this process reads the right database "
            "and VSU_DOCUMENT_ROOT (docs/operations.md, 'Documents on disk'). The files: %s%s",
            len(orphans),
            root,
            found,
            " ".join(sorted(path.name for path in orphans)[:NAMES_LOGGED]),
            " …" if len(orphans) > NAMES_LOGGED else "",
        )
        return 0
    removed = 0
    for path in orphans:
        try:
            path.unlink(missing_ok=True)  # an erasure's own removal may come first
        except OSError:
            logger.exception("victims: orphaned document file %s could not be removed", path.name)
            continue
        removed += 1
    if removed:
        logger.info("victims: %s document files no document names were removed", removed)
    return removed
