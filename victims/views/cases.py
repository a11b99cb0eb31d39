"""The case list, opening a case, the case page, and moving a case through its stages."""

import re
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from victims.audit import access_log_write
from victims.forms import (
    AssignForm,
    CaseDetailsForm,
    CaseFilterForm,
    CaseForm,
    CloseForm,
    PersonForm,
    ReasonForm,
    StatusForm,
)
from victims.models import AccessLog, Assignment, Case, ConsentScope, Status
from victims.selectors import (
    case_to_change,
    cases_changeable_by,
    cases_visible_to,
    is_supervisor,
)
from victims.services import cases as case_services
from victims.timeline import case_timeline
from victims.views import tables
from victims.views._common import (
    case_for_page,
    case_read,
    errors_onto,
    form_page,
    saved,
    supervisor_page,
    unit_page,
    unit_user,
)

PAGE_SIZE = 50
REFERENCE = re.compile(r"[A-Z0-9-]{1,20}")


@require_http_methods(["GET", "POST"])
@unit_page
def case_list(request: HttpRequest) -> HttpResponse:
    """Open cases on a GET; filtered ones on a POST. Filters never come in the URL: a name typed
    into the search box would land in the server's and proxies' logs and the browser's history."""
    posted = request.method == "POST"
    form = CaseFilterForm(request.POST if posted else None)
    cases = cases_visible_to(request.user).select_related("person", "district")
    if form.is_valid():
        data = form.cleaned_data
        for name in ("status", "offence_type", "risk_level", "source"):
            if data[name]:
                cases = cases.filter(**{name: data[name]})
        if data["q"]:
            cases = cases.filter(reference__icontains=data["q"].strip())
        if data["worker"]:
            cases = cases.filter(
                assignments__worker=data["worker"], assignments__ended_at__isnull=True
            )
    elif form.is_bound:
        cases = cases.none()
    else:
        cases = cases.exclude(status=Status.CLOSED)
    page = Paginator(cases.distinct().order_by("-intake_date", "-created_at"), PAGE_SIZE).get_page(
        (request.POST if posted else request.GET).get("page")
    )
    access_log_write(
        user=unit_user(request),
        action=AccessLog.Action.LIST,
        cases=page.object_list,
        detail=filters_described(form),
    )
    return render(
        request,
        "victims/case_list.html",
        {
            "form": form,
            "page": page,
            "table": tables.cases_table(page.object_list),
            "supervisor": is_supervisor(request.user),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@unit_page
def case_new(request: HttpRequest) -> HttpResponse:
    person_form = PersonForm(request.POST or None, prefix="person")
    case_form = CaseForm(request.POST or None, prefix="case")
    if request.method == "POST" and person_form.is_valid() and case_form.is_valid():
        data = case_form.cleaned_data
        try:
            case = case_services.case_open(
                by=unit_user(request),
                person_fields=person_form.person_fields(),
                intake_date=data["intake_date"],
                source=data["source"],
                offence_type=data["offence_type"],
                risk_level=data["risk_level"],
                district=data["district"],
                referring_organisation=data["referring_organisation"],
                summary=data["summary"],
                restricted=data["restricted"],
                profession=data["profession"],
            )
        except ValidationError as exc:
            errors_onto(case_form, exc)
        else:
            messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
            return redirect("victims:case", case_id=case.pk)
    failed = bool(person_form.errors or case_form.errors)
    return render(
        request,
        "victims/case_new.html",
        {"person_form": person_form, "case_form": case_form},
        status=400 if failed else 200,
    )


@require_GET
@unit_page
def case_detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = case_read(request, case_id, "case page")
    # Break-glass access is for reading: its reader is offered no change.
    changes = cases_changeable_by(request.user).filter(pk=case.pk).exists()
    return render(
        request,
        "victims/case_detail.html",
        {
            "case": case,
            "changes": changes,
            "person": case.person,
            "timeline": case_timeline(case),
            "assignments": case.assignments.filter(ended_at__isnull=True).select_related("worker"),
            "consents_table": tables.consents_table(
                request, case, case.consents.select_related("service", "text"), changes=changes
            ),
            "referrals_table": tables.referrals_table(
                case, case.referrals.select_related("service"), changes=changes
            ),
            "documents": case.documents.all(),
            "supervisor": is_supervisor(request.user),
            "status_form": StatusForm(),
            "scopes": ConsentScope,
        },
    )


@require_http_methods(["GET", "POST"])
@unit_page
def case_edit(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = case_for_page(request, case_id, "edit page")
    person = case.person
    if person is None:  # anonymised: out of scope, and nobody left to edit
        raise Http404
    person_form = PersonForm(
        request.POST or None, prefix="person", initial=PersonForm.initial_from(person)
    )
    details_form = CaseDetailsForm(
        request.POST or None,
        prefix="case",
        initial={
            "offence_type": case.offence_type,
            "risk_level": case.risk_level,
            "district": case.district,
            "referring_organisation": case.referring_organisation,
            "summary": case.summary,
        },
    )
    if request.method == "POST" and person_form.is_valid() and details_form.is_valid():
        by = unit_user(request)
        try:
            with transaction.atomic():
                _edit_save(case, person, by, person_form, details_form)
        except ValidationError as exc:
            errors_onto(details_form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("victims:case", case_id=case.pk)
    failed = bool(person_form.errors or details_form.errors)
    return render(
        request,
        "victims/case_edit.html",
        {"case": case, "person_form": person_form, "case_form": details_form},
        status=400 if failed else 200,
    )


def _edit_save(
    case: Case, person: Any, by: Any, person_form: PersonForm, details_form: CaseDetailsForm
) -> None:
    if person_form.has_changed():
        case_services.person_update(
            person=person, by=by, case=case, fields=person_form.person_fields()
        )
    if details_form.has_changed():
        case_services.case_details_update(
            case=case,
            by=by,
            fields={k: details_form.cleaned_data[k] for k in details_form.changed_data},
        )


def filters_described(form: CaseFilterForm) -> str:
    """The filters of a list, for the access log: validated codes only, never free text
    (someone may type a name into the reference box)."""
    if not form.is_bound:
        return "open cases"
    if not form.is_valid():
        return "invalid filter"
    data = form.cleaned_data
    parts = [
        f"{k}={data[k]}" for k in ("status", "offence_type", "risk_level", "source") if data[k]
    ]
    if data["worker"]:
        parts.append(f"worker={data['worker'].email}")
    if data["q"] and REFERENCE.fullmatch(data["q"].strip().upper()):
        parts.append(f"q={data['q'].strip().upper()}")
    return " ".join(parts)[:200]


@require_POST
@unit_page
def case_status(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = case_to_change(request.user, case_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            case_services.case_status_change(
                case=case,
                by=unit_user(request),
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            errors_onto(form, exc)
        else:
            messages.success(
                request, _("The case moved to %(status)s.") % {"status": case.get_status_display()}
            )
            return redirect("victims:case", case_id=case.pk)
    return form_page(
        request, "victims/action.html", {"case": case, "title": _("Change the stage")}, form
    )


@require_http_methods(["GET", "POST"])
@unit_page
def case_close(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = case_for_page(request, case_id, "close page")
    form = CloseForm(request.POST or None)
    by = unit_user(request)
    if saved(request, form, lambda data: case_services.case_close(case=case, by=by, **data)):
        messages.success(request, _("Case closed."))
        return redirect("victims:case", case_id=case.pk)
    return form_page(
        request, "victims/action.html", {"case": case, "title": _("Close the case")}, form
    )


@require_http_methods(["GET", "POST"])
@unit_page
def case_reopen(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = case_for_page(request, case_id, "reopen page")
    form = ReasonForm(request.POST or None)
    by = unit_user(request)
    if saved(
        request, form, lambda data: case_services.case_reopen(case=case, by=by, note=data["reason"])
    ):
        messages.success(request, _("Case reopened."))
        return redirect("victims:case", case_id=case.pk)
    return form_page(
        request, "victims/action.html", {"case": case, "title": _("Reopen the case")}, form
    )


@require_http_methods(["GET", "POST"])
@supervisor_page
def case_assign(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = case_for_page(request, case_id, "assign page")
    form = AssignForm(request.POST or None)
    by = unit_user(request)
    if saved(request, form, lambda data: case_services.assignment_add(case=case, by=by, **data)):
        messages.success(request, _("Worker assigned."))
        return redirect("victims:case", case_id=case.pk)
    return form_page(
        request, "victims/action.html", {"case": case, "title": _("Assign a case worker")}, form
    )


@require_POST
@supervisor_page
def assignment_end(request: HttpRequest, case_id: uuid.UUID, worker_id: uuid.UUID) -> HttpResponse:
    case = case_to_change(request.user, case_id)
    assignment = get_object_or_404(
        Assignment.objects.select_related("worker", "case"),
        worker__public_id=worker_id,
        case=case,
        ended_at__isnull=True,
    )
    case_services.assignment_end(assignment=assignment, by=unit_user(request))
    messages.success(request, _("Assignment ended."))
    return redirect("victims:case", case_id=case.pk)
