"""The daily work on a case: sessions, consents, referrals and documents."""

import uuid
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from victims.audit import access_log_write
from victims.forms import ConsentForm, DocumentForm, ReferralForm, ReferralUpdateForm, SessionForm
from victims.models import AccessLog, ConsentScope
from victims.selectors import case_for, case_opened_by_glass, case_to_change
from victims.services import support
from victims.uploads import InMemoryDocumentHandler
from victims.views._common import (
    case_for_page,
    form_page,
    saved,
    unit_page,
    unit_user,
)


@require_http_methods(["GET", "POST"])
@unit_page
def session_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = case_for_page(request, case_id, "session form")
    form = SessionForm(
        request.POST or None,
        initial={"held_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    by = unit_user(request)
    if saved(request, form, lambda data: support.session_record(case=case, by=by, **data)):
        messages.success(request, _("Session recorded."))
        return redirect("victims:case", case_id=case.pk)
    return form_page(
        request,
        "victims/action.html",
        {"case": case, "title": _("Record a session or contact"), "wide": True},
        form,
    )


@require_http_methods(["GET", "POST"])
@unit_page
def consent_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = case_for_page(request, case_id, "consent form")
    form = ConsentForm(request.POST or None, initial={"scope": request.GET.get("scope", "")})
    by = unit_user(request)
    if saved(request, form, lambda data: support.consent_record(case=case, by=by, **data)):
        messages.success(request, _("Consent recorded."))
        return redirect("victims:case", case_id=case.pk)
    texts = {scope: support.consent_text_current(scope) for scope in ConsentScope.values}
    return form_page(
        request,
        "victims/consent_new.html",
        {"case": case, "title": _("Record consent"), "texts": texts},
        form,
    )


@require_POST
@unit_page
def consent_withdraw(
    request: HttpRequest, case_id: uuid.UUID, consent_id: uuid.UUID
) -> HttpResponse:
    case = case_to_change(request.user, case_id)
    consent = get_object_or_404(case.consents, pk=consent_id)
    try:
        support.consent_withdraw(consent=consent, by=unit_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Consent withdrawn. What it allowed has stopped."))
    return redirect("victims:case", case_id=case.pk)


@require_http_methods(["GET", "POST"])
@unit_page
def referral_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = case_for_page(request, case_id, "referral form")
    form = ReferralForm(request.POST or None)
    by = unit_user(request)
    if saved(request, form, lambda data: support.referral_create(case=case, by=by, **data)):
        messages.success(request, _("Referral recorded."))
        return redirect("victims:case", case_id=case.pk)
    return form_page(
        request, "victims/action.html", {"case": case, "title": _("Refer to a service")}, form
    )


@require_http_methods(["GET", "POST"])
@unit_page
def referral_update(
    request: HttpRequest, case_id: uuid.UUID, referral_id: uuid.UUID
) -> HttpResponse:
    case = case_for_page(request, case_id, "referral update form")
    referral = get_object_or_404(case.referrals.select_related("service"), pk=referral_id)
    form = ReferralUpdateForm(
        request.POST or None, initial={"status": referral.status, "outcome": referral.outcome}
    )
    by = unit_user(request)
    if saved(request, form, lambda data: support.referral_update(referral=referral, by=by, **data)):
        messages.success(request, _("Referral updated."))
        return redirect("victims:case", case_id=case.pk)
    title = _("Referral to %(service)s") % {"service": referral.service.name}
    return form_page(request, "victims/action.html", {"case": case, "title": title}, form)


@csrf_exempt  # only to set the upload handler first: _document_new checks the token itself
@require_http_methods(["GET", "POST"])
def document_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    request.upload_handlers = [InMemoryDocumentHandler(request)]
    return cast(HttpResponse, _document_new(request, case_id=case_id))


@unit_page  # first: an outsider's body is never read (the token check reads it)
@csrf_protect
def _document_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = case_for_page(request, case_id, "document form")
    form = DocumentForm(request.POST or None, request.FILES or None)
    too_large = getattr(request, "vsu_upload_too_large", False)
    if too_large:
        form.is_valid()
        form.errors["file"] = form.error_class(
            [
                _("The file is larger than %(mb)s MB.")
                % {"mb": settings.VSU_DOCUMENT_MAX_BYTES // (1024 * 1024)}
            ]
        )
    by = unit_user(request)

    def store(data: dict[str, Any]) -> object:
        return support.document_add(case=case, by=by, title=data["title"], upload=data["file"])

    if not too_large and saved(request, form, store):
        messages.success(request, _("Document stored, encrypted."))
        return redirect("victims:case", case_id=case.pk)
    return form_page(
        request,
        "victims/action.html",
        {"case": case, "title": _("Add a document"), "multipart": True},
        form,
    )


@require_GET
@unit_page
def document_download(
    request: HttpRequest, case_id: uuid.UUID, document_id: uuid.UUID
) -> FileResponse:
    case = case_for(request.user, case_id)
    document = get_object_or_404(case.documents, pk=document_id)
    access_log_write(
        user=unit_user(request),
        action=AccessLog.Action.DOWNLOAD,
        case=case,
        detail=f"document {document.pk}",
        break_glass=case_opened_by_glass(request.user, case),
    )
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
