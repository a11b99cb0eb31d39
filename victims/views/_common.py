"""What every unit page shares: who may open it, no caching, and reads that leave a trace."""

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from curim.accounts.models import User
from curim.accounts.twofactor import twofactor_required
from victims.audit import access_log_write
from victims.models import AccessLog, Case
from victims.selectors import (
    case_for,
    case_opened_by_glass,
    case_to_change,
    is_supervisor,
    is_unit_member,
)

View = Callable[..., HttpResponseBase]


def _guard(view: View, *, supervisor: bool) -> View:
    inner = twofactor_required(cast(Callable[..., HttpResponse], view))

    # Role first (outsiders get 404, not an enrolment page), then the second factor.
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        allowed = is_supervisor(request.user) if supervisor else is_unit_member(request.user)
        if not allowed:
            raise Http404
        return cast(HttpResponseBase, inner(request, *args, **kwargs))

    return never_cache(guarded)


def unit_page(view: View) -> View:
    """Anonymous → log in; not in the unit → 404; no second factor yet → enrol or verify.
    Every answer, redirects included, carries Cache-Control: no-store."""
    return _guard(view, supervisor=False)


def supervisor_page(view: View) -> View:
    """As unit_page, for supervisors only (case workers get 404 too)."""
    return _guard(view, supervisor=True)


def unit_user(request: HttpRequest) -> User:
    return cast(User, request.user)  # unit_page: always a signed-in member here


def case_read(request: HttpRequest, case_id: Any, page: str) -> Case:
    """The case in the user's scope (404 otherwise), with one access-log row for this read."""
    case = case_for(request.user, case_id)
    access_log_write(
        user=unit_user(request),
        action=AccessLog.Action.VIEW,
        case=case,
        detail=page,
        break_glass=case_opened_by_glass(request.user, case),
    )
    return case


def case_for_page(request: HttpRequest, case_id: Any, page: str) -> Case:
    """The case of a page that changes it, or 404 (break-glass access is for reading: a
    restricted case opened by it is a 404 here, `case_to_change`). A GET shows the form
    (logged as a read); a POST's change is logged by its service."""
    case = case_to_change(request.user, case_id)
    if request.method == "GET":
        access_log_write(
            user=unit_user(request), action=AccessLog.Action.VIEW, case=case, detail=page
        )
    return case


def saved(
    request: HttpRequest, form: forms.BaseForm, save: Callable[[dict[str, Any]], object]
) -> bool:
    """On a valid POST, `save(cleaned_data)`; True once done, else False with the service's
    errors on the form."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as exc:
        errors_onto(form, exc)
        return False
    return True


def errors_onto(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's ValidationError shown on the form: per field where it names one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def form_page(
    request: HttpRequest, template: str, context: dict[str, Any], form: forms.BaseForm
) -> HttpResponse:
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)
