"""Where case documents live: encrypted, under VSU_DOCUMENT_ROOT, read at each use."""

from pathlib import Path

from django.conf import settings

from curim.core.encrypted_storage import EncryptedFileStorage


class DocumentStorage(EncryptedFileStorage):
    # Read from settings on every use (not at import), so tests and deployments can move it.
    @property
    def base_location(self) -> str:
        return str(settings.VSU_DOCUMENT_ROOT)

    @property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self) -> str | None:  # type: ignore[override]
        return None  # never served by URL: documents are downloaded through a logged view


def document_storage() -> DocumentStorage:
    return DocumentStorage(directory_permissions_mode=0o700, file_permissions_mode=0o600)
