"""The agenda builder of a meeting (add, edit, delete and move items) and the decisions taken
on its items, for the council's secretary. An item is named by its number on the agenda."""

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from councils.forms import AgendaItemForm, DecisionForm
from councils.models import AgendaItem
from councils.services.decisions import decision_record
from councils.services.meetings import (
    agenda_item_add,
    agenda_item_delete,
    agenda_item_from_proposal,
    agenda_item_update,
    agenda_items_reorder,
)
from councils.views.manage_common import (
    action_done,
    actor,
    agenda_item_numbered,
    back_to,
    form_page,
    manage_view,
    meeting_kept,
    posted,
    saved,
)
from interventions.selectors import proposal_sent

ITEM_TEMPLATE = "councils/manage/item_form.html"


@manage_view(["GET", "HEAD", "POST"])
def item_new(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = meeting_kept(request, meeting_id)
    instance = AgendaItem(meeting=meeting, public=meeting.visibility == "public")
    form = AgendaItemForm(posted(request), instance=instance, meeting=meeting)

    def save() -> None:
        agenda_item_add(meeting=meeting, by=actor(request), **form.cleaned_data)

    if request.method == "POST" and saved(form, save):
        return back_to(meeting, "agenda")
    return form_page(request, ITEM_TEMPLATE, {"meeting": meeting, "item": None}, form)


@manage_view(["GET", "HEAD", "POST"])
def item_edit(request: HttpRequest, meeting_id: uuid.UUID, order: int) -> HttpResponse:
    meeting = meeting_kept(request, meeting_id)
    item = agenda_item_numbered(meeting, order)
    form = AgendaItemForm(posted(request), instance=item, meeting=meeting)

    def save() -> None:
        agenda_item_update(item=item, by=actor(request), **form.cleaned_data)

    if request.method == "POST" and saved(form, save):
        return back_to(meeting, "agenda")
    return form_page(request, ITEM_TEMPLATE, {"meeting": meeting, "item": item}, form)


@manage_view(["POST"])
def item_delete(request: HttpRequest, meeting_id: uuid.UUID, order: int) -> HttpResponse:
    meeting = meeting_kept(request, meeting_id)
    item = agenda_item_numbered(meeting, order)

    return action_done(
        request,
        meeting,
        lambda: agenda_item_delete(item=item, by=actor(request)),
        _("The item is taken off the agenda."),
        anchor="agenda",
    )


@manage_view(["POST"])
def item_move(request: HttpRequest, meeting_id: uuid.UUID, order: int) -> HttpResponse:
    """Move an item one place up or down (`direction`: up or down)."""
    meeting = meeting_kept(request, meeting_id)
    item = agenda_item_numbered(meeting, order)
    ids = list(meeting.agenda_items.order_by("order").values_list("pk", flat=True))
    at = ids.index(item.pk)
    other = at - 1 if request.POST.get("direction") == "up" else at + 1
    if not 0 <= other < len(ids):
        return back_to(meeting, "agenda")
    ids[at], ids[other] = ids[other], ids[at]
    return action_done(
        request,
        meeting,
        lambda: agenda_items_reorder(meeting=meeting, by=actor(request), order=ids),
        _("The agenda is reordered."),
        anchor="agenda",
    )


@manage_view(["GET", "HEAD", "POST"])
def decision_new(request: HttpRequest, meeting_id: uuid.UUID, order: int) -> HttpResponse:
    meeting = meeting_kept(request, meeting_id)
    item = agenda_item_numbered(meeting, order)
    form = DecisionForm(posted(request))
    form.instance.agenda_item = item

    def save() -> None:
        decision_record(agenda_item=item, by=actor(request), **form.cleaned_data)

    if request.method == "POST" and saved(form, save):
        return back_to(meeting, "agenda")
    context = {"meeting": meeting, "item": item}
    return form_page(request, "councils/manage/decision_form.html", context, form)


@manage_view(["POST"])
def item_from_proposal(
    request: HttpRequest, meeting_id: uuid.UUID, proposal_id: uuid.UUID
) -> HttpResponse:
    """Put a citizens' proposal, sent from an advisory meeting, on this meeting's agenda (one
    sent to this council: of an intervention in its area; any other is a 404)."""
    meeting = meeting_kept(request, meeting_id)
    proposal = proposal_sent(proposal_id, area_id=meeting.council.area_id)
    if proposal is None:
        raise Http404
    return action_done(
        request,
        meeting,
        lambda: agenda_item_from_proposal(meeting=meeting, proposal=proposal, by=actor(request)),
        _("The proposal is on the agenda."),
        "agenda",
    )
