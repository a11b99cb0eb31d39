"""Files on agenda items: what may be attached (by content, not by name), the secretary's page
to attach and remove them while the meeting is planned or convened, bad input answered on the
field and nothing stored half-way, members downloading every file of their council (closed
items' too), and the public only those of public items of public or split meetings."""

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from councils.attachment_files import attachment_problem
from councils.models import AgendaAttachment, AgendaItem, Meeting, MeetingStatus, Visibility, limits
from councils.services.meetings import (
    agenda_attachment_add,
    agenda_attachment_delete,
    agenda_attachments_add,
    agenda_item_delete,
    meeting_transition,
)
from curim.accounts.models import User
from tests.councils.factories import (
    council_create,
    item_of,
    meeting_planned,
    member_create,
    secretary_of,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BASE = "/council/manage/meetings/"
ITEMS = (("Street lighting", True, "information"), ("Night patrols", False, "information"))


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in entries.items():
            package.writestr(name, content)
    return buffer.getvalue()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "JPEG")
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})

ACCEPTED = [
    ("minutes.pdf", PDF),
    ("plan.docx", DOCX),
    ("figures.ods", ODS),
    ("map.png", _png()),
    ("photo.JPG", _jpeg()),
    ("photo.jpeg", _jpeg()),
    ("counts.csv", "district;reports\nΠειραιάς;12\n".encode()),
    ("counts.csv", "\ufeffdistrict,reports\n".encode()),
    ("notes.txt", b"plain words\n"),
]
REFUSED = [
    ("run.exe", b"MZ\x90\x00"),
    ("page.html", b"<html></html>"),
    ("no-extension", PDF),
    ("fake.pdf", b"<html><script>alert(1)</script></html>"),
    ("fake.png", PDF),
    ("fake.docx", _zip({"word/document.xml": b"<w/>"})),  # no [Content_Types].xml
    ("sheet.xlsx", DOCX),  # a word document named as a workbook
    ("fake.odt", ODS),  # a spreadsheet named as a text
    ("zip.odt", b"PK\x03\x04 not really a zip"),
    ("latin.csv", "Πειραιάς".encode("cp1253")),
    ("nul.csv", b"a,b\x00\n"),
    ("empty.pdf", b""),
]


@pytest.mark.parametrize(("name", "content"), ACCEPTED)
def test_documents_pictures_and_utf8_tables_are_accepted_by_their_content(
    name: str, content: bytes
) -> None:
    assert attachment_problem(SimpleUploadedFile(name, content)) == ""


@pytest.mark.parametrize(("name", "content"), REFUSED)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(
    name: str, content: bytes
) -> None:
    assert attachment_problem(SimpleUploadedFile(name, content)) != ""


def test_a_file_over_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "ATTACHMENT_MAX_BYTES", len(PDF) - 1)
    assert "MB" in attachment_problem(SimpleUploadedFile("big.pdf", PDF))


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "councils" / "attachments"
    return sorted(root.iterdir()) if root.exists() else []


@pytest.mark.parametrize(
    ("title", "name", "content", "field"),
    [
        ("", "plan.pdf", PDF, "title"),
        ("   ", "plan.pdf", PDF, "title"),
        ("Plan\x00", "plan.pdf", PDF, "title"),
        ("Plan \ud800", "plan.pdf", PDF, "title"),
        ("Plan", "fake.pdf", b"<html>", "file"),
        ("P" * (limits.TITLE_MAX + 1), "plan.pdf", PDF, "title"),
        # A picture that cannot be decoded: a PNG's signature and header, no pixels.
        ("Map", "m.png", _png()[:40], "file"),
    ],
)
def test_the_service_refuses_bad_input_on_its_field_and_stores_nothing(
    title: str, name: str, content: bytes, field: str
) -> None:
    assert field in _refused(title, name, content)


def _refused(title: str, name: str, content: bytes) -> dict[str, list[str]]:
    """The errors of a refused attachment, once sure that nothing was stored."""
    return _refused_by(
        lambda item, by: agenda_attachment_add(
            item=item, by=by, title=title, file=SimpleUploadedFile(name, content)
        )
    )


def _refused_by(add: Callable[[AgendaItem, User], object]) -> dict[str, list[str]]:
    """The errors of `add` (files added by the secretary to a public item of a planned
    meeting), once sure that nothing was stored."""
    council = council_create()
    item = item_of(meeting_planned(council, items=ITEMS), public=True)
    with pytest.raises(ValidationError) as caught:
        add(item, secretary_of(council))
    assert not AgendaAttachment.objects.exists()
    assert _stored_files() == []
    return caught.value.message_dict


def test_a_file_name_with_odd_characters_is_stored_under_a_random_name() -> None:
    council = council_create()
    item = item_of(meeting_planned(council, items=ITEMS), public=True)
    attachment = agenda_attachment_add(
        item=item,
        by=secretary_of(council),
        title="Plan",
        file=SimpleUploadedFile("pl\ud800an\x00 ü.pdf", PDF),
    )
    assert attachment.file.name.startswith("councils/attachments/")
    assert attachment.file.name.endswith(".pdf")
    assert "pl" not in attachment.file.name.split("/")[-1]  # hex digits only


def _with_metadata(picture_format: str) -> bytes:
    """A 6 × 3 picture holding where it was taken and by whom, as a phone's would."""
    buffer = io.BytesIO()
    image = Image.new("RGB", (6, 3), "blue")
    if picture_format == "JPEG":
        exif = Image.Exif()
        exif[0x010F] = "Maker-K9"  # Make
        exif[0x013B] = "Owner-K9 Papadopoulou"  # Artist
        exif[0x8825] = {1: "N", 2: (37.0, 56.0, 30.0)}  # GPS: latitude
        image.save(buffer, "JPEG", exif=exif.tobytes())
    else:
        image.save(buffer, "PNG", pnginfo=_text_chunks())
    return buffer.getvalue()


def _text_chunks() -> PngInfo:
    info = PngInfo()
    info.add_text("Author", "Owner-K9 Papadopoulou")
    info.add_text("Location", "Maker-K9 37.9425 23.6465")
    return info


@pytest.mark.parametrize(("name", "picture_format"), [("p.jpg", "JPEG"), ("p.png", "PNG")])
def test_a_picture_is_stored_with_its_pixels_alone(name: str, picture_format: str) -> None:
    # Files of public items are public: a phone's picture would publish where it was taken,
    # the camera and its owner's name.
    uploaded = _with_metadata(picture_format)
    assert b"Owner-K9" in uploaded
    council = council_create()
    item = item_of(meeting_planned(council, items=ITEMS), public=True)
    attachment = agenda_attachment_add(
        item=item,
        by=secretary_of(council),
        title="The square at night",
        file=SimpleUploadedFile(name, uploaded),
    )
    with attachment.file.open("rb") as stored_file:
        stored = stored_file.read()
    assert b"Owner-K9" not in stored
    assert b"Maker-K9" not in stored
    assert attachment.size == len(stored)
    with Image.open(io.BytesIO(stored)) as picture:
        assert picture.format == picture_format
        assert picture.size == (6, 3)
        assert not picture.getexif()
        assert picture.info.get("exif") is None
        assert not set(picture.info) & {"Author", "Location"}
        assert picture.convert("RGB").getpixel((0, 0)) == pytest.approx((0, 0, 255), abs=8)


def test_a_palette_picture_keeps_its_palette_and_its_transparent_colour() -> None:
    # Written in full colour, a palette's PNG would grow several times over (and could pass
    # the size limit the upload was checked against).
    palette = Image.effect_noise((64, 64), 80).convert("RGB").quantize(16)
    buffer = io.BytesIO()
    palette.save(buffer, "PNG", transparency=3, pnginfo=_text_chunks())
    uploaded = buffer.getvalue()
    council = council_create()
    item = item_of(meeting_planned(council, items=ITEMS), public=True)
    attachment = agenda_attachment_add(
        item=item, by=secretary_of(council), title="Map", file=SimpleUploadedFile("m.png", uploaded)
    )
    with attachment.file.open("rb") as stored_file:
        stored = stored_file.read()
    assert b"Owner-K9" not in stored
    assert len(stored) <= len(uploaded)
    with Image.open(io.BytesIO(stored)) as picture, Image.open(io.BytesIO(uploaded)) as sent:
        assert picture.mode == "P"
        assert picture.info == {"transparency": 3}
        assert picture.convert("RGBA").tobytes() == sent.convert("RGBA").tobytes()


def test_files_change_while_the_meeting_is_planned_or_convened_only() -> None:
    council = council_create()
    by = secretary_of(council)
    meeting = meeting_planned(council, items=ITEMS)
    item = item_of(meeting, public=True)
    kept = agenda_attachment_add(
        item=item, by=by, title="Plan", file=SimpleUploadedFile("p.pdf", PDF)
    )
    meeting_transition(meeting=meeting, to_status=MeetingStatus.CONVENED, by=by)
    agenda_attachment_add(item=item, by=by, title="Map", file=SimpleUploadedFile("m.png", _png()))
    meeting_transition(meeting=meeting, to_status=MeetingStatus.HELD, by=by)
    with pytest.raises(ValidationError) as caught:
        agenda_attachment_add(item=item, by=by, title="Late", file=SimpleUploadedFile("l.pdf", PDF))
    assert "held" in caught.value.message_dict["file"][0]
    with pytest.raises(ValidationError):
        agenda_attachment_delete(attachment=kept, by=by)
    assert item.attachments.count() == 2


def test_removing_a_file_or_its_item_removes_the_stored_file(
    django_capture_on_commit_callbacks: object,
) -> None:
    council = council_create()
    by = secretary_of(council)
    meeting = meeting_planned(council, items=ITEMS)
    item = item_of(meeting, public=True)
    first = agenda_attachment_add(
        item=item, by=by, title="One", file=SimpleUploadedFile("1.pdf", PDF)
    )
    agenda_attachment_add(item=item, by=by, title="Two", file=SimpleUploadedFile("2.pdf", PDF))
    assert len(_stored_files()) == 2
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        agenda_attachment_delete(attachment=first, by=by)
    assert len(_stored_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        agenda_item_delete(item=AgendaItem.objects.get(pk=item.pk), by=by)
    assert _stored_files() == []


# --- The pages --------------------------------------------------------------------------------
def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _page(meeting: Meeting, order: int) -> str:
    return f"{BASE}{meeting.pk}/items/{order}/attachments/"


def test_the_secretary_attaches_a_file_and_members_download_it_closed_or_public() -> None:
    council = council_create()
    meeting = meeting_planned(council, items=ITEMS)
    closed = item_of(meeting, public=False)
    secretary = _client(secretary_of(council))
    page = _page(meeting, closed.order)
    assert secretary.get(page).status_code == 200
    answer = secretary.post(
        page, {"title": "Patrol routes", "file": SimpleUploadedFile("r.pdf", PDF)}
    )
    assert answer.status_code == 302
    assert answer["Location"] == page
    attachment = closed.attachments.get()
    assert attachment.title == "Patrol routes"
    assert attachment.created_by == secretary_of(council)
    assert "Patrol routes" in secretary.get(page).content.decode()

    member = _client(member_create(council).person)
    meeting_page = member.get(f"{BASE}{meeting.pk}/").content.decode()
    download = f"{BASE}{meeting.pk}/attachments/{attachment.public_id}/"
    assert download in meeting_page
    response = member.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "patrol-routes.pdf" in response["Content-Disposition"]
    assert "private" in response["Cache-Control"]
    # A member only reads: the secretary's page and buttons are a 404 to them.
    assert member.get(page).status_code == 404
    assert (
        member.post(page, {"title": "X", "file": SimpleUploadedFile("x.pdf", PDF)}).status_code
        == 404
    )
    delete = f"{page}{attachment.public_id}/delete/"
    assert member.post(delete).status_code == 404
    assert secretary.post(delete).status_code == 302
    assert not closed.attachments.exists()


def test_a_closed_items_file_is_a_404_to_the_public_and_to_another_councils_member() -> None:
    council = council_create()
    by = secretary_of(council)
    meeting = meeting_planned(council, visibility=Visibility.SPLIT, items=ITEMS)
    closed = agenda_attachment_add(
        item=item_of(meeting, public=False),
        by=by,
        title="Routes",
        file=SimpleUploadedFile("r.pdf", PDF),
    )
    shown = agenda_attachment_add(
        item=item_of(meeting, public=True),
        by=by,
        title="Lamps",
        file=SimpleUploadedFile("l.pdf", PDF),
    )
    public_url = f"/council/meetings/{meeting.pk}/attachments/"
    # Planned: nothing of its agenda is public yet.
    assert Client().get(f"{public_url}{shown.public_id}/").status_code == 404
    meeting_transition(meeting=meeting, to_status=MeetingStatus.CONVENED, by=by)

    anonymous = Client()
    assert anonymous.get(f"{public_url}{shown.public_id}/").status_code == 200
    assert (
        f"{public_url}{shown.public_id}/"
        in anonymous.get(f"/council/meetings/{meeting.pk}/").content.decode()
    )
    assert anonymous.get(f"{public_url}{closed.public_id}/").status_code == 404
    assert "Routes" not in anonymous.get(f"/council/meetings/{meeting.pk}/").content.decode()

    outsider = _client(member_create(council_create()).person)
    assert outsider.get(f"{public_url}{closed.public_id}/").status_code == 404
    assert outsider.get(f"{BASE}{meeting.pk}/attachments/{closed.public_id}/").status_code == 404
    # Nor through another meeting's address.
    other = meeting_planned(council, items=ITEMS)
    member = _client(member_create(council).person)
    assert member.get(f"{BASE}{other.pk}/attachments/{closed.public_id}/").status_code == 404
    assert member.get(f"{BASE}{meeting.pk}/attachments/{closed.public_id}/").status_code == 200
    # The public address never serves a closed item's file, to members either.
    assert member.get(f"{public_url}{closed.public_id}/").status_code == 404


def test_a_closed_meetings_public_item_files_stay_closed() -> None:
    council = council_create()
    by = secretary_of(council)
    meeting = meeting_planned(
        council, visibility=Visibility.CLOSED, items=(("Briefing", False, "information"),)
    )
    attachment = agenda_attachment_add(
        item=meeting.agenda_items.get(), by=by, title="Brief", file=SimpleUploadedFile("b.pdf", PDF)
    )
    meeting_transition(meeting=meeting, to_status=MeetingStatus.CONVENED, by=by)
    assert (
        Client()
        .get(f"/council/meetings/{meeting.pk}/attachments/{attachment.public_id}/")
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "", "file": ("plan.pdf", PDF)}, "title"),
        ({"title": "Plan\x00", "file": ("plan.pdf", PDF)}, "title"),
        ({"title": "Plan", "file": ("plan.pdf", b"")}, "file"),
        ({"title": "Plan", "file": ("plan.exe", b"MZ")}, "file"),
        ({"title": "Plan", "file": ("plan.pdf", b"<html>")}, "file"),
        ({"title": "Plan", "file": ("pl\x00an.pdf", b"<html>")}, "file"),
        ({"title": "Plan"}, "file"),
    ],
)
def test_bad_input_on_the_page_is_a_400_with_the_error_on_its_field(
    data: dict[str, object], field: str
) -> None:
    council = council_create()
    meeting = meeting_planned(council, items=ITEMS)
    posted = dict(data)
    if "file" in posted:
        upload = cast(tuple[str, bytes], posted["file"])
        posted["file"] = SimpleUploadedFile(upload[0], upload[1])
    answer = _client(secretary_of(council)).post(_page(meeting, 1), posted)
    assert answer.status_code == 400
    assert f'id="id_{field}-error"' in answer.content.decode()
    assert not AgendaAttachment.objects.exists()


def test_a_lone_surrogate_in_the_form_never_reaches_the_database_as_one() -> None:
    council = council_create()
    meeting = meeting_planned(council, items=ITEMS)
    boundary = "BoUnDaRy"
    body = (
        (f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n').encode()
        + b"Plan \xed\xa0\x80\r\n"
        + (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="pl\xed\xa0\x80an.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode("latin-1")
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    answer = _client(secretary_of(council)).generic(
        "POST", _page(meeting, 1), body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert answer.status_code in (302, 400)
    for title in AgendaAttachment.objects.values_list("title", flat=True):
        title.encode("utf-8")  # storable, whatever the browser sent


def test_a_file_over_the_limit_is_skipped_while_read_and_refused_on_the_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "ATTACHMENT_MAX_BYTES", 1024)
    council = council_create()
    meeting = meeting_planned(council, items=ITEMS)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 10_000)
    answer = _client(secretary_of(council)).post(_page(meeting, 1), {"title": "Big", "file": big})
    assert answer.status_code == 400
    content = answer.content.decode()
    assert 'id="id_file-error"' in content
    assert "MB" in content
    assert not AgendaAttachment.objects.exists()
    assert _stored_files() == []


def test_a_held_meetings_files_are_listed_but_no_longer_change() -> None:
    council = council_create()
    by = secretary_of(council)
    meeting = meeting_planned(council, items=ITEMS)
    item = item_of(meeting, public=True)
    attachment = agenda_attachment_add(
        item=item, by=by, title="Plan", file=SimpleUploadedFile("p.pdf", PDF)
    )
    meeting_transition(meeting=meeting, to_status=MeetingStatus.CONVENED, by=by)
    meeting_transition(meeting=meeting, to_status=MeetingStatus.HELD, by=by)
    client = _client(by)
    page = _page(meeting, item.order)
    content = client.get(page).content.decode()
    assert "Plan" in content
    assert "no longer change" in content
    assert (
        client.post(page, {"title": "Late", "file": SimpleUploadedFile("l.pdf", PDF)}).status_code
        == 400
    )
    answer = client.post(f"{page}{attachment.public_id}/delete/", follow=True)
    assert "no longer changes" in answer.content.decode()
    assert item.attachments.count() == 1


def test_the_upload_handler_stops_reading_a_file_past_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.core.files.uploadhandler import SkipFile
    from django.test import RequestFactory

    from councils.uploads import AttachmentSizeLimit, upload_too_large

    monkeypatch.setattr(limits, "ATTACHMENT_MAX_BYTES", 10)
    request = RequestFactory().post("/")
    handler = AttachmentSizeLimit(request)
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    assert not upload_too_large(request)
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"678901", 5)
    assert upload_too_large(request)


def test_a_picture_that_grows_past_the_limit_when_written_again_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A JPEG of low quality is written again at quality 92: it may come out larger than the
    # limit the upload was checked against.
    noise = Image.effect_noise((64, 64), 80).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=10)
    small = buffer.getvalue()
    monkeypatch.setattr(limits, "ATTACHMENT_MAX_BYTES", len(small) + 1)
    assert "MB" in _refused("Map", "m.jpg", small)["file"][0]


def test_files_added_together_are_all_checked_before_any_is_stored() -> None:
    # A document, then a picture that cannot be decoded: the picture's refusal leaves the
    # document neither as a row nor on disk, and says which file it was.
    errors = _refused_by(
        lambda item, by: agenda_attachments_add(
            item=item,
            by=by,
            uploads=[
                ("Plan", SimpleUploadedFile("plan.pdf", PDF)),
                ("Map", SimpleUploadedFile("map.png", _png()[:40])),
            ],
        )
    )
    assert errors["file"][0].startswith("map.png: ")


def test_a_file_stored_before_a_later_files_row_fails_is_removed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    council = council_create()
    item = item_of(meeting_planned(council, items=ITEMS), public=True)
    saves = 0
    original = AgendaAttachment.save

    def second_row_fails(self: AgendaAttachment, *args: object, **kwargs: object) -> None:
        nonlocal saves
        saves += 1
        if saves == 2:
            raise RuntimeError("the database went away")
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(AgendaAttachment, "save", second_row_fails)
    with pytest.raises(RuntimeError):
        agenda_attachments_add(
            item=item,
            by=secretary_of(council),
            uploads=[
                ("Plan", SimpleUploadedFile("plan.pdf", PDF)),
                ("Map", SimpleUploadedFile("map.png", _png())),
            ],
        )
    assert _stored_files() == []
