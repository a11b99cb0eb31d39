"""The files of an agenda item on the council's own pages: the secretary attaches and removes
them while the meeting is planned or convened (as the items themselves); the council's members
download every one of their meetings' files, closed items' included."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from councils.attachment_files import attachment_too_large
from councils.forms import AttachmentForm
from councils.models import AgendaItem, Meeting
from councils.models.meetings import OPEN_STATUSES
from councils.selectors.meetings import attachments_kept_by, attachments_of_member
from councils.services.meetings import agenda_attachment_add, agenda_attachment_delete
from councils.uploads import AttachmentSizeLimit, upload_too_large
from councils.views.attachment_files import attachment_download
from councils.views.manage_common import (
    actor,
    agenda_item_numbered,
    form_page,
    manage_view,
    meeting_kept,
    meeting_read,
    posted,
    saved,
)

TEMPLATE = "councils/manage/attachments.html"


def _page(meeting: Meeting, item: AgendaItem) -> HttpResponse:
    return redirect("councils:manage_item_attachments", meeting.pk, item.order)


@csrf_exempt  # only to put the size limit before the upload is read: the page checks the token
def item_attachments(request: HttpRequest, meeting_id: uuid.UUID, order: int) -> HttpResponseBase:
    request.upload_handlers = [AttachmentSizeLimit(request), *request.upload_handlers]
    return _item_attachments(request, meeting_id=meeting_id, order=order)


@manage_view(["GET", "HEAD", "POST"])
@csrf_protect
def _item_attachments(request: HttpRequest, meeting_id: uuid.UUID, order: int) -> HttpResponse:
    """The item's files, and a form to attach one (a title and the file)."""
    meeting = meeting_kept(request, meeting_id)
    item = agenda_item_numbered(meeting, order)
    form = AttachmentForm(posted(request), request.FILES if request.method == "POST" else None)

    def save() -> None:
        data = form.cleaned_data
        agenda_attachment_add(item=item, by=actor(request), title=data["title"], file=data["file"])

    if request.method == "POST":
        if upload_too_large(request):
            form.is_valid()
            form.errors["file"] = form.error_class([attachment_too_large()])
        elif saved(form, save):
            messages.success(request, _("The file is attached."))
            return _page(meeting, item)
    context = {
        "meeting": meeting,
        "item": item,
        "attachments": list(item.attachments.order_by("created_at", "pk")),
        "agenda_open": meeting.status in OPEN_STATUSES,
    }
    return form_page(request, TEMPLATE, context, form)


@manage_view(["POST"])
def attachment_delete(
    request: HttpRequest, meeting_id: uuid.UUID, order: int, attachment_id: uuid.UUID
) -> HttpResponse:
    meeting = meeting_kept(request, meeting_id)
    item = agenda_item_numbered(meeting, order)
    attachment = get_object_or_404(
        attachments_kept_by(request.user), agenda_item=item, public_id=attachment_id
    )
    try:
        agenda_attachment_delete(attachment=attachment, by=actor(request))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The file is removed."))
    return _page(meeting, item)


@manage_view(["GET", "HEAD"])
def attachment_file(
    request: HttpRequest, meeting_id: uuid.UUID, attachment_id: uuid.UUID
) -> FileResponse:
    """A file of one of the member's meetings, a closed item's too (a 404 for anybody else)."""
    meeting = meeting_read(request, meeting_id)
    attachment = get_object_or_404(
        attachments_of_member(request.user), agenda_item__meeting=meeting, public_id=attachment_id
    )
    response = attachment_download(attachment.title, attachment.file)
    patch_cache_control(response, private=True, no_store=True)
    return response
