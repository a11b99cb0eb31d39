"""Citizen pages: submit a report, the public risk map, the list of published reports, a
report's page, my reports, photos."""

import uuid
from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Min
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from curim.accounts.models import User
from curim.areas.models import Area
from curim.reports.forms import (
    CommentFlagForm,
    CommentForm,
    EvaluationEntryForm,
    ReportEntryForm,
    ReportListFilterForm,
)
from curim.reports.models import (
    Category,
    CategoryGroup,
)
from curim.reports.selectors import (
    categories_public,
    category_active,
    comments_public,
    photos_visible_to,
    report_follow_ups,
    reports_filter,
    reports_of,
    reports_public,
    reports_summary,
    reports_visible_to,
)
from curim.reports.serialise import CLUSTERS_PER_TILE_EDGE
from curim.reports.services.conversation import (
    comment_flag,
    comment_post,
    confirmation_toggle,
    follow_toggle,
)
from curim.reports.services.submission import MAX_PHOTOS
from curim.reports.support import support_token_read


def _categories() -> list[dict[str, object]]:
    return [
        {
            "slug": c.slug,
            "name": c.name,
            "group": c.group,
            "public": c.may_be_public,
            "located": c.location_required,
        }
        for c in Category.objects.filter(is_active=True)
    ]


def map_config() -> dict[str, object]:
    return {
        "centre": list(settings.MAP_CENTRE),
        "zoom": settings.MAP_ZOOM,
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
    }


@require_safe
def report_new(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/new.html",
        {
            "form": ReportEntryForm(categories=_categories(), max_photos=MAX_PHOTOS),
            "map_config": map_config(),
        },
    )


@never_cache  # its link to the unit must not stay in a shared browser's cache
@require_safe
def report_submitted(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("support", "")
    # Only what the form itself sent: the category (public knowledge) and whether a place was
    # given. The report is not read, so the page shows nobody anything of it.
    category = category_active(request.GET.get("category", ""))
    if category is not None and not category.may_be_public:
        on_the_map = "never"
    elif request.GET.get("located") == "0":
        on_the_map = "no_place"
    else:
        on_the_map = "once_published"
    support_href = ""
    if token and support_token_read(token):
        support_href = reverse("victims:support_request") + "?" + urlencode({"report": token})
    return render(
        request,
        "reports/submitted.html",
        {"support_href": support_href, "on_the_map": on_the_map},
    )


# The legend of the layer of place ratings (1 poor … 5 good), one colour per rounded average.
RATING_LABELS = [
    (1, _("1: poor, feels unsafe")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5: good, feels safe")),
]


@require_safe
def public_map(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/map.html",
        {
            "categories": [c for c in _categories() if c["public"]],
            "groups": CategoryGroup.choices,
            "areas": Area.objects.filter(level=Area.Level.DISTRICT).order_by("code"),
            "map_config": map_config(),
            "clusters_per_tile_edge": CLUSTERS_PER_TILE_EDGE,
            "grid_min_m": categories_public()
            .filter(location_required=True)
            .aggregate(size=Min("grid_size_m"))["size"],
            "rating_labels": RATING_LABELS,
        },
    )


REPORTS_PER_PAGE = 20
PUBLIC_LIST_FIELDS = (
    "public_id",
    "status",
    "description",
    "occurred_at",
    "category__group",
    "category__name_en",
    "category__name_el",
    "area__name_en",
    "area__name_el",
)


@require_safe
def report_list(request: HttpRequest) -> HttpResponse:
    """Published reports with the map's filters, e.g. those of one cell of the map (a box)."""
    form = ReportListFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/list.html", {"form": form}, status=400)
    reports = reports_filter(reports_public(), form.criteria())
    # Only the public columns are read: the page cannot show what it never loaded.
    newest_first = (
        reports.select_related("category", "area")
        .only(*PUBLIC_LIST_FIELDS)
        .order_by("-created_at", "-id")
    )
    query = request.GET.copy()
    query.pop("page", None)
    without_box = query.copy()
    without_box.pop("bbox", None)
    summary = reports_summary(reports)
    labels = dict(CategoryGroup.choices)
    return render(
        request,
        "reports/list.html",
        {
            "form": form,
            "summary": summary,
            "group_counts": [(g.group, labels[g.group], g.count) for g in summary.groups],
            "page": Paginator(newest_first, REPORTS_PER_PAGE).get_page(request.GET.get("page")),
            "query": query.urlencode(),
            "in_box": form.cleaned_data.get("bbox") is not None,
            "query_without_box": without_box.urlencode(),
        },
    )


@require_safe
def place_evaluate(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/evaluate.html",
        {"form": EvaluationEntryForm(), "map_config": map_config()},
    )


@require_safe
def report_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    # Its reporter opens a report in any status; anybody else only a public one (404 otherwise).
    report = get_object_or_404(
        reports_visible_to(request.user).select_related("category", "area"), public_id=public_id
    )
    user = request.user
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "events": report.events.filter(is_public=True),
            "photos": report.photos.all(),
            "comments": comments_public().filter(report=report),
            "comment_form": CommentForm(),
            "confirmations": report.confirmations.count(),
            "confirmed": user.is_authenticated and report.confirmations.filter(user=user).exists(),
            "following": user.is_authenticated and report.follows.filter(user=user).exists(),
            "map_config": map_config(),
            "follow_ups": report_follow_ups(report, user),
        },
    )


def _back(report_id: uuid.UUID, anchor: str = "") -> HttpResponse:
    return redirect(reverse("reports:detail", args=[report_id]) + anchor)


@login_required
@require_POST
def comment_create(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    report = get_object_or_404(reports_public(), public_id=public_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        comment_post(report=report, author=cast(User, request.user), body=form.cleaned_data["body"])
        messages.success(request, _("Your comment is published."))
    else:
        for error in form.errors.get("body", []):
            messages.error(request, str(error))
    return _back(report.public_id, "#comments")


@login_required
@require_POST
def comment_flag_create(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    comment = get_object_or_404(comments_public().select_related("report"), public_id=public_id)
    form = CommentFlagForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("reason", []):
            messages.error(request, str(error))
        return _back(comment.report.public_id, "#comments")
    comment_flag(comment=comment, user=cast(User, request.user), reason=form.cleaned_data["reason"])
    messages.success(request, _("Thank you. A moderator will look at this comment."))
    return _back(comment.report.public_id, "#comments")


@login_required
@require_POST
def confirmation(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    report = get_object_or_404(reports_public(), public_id=public_id)
    confirmation_toggle(report=report, user=cast(User, request.user))
    return _back(report.public_id)


@login_required
@require_POST
def follow(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    report = get_object_or_404(reports_public(), public_id=public_id)
    following = follow_toggle(report=report, user=cast(User, request.user))
    messages.success(
        request,
        _("You will get an e-mail when its status changes.")
        if following
        else _("You no longer follow this report."),
    )
    return _back(report.public_id)


@login_required
@require_safe
def my_reports(request: HttpRequest) -> HttpResponse:
    page = Paginator(reports_of(request.user).order_by("-created_at"), 25)
    return render(request, "reports/mine.html", {"page": page.get_page(request.GET.get("page"))})


@require_safe
def photo(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    item = get_object_or_404(photos_visible_to(request.user), public_id=public_id)
    response = FileResponse(item.image.open("rb"), content_type="image/jpeg")
    # Served as an inert image: never sniffed, never run, never framed elsewhere.
    response["Content-Disposition"] = 'inline; filename="photo.jpg"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=300"
    return response
