"""Meetings, their agenda items, attachments and attendance in the admin.

A meeting's details and agenda are edited while it is planned or convened; it is convened,
marked as held and closed by the actions, which call the workflow service. Attendance is
recorded once it is held, until its minutes are approved.
"""

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet, URLField
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from councils.attachment_files import attachment_problem
from councils.models import (
    AgendaAttachment,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    Minutes,
)
from councils.models.choices import FROZEN_MINUTES_STATES
from councils.models.meetings import HELD_STATUSES, MEETING_FIELDS, OPEN_STATUSES
from councils.services.attendance import (
    AttendanceEntry,
    attendance_clear,
    attendance_record,
)
from councils.services.convening import meeting_convene
from councils.services.meetings import (
    agenda_attachment_delete,
    agenda_attachments_add,
    agenda_item_deletable,
    agenda_item_delete,
    agenda_item_save,
    meeting_save,
    meeting_transition,
)
from curim.accounts.admin_actions import acting_user, run_for_each
from curim.core.admin_forms import RefusalsOnTheForm
from curim.core.admin_maps import MapAdminMixin


def _attendance_open(meeting: Meeting | None) -> bool:
    if meeting is None or meeting.status not in HELD_STATUSES:
        return False
    return not Minutes.objects.filter(meeting=meeting, state__in=FROZEN_MINUTES_STATES).exists()


class AttendanceFormSet(BaseInlineFormSet[Attendance, Meeting, ModelForm[Attendance]]):
    def clean(self) -> None:
        super().clean()
        statuses = {
            form.cleaned_data["membership"].pk: form.cleaned_data.get("status")
            for form in self.forms
            if form.cleaned_data.get("membership") and not form.cleaned_data.get("DELETE")
        }
        for form in self.forms:
            proxy = form.cleaned_data.get("represented_by")
            if proxy is not None and statuses.get(proxy.pk) != AttendanceStatus.PRESENT:
                raise ValidationError(_("The member who represents another must be present."))


class AttendanceInline(admin.TabularInline[Attendance, Meeting]):
    model = Attendance
    formset = AttendanceFormSet
    extra = 0
    fields = ["membership", "status", "represented_by"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _attendance_open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _attendance_open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _attendance_open(obj) and super().has_delete_permission(request, obj)


class AgendaItemInline(admin.TabularInline[AgendaItem, Meeting]):
    """The agenda at a glance; each item is edited on its own page."""

    model = AgendaItem
    extra = 0
    fields = readonly_fields = ("order", "title", "kind", "public")
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # shown, not validated again with the meeting


class _MeetingFields(RefusalsOnTheForm, admin.ModelAdmin[Meeting]):
    """Which fields are read-only, before MapAdminMixin shows the read-only point on a map."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = list(BASE_READONLY)
        if obj is not None:
            readonly.append("council")
            if obj.status not in OPEN_STATUSES:
                readonly += list(MEETING_FIELDS)
        return readonly


# The map point is set by the meeting pages, from coordinates read by curim.core.geometry;
# here it is shown on a map. The workflow's fields move by the actions.
BASE_READONLY = (
    "location",
    "status",
    "convened_at",
    "cancellation_reason",
    "attendance_not_recorded",
)


@admin.register(Meeting)
class MeetingAdmin(MapAdminMixin, _MeetingFields):  # type: ignore[misc]  # as MapAdmin
    list_display = ["title_en", "title_el", "council", "kind", "starts_at", "status", "visibility"]
    list_filter = ["council", "status", "kind", "visibility"]
    search_fields = ["title_en", "title_el", "place"]
    date_hierarchy = "starts_at"
    list_select_related = ["council"]
    inlines = [AgendaItemInline, AttendanceInline]
    formfield_overrides = {URLField: {"assume_scheme": "https"}}
    actions = ["convene", "mark_held", "close"]

    def save_model(
        self, request: HttpRequest, obj: Meeting, form: ModelForm[Meeting], change: bool
    ) -> None:
        if change and not set(form.changed_data) & set(MEETING_FIELDS):
            return  # only the attendance below changed
        meeting_save(meeting=obj, by=acting_user(request))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        formset.save(commit=False)  # what changed, for the admin's log; saved below
        if formset.model is not Attendance or not formset.has_changed():
            return  # the agenda items are shown here, and edited on their own pages
        entries = [
            AttendanceEntry(
                membership=data["membership"],
                status=data["status"],
                represented_by=data.get("represented_by"),
            )
            for data in (getattr(f, "cleaned_data", {}) for f in formset.forms)
            if data and data.get("membership") and not data.get("DELETE")
        ]
        user = acting_user(request)
        if entries:
            attendance_record(meeting=form.instance, by=user, entries=entries)
        else:
            attendance_clear(meeting=form.instance, by=user)

    def _step(self, request: HttpRequest, queryset: QuerySet[Meeting], to_status: str) -> None:
        run_for_each(
            self,
            request,
            queryset,
            lambda meeting, user: meeting_transition(meeting=meeting, to_status=to_status, by=user),
        )

    @admin.action(description=gettext_lazy("Convene the chosen meetings"), permissions=["change"])
    def convene(self, request: HttpRequest, queryset: QuerySet[Meeting]) -> None:
        # As the secretary's button does: the members' invitations leave with the convening.
        run_for_each(
            self,
            request,
            queryset,
            lambda meeting, user: meeting_convene(meeting=meeting, by=user),
        )

    @admin.action(
        description=gettext_lazy("Mark the chosen meetings as held"), permissions=["change"]
    )
    def mark_held(self, request: HttpRequest, queryset: QuerySet[Meeting]) -> None:
        self._step(request, queryset, MeetingStatus.HELD)

    @admin.action(description=gettext_lazy("Close the chosen meetings"), permissions=["change"])
    def close(self, request: HttpRequest, queryset: QuerySet[Meeting]) -> None:
        self._step(request, queryset, MeetingStatus.CLOSED)


class AttachmentForm(ModelForm[AgendaAttachment]):
    class Meta:
        model = AgendaAttachment
        fields = ["title", "file"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and hasattr(upload, "size"):
            problem = attachment_problem(upload)
            if problem:
                raise ValidationError(problem)
        return upload


class AttachmentInline(admin.TabularInline[AgendaAttachment, AgendaItem]):
    model = AgendaAttachment
    form = AttachmentForm
    extra = 0
    fields = ["title", "file", "size", "created_at"]
    readonly_fields = ["size", "created_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a file is replaced by removing it and adding another

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["size", "created_at"]


@admin.register(AgendaItem)
class AgendaItemAdmin(RefusalsOnTheForm, admin.ModelAdmin[AgendaItem]):
    list_display = ["title", "meeting", "order", "kind", "public"]
    list_filter = ["kind", "public", "meeting__council"]
    search_fields = ["title", "text"]
    list_select_related = ["meeting"]
    inlines = [AttachmentInline]
    raw_id_fields = ["recommendation"]

    def has_change_permission(self, request: HttpRequest, obj: AgendaItem | None = None) -> bool:
        if obj is not None and obj.meeting.status not in OPEN_STATUSES:
            return False  # the agenda of a held meeting is fixed
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: AgendaItem | None = None) -> bool:
        if obj is not None and not agenda_item_deletable(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["meeting"] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: AgendaItem, form: ModelForm[AgendaItem], change: bool
    ) -> None:
        agenda_item_save(item=obj, by=acting_user(request))

    def delete_model(self, request: HttpRequest, obj: AgendaItem) -> None:
        agenda_item_delete(item=obj, by=acting_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[AgendaItem]) -> None:
        for item in queryset.order_by("pk"):  # in key order, as every action takes rows
            if agenda_item_deletable(item):
                agenda_item_delete(item=item, by=acting_user(request))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Attachments: each removal through the service, then the new files, all checked
        # before any is stored (one refused leaves none on disk).
        formset.save(commit=False)  # what changed, for the admin's log; saved below
        user = acting_user(request)
        uploads = []
        for inline_form in formset.forms:
            data = getattr(inline_form, "cleaned_data", {})
            if not data:
                continue
            attachment = inline_form.instance
            if data.get("DELETE") and attachment.pk:
                agenda_attachment_delete(attachment=attachment, by=user)
            elif attachment.pk is None and data.get("file"):
                uploads.append((data["title"], data["file"]))
        if uploads:
            agenda_attachments_add(item=form.instance, by=user, uploads=uploads)
