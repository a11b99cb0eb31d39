"""Photos are checked by content and limits, and stored without any metadata."""

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags, Image
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.reports.models import Report
from tests.reports.conftest import report_body

pytestmark = pytest.mark.usefixtures("piraeus")


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = image.getexif()
    exif[ExifTags.Base.Make] = "SpyCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (37.0, 56.0, 33.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (23.0, 38.0, 47.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _post(client: Client, *files: SimpleUploadedFile) -> tuple[int, dict[str, object]]:
    response = client.post("/api/v1/reports/", {**report_body(), "photos": list(files)})
    return response.status_code, response.json()


def test_gps_exif_is_gone_from_the_stored_photo(client: Client) -> None:
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    status, body = _post(client, SimpleUploadedFile("me.jpg", original, "image/jpeg"))
    assert status == 201, body
    photo = Report.objects.get(public_id=body["id"]).photos.get()
    with default_storage.open(photo.image.name) as stored_file:
        stored = stored_file.read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0
    assert b"SpyCam" not in stored
    assert b"Exif" not in stored
    assert "me" not in photo.image.name  # random names, not the uploader's
    assert (photo.width, photo.height) == (64, 48)


def test_a_file_that_is_not_an_image_is_refused(client: Client) -> None:
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", "image/jpeg")
    status, body = _post(client, fake)
    assert status == 400
    assert "photos" in body
    assert not Report.objects.exists()


def test_a_too_large_file_is_refused(client: Client, settings: SettingsWrapper) -> None:
    settings.REPORT_PHOTO_MAX_BYTES = 1000
    status, body = _post(client, SimpleUploadedFile("big.jpg", _jpeg_with_gps() * 3, "image/jpeg"))
    assert status == 400
    assert "photos" in body


def test_a_decompression_bomb_is_refused_before_decoding(
    client: Client, settings: SettingsWrapper
) -> None:
    settings.REPORT_PHOTO_MAX_PIXELS = 1_000_000
    out = io.BytesIO()
    Image.new("1", (4000, 4000)).save(out, format="PNG")  # tiny file, 16 million pixels
    assert len(out.getvalue()) < 100_000
    status, body = _post(client, SimpleUploadedFile("bomb.png", out.getvalue(), "image/png"))
    assert status == 400
    assert "pixels" in str(body["photos"])
    assert not Report.objects.exists()


def test_at_most_five_photos(client: Client) -> None:
    photos = [SimpleUploadedFile(f"{n}.jpg", _jpeg_with_gps(), "image/jpeg") for n in range(6)]
    status, body = _post(client, *photos)
    assert status == 400
    assert "photos" in body


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares a size in its header and holds no pixels: all a bomb needs."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    "size",
    [
        (10_000, 9_000),  # 90 million pixels: Pillow warns that this may be a bomb
        (20_000, 20_000),  # 400 million pixels: Pillow refuses it outright
    ],
)
def test_a_photo_pillow_itself_refuses_as_a_bomb_has_too_many_pixels(
    client: Client, size: tuple[int, int]
) -> None:
    status, body = _post(client, SimpleUploadedFile("huge.png", _png_header(*size), "image/png"))
    assert status == 400
    assert body["photos"] == ["huge.png: The photo has too many pixels."]
    assert not Report.objects.exists()


def test_the_photos_of_one_report_share_a_pixel_budget(
    client: Client, settings: SettingsWrapper
) -> None:
    settings.REPORT_PHOTO_PIXELS_PER_REQUEST = 64 * 48 * 2
    two = [SimpleUploadedFile(f"{n}.jpg", _jpeg_with_gps(), "image/jpeg") for n in range(2)]
    status, _ = _post(client, *two)
    assert status == 201  # exactly the budget
    three = [SimpleUploadedFile(f"{n}.jpg", _jpeg_with_gps(), "image/jpeg") for n in range(3)]
    status, body = _post(client, *three)
    assert status == 400
    assert "too many pixels" in str(body["photos"])
    assert Report.objects.count() == 1
