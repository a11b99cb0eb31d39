"""Survey pages: the open waves, answering one (save and continue), and paper entry by staff."""

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from curim.accounts.models import User
from curim.accounts.roles import Role, user_has_role
from curim.core.client import client_address
from surveys.answers import Definition, Raw, answers_parse
from surveys.forms import (
    ResumeEmailForm,
    error_summary_items,
    form_parts,
    raw_from_post,
    raw_from_response,
)
from surveys.models import Invitation, Response, Survey
from surveys.selectors import (
    invitation_for,
    response_begun_with,
    response_resumed,
    survey_for_staff,
    survey_open,
    surveys_open,
)
from surveys.services.responses import response_limit_reached, response_save
from surveys.services.resume import (
    ResumeEmailNotSent,
    resume_email_limit_reached,
    resume_link_email_send,
)
from surveys.views.frozen import frozen_page

RESUME_DAYS = 30


@require_safe
def survey_list(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/list.html", {"surveys": surveys_open()})


@never_cache
@require_http_methods(["GET", "POST"])
def survey_respond(request: HttpRequest, code: str) -> HttpResponse:
    """Answer a wave: anonymous, one page of sections, save to continue later, or send."""
    survey = survey_open(code)
    token = (request.POST.get("token") or request.GET.get("token") or "").strip()
    invitation: Invitation | None = None
    if survey.uses_invitations:
        invitation = invitation_for(survey=survey, token=token) if token else None
        if invitation is None:
            return render(request, "surveys/invitation.html", {"survey": survey}, status=403)
    cookie = f"survey-{survey.code}"
    key = request.GET.get("resume") or request.COOKIES.get(cookie) or ""
    resumed = response_resumed(survey=survey, key=key) if key else None
    if resumed is None and invitation is not None:
        resumed = response_begun_with(invitation=invitation)
    definition = Definition.load(survey)
    if request.method == "GET":
        raw = raw_from_response(resumed) if resumed else {}
        return _form(request, definition, raw, {}, token=token)

    if request.POST.get("website"):  # only bots fill the hidden field
        return redirect("surveys:thanks", code=survey.code)
    if not survey.uses_invitations and response_limit_reached(
        client_address=client_address(request)
    ):
        return render(request, "surveys/too_many.html", {"survey": survey}, status=429)
    sending = request.POST.get("action") == "send"
    raw = raw_from_post(definition, request.POST)
    parsed = answers_parse(definition, raw, complete=sending, unknown_allowed=True)
    if parsed.errors:
        return _form(request, definition, raw, parsed.errors, token=token, status=400)
    _saved, new_key = response_save(
        survey=survey,
        parsed=parsed,
        complete=sending,
        source=Response.Source.WEB,
        response=resumed,
        invitation=invitation,
    )
    if sending:
        done = redirect("surveys:thanks", code=survey.code)
        done.delete_cookie(cookie)
        return done
    resume_key = new_key or key
    # The confirmation page shows the link that continues on another device (on a wave by
    # invitation the token, which finds the response too, goes with it).
    saved = redirect(_saved_path(survey.code, resume_key, token))
    saved.set_cookie(
        cookie,
        resume_key,
        max_age=RESUME_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return saved


@never_cache
@sensitive_post_parameters("email")
@require_http_methods(["GET", "POST"])
def survey_saved(request: HttpRequest, code: str) -> HttpResponse:
    """The answers are saved: the link that continues them (to copy, or to e-mail to oneself,
    from a form whose address is used once and not kept)."""
    survey = survey_open(code)
    key = request.GET.get("resume", "")
    token = request.GET.get("token", "")
    if _saved_response(survey, key, token) is None:  # sent meanwhile, or a wrong link
        return redirect(reverse("surveys:respond", args=[survey.code]) + _token_query(token))
    path = reverse("surveys:respond", args=[survey.code]) + _resume_query(key, token)
    form = ResumeEmailForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and resume_email_limit_reached(
            client_address=client_address(request), resume_key=key
        ):
            form.add_error(None, TOO_MANY_EMAILS)
            status = 429
        elif form.is_valid():
            try:
                resume_link_email_send(survey=survey, path=path, address=form.cleaned_data["email"])
            except ResumeEmailNotSent:
                form.add_error("email", EMAIL_NOT_SENT)
                status = 503
            else:
                messages.success(request, EMAIL_SENT)
                return redirect(request.get_full_path())
    context = {"survey": survey, "form": form, "link": request.build_absolute_uri(path)}
    return render(request, "surveys/saved.html", context, status=status)


TOO_MANY_EMAILS = gettext_lazy(
    "Too many e-mails were asked for from your address in the last hour. "
    "Copy the link instead, or try again later."
)
EMAIL_NOT_SENT = gettext_lazy(
    "The e-mail could not be sent to that address. Check it, or copy the link instead."
)
EMAIL_SENT = gettext_lazy(
    "The link is on its way to the address you gave. We did not keep the address."
)


def _resume_query(key: str, token: str) -> str:
    return "?" + urlencode({"resume": key, "token": token}.items() if token else {"resume": key})


def _saved_path(code: str, key: str, token: str) -> str:
    return reverse("surveys:saved", args=[code]) + _resume_query(key, token)


def _saved_response(survey: Survey, key: str, token: str) -> Response | None:
    """The saved response the page's key (or, on a wave by invitation, its token) finds."""
    invitation = None
    if survey.uses_invitations:
        invitation = invitation_for(survey=survey, token=token) if token else None
        if invitation is None:
            return None
    resumed = response_resumed(survey=survey, key=key) if key else None
    if resumed is None and invitation is not None:
        resumed = response_begun_with(invitation=invitation)
    return resumed


@require_safe
def survey_thanks(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "surveys/thanks.html", {"survey": survey_open(code)})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def survey_paper(request: HttpRequest, code: str) -> HttpResponse:
    """Staff type in a paper questionnaire through the same form (open or closed waves)."""
    survey = survey_for_staff(request.user, code)
    if survey.results_published:
        return frozen_page(request, survey)
    definition = Definition.load(survey)
    if request.method == "GET":
        return _form(request, definition, {}, {}, paper=True)
    raw = raw_from_post(definition, request.POST)
    parsed = answers_parse(definition, raw, complete=True, unknown_allowed=True)
    if parsed.errors:
        return _form(request, definition, raw, parsed.errors, paper=True, status=400)
    response_save(
        survey=survey,
        parsed=parsed,
        complete=True,
        source=Response.Source.PAPER,
        entered_by=cast(User, request.user),
    )
    messages.success(request, _("The questionnaire is saved. You can enter the next one."))
    return redirect("surveys:paper", code=survey.code)


def _form(
    request: HttpRequest,
    definition: Definition,
    raw: dict[str, Raw],
    errors: dict[str, list[str]],
    *,
    token: str = "",
    paper: bool = False,
    status: int = 200,
) -> HttpResponse:
    parts = form_parts(definition, raw, errors)
    context = {
        "survey": definition.survey,
        "parts": parts,
        "summary": error_summary_items(parts),
        "token": token,
        "paper": paper,
        "staff_may_enter": user_has_role(request.user, Role.ANALYST, Role.ADMIN),
    }
    return render(request, "surveys/respond.html", context, status=status)


def _token_query(token: str) -> str:
    return f"?token={token}" if token else ""
