"""A picture attached to an agenda item is stored as its pixels alone: a phone's JPEG carries
where and when it was taken (EXIF GPS), the camera and often its owner's name; a PNG may carry
text chunks. Attachments of public items are public, so the picture is decoded and written
again, in its own format and at its own size, with nothing but its pixels (report and
intervention photos are re-encoded the same way, `curim.reports.photos`).

Office documents and PDFs keep their own metadata (author, software): docs/councils.md says so.
"""

import io
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

# The format each picture extension is written in, and the modes it is written in as they are.
PICTURE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
_KEPT_MODES = {"PNG": {"1", "L", "LA", "P", "RGB", "RGBA"}, "JPEG": {"L", "RGB"}}
_FALLBACK_MODE = {"PNG": "RGBA", "JPEG": "RGB"}


class PictureUnreadable(ValueError):
    """The picture cannot be decoded, or has more pixels than a photo may have."""


def picture_pixels_only(file: UploadedFile, extension: str) -> ContentFile[bytes]:
    """The picture written again with its pixels alone (its orientation applied), under the
    upload's name. Raises PictureUnreadable."""
    picture_format = PICTURE_FORMATS[extension]
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.width * image.height > settings.REPORT_PHOTO_MAX_PIXELS:
                    raise PictureUnreadable
                image.load()
                upright = ImageOps.exif_transpose(image)
    except (
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise PictureUnreadable from None
    mode = upright.mode
    if mode not in _KEPT_MODES[picture_format]:
        mode = _FALLBACK_MODE[picture_format]
        upright = upright.convert(mode)
    # Only the pixels are copied into a new image, so no metadata can come along; a palette's
    # picture keeps its palette and which of its colours is transparent (pixels, not metadata).
    clean = Image.new(mode, upright.size)
    options: dict[str, object] = {"quality": 92} if picture_format == "JPEG" else {"optimize": True}
    palette = upright.palette if mode == "P" else None
    if palette is not None:
        clean.putpalette(palette.tobytes(), rawmode=palette.mode)
        if "transparency" in upright.info:
            options["transparency"] = upright.info["transparency"]
    clean.paste(upright)
    out = io.BytesIO()
    clean.save(out, format=picture_format, **options)
    return ContentFile(out.getvalue(), name=file.name or "picture")
