"""What the council's own pages of meetings share: finding a meeting through the reader's
scope (a member reads, a secretary writes; anybody else gets a 404), putting a service's
errors on a form, and answering a form with its errors."""

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from councils.models import AgendaItem, Meeting
from councils.selectors.meetings import meetings_kept_by, meetings_of_member
from curim.accounts.models import User

View = Callable[..., HttpResponseBase]


def manage_view(methods: list[str]) -> Callable[[View], View]:
    """Log in first, then the method (405 for another), then the view's own scope."""

    def decorate(view: View) -> View:
        return wraps(view)(login_required(require_http_methods(methods)(view)))

    return decorate


def actor(request: HttpRequest) -> User:
    """The signed-in user (every page here is behind login_required)."""
    return cast(User, request.user)


def posted(request: HttpRequest) -> Any:
    """The form's data on a POST (an empty POST too, so that it is refused), None on a GET."""
    return request.POST if request.method == "POST" else None


def meeting_read(request: HttpRequest, meeting_id: uuid.UUID) -> Meeting:
    return get_object_or_404(meetings_of_member(request.user), pk=meeting_id)


def meeting_kept(request: HttpRequest, meeting_id: uuid.UUID) -> Meeting:
    return get_object_or_404(meetings_kept_by(request.user), pk=meeting_id)


def agenda_item_numbered(meeting: Meeting, order: int) -> AgendaItem:
    """An item of the meeting by its number on the agenda (a 404 for another number)."""
    return get_object_or_404(meeting.agenda_items, order=order)


def errors_onto(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's ValidationError on the form: on its field where the form has it."""
    if hasattr(error, "error_dict"):
        for name, texts in error.message_dict.items():
            form.add_error(name if name in form.fields else None, texts)
    else:
        form.add_error(None, error.messages)


def saved(form: forms.BaseForm, save: Callable[[], Any]) -> bool:
    """On a valid form, `save()`; False with the service's errors on the form otherwise."""
    if not form.is_valid():
        return False
    try:
        save()
    except ValidationError as error:
        errors_onto(form, error)
        return False
    return True


def form_page(
    request: HttpRequest, template: str, context: dict[str, Any], form: forms.BaseForm
) -> HttpResponse:
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


def back_to(meeting: Meeting, anchor: str = "") -> HttpResponseRedirect:
    response = redirect("councils:manage_meeting", meeting.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def action_done(
    request: HttpRequest, meeting: Meeting, action: Callable[[], Any], done: str, anchor: str = ""
) -> HttpResponse:
    """A button's POST: do it and say so, or say why not (a banner), back on the meeting."""
    try:
        action()
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, done)
    return back_to(meeting, anchor)
