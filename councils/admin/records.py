"""Decisions and minutes in the admin. Minutes are edited until they are approved (frozen
from then on); they are circulated and published by the actions, and approved on the pages,
where the chair signs for the council."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from councils.admin.common import ReadOnlyInline
from councils.admin.history import HistoryInline
from councils.models import Decision, Minutes, MinutesComment
from councils.models.choices import FROZEN_MINUTES_STATES
from councils.services.decisions import decision_save
from councils.services.minutes import minutes_circulate, minutes_publish, minutes_save
from curim.accounts.admin_actions import acting_user, run_for_each
from curim.accounts.models import User
from curim.core.admin_forms import RefusalsOnTheForm


def _circulate(minutes: Minutes, user: User) -> object:
    return minutes_circulate(minutes=minutes, by=user)


def _publish(minutes: Minutes, user: User) -> object:
    return minutes_publish(minutes=minutes, by=user)


@admin.register(Decision)
class DecisionAdmin(RefusalsOnTheForm, admin.ModelAdmin[Decision]):
    list_display = ["agenda_item", "outcome", "votes_for", "votes_against", "votes_abstain"]
    list_filter = ["outcome", "agenda_item__meeting__council"]
    search_fields = ["text", "agenda_item__title"]
    list_select_related = ["agenda_item"]
    raw_id_fields = ["agenda_item"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["agenda_item"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a decision stays on record; a wrong one is corrected

    def save_model(
        self, request: HttpRequest, obj: Decision, form: ModelForm[Decision], change: bool
    ) -> None:
        decision_save(decision=obj, by=acting_user(request))


class CommentInline(ReadOnlyInline):
    model = MinutesComment
    fields = readonly_fields = ("created_at", "author", "text")


class MinutesHistoryInline(HistoryInline):
    fk_name = "minutes"


@admin.register(Minutes)
class MinutesAdmin(RefusalsOnTheForm, admin.ModelAdmin[Minutes]):
    list_display = ["meeting", "state", "approved_at", "published_at"]
    list_filter = ["state", "meeting__council"]
    list_select_related = ["meeting"]
    raw_id_fields = ["meeting"]
    fields = [
        "meeting",
        "state",
        "text",
        "public_summary",
        "approved_by_decision",
        "approved_by",
        "circulated_at",
        "approved_at",
        "published_at",
    ]
    inlines = [CommentInline, MinutesHistoryInline]
    actions = ["circulate", "publish"]
    WORKFLOW = (
        "state",
        "approved_by_decision",
        "approved_by",
        "circulated_at",
        "approved_at",
        "published_at",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["meeting", *self.WORKFLOW] if obj is not None else list(self.WORKFLOW)

    def has_change_permission(self, request: HttpRequest, obj: Minutes | None = None) -> bool:
        if obj is not None and obj.state in FROZEN_MINUTES_STATES:
            return False  # approved minutes are frozen
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # minutes stay on record

    def save_model(
        self, request: HttpRequest, obj: Minutes, form: ModelForm[Minutes], change: bool
    ) -> None:
        minutes_save(minutes=obj, by=acting_user(request))

    @admin.action(
        description=gettext_lazy("Circulate the chosen minutes to the members"),
        permissions=["change"],
    )
    def circulate(self, request: HttpRequest, queryset: QuerySet[Minutes]) -> None:
        run_for_each(
            self,
            request,
            queryset,
            lambda minutes, user: minutes_circulate(minutes=minutes, by=user),
        )

    @admin.action(
        description=gettext_lazy("Publish the public summary of the chosen minutes"),
        permissions=["change"],
    )
    def publish(self, request: HttpRequest, queryset: QuerySet[Minutes]) -> None:
        run_for_each(self, request, queryset, _publish)
