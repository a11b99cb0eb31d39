"""Photo uploads: checked by content and size, re-encoded so that no metadata survives.

Pillow reads only the header before the pixel checks, so a decompression bomb is refused before
it is decoded: each photo has a limit (REPORT_PHOTO_MAX_PIXELS), and the photos of one request
share a budget (REPORT_PHOTO_PIXELS_PER_REQUEST), because decoding costs memory and time in
proportion to the pixels. Re-encoding to JPEG from the pixels alone drops EXIF, XMP, GPS and
comments.
"""

import io
import warnings
from collections.abc import Sequence
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


def photos_clean(uploads: Sequence[UploadedFile]) -> list[CleanPhoto]:
    """Check every photo's header, then the request's pixel budget, and only then decode.

    Raises ValidationError with one message per refused photo (named by its file name).
    """
    opened: list[Image.Image] = []
    errors: list[str] = []
    for upload in uploads:
        try:
            opened.append(_photo_open(upload))
        except ValidationError as error:
            errors.extend(f"{upload.name}: {message}" for message in error.messages)
    if errors:
        raise ValidationError(errors)
    budget = settings.REPORT_PHOTO_PIXELS_PER_REQUEST
    if sum(image.width * image.height for image in opened) > budget:
        raise ValidationError(
            _("Together the photos have too many pixels: at most %(mp)s million per report.")
            % {"mp": f"{budget / 1_000_000:g}"},
            code="too_many_pixels",
        )
    cleaned = []
    for upload, image in zip(uploads, opened, strict=True):
        try:
            cleaned.append(_reencode(image))
        except ValidationError as error:
            errors.extend(f"{upload.name}: {message}" for message in error.messages)
        finally:
            image.close()  # one decoded photo in memory at a time
    if errors:
        raise ValidationError(errors)
    return cleaned


def _too_many_pixels() -> ValidationError:
    return ValidationError(_("The photo has too many pixels."), code="too_many_pixels")


def _not_readable() -> ValidationError:
    return ValidationError(_("The file is not a photo we can read."), code="invalid")


def _photo_open(upload: UploadedFile) -> Image.Image:
    """The photo with its header read and checked (size, format, pixels), not yet decoded."""
    if upload.size is None or upload.size > settings.REPORT_PHOTO_MAX_BYTES:
        raise ValidationError(
            _("A photo may be at most %(mb)s MB.")
            % {"mb": settings.REPORT_PHOTO_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    data = upload.read()
    try:
        with warnings.catch_warnings():
            # Pillow refuses (or warns about) pictures far past its own limit while reading the
            # header: that is a photo with too many pixels too, not an unreadable file.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _not_readable() from None
    if image.format not in ACCEPTED_FORMATS:
        raise ValidationError(_("Photos must be JPEG, PNG or WebP."), code="format")
    if image.width * image.height > settings.REPORT_PHOTO_MAX_PIXELS:
        raise _too_many_pixels()
    return image


def _reencode(image: Image.Image) -> CleanPhoto:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # A JPEG can be decoded at 1/2, 1/4 or 1/8 of its size straight away; the largest
            # scale still at least MAX_EDGE wide or high is enough, at a fraction of the cost.
            image.draft("RGB", (MAX_EDGE, MAX_EDGE))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (OSError, SyntaxError, ValueError):
        raise _not_readable() from None
    image = ImageOps.exif_transpose(image)  # keep the orientation the camera meant
    image = image.convert("RGB")
    image.thumbnail((MAX_EDGE, MAX_EDGE))
    # Only the pixels are copied into a new image, so no metadata can come along.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return CleanPhoto(out.getvalue(), clean.width, clean.height)
