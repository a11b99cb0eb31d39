"""The council's own pages for its recommendations and their action items
(`/council/manage/recommendations/`): members read them all, drafts included; the secretary
records and moves them; an action item's owner posts its progress. Anybody else gets a 404,
since every read goes through a selector scoped to the user's councils."""

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from councils.models import (
    ActionItem,
    ActionItemStatus,
    Recommendation,
    RecommendationStatus,
    RecordChange,
)
from councils.selectors import councils_kept_by, councils_of, recommendations_progress
from councils.selectors.carry_over import for_the_next_agenda
from councils.selectors.recommendations_internal import (
    action_item_kept,
    action_item_owned,
    action_items_mine,
    overdue,
    recommendation_internal,
    recommendation_kept,
    recommendations_of_councils_of,
)
from councils.services.actions import (
    action_item_create,
    action_item_delete,
    action_item_transition,
    action_item_update,
    progress_update_add,
)
from councils.services.recommendations import (
    recommendation_create,
    recommendation_interventions_set,
    recommendation_transition,
    recommendation_update,
)
from councils.views.recommendation_forms import (
    ActionItemForm,
    DeleteForm,
    ProgressUpdateForm,
    RecommendationForm,
    RecommendationStatusForm,
)
from curim.accounts.models import User

FORM_TEMPLATE = "councils/manage/recommendation_form.html"
ITEM_FIELDS = ("title_en", "title_el", "owner_organisation", "owner_person", "due_on", "weight")
RECOMMENDATION_FIELDS = (
    "title_en",
    "title_el",
    "text_en",
    "text_el",
    "rationale_en",
    "rationale_el",
    "priority",
    "due_on",
)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # login_required: always signed in here


def _posted(request: HttpRequest) -> Any:
    """The POST's data (even empty, so that an empty POST is a bound form), or None."""
    return request.POST if request.method == "POST" else None


def _of_a_council(request: HttpRequest) -> None:
    if not councils_of(request.user).exists():
        raise Http404


def errors_onto(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's ValidationError shown on the form: per field where it names one."""
    if hasattr(error, "error_dict"):
        for field, found in error.message_dict.items():
            form.add_error(field if field in form.fields else None, found)
    else:
        form.add_error(None, error.messages)


def _saved(
    request: HttpRequest, form: forms.BaseForm, save: Callable[[dict[str, Any]], Any]
) -> Any:
    """On a valid POST, `save(cleaned_data)` in one transaction: what it returns, or None with
    the service's errors on the form and nothing saved."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        with transaction.atomic():
            return save(form.cleaned_data)
    except ValidationError as exc:
        errors_onto(form, exc)
        return None


def _form_page(request: HttpRequest, context: dict[str, Any], form: forms.BaseForm) -> HttpResponse:
    return render(
        request, FORM_TEMPLATE, {**context, "form": form}, status=400 if form.errors else 200
    )


def _field_name(model: type[models.Model], name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    if isinstance(field, models.Field):
        return str(field.verbose_name)
    return {"action_item": _("action item"), "percent": _("progress (%)")}.get(name, name)


def _history(rows: list[RecordChange]) -> list[RecordChange]:
    """The history rows of a recommendation and its items, oldest first, each saying which
    fields changed, in words."""
    for row in rows:
        model = ActionItem if row.action_item_id else Recommendation
        row.fields_changed = ", ".join(_field_name(model, name) for name in row.changes)  # type: ignore[attr-defined]
    return sorted(rows, key=lambda row: (row.created_at, row.pk))


# --- Reading ---------------------------------------------------------------------------------
@never_cache
@login_required
@require_safe
def recommendation_list(request: HttpRequest) -> HttpResponse:
    """The council's recommendations, drafts included (`?status=` keeps one status), each with
    its progress and its rule, and what the next meeting should follow up."""
    _of_a_council(request)
    status = request.GET.get("status", "")
    if status not in RecommendationStatus.values:
        status = ""
    recommendations = recommendations_of_councils_of(request.user).select_related("council")
    if status:
        recommendations = recommendations.filter(status=status)
    found = list(recommendations.prefetch_related("action_items").order_by("-created_at", "-pk"))
    progress = recommendations_progress(r.pk for r in found)
    today = timezone.localdate()
    rows = [
        {
            "r": r,
            "progress": progress[r.pk],
            "overdue": sum(1 for item in r.action_items.all() if overdue(item, today, r)),
        }
        for r in found
    ]
    context = {
        "rows": rows,
        "status": status,
        "statuses": RecommendationStatus.choices,
        "next_agendas": for_the_next_agenda(request.user, today),
        "keeps": councils_kept_by(request.user).exists(),
        "owns": action_items_mine(request.user).exists(),
    }
    return render(request, "councils/manage/recommendations.html", context)


@never_cache
@login_required
@require_safe
def recommendation_detail(request: HttpRequest, reference: str) -> HttpResponse:
    r = recommendation_internal(request.user, reference)
    today = timezone.localdate()
    items = [{"item": item, "overdue": overdue(item, today, r)} for item in r.action_items.all()]
    history = r.changes.select_related("actor").order_by("created_at", "pk")
    item_history = (
        RecordChange.objects.filter(action_item__recommendation=r)
        .select_related("actor", "action_item")
        .order_by("created_at", "pk")
    )
    context = {
        "r": r,
        "progress": recommendations_progress([r.pk])[r.pk],
        "items": items,
        "history": _history([*history, *item_history]),
        "keeps": councils_kept_by(request.user).filter(pk=r.council_id).exists(),
        "owned": set(action_items_mine(request.user).values_list("pk", flat=True)),
    }
    return render(request, "councils/manage/recommendation.html", context)


# --- The secretary's writes ------------------------------------------------------------------
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recommendation_new(request: HttpRequest) -> HttpResponse:
    councils = councils_kept_by(request.user).order_by("slug")
    if not councils.exists():
        raise Http404
    form = RecommendationForm(_posted(request), councils=councils)

    def save(data: dict[str, Any]) -> Recommendation:
        made = recommendation_create(
            council=data["council"],
            by=_user(request),
            addressees=data["addressees"],
            **{name: data[name] for name in RECOMMENDATION_FIELDS},
        )
        made = recommendation_interventions_set(
            recommendation=made, by=_user(request), interventions=data["interventions"]
        )
        if data["adopted_by"] is not None:
            made = recommendation_transition(
                recommendation=made,
                to_status=RecommendationStatus.ADOPTED,
                by=_user(request),
                decision=data["adopted_by"],
            )
        return made

    made = _saved(request, form, save)
    if made is not None:
        messages.success(request, _("Recommendation %(ref)s recorded.") % {"ref": made.reference})
        return redirect("councils:manage_recommendation", reference=made.reference)
    return _form_page(request, {"title": _("Record a recommendation")}, form)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recommendation_edit(request: HttpRequest, reference: str) -> HttpResponse:
    r = recommendation_kept(request.user, reference)
    initial = {name: getattr(r, name) for name in RECOMMENDATION_FIELDS}
    initial["addressees"] = list(r.addressees.all())
    initial["interventions"] = list(r.interventions.all())
    form = RecommendationForm(
        _posted(request),
        initial=initial,
        councils=councils_kept_by(request.user),
        recommendation=r,
    )

    def save(data: dict[str, Any]) -> Recommendation:
        updated = recommendation_update(
            recommendation=r,
            by=_user(request),
            addressees=data["addressees"],
            **{name: data[name] for name in RECOMMENDATION_FIELDS},
        )
        return recommendation_interventions_set(
            recommendation=updated, by=_user(request), interventions=data["interventions"]
        )

    if _saved(request, form, save) is not None:
        messages.success(request, _("Recommendation %(ref)s saved.") % {"ref": r.reference})
        return redirect("councils:manage_recommendation", reference=r.reference)
    return _form_page(request, {"title": _("Edit the recommendation"), "r": r}, form)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recommendation_status(request: HttpRequest, reference: str) -> HttpResponse:
    r = recommendation_kept(request.user, reference)
    form = RecommendationStatusForm(_posted(request), recommendation=r)

    def save(data: dict[str, Any]) -> Recommendation:
        return recommendation_transition(
            recommendation=r,
            to_status=data["to_status"],
            by=_user(request),
            note=data["note"],
            decision=data["adopted_by"],
        )

    if _saved(request, form, save) is not None:
        messages.success(request, _("The status of %(ref)s changed.") % {"ref": r.reference})
        return redirect("councils:manage_recommendation", reference=r.reference)
    return _form_page(request, {"title": _("Change the status"), "r": r}, form)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def action_item_new(request: HttpRequest, reference: str) -> HttpResponse:
    r = recommendation_kept(request.user, reference)
    form = ActionItemForm(_posted(request), council=r.council)

    def save(data: dict[str, Any]) -> ActionItem:
        fields = {name: data[name] for name in ITEM_FIELDS}
        return action_item_create(recommendation=r, by=_user(request), **fields)

    if _saved(request, form, save) is not None:
        messages.success(request, _("Action item added."))
        return redirect("councils:manage_recommendation", reference=r.reference)
    return _form_page(request, {"title": _("Add an action item"), "r": r}, form)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def action_item_edit(request: HttpRequest, reference: str, item_id: int) -> HttpResponse:
    r = recommendation_kept(request.user, reference)
    item = action_item_kept(request.user, r, item_id)
    initial = {name: getattr(item, name) for name in ITEM_FIELDS}
    form = ActionItemForm(_posted(request), initial=initial, council=r.council, item=item)

    def save(data: dict[str, Any]) -> ActionItem:
        fields = {name: data[name] for name in ITEM_FIELDS}
        changed = action_item_update(item=item, by=_user(request), **fields)
        if data["to_status"]:
            changed = action_item_transition(
                item=changed, to_status=data["to_status"], by=_user(request), note=data["note"]
            )
        return changed

    if _saved(request, form, save) is not None:
        messages.success(request, _("Action item saved."))
        return redirect("councils:manage_recommendation", reference=r.reference)
    return _form_page(request, {"title": _("Edit the action item"), "r": r, "item": item}, form)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def action_item_remove(request: HttpRequest, reference: str, item_id: int) -> HttpResponse:
    r = recommendation_kept(request.user, reference)
    item = action_item_kept(request.user, r, item_id)
    form = DeleteForm(_posted(request))

    def save(_data: dict[str, Any]) -> bool:
        action_item_delete(item=item, by=_user(request))
        return True

    if _saved(request, form, save) is not None:
        messages.success(request, _("Action item removed."))
        return redirect("councils:manage_recommendation", reference=r.reference)
    context = {"title": _("Remove the action item"), "r": r, "item": item, "removing": True}
    return _form_page(request, context, form)


# --- The owners' pages -----------------------------------------------------------------------
@never_cache
@login_required
@require_safe
def my_action_items(request: HttpRequest) -> HttpResponse:
    _of_a_council(request)
    today = timezone.localdate()
    items = [
        {
            "item": item,
            "overdue": overdue(item, today, item.recommendation),
            "latest": ([None, *item.progress_updates.all()])[-1],
        }
        for item in action_items_mine(request.user)
    ]
    return render(request, "councils/manage/action_items_mine.html", {"items": items})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def progress_update_new(request: HttpRequest, item_id: int) -> HttpResponse:
    item = action_item_owned(request.user, item_id)
    form = ProgressUpdateForm(_posted(request), item=item)
    cancelled = item.status == ActionItemStatus.CANCELLED

    def save(data: dict[str, Any]) -> bool:
        by, to_status = _user(request), data["to_status"]
        # A cancelled item is taken up again first; otherwise the update comes first, and
        # moves the status itself, before any change chosen by hand.
        if cancelled and to_status:
            action_item_transition(item=item, to_status=to_status, by=by, note=data["note"])
        if data["percent"] is not None and data["on"] is not None:
            progress_update_add(
                item=item, by=by, on=data["on"], percent=data["percent"], text=data["text"]
            )
        elif not cancelled or not to_status:
            raise ValidationError({"percent": _("Give the progress and its date.")})
        if not cancelled and to_status:
            item.refresh_from_db()
            if item.status != to_status:
                action_item_transition(item=item, to_status=to_status, by=by, note=data["note"])
        return True

    if _saved(request, form, save) is not None:
        messages.success(request, _("Progress recorded."))
        return redirect("councils:my_action_items")
    context = {"title": _("Post progress"), "r": item.recommendation, "item": item, "owner": True}
    return _form_page(request, context, form)
