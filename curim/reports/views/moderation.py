"""The moderation queue: moderators review, publish, forward, edit, merge and close reports."""

import uuid
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST, require_safe

from curim.accounts.models import User
from curim.accounts.roles import Role, user_has_role
from curim.reports.forms import (
    ACTIONS,
    MergeForm,
    MergeSearchForm,
    ModerationForm,
    ReportEditForm,
    merge_choice_label,
)
from curim.reports.models import Report, ReportEvent, ReportStatus
from curim.reports.selectors import (
    comments_flagged_for,
    merge_candidates,
    merge_targets_for,
    reports_moderated_by,
)
from curim.reports.services.conversation import comment_review
from curim.reports.services.workflow import (
    report_edit,
    report_forward,
    report_merge,
    report_publish,
    report_transition,
)
from curim.reports.views.citizens import map_config


class QueueFilterForm(forms.Form):
    mark_optional = False  # a filter: it may be left as it is
    status = forms.ChoiceField(label=_l("Status"), choices=ReportStatus.choices, required=False)


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
    rows = [
        (
            format_html(
                '<a class="govuk-link" href="{}">{}</a>',
                reverse("reports:moderation_detail", args=[report.public_id]),
                str(report.public_id)[:8],
            ),
            formats.date_format(timezone.localtime(report.created_at), "SHORT_DATETIME_FORMAT"),
            _category_cell(report),
            report.area.name if report.area else "—",
            Truncator(report.description).chars(90),
        )
        for report in page
    ]
    return render(
        request,
        "reports/moderation/queue.html",
        {
            "page": page,
            "status": status,
            "status_label": ReportStatus(status).label,
            "filter_form": QueueFilterForm(initial={"status": status}),
            "rows": rows,
            "head": [
                _("Reference"),
                _("Submitted"),
                _("Category"),
                _("District"),
                _("Description"),
            ],
        },
    )


def _category_cell(report: Report) -> str:
    if report.category.may_be_public:
        return report.category.name
    return format_html(
        '{} <strong class="govuk-tag govuk-tag--grey">{}</strong>',
        report.category.name,
        _("private"),
    )


def _event_what(event: ReportEvent) -> str:
    what = str(event.get_kind_display())
    if event.to_status:
        what = f"{what}: {event.get_to_status_display()}"
    if event.forwarded_to:
        where = str(event.get_forwarded_to_display())
        if event.forward_department:
            where = f"{where}: {event.forward_department}"
        return format_html("{}<br>{} {}", what, _("To:"), where)
    return what


def _event_details(event: ReportEvent) -> SafeString | str:
    """The note of a history line, and what a moderator's edit changed (the text before, in a
    details box)."""
    parts: list[SafeString] = []
    if event.note:
        parts.append(format_html('<p class="govuk-body">{}</p>', event.note))
    category = event.changes.get("category")
    if isinstance(category, dict):
        parts.append(
            format_html(
                '<p class="govuk-body">{}: {} → {}</p>',
                _("Category"),
                category.get("from", ""),
                category.get("to", ""),
            )
        )
    description = event.changes.get("description")
    if isinstance(description, dict):
        parts.append(
            format_html(
                '<details class="govuk-details"><summary class="govuk-details__summary">'
                '<span class="govuk-details__summary-text">{}</span></summary>'
                '<div class="govuk-details__text">{}</div></details>',
                _("Description before the edit"),
                linebreaksbr(description.get("from", "")),
            )
        )
    return mark_safe("".join(parts)) if parts else "—"  # noqa: S308 - each part is format_html


def _history_rows(events: Iterable[ReportEvent]) -> list[tuple[object, ...]]:
    """The report's history as table rows: when, what, who, details, seen by whom."""
    return [
        (
            format_html(
                '<time datetime="{}">{}</time>',
                event.created_at.isoformat(),
                formats.date_format(timezone.localtime(event.created_at), "SHORT_DATETIME_FORMAT"),
            ),
            _event_what(event),
            event.actor.email if event.actor else "—",
            _event_details(event),
            _("Public") if event.is_public else _("Moderators"),
        )
        for event in events
    ]


def _detail_page(
    request: HttpRequest,
    report: Report,
    *,
    form: ModerationForm | None = None,
    edit_form: ReportEditForm | None = None,
    merge_form: MergeForm | None = None,
) -> HttpResponse:
    """The report's page, with the form that was sent and refused, if any, showing its errors."""
    if merge_form is not None:
        search = MergeSearchForm({"q": merge_form.data.get("q", "")}, auto_id="search_%s")
    else:
        search = MergeSearchForm(request.GET or None, auto_id="search_%s")
    query = search.cleaned_data["q"] if search.is_valid() else ""
    candidates = list(merge_candidates(request.user, report, query).select_related("category"))
    choices = [(str(c.public_id), merge_choice_label(c)) for c in candidates]
    if merge_form is None:
        merge_form = MergeForm(
            initial={"q": query}, targets=merge_targets_for(request.user, report), choices=[]
        )
    merge_form.offer(choices)
    return render(
        request,
        "reports/moderation/report.html",
        {
            "report": report,
            "form": form or ModerationForm(report=report),
            "edit_form": edit_form or ReportEditForm(report=report),
            "merge_form": merge_form,
            "search_form": search,
            "query": query,
            "candidates": candidates,
            "history_rows": _history_rows(report.events.select_related("actor")),
            "history_head": [_("When"), _("What"), _("By"), _("Details"), _("Seen by")],
            "photos": report.photos.all(),
            "map_config": map_config(),
        },
    )


@login_required
@require_safe
def detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    report = get_object_or_404(reports_moderated_by(request.user), public_id=public_id)
    return _detail_page(request, report)


def _errors_onto(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal onto the form: on the field it names, if the form has it, else on
    the whole form (shown first in the error summary)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_POST
def act(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One of the report page's three forms (`do`): decide (the default), edit, or merge. A
    refused one shows the page again with its errors, by field."""
    report = get_object_or_404(reports_moderated_by(request.user), public_id=public_id)
    actor = cast(User, request.user)  # login_required, and only moderators get a report
    do = request.POST.get("do") or ("merge" if "into" in request.POST else "decide")
    if do == "edit":
        edit_form = ReportEditForm(request.POST, report=report)
        if edit_form.is_valid():
            try:
                report_edit(
                    report=report,
                    actor=actor,
                    description=edit_form.cleaned_data["description"],
                    category=edit_form.cleaned_data["category"],
                    reason=edit_form.cleaned_data["reason"],
                )
            except ValidationError as error:
                _errors_onto(edit_form, error)
        if edit_form.errors:
            return _detail_page(request, report, edit_form=edit_form)
        messages.success(request, _("The report was edited; its history keeps the text before."))
        return redirect("reports:moderation_detail", public_id=report.public_id)
    if do == "merge":
        merge_form = MergeForm(
            request.POST, targets=merge_targets_for(request.user, report), choices=[]
        )
        if merge_form.is_valid():
            try:
                report_merge(report=report, into=merge_form.cleaned_data["into"], actor=actor)
            except ValidationError as error:
                _errors_onto(merge_form, error)
        if merge_form.errors:
            return _detail_page(request, report, merge_form=merge_form)
        messages.success(request, _("Saved."))
        return redirect("reports:moderation_queue")
    form = ModerationForm(request.POST, report=report)
    if form.is_valid():
        try:
            _decide(report, actor, form.cleaned_data)
        except ValidationError as error:
            _errors_onto(form, error)
    if form.errors:
        return _detail_page(request, report, form=form)
    messages.success(request, _("Saved."))
    return redirect("reports:moderation_queue")


def _decide(report: Report, actor: User, data: dict[str, Any]) -> None:
    action, note, public_note = data["action"], data["note"], data["public_note"]
    if action == "forward":
        report_forward(
            report=report,
            actor=actor,
            note=note,
            destination=data["destination"],
            department=data.get("department", ""),
            public_note=public_note,
        )
    elif action in ("publish", "reopen"):
        report_publish(report=report, actor=actor, note=note, public_note=public_note)
    else:
        report_transition(
            report=report,
            to_status=ACTIONS[action][0],
            actor=actor,
            note=note,
            public_note=public_note,
        )


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
