"""An agenda item's file as a download: always saved, never shown in the page, under a name
made of its title (no character of it can break the header) and the file's extension."""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.text import slugify

from councils.attachment_files import CONTENT_TYPES, extension_of


def attachment_download(title: str, file: FieldFile) -> FileResponse:
    extension = extension_of(file.name or "")
    name = slugify(title, allow_unicode=True)[:100] or "attachment"
    return FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=f"{name}{extension}",
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
