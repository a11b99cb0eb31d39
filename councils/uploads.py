"""Reading an agenda attachment from the request: Django's own handlers keep or spool the
file, but this one, placed first, stops reading a file past `limits.ATTACHMENT_MAX_BYTES`, so
that a huge upload is skipped (and the form says it is too large) instead of filling a disk."""

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from councils.models import limits


class AttachmentSizeLimit(FileUploadHandler):
    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > limits.ATTACHMENT_MAX_BYTES:
            self.request.council_upload_too_large = True  # type: ignore[union-attr]
            raise SkipFile
        return raw_data  # on to the next handler, which keeps it

    def file_complete(self, file_size: int) -> Any:
        return None  # the next handler returns the file


def upload_too_large(request: HttpRequest) -> bool:
    return bool(getattr(request, "council_upload_too_large", False))
