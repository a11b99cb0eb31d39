"""Meetings and their agendas: scheduling, the agenda, and the status workflow

    planned → convened → held → closed
    planned or convened → cancelled

in one table (`MEETING_TRANSITIONS`). The meeting's details and its agenda may change while it
is planned or convened, and are fixed once it is held (`Meeting.clean`, `AgendaItem.clean`).
"""

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from councils.attachment_files import attachment_problem, attachment_too_large, extension_of
from councils.attachment_pictures import PICTURE_FORMATS, PictureUnreadable, picture_pixels_only
from councils.models import (
    AgendaAttachment,
    AgendaItem,
    Council,
    Meeting,
    MeetingStatus,
    Visibility,
    limits,
)
from councils.models.choices import AgendaItemKind
from councils.models.meetings import MEETING_FIELDS, OPEN_STATUSES
from councils.selectors.meetings import members_invited, members_sent_the_invitation
from councils.services.agenda_numbering import agenda_renumber
from councils.services.carry_over import agenda_carry_over
from councils.services.editing import fields_set
from councils.services.evidence_snapshot import evidence_snapshot_take
from curim.accounts.models import User
from curim.core.services import task_enqueue
from interventions.selectors import SentProposal

CONVENING_EMAIL_TASK = "councils.convening_email_send"
CANCELLATION_EMAIL_TASK = "councils.cancellation_email_send"
# What a calendar shows of a meeting: a change is a new version of its event.
CALENDAR_FIELDS = ("title_en", "title_el", "starts_at", "ends_at", "place", "online_url")

MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    MeetingStatus.PLANNED: frozenset({MeetingStatus.CONVENED, MeetingStatus.CANCELLED}),
    MeetingStatus.CONVENED: frozenset({MeetingStatus.HELD, MeetingStatus.CANCELLED}),
    MeetingStatus.HELD: frozenset({MeetingStatus.CLOSED}),
    MeetingStatus.CLOSED: frozenset(),
    MeetingStatus.CANCELLED: frozenset(),
}
EVIDENCE_FIELDS = (
    "evidence_report_filter",
    "evidence_area",
    "evidence_survey",
    "evidence_indicator",
    "evidence_statistics_year",
)
AGENDA_ITEM_FIELDS = (
    "order",
    "title",
    "text",
    "kind",
    "public",
    "presenter_membership",
    "presenter_name",
    "recommendation",
    *EVIDENCE_FIELDS,
)


def _locked(meeting_id: Any) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting_id)


def invitations_queue(meeting: Meeting) -> None:
    """Queue, through the task outbox, the invitation of each member of the council today
    (`councils.services.convening.convening_email_send`), after the commit."""
    for membership in members_invited(meeting.council):
        task_enqueue(
            task_name=CONVENING_EMAIL_TASK, args=[str(meeting.pk), str(membership.public_id)]
        )


def cancellations_queue(meeting: Meeting) -> None:
    """Queue, through the task outbox, the cancellation notice of each member who was sent an
    invitation (`councils.services.convening.cancellation_email_send`), after the commit."""
    invited = members_sent_the_invitation(meeting).values_list("public_id", flat=True)
    for membership_id in invited:
        task_enqueue(task_name=CANCELLATION_EMAIL_TASK, args=[str(meeting.pk), str(membership_id)])


@transaction.atomic
def meeting_save(*, meeting: Meeting, by: User) -> Meeting:
    """Save a new meeting (planned) or a changed one (while planned or convened). A change of
    what a calendar shows raises the event's SEQUENCE, and sends a convened meeting's members
    the invitation again (the same UID)."""
    resend = False
    if meeting._state.adding:
        meeting.status = MeetingStatus.PLANNED
        meeting.convened_at = None
    else:
        # Concurrent changes wait, so the check of the stored status holds.
        stored = _locked(meeting.pk)
        changed = any(getattr(meeting, f) != getattr(stored, f) for f in CALENDAR_FIELDS)
        if changed and stored.status in OPEN_STATUSES:
            meeting.sequence = stored.sequence + 1
            resend = stored.status == MeetingStatus.CONVENED
    meeting.full_clean()
    meeting.save()
    if meeting.status == MeetingStatus.PLANNED:
        agenda_carry_over(meeting=meeting)
    if resend:  # the members' calendars update the event they were sent
        invitations_queue(meeting)
    return meeting


def meeting_create(*, council: Council, by: User, **fields: Any) -> Meeting:
    """A planned meeting of the council (fields: those of MEETING_FIELDS)."""
    meeting = Meeting(council=council)
    fields_set(meeting, fields, MEETING_FIELDS)
    return meeting_save(meeting=meeting, by=by)


@transaction.atomic
def meeting_update(*, meeting: Meeting, by: User, **changes: Any) -> Meeting:
    """Change a meeting that is planned or convened (fields: those of MEETING_FIELDS)."""
    meeting = _locked(meeting.pk)
    fields_set(meeting, changes, MEETING_FIELDS)
    return meeting_save(meeting=meeting, by=by)


@transaction.atomic
def meeting_transition(*, meeting: Meeting, to_status: str, by: User, reason: str = "") -> Meeting:
    """Move a meeting along its workflow; refused, with the reason, when it may not go there."""
    meeting = _locked(meeting.pk)
    if to_status not in MEETING_TRANSITIONS.get(meeting.status, frozenset()):
        raise ValidationError(
            {
                "status": _("A meeting that is %(from)s cannot become %(to)s.")
                % {
                    "from": meeting.get_status_display().lower(),
                    "to": MeetingStatus(to_status).label.lower()
                    if to_status in MeetingStatus.values
                    else to_status[:40],
                }
            }
        )
    now = timezone.now()
    if to_status == MeetingStatus.CONVENED:
        errors = {}
        if not meeting.agenda_items.exists():
            errors["agenda_items"] = _("Put at least one item on the agenda first.")
        if not meeting.place and not meeting.online_url:
            errors["place"] = _("Say where the meeting takes place, or give its online link.")
        if errors:
            raise ValidationError(errors)
        meeting.convened_at = now
    elif to_status == MeetingStatus.HELD:
        if meeting.starts_at > now:
            raise ValidationError({"status": _("The meeting has not started yet.")})
    elif to_status == MeetingStatus.CLOSED:
        if not meeting.attendance_not_recorded and not meeting.attendance.exists():
            raise ValidationError(
                {
                    "attendance": _(
                        "Record the attendance, or say that it was not recorded, before "
                        "closing the meeting."
                    )
                }
            )
    elif to_status == MeetingStatus.CANCELLED:
        if not reason.strip():
            raise ValidationError({"cancellation_reason": _("Say why the meeting is cancelled.")})
        meeting.cancellation_reason = reason
        meeting.sequence += 1  # calendars that have the event mark it cancelled
    meeting.status = to_status
    meeting.full_clean()
    meeting.save()
    if to_status == MeetingStatus.CONVENED:
        evidence_snapshot_take(meeting=meeting)
    if to_status == MeetingStatus.CANCELLED:
        # Those who have the invitation in their calendars are told, so it is marked cancelled.
        cancellations_queue(meeting)
    return meeting


@transaction.atomic
def agenda_item_save(*, item: AgendaItem, by: User) -> AgendaItem:
    """Save a new or changed agenda item while its meeting is planned or convened; a new item
    without a number goes to the end of the agenda."""
    meeting = _locked(item.meeting_id)
    item.meeting = meeting
    if item.order is None:
        last = meeting.agenda_items.aggregate(last=Max("order"))["last"]
        item.order = (last or 0) + 1
    item.full_clean()
    item.save()
    return item


def agenda_item_add(
    *, meeting: Meeting, by: User, public: bool | None = None, **fields: Any
) -> AgendaItem:
    """Add an item at the end of the agenda (or at `order`). `public` left out follows the
    meeting: the items of a public meeting are public, those of a split or closed one closed."""
    if public is None:
        public = meeting.visibility == Visibility.PUBLIC
    item = AgendaItem(meeting=meeting, public=public)
    fields_set(item, fields, AGENDA_ITEM_FIELDS)
    return agenda_item_save(item=item, by=by)


@transaction.atomic
def agenda_item_from_proposal(*, meeting: Meeting, proposal: SentProposal, by: User) -> AgendaItem:
    """Put a citizens' proposal, heard at an advisory meeting and sent to the council, on a
    meeting's agenda as an item for discussion; a proposal goes on one agenda only. Its text
    says where and when the proposal was heard: of an intervention the public may not read, it
    goes on a split or closed meeting's agenda only, where it is closed (the secretary may still
    open it, knowingly), never on a public meeting's, whose items are all public."""
    _locked(meeting.pk)
    already = AgendaItem.objects.filter(proposal=proposal.public_id).select_related("meeting")
    if already.exists():
        raise ValidationError(_("This proposal is already on an agenda."))
    if not proposal.intervention_public and meeting.visibility == Visibility.PUBLIC:
        raise ValidationError(
            _(
                "This proposal comes from an intervention the public may not read yet: put it "
                "on the agenda of a split or closed meeting."
            )
        )
    heard = _("Heard at %(place)s on %(day)s (intervention %(reference)s).") % {
        "place": proposal.place,
        "day": date_format(proposal.heard_on, "DATE_FORMAT"),
        "reference": proposal.intervention_reference,
    }
    title = _("Citizens' proposal: %(text)s") % {"text": " ".join(proposal.text.split())}
    if len(title) > limits.TITLE_MAX:
        title = title[: limits.TITLE_MAX - 1] + "…"
    item = agenda_item_add(
        meeting=meeting,
        by=by,
        title=title,
        text=f"{proposal.text}\n\n{heard}",
        kind=AgendaItemKind.CONSULTATION,
    )
    item.proposal = proposal.public_id
    item.full_clean()
    item.save(update_fields=["proposal"])
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, by: User, **changes: Any) -> AgendaItem:
    _locked(item.meeting_id)
    item = AgendaItem.objects.get(pk=item.pk)
    fields_set(item, changes, AGENDA_ITEM_FIELDS)
    item.carried_over = False  # edited by hand, it is the secretary's now
    return agenda_item_save(item=item, by=by)


def agenda_item_deletable(item: AgendaItem) -> bool:
    return item.meeting.status in OPEN_STATUSES and not item.decisions.exists()


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, by: User) -> None:
    """Take an item off the agenda (with its files) and number the rest 1, 2, … again."""
    meeting = _locked(item.meeting_id)
    if meeting.status not in OPEN_STATUSES:
        raise ValidationError(
            {
                "meeting": _("The meeting is %(status)s: its agenda no longer changes.")
                % {"status": meeting.get_status_display().lower()}
            }
        )
    if item.carried_over and item.recommendation_id is not None:
        # Taken off by the secretary: not carried over to this meeting again.
        meeting.carry_over_declined = [*meeting.carry_over_declined, item.recommendation_id]
        meeting.save(update_fields=["carry_over_declined"])
    files = _stored_files(item.attachments.all())
    item.delete()
    # In the same transaction: if numbering the rest fails, the item stays where it was.
    agenda_renumber(meeting)
    _files_delete_on_commit(files)


@transaction.atomic
def agenda_items_reorder(*, meeting: Meeting, by: User, order: list[int]) -> None:
    """Number the items 1, 2, … in the order of their ids in `order` (every item, once)."""
    meeting = _locked(meeting.pk)
    if meeting.status not in OPEN_STATUSES:
        raise ValidationError({"order": _("The agenda of a held meeting is fixed.")})
    items = {item.pk: item for item in meeting.agenda_items.all()}
    if sorted(order) != sorted(items):
        raise ValidationError({"order": _("Give every item of the agenda once.")})
    for position, pk in enumerate(order, start=1):
        items[pk].order = position
    # The uniqueness of (meeting, order) is checked at commit, so items may swap places.
    AgendaItem.objects.bulk_update(list(items.values()), ["order"])


def _title_problem(title: str) -> str:
    if "\x00" in title or any("\ud800" <= character <= "\udfff" for character in title):
        return str(_("The title holds characters that cannot be stored; type it again."))
    if not title.strip():
        return str(_("Give the file a title."))
    return ""


def _agenda_open(meeting: Meeting, field: str) -> None:
    if meeting.status not in OPEN_STATUSES:
        raise ValidationError(
            {
                field: _("The meeting is %(status)s: its agenda no longer changes.")
                % {"status": meeting.get_status_display().lower()}
            }
        )


@transaction.atomic
def agenda_attachment_add(
    *, item: AgendaItem, by: User, title: str, file: UploadedFile
) -> AgendaAttachment:
    """Attach a file to an item while its meeting is planned or convened (see
    `agenda_attachments_add`)."""
    (attachment,) = agenda_attachments_add(item=item, by=by, uploads=[(title, file)])
    return attachment


@transaction.atomic
def agenda_attachments_add(
    *, item: AgendaItem, by: User, uploads: Sequence[tuple[str, UploadedFile]]
) -> list[AgendaAttachment]:
    """Attach files, each with its title, to an item while its meeting is planned or convened.
    Each file is checked by its content (`councils.attachment_files`) and stored under a random
    name; a picture is stored as its pixels alone (`councils.attachment_pictures`: no EXIF, no
    GPS, no text), decoded before the meeting's row is locked (other writes to the meeting wait
    on the lock). Every file is checked before any is stored, so that one refused (a picture
    that cannot be read) leaves none of the others on disk without its row; a file stored
    before a later one's row fails is removed."""
    errors: dict[str, str] = {}
    checked = []
    for title, file in uploads:
        problems, stored = _attachment_checked(title, file)
        for field, problem in problems.items():
            if len(uploads) > 1:
                problem = f"{file.name}: {problem}"
            errors[field] = f"{errors[field]} {problem}" if field in errors else problem
        checked.append((title, file, stored))
    meeting = _locked(item.meeting_id)
    _agenda_open(meeting, "file")
    if errors:
        raise ValidationError(errors)
    attachments: list[AgendaAttachment] = []
    try:
        for title, file, stored in checked:
            attachment = AgendaAttachment(
                agenda_item=item, title=title.strip(), size=stored.size or 0, created_by=by
            )
            attachment.full_clean(exclude=["file", "created_by"])
            attachment.file.save(file.name or "attachment", stored, save=False)
            attachments.append(attachment)
            attachment.save()
    except BaseException:  # a worker's timeout (SystemExit) included
        for attachment in attachments:  # no file without its row
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
        raise
    return attachments


def _attachment_checked(title: str, file: UploadedFile) -> tuple[dict[str, str], File[bytes]]:
    """What is wrong with an upload, by field, and the file to store (a picture's pixels)."""
    errors = {}
    title_problem = _title_problem(title)
    if title_problem:
        errors["title"] = title_problem
    file_problem = attachment_problem(file)
    if file_problem:
        errors["file"] = file_problem
    stored: File[bytes] = file
    extension = extension_of(file.name or "")
    if not file_problem and extension in PICTURE_FORMATS:
        try:
            stored = picture_pixels_only(file, extension)
        except PictureUnreadable:
            errors["file"] = str(
                _("The picture cannot be read, or has too many pixels: save it again and retry.")
            )
        else:  # written again, a picture can grow (a palette's PNG, a JPEG of low quality)
            if (stored.size or 0) > limits.ATTACHMENT_MAX_BYTES:
                errors["file"] = attachment_too_large()
    return errors, stored


@transaction.atomic
def agenda_attachment_delete(*, attachment: AgendaAttachment, by: User) -> None:
    meeting = _locked(attachment.agenda_item.meeting_id)
    _agenda_open(meeting, "file")
    files = _stored_files([attachment])
    attachment.delete()
    _files_delete_on_commit(files)


def _stored_files(attachments: Iterable[AgendaAttachment]) -> list[tuple[Storage, str]]:
    return [(a.file.storage, a.file.name) for a in attachments if a.file.name]


def _files_delete_on_commit(files: list[tuple[Storage, str]]) -> None:
    """Remove the files once the rows are gone for good (kept if the transaction rolls back)."""
    for storage, name in files:
        transaction.on_commit(functools.partial(storage.delete, name))
