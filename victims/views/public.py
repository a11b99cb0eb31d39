"""The citizens' help page, with its quick-exit button, and the request to be contacted."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from curim.core.client import client_address
from curim.core.ratelimit import rate_limit_exceeded
from curim.reports.support import support_token_read
from victims.forms import SupportRequestForm
from victims.models import ConsentScope
from victims.models.intake import unanswered_days
from victims.services.intake import intake_request_submit
from victims.services.support import consent_text_current
from victims.views._common import errors_onto

REQUESTS_PER_HOUR = 5


def _quick_exit() -> dict[str, str]:
    return {"quick_exit_url": settings.VSU_QUICK_EXIT_URL}


# Every /support/ page is no-store: a page about help for victims of crime, left in a shared
# browser's cache or history, can itself put someone at risk.
@never_cache
@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "victims/help.html", _quick_exit())


@never_cache  # what a citizen typed must not linger in a shared browser's cache
@require_http_methods(["GET", "POST"])
def support_request(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("report") or request.GET.get("report") or ""
    report_id = support_token_read(token) if token else None
    form = SupportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["website"]:
            return redirect("victims:support_request_sent")  # a bot: keep nothing
        address = client_address(request) or "unknown"
        if rate_limit_exceeded(
            scope="vsu-request", key=address, limit=REQUESTS_PER_HOUR, window_s=3600
        ):
            form.add_error(None, _too_many())
        else:
            try:
                intake_request_submit(
                    name=data["name"],
                    phone=data["phone"],
                    email=data["email"],
                    channel=data["channel"],
                    safe_times=data["safe_times"],
                    message=data["message"],
                    report_id=report_id or "",
                )
            except ValidationError as exc:
                errors_onto(form, exc)
            else:
                return redirect("victims:support_request_sent")
    return render(
        request,
        "victims/support_request.html",
        {
            **_quick_exit(),
            "form": form,
            "report_token": token if report_id else "",
            "processing_text": consent_text_current(ConsentScope.PROCESSING),
            "contact_text": consent_text_current(ConsentScope.CONTACT),
            "unanswered_days": unanswered_days(),
        },
        status=400 if form.errors else 200,
    )


def _too_many() -> str:
    return _("Too many requests from your connection. Please call the unit instead.")


@never_cache
@require_GET
def support_request_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "victims/support_request_sent.html", _quick_exit())
