"""What a file attached to an agenda item may be: a PDF, an office document, a picture, a CSV
or plain text, recognised by its content (its first bytes; for office files, the parts of the
package) as well as its extension, and of a bounded size (`limits.ATTACHMENT_MAX_BYTES`).

No library guesses the type here: each accepted kind has a signature that is cheap and certain
to check, so a renamed program or a page of HTML is refused whatever its name says."""

import codecs
import os
import zipfile
from collections.abc import Callable

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from councils.models import limits

# The media type each extension is served with.
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
# The part an Office Open XML package of each kind always holds.
_OOXML_MAIN_PART = {
    ".docx": "word/document.xml",
    ".xlsx": "xl/workbook.xml",
    ".pptx": "ppt/presentation.xml",
}
_ODF_MIMETYPE_MAX = 100  # bytes: the `mimetype` entry is one short line


def extension_of(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def _head(file: UploadedFile, count: int) -> bytes:
    file.seek(0)
    head = file.read(count)
    file.seek(0)
    return head if isinstance(head, bytes) else b""


def _is_pdf(file: UploadedFile) -> bool:
    return _head(file, 5) == b"%PDF-"


def _is_png(file: UploadedFile) -> bool:
    return _head(file, 8) == b"\x89PNG\r\n\x1a\n"


def _is_jpeg(file: UploadedFile) -> bool:
    return _head(file, 3) == b"\xff\xd8\xff"


def _zip_names(file: UploadedFile) -> zipfile.ZipFile | None:
    if _head(file, 4) != b"PK\x03\x04":
        return None
    try:
        return zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None


def _ooxml(extension: str) -> Callable[[UploadedFile], bool]:
    def check(file: UploadedFile) -> bool:
        package = _zip_names(file)
        if package is None:
            return False
        with package:
            names = set(package.namelist())
        file.seek(0)
        return "[Content_Types].xml" in names and _OOXML_MAIN_PART[extension] in names

    return check


def _odf(extension: str) -> Callable[[UploadedFile], bool]:
    expected = CONTENT_TYPES[extension].encode()

    def check(file: UploadedFile) -> bool:
        package = _zip_names(file)
        if package is None:
            return False
        try:
            with package:
                entry = package.getinfo("mimetype")
                # Only the one short entry is ever unpacked: a zip bomb elsewhere is not read.
                if entry.file_size > _ODF_MIMETYPE_MAX:
                    return False
                return package.read(entry).strip() == expected
        except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            return False
        finally:
            file.seek(0)

    return check


def _is_utf8_text(file: UploadedFile) -> bool:
    """Text in UTF-8 (a byte-order mark allowed) without NUL characters."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    file.seek(0)
    try:
        for chunk in file.chunks():
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        file.seek(0)
    return True


CONTENT_CHECKS: dict[str, Callable[[UploadedFile], bool]] = {
    ".pdf": _is_pdf,
    ".png": _is_png,
    ".jpg": _is_jpeg,
    ".jpeg": _is_jpeg,
    ".docx": _ooxml(".docx"),
    ".xlsx": _ooxml(".xlsx"),
    ".pptx": _ooxml(".pptx"),
    ".odt": _odf(".odt"),
    ".ods": _odf(".ods"),
    ".odp": _odf(".odp"),
    ".csv": _is_utf8_text,
    ".txt": _is_utf8_text,
}


def attachment_problem(file: UploadedFile) -> str:
    """Why a file may not be attached, or ""."""
    extension = extension_of(file.name or "")
    check = CONTENT_CHECKS.get(extension)
    if check is None or extension not in limits.ATTACHMENT_EXTENSIONS:
        return str(
            _("Attach a document, spreadsheet, presentation, text or picture (%(kinds)s).")
            % {"kinds": ", ".join(sorted(limits.ATTACHMENT_EXTENSIONS))}
        )
    size = file.size or 0
    if size > limits.ATTACHMENT_MAX_BYTES:
        return attachment_too_large()
    if size == 0:
        return str(_("The file is empty."))
    if not check(file):
        if extension in {".csv", ".txt"}:
            return str(_("The file is not text in UTF-8: save it as CSV UTF-8 and try again."))
        return str(
            _("The file is not a %(kind)s file, whatever its name says.")
            % {"kind": extension.lstrip(".").upper()}
        )
    return ""


def attachment_too_large() -> str:
    return str(
        _("Attach files of up to %(mb)d MB.") % {"mb": limits.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
    )
