"""Survey pages: the open waves, answering one (save and continue), and paper entry by staff."""

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from curim.accounts.models import User
from curim.accounts.roles import Role, user_has_role
from curim.core.client import client_address
from surveys.answers import Definition, Raw, answers_parse
from surveys.forms import form_parts, raw_from_post, raw_from_response
from surveys.models import Invitation, Response
from surveys.selectors import (
    invitation_for,
    response_begun_with,
    response_resumed,
    survey_for_staff,
    survey_open,
    surveys_open,
)
from surveys.services.responses import response_limit_reached, response_save

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
    # The link continues on another device; on a wave by invitation it carries the token too.
    link = request.build_absolute_uri(
        reverse("surveys:respond", args=[survey.code])
        + f"?resume={resume_key}"
        + (f"&token={token}" if token else "")
    )
    messages.success(
        request,
        _("Saved. To continue later on another device, keep this link: %(link)s") % {"link": link},
    )
    saved = redirect(reverse("surveys:respond", args=[survey.code]) + _token_query(token))
    saved.set_cookie(
        cookie,
        resume_key,
        max_age=RESUME_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return saved


@require_safe
def survey_thanks(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "surveys/thanks.html", {"survey": survey_open(code)})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def survey_paper(request: HttpRequest, code: str) -> HttpResponse:
    """Staff type in a paper questionnaire through the same form (open or closed waves)."""
    survey = survey_for_staff(request.user, code)
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
    context = {
        "survey": definition.survey,
        "parts": form_parts(definition, raw, errors),
        "errors": errors,
        "token": token,
        "paper": paper,
        "staff_may_enter": user_has_role(request.user, Role.ANALYST, Role.ADMIN),
    }
    return render(request, "surveys/respond.html", context, status=status)


def _token_query(token: str) -> str:
    return f"?token={token}" if token else ""
