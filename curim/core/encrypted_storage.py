"""A file storage that encrypts every file before it touches the disk."""

import os
import tempfile
from typing import IO, Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage

from curim.core import crypto

# The rotation's temporary files (each removed once written, unless the process dies first):
# a name of their own, so that a sweep of a folder knows them from anyone else's.
ROTATION_PREFIX = ".curim-rotate-"


class EncryptedFileStorage(FileSystemStorage):
    """Files on disk are Fernet tokens; `open()` gives back the plain bytes.

    Files are read whole into memory, which the upload size limit of each user keeps small.
    """

    def _save(self, name: str, content: File[Any]) -> str:
        content.seek(0)
        saved: str = super()._save(name, ContentFile(crypto.encrypt(content.read())))  # type: ignore[misc]
        return saved

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        if "w" in mode or "a" in mode:
            raise ValueError("Encrypted files are written only through save()")
        with open(self.path(name), "rb") as raw:
            plain = crypto.decrypt(raw.read())
        return ContentFile(plain, name=name)

    def reencrypt(self, name: str) -> None:
        """Rewrites one file under the newest key, atomically."""
        path = self.path(name)
        with open(path, "rb") as raw:
            token = crypto.reencrypt(raw.read())
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=ROTATION_PREFIX)
        with os.fdopen(handle, "wb") as out:
            out.write(token)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)

    def raw(self, name: str) -> IO[bytes]:
        """The stored bytes as they are on disk (for tests and backups)."""
        return open(self.path(name), "rb")
