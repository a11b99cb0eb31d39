"""Supervisors' pages: the dashboard, the access log, break-glass access, subject access and
erasure. The directory of services is here too (every member reads it, supervisors edit it)."""

import datetime
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from victims.access_log_rows import access_log_rows
from victims.audit import access_log_write
from victims.dashboard import caseload_per_worker, open_referrals, waiting_times
from victims.forms import AuditFilterForm, EraseForm, ReasonForm, ServiceForm
from victims.models import AccessLog
from victims.selectors import (
    access_log_visible_to,
    break_glass_for_review,
    break_glass_unreviewed,
    case_behind_glass,
    cases_visible_to,
    is_supervisor,
    person_for_supervisor,
    service_for_supervisor,
    services_visible_to,
)
from victims.services import directory, privacy
from victims.views import tables
from victims.views._common import (
    errors_onto,
    form_page,
    saved,
    supervisor_page,
    unit_page,
    unit_user,
)


@require_GET
@supervisor_page
def dashboard(request: HttpRequest) -> HttpResponse:
    user = unit_user(request)
    since = timezone.localdate() - datetime.timedelta(days=365)
    referrals = list(open_referrals(user)[:200])
    unreviewed = list(break_glass_unreviewed(user))
    access_log_write(
        user=user,
        action=AccessLog.Action.LIST,
        cases={r.case for r in referrals} | {g.case for g in unreviewed},
        detail="dashboard",
    )
    return render(
        request,
        "victims/dashboard.html",
        {
            "waiting": waiting_times(since=since),
            "since": since,
            "caseload_table": tables.caseload_table(caseload_per_worker()),
            "referrals_table": tables.open_referrals_table(referrals),
            "break_glass_table": tables.break_glass_table(request, unreviewed),
            "open_cases": cases_visible_to(user).exclude(status="closed").count(),
        },
    )


@require_GET
@supervisor_page
def audit(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = access_log_visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["case"]:
            entries = entries.filter(case_reference__iexact=data["case"].strip())
        if data["user"]:
            entries = entries.filter(user_email__iexact=data["user"].strip())
        if data["break_glass"]:
            entries = entries.filter(break_glass=True)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    # Read before this read is logged: the page was counted without it, and the new row would
    # push the last one off the page.
    rows = access_log_rows(page.object_list)
    access_log_write(
        user=unit_user(request),
        action=AccessLog.Action.AUDIT,
        detail="filtered" if form.is_bound else "",
    )
    return render(
        request,
        "victims/audit.html",
        {"form": form, "page": page, "table": tables.log_table(rows)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["POST"])
@supervisor_page
def break_glass_review(request: HttpRequest, glass_id: uuid.UUID) -> HttpResponse:
    glass = break_glass_for_review(request.user, glass_id)
    try:
        privacy.break_glass_review(glass=glass, by=unit_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Marked as reviewed."))
    return redirect("victims:dashboard")


@require_http_methods(["GET", "POST"])
@supervisor_page
def break_glass(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = case_behind_glass(request.user, case_id)
    if cases_visible_to(request.user).filter(pk=case.pk).exists():
        return redirect("victims:case", case_id=case.pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.break_glass_open(
                case=case, user=unit_user(request), reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            errors_onto(form, exc)
        else:
            messages.warning(
                request,
                _(
                    "Break-glass access opened. It is logged, flagged and reviewed by "
                    "another supervisor."
                ),
            )
            return redirect("victims:case", case_id=case.pk)
    # Only the reference is shown before the glass is broken; showing it is a read all the same.
    access_log_write(
        user=unit_user(request),
        action=AccessLog.Action.VIEW,
        case=case,
        detail="break-glass page",
    )
    return form_page(request, "victims/break_glass.html", {"reference": case.reference}, form)


@require_GET
@supervisor_page
def person_export(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = person_for_supervisor(request.user, person_id)
    data = privacy.person_export(person=person, by=unit_user(request))
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{person.pk}.zip"'
    return response


@require_http_methods(["GET", "POST"])
@supervisor_page
def person_erase(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = person_for_supervisor(request.user, person_id)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = privacy.person_erase(
                person=person, by=unit_user(request), reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            errors_onto(form, exc)
        else:
            messages.success(
                request, _("Erased: %(n)s cases and everything in them.") % {"n": count}
            )
            return redirect("victims:cases")
    cases = list(person.cases.all())
    # The page names every case of the person: a read of each, as a list is.
    access_log_write(
        user=unit_user(request), action=AccessLog.Action.LIST, cases=cases, detail="erase page"
    )
    references = [case.reference for case in cases]
    return form_page(request, "victims/erase.html", {"references": references}, form)


@require_GET
@unit_page
def service_list(request: HttpRequest) -> HttpResponse:
    supervisor = is_supervisor(request.user)
    return render(
        request,
        "victims/service_list.html",
        {
            "table": tables.services_table(services_visible_to(request.user), supervisor),
            "supervisor": supervisor,
        },
    )


@require_http_methods(["GET", "POST"])
@supervisor_page
def service_edit(request: HttpRequest, service_id: uuid.UUID | None = None) -> HttpResponse:
    service = service_for_supervisor(request.user, service_id) if service_id else None
    form = ServiceForm(request.POST or None, instance=service)
    by = unit_user(request)
    if saved(
        request, form, lambda data: directory.service_save(by=by, service=service, fields=data)
    ):
        messages.success(request, _("Saved."))
        return redirect("victims:services")
    return form_page(request, "victims/service_edit.html", {"service": service}, form)
