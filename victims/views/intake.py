"""Citizens' requests for support, as the unit sees them."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from curim.reports.support import report_summary
from victims.audit import access_log_write
from victims.forms import IntakeOpenForm, ReasonForm
from victims.models import AccessLog, IntakeRequest
from victims.models.intake import unanswered_days
from victims.selectors import intake_request_for, intake_requests_visible_to
from victims.services import intake as intake_services
from victims.views import tables
from victims.views._common import errors_onto, unit_page, unit_user


@require_GET
@unit_page
def intake_list(request: HttpRequest) -> HttpResponse:
    requests = intake_requests_visible_to(request.user).filter(state=IntakeRequest.State.NEW)
    access_log_write(user=unit_user(request), action=AccessLog.Action.INTAKE, detail="intake list")
    return render(
        request,
        "victims/intake_list.html",
        {
            "table": tables.intake_table(requests),
            "unanswered_days": unanswered_days(),
        },
    )


@require_http_methods(["GET", "POST"])
@unit_page
def intake_detail(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    intake = intake_request_for(request.user, request_id)
    action = next((a for a in ("open", "decline") if a in request.POST), None)
    open_form = IntakeOpenForm(request.POST if action == "open" else None)
    decline_form = ReasonForm(request.POST if action == "decline" else None)
    # A POST naming neither action (a hand-made request) has no form to put its error on.
    action_error = ""
    if request.method == "POST" and action is None:
        action_error = _("Choose whether to open a case or close the request.")
    try:
        if action == "open" and open_form.is_valid():
            case = intake_services.intake_open(
                request=intake, by=unit_user(request), **open_form.cleaned_data
            )
            messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
            return redirect("victims:case", case_id=case.pk)
        if action == "decline" and decline_form.is_valid():
            intake_services.intake_decline(
                request=intake, by=unit_user(request), reason=decline_form.cleaned_data["reason"]
            )
            messages.success(request, _("Request closed without a case."))
            return redirect("victims:intake")
    except ValidationError as exc:
        errors_onto(open_form if action == "open" else decline_form, exc)
    except intake_services.IntakeRequestRemoved:
        # Removed unanswered by the nightly run since the page was read: nothing left to show.
        messages.warning(request, _("This request is no longer held: it was removed unanswered."))
        return redirect("victims:intake")
    failed = request.method == "POST"
    # Every render shows the request, a form with errors too: each is a read.
    access_log_write(
        user=unit_user(request), action=AccessLog.Action.INTAKE, detail=f"intake {intake.pk}"
    )
    report = report_summary(intake.details.get("report", ""))
    return render(
        request,
        "victims/intake_detail.html",
        {
            "intake": intake,
            "details": intake.details,
            "report": report,
            "open_form": open_form,
            "decline_form": decline_form,
            "action_error": action_error,
        },
        status=400 if failed else 200,
    )
