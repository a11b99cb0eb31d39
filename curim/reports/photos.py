"""Photo uploads: checked by content and size, re-encoded so that no metadata survives.

Pillow reads only the header before the pixel check, so a decompression bomb is refused before
it is decoded. Re-encoding to JPEG from the pixels alone drops EXIF, XMP, GPS and comments.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# MPO is how Pillow names the JPEGs many phones write (a JPEG with extra embedded images).
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
MAX_EDGE = 2560  # larger photos are scaled down: enough to see a broken pavement


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    width: int
    height: int


def photo_clean(upload: UploadedFile) -> CleanPhoto:
    if upload.size is None or upload.size > settings.REPORT_PHOTO_MAX_BYTES:
        raise ValidationError(
            _("A photo may be at most %(mb)s MB.")
            % {"mb": settings.REPORT_PHOTO_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError(_("Photos must be JPEG, PNG or WebP."), code="format")
            if image.width * image.height > settings.REPORT_PHOTO_MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels."), code="too_many_pixels")
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("The file is not a photo we can read."), code="invalid") from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(_("The file is not a photo we can read."), code="invalid") from None
    return _reencode(image)


def _reencode(image: Image.Image) -> CleanPhoto:
    image = ImageOps.exif_transpose(image)  # keep the orientation the camera meant
    image = image.convert("RGB")
    image.thumbnail((MAX_EDGE, MAX_EDGE))
    # Only the pixels are copied into a new image, so no metadata can come along.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return CleanPhoto(out.getvalue(), clean.width, clean.height)
