"""Pages of the interventions: the records.

The public reads the list, the map and a page per intervention (what `interventions_for`
lets them read: completed and evaluated ones, and planned or running ones marked public);
council members, secretaries, analysts and admins read every one through the same pages. The
staff's pages under `manage/` record and edit them, their status, photos and sessions: council
secretaries, analysts and admins; anybody else gets a 404 (and an anonymous visitor the login).
"""

import json
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

import interventions.converters  # noqa: F401  (registers <intervention_ref:…>)
from curim.accounts.models import User
from interventions.forms import (
    InterventionFilterForm,
    InterventionForm,
    PhotosForm,
    SessionForm,
)
from interventions.models import (
    Intervention,
    InterventionKind,
    InterventionStatus,
    PhotoMoment,
    Session,
)
from interventions.models.choices import NEXT_STATUS
from interventions.selectors import (
    evaluation_latest,
    implemented_records,
    intervention_for_editing,
    intervention_get,
    interventions_edited_by,
    interventions_for,
    photos_for,
    proposal_for_editing,
    reports_shown_with,
    session_for_editing,
    sessions_shown_with,
    user_edits,
    user_reads_all,
)
from interventions.services.interventions import (
    intervention_photos_add,
    intervention_save,
    intervention_status_advance,
)
from interventions.services.sessions import proposal_send_to_council, session_save
from interventions.session_questionnaires import session_questionnaires
from interventions.views.questionnaires import questionnaire_sections

PAGE_SIZE = 25
View = Callable[..., HttpResponseBase]


def _map_config() -> dict[str, object]:
    return {
        "centre": list(settings.MAP_CENTRE),
        "zoom": settings.MAP_ZOOM,
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
    }


def _draw_words() -> dict[str, Any]:
    """Leaflet.draw's words in the reader's language (merged into its `L.drawLocal`)."""

    def action(title: str, text: str) -> dict[str, str]:
        return {"title": title, "text": text}

    def tips(start: str, cont: str = "", end: str = "") -> dict[str, Any]:
        tooltip = {"start": start, "cont": cont, "end": end}
        return {"tooltip": {key: value for key, value in tooltip.items() if value}}

    return {
        "draw": {
            "toolbar": {
                "actions": action(_("Cancel drawing"), _("Cancel")),
                "finish": action(_("Finish drawing"), _("Finish")),
                "undo": action(_("Delete the last point drawn"), _("Delete the last point")),
                "buttons": {
                    "polyline": _("Draw a line"),
                    "polygon": _("Draw an area"),
                    "marker": _("Place a point"),
                },
            },
            "handlers": {
                "marker": tips(_("Click the map to place the point.")),
                "polygon": tips(
                    _("Click to start drawing the area."),
                    _("Click to continue drawing the area."),
                    _("Click the first point to close the area."),
                ),
                "polyline": tips(
                    _("Click to start drawing the line."),
                    _("Click to continue drawing the line."),
                    _("Click the last point to finish the line."),
                ),
            },
        },
        "edit": {
            "toolbar": {
                "actions": {
                    "save": action(_("Save the changes"), _("Save")),
                    "cancel": action(_("Cancel editing and discard the changes"), _("Cancel")),
                    "clearAll": action(_("Remove everything drawn"), _("Remove all")),
                },
                "buttons": {
                    "edit": _("Change what is drawn"),
                    "editDisabled": _("Nothing drawn to change"),
                    "remove": _("Remove shapes"),
                    "removeDisabled": _("Nothing drawn to remove"),
                },
            },
            "handlers": {
                "edit": {
                    "tooltip": {
                        "text": _("Drag the handles or points to change the shapes."),
                        "subtext": _("Cancel undoes the changes."),
                    }
                },
                "remove": {"tooltip": {"text": _("Click a shape to remove it.")}},
            },
        },
    }


def _feature(intervention: Intervention) -> dict[str, Any]:
    geometry = intervention.geometry
    return {
        "type": "Feature",
        "id": intervention.reference,
        "geometry": json.loads(geometry.geojson) if geometry is not None else None,
        "properties": {
            "title": intervention.title,
            "kind": intervention.get_kind_display(),
            "status": intervention.get_status_display(),
        },
    }


def _manage(methods: list[str]) -> Callable[[View], View]:
    """The staff's pages: log in first, then the method (405 for another); the selectors give a
    404 to whoever does not edit interventions."""

    def decorate(view: View) -> View:
        return wraps(view)(never_cache(login_required(require_http_methods(methods)(view))))

    return decorate


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _errors_onto(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, texts in error.message_dict.items():
            form.add_error(name if name in form.fields else None, texts)
    else:
        form.add_error(None, error.messages)


def _saved(request: HttpRequest, form: forms.BaseForm, save: Callable[[], Any]) -> Any:
    """On a valid POST, `save()` in one transaction: what it returns, or None with the
    service's errors on the form and nothing saved."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        with transaction.atomic():
            return save()
    except ValidationError as error:
        _errors_onto(form, error)
        return None


def _form_page(
    request: HttpRequest, template: str, context: dict[str, Any], form: forms.BaseForm
) -> HttpResponse:
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


# --- What everybody reads -------------------------------------------------------------------
@require_safe
def intervention_list(request: HttpRequest) -> HttpResponse:
    """The interventions this visitor may read, newest first, with a map of the spatial ones."""
    kind = request.GET.get("kind", "")
    if kind not in InterventionKind.values:
        kind = ""
    interventions = interventions_for(request.user).select_related("area")
    if kind:
        interventions = interventions.filter(kind=kind)
    page = Paginator(interventions, PAGE_SIZE).get_page(request.GET.get("page"))
    mapped = interventions.filter(geometry__isnull=False)[:500]
    return render(
        request,
        "interventions/list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": InterventionKind.choices,
            "query": f"kind={kind}" if kind else "",
            "features": {"type": "FeatureCollection", "features": [_feature(i) for i in mapped]},
            "map_config": _map_config(),
            "editor": user_edits(request.user),
        },
    )


@require_safe
def intervention_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """One intervention: what was done, where, for whom, the problem, the public reports that
    motivated it, its sessions (with what their questionnaires measured), photos and latest
    evaluation."""
    intervention = intervention_get(user=request.user, reference=reference)
    reports = list(reports_shown_with(intervention))
    sessions = list(sessions_shown_with(intervention))
    measured = session_questionnaires(request.user, sessions)
    staff = user_reads_all(request.user)
    response = render(
        request,
        "interventions/detail.html",
        {
            "intervention": intervention,
            "categories": intervention.categories.all(),
            "reports": reports,
            "reports_not_shown": intervention.reports.count() - len(reports) if staff else 0,
            "sessions": sessions,
            "participants_total": sum(s.participants_total for s in sessions),
            "questionnaires": questionnaire_sections(sessions, measured),
            "photos_before": [p for p in intervention.photos.all() if p.moment == "before"],
            "photos_after": [p for p in intervention.photos.all() if p.moment == "after"],
            "latest_evaluation": evaluation_latest(intervention),
            "implemented": implemented_records(intervention, request.user),
            "feature": _feature(intervention) if intervention.geometry is not None else None,
            "map_config": _map_config(),
            "staff": staff,
            "editor": user_edits(request.user),
        },
    )
    if not intervention.is_public:
        response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def photo(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    item = get_object_or_404(photos_for(request.user), public_id=public_id)
    response = FileResponse(item.image.open("rb"), content_type="image/jpeg")
    # Served as an inert image: never sniffed, never run, never framed elsewhere.
    response["Content-Disposition"] = 'inline; filename="photo.jpg"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- The staff's records ---------------------------------------------------------------------
@_manage(["GET", "HEAD"])
def manage_list(request: HttpRequest) -> HttpResponse:
    """Every intervention, filtered by status, kind and area."""
    interventions = interventions_edited_by(request.user).select_related("area")
    filters = InterventionFilterForm(request.GET or None)
    query = ""
    if filters.is_valid():
        data = filters.cleaned_data
        if data["status"]:
            interventions = interventions.filter(status=data["status"])
        if data["kind"]:
            interventions = interventions.filter(kind=data["kind"])
        if data["area"]:
            interventions = interventions.filter(area=data["area"])
        query = "&".join(
            f"{name}={value.pk if hasattr(value, 'pk') else value}"
            for name, value in data.items()
            if value
        )
    page = Paginator(interventions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "interventions/manage/list.html",
        {"page": page, "filters": filters, "query": query},
    )


@_manage(["GET", "HEAD", "POST"])
def manage_new(request: HttpRequest) -> HttpResponse:
    interventions_edited_by(request.user)  # a 404 for whoever does not record interventions
    form = InterventionForm(_posted(request))

    def save() -> Intervention:
        return intervention_save(
            intervention=form.instance,
            by=_user(request),
            category_ids=[c.pk for c in form.cleaned_data["categories"]],
            report_ids=form.cleaned_data["reports_given"],
        )

    if (saved := _saved(request, form, save)) is not None:
        messages.success(
            request,
            _("The intervention %(reference)s is recorded.") % {"reference": saved.reference},
        )
        return redirect("interventions:detail", saved.reference)
    return _form_page(
        request,
        "interventions/manage/form.html",
        {
            "title": _("Record an intervention"),
            "map_config": _map_config(),
            "draw_words": _draw_words(),
        },
        form,
    )


@_manage(["GET", "HEAD", "POST"])
def manage_edit(request: HttpRequest, reference: str) -> HttpResponse:
    intervention = intervention_for_editing(user=request.user, reference=reference)
    form = InterventionForm(_posted(request), instance=intervention)

    def save() -> Intervention:
        return intervention_save(
            intervention=form.instance,
            by=_user(request),
            category_ids=[c.pk for c in form.cleaned_data["categories"]],
            report_ids=form.cleaned_data["reports_given"],
        )

    if (saved := _saved(request, form, save)) is not None:
        messages.success(request, _("The changes are saved."))
        return redirect("interventions:detail", saved.reference)
    return _form_page(
        request,
        "interventions/manage/form.html",
        {
            "title": _("Change the intervention"),
            "intervention": intervention,
            "map_config": _map_config(),
            "draw_words": _draw_words(),
            "next_status": NEXT_STATUS.get(InterventionStatus(intervention.status)),
        },
        form,
    )


@_manage(["POST"])
def manage_status(request: HttpRequest, reference: str) -> HttpResponse:
    """The button that moves an intervention to its next status."""
    intervention = intervention_for_editing(user=request.user, reference=reference)
    wanted = request.POST.get("to", "")
    try:
        if wanted not in InterventionStatus.values:
            raise ValidationError(_("Choose the next status."))
        moved = intervention_status_advance(
            intervention=intervention, to=InterventionStatus(wanted)
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("The intervention is now %(status)s.") % {"status": moved.get_status_display()},
        )
    return redirect("interventions:detail", intervention.reference)


@_manage(["GET", "HEAD", "POST"])
def manage_photos(request: HttpRequest, reference: str) -> HttpResponse:
    """Photos of the place before and after, added through the service that strips them."""
    intervention = intervention_for_editing(user=request.user, reference=reference)
    form = PhotosForm(_posted(request), request.FILES or None)
    if request.method == "POST" and not form.is_bound:
        form = PhotosForm(request.POST)

    def save() -> Any:
        return intervention_photos_add(
            intervention=intervention,
            moment=PhotoMoment(form.cleaned_data["moment"]),
            uploads=request.FILES.getlist("photos"),
            caption=form.cleaned_data["caption"],
        )

    if _saved(request, form, save) is not None:
        messages.success(request, _("The photos are added."))
        return redirect("interventions:detail", intervention.reference)
    return _form_page(
        request,
        "interventions/manage/photos.html",
        {"intervention": intervention, "photos": intervention.photos.all()},
        form,
    )


def _session_page(
    request: HttpRequest, intervention: Intervention, session: Session | None
) -> HttpResponse:
    advisory = intervention.kind == InterventionKind.ADVISORY
    form = SessionForm(
        _posted(request),
        instance=session or Session(intervention=intervention),
        advisory=advisory,
    )

    def save() -> Session:
        return session_save(
            session=form.instance,
            attendance=form.attendance(),
            proposals=form.proposal_texts() if advisory else (),
        )

    if _saved(request, form, save) is not None:
        messages.success(request, _("The session is saved."))
        response = redirect("interventions:detail", intervention.reference)
        response["Location"] += "#sessions"
        return response
    return _form_page(
        request,
        "interventions/manage/session_form.html",
        {
            "intervention": intervention,
            "session": session,
            "title": _("Change the session") if session else _("Add a session"),
            "count_fields": [form[name] for name in form.count_names()],
            "proposals": session.proposals.all() if session else [],
        },
        form,
    )


@_manage(["GET", "HEAD", "POST"])
def manage_session_new(request: HttpRequest, reference: str) -> HttpResponse:
    intervention = intervention_for_editing(user=request.user, reference=reference)
    return _session_page(request, intervention, None)


@_manage(["GET", "HEAD", "POST"])
def manage_session_edit(request: HttpRequest, reference: str, session_id: int) -> HttpResponse:
    session = session_for_editing(user=request.user, reference=reference, session_id=session_id)
    return _session_page(request, session.intervention, session)


@_manage(["POST"])
def manage_proposal_send(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The button that puts a proposal heard at an advisory meeting on the council's agenda."""
    proposal = proposal_for_editing(user=request.user, public_id=public_id)
    try:
        proposal_send_to_council(proposal=proposal, by=_user(request))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The proposal is sent to the council's next agenda."))
    session = proposal.session
    return redirect("interventions:manage_session_edit", session.intervention.reference, session.pk)


urlpatterns: list[URLPattern] = [
    path("interventions/", intervention_list, name="list"),
    path("interventions/photos/<uuid:public_id>/", photo, name="photo"),
    path("interventions/manage/", manage_list, name="manage_list"),
    path("interventions/manage/new/", manage_new, name="manage_new"),
    path(
        "interventions/manage/proposals/<uuid:public_id>/send/",
        manage_proposal_send,
        name="manage_proposal_send",
    ),
    path("interventions/manage/<intervention_ref:reference>/", manage_edit, name="manage_edit"),
    path(
        "interventions/manage/<intervention_ref:reference>/status/",
        manage_status,
        name="manage_status",
    ),
    path(
        "interventions/manage/<intervention_ref:reference>/photos/",
        manage_photos,
        name="manage_photos",
    ),
    path(
        "interventions/manage/<intervention_ref:reference>/sessions/new/",
        manage_session_new,
        name="manage_session_new",
    ),
    path(
        "interventions/manage/<intervention_ref:reference>/sessions/<int:session_id>/",
        manage_session_edit,
        name="manage_session_edit",
    ),
    path("interventions/<intervention_ref:reference>/", intervention_detail, name="detail"),
]
