"""The moderation queue: moderators review, publish, forward, merge and close reports."""

import uuid
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from curim.accounts.models import User
from curim.accounts.roles import Role, user_has_role
from curim.reports.forms import MergeForm, ModerationForm
from curim.reports.models import ReportStatus
from curim.reports.selectors import comments_flagged_for, reports_moderated_by
from curim.reports.services.conversation import comment_review
from curim.reports.services.workflow import (
    report_forward,
    report_merge,
    report_publish,
    report_transition,
)
from curim.reports.views.citizens import map_config


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    if not user_has_role(request.user, Role.MODERATOR):
        raise PermissionDenied
    status = request.GET.get("status", ReportStatus.SUBMITTED)
    if status not in ReportStatus.values:
        status = ReportStatus.SUBMITTED
    reports = reports_moderated_by(request.user).filter(status=status).order_by("created_at")
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/moderation/queue.html",
        {"page": page, "status": status, "statuses": ReportStatus.choices},
    )


@login_required
@require_safe
def detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    report = get_object_or_404(reports_moderated_by(request.user), public_id=public_id)
    return render(
        request,
        "reports/moderation/report.html",
        {
            "report": report,
            "form": ModerationForm(),
            "merge_form": MergeForm(),
            "events": report.events.select_related("actor"),
            "photos": report.photos.all(),
            "map_config": map_config(),
        },
    )


def _field_messages(form: forms.Form) -> list[str]:
    """Each error of the form, with the label of its field: "Public note: Ensure …"."""
    return [
        f"{form.fields[name].label}: {message}" if name in form.fields else str(message)
        for name, errors in form.errors.items()
        for message in errors
    ]


@login_required
@require_POST
def act(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    reports = reports_moderated_by(request.user)
    report = get_object_or_404(reports, public_id=public_id)
    actor = cast(User, request.user)  # login_required, and only moderators get a report
    form = ModerationForm(request.POST)
    merge = MergeForm(request.POST) if "into" in request.POST else None
    try:
        if merge is not None:
            if not merge.is_valid():
                raise ValidationError(_field_messages(merge))
            into = get_object_or_404(reports, public_id=merge.cleaned_data["into"])
            report_merge(report=report, into=into, actor=actor)
        elif form.is_valid():
            action, note = form.cleaned_data["action"], form.cleaned_data["note"]
            public_note = form.cleaned_data["public_note"]
            if action == "forward":
                report_forward(report=report, actor=actor, note=note)
            elif action in ("publish", "reopen"):
                report_publish(report=report, actor=actor, note=note, public_note=public_note)
            else:
                report_transition(
                    report=report,
                    to_status=ModerationForm.TARGET[action],
                    actor=actor,
                    note=note,
                    public_note=public_note,
                )
        elif "action" in form.errors:
            raise ValidationError(_("Choose an action."))
        else:
            raise ValidationError(_field_messages(form))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reports:moderation_detail", public_id=report.public_id)
    messages.success(request, _("Saved."))
    return redirect("reports:moderation_queue")


@login_required
@require_safe
def flagged_comments(request: HttpRequest) -> HttpResponse:
    if not user_has_role(request.user, Role.MODERATOR):
        raise PermissionDenied
    page = Paginator(comments_flagged_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "reports/moderation/comments.html", {"page": page})


@login_required
@require_POST
def comment_decide(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    comment = get_object_or_404(comments_flagged_for(request.user), public_id=public_id)
    comment_review(comment=comment, visible=request.POST.get("visible") == "1")
    messages.success(request, _("Saved."))
    return redirect("reports:moderation_comments")
