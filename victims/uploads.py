"""Reading a case document from the request without ever writing it to disk in the clear."""

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class InMemoryDocumentHandler(FileUploadHandler):
    """Keeps the upload in memory (Django's default spills files over 2.5 MB into a plaintext
    temporary file) and stops reading past VSU_DOCUMENT_MAX_BYTES, counted over all the files
    of the request (the form takes one: a hundred files of the limit each would otherwise all
    be held in memory)."""

    received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.VSU_DOCUMENT_MAX_BYTES:
            self.request.vsu_upload_too_large = True  # type: ignore[union-attr]
            raise SkipFile
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer,
            self.field_name,
            self.file_name,
            self.content_type,
            file_size,
            self.charset,
            self.content_type_extra,
        )
