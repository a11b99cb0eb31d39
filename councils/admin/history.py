"""The history of council records in the admin: read by everyone who may, changed by nobody."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from councils.models import RecordChange


class HistoryInline(admin.TabularInline[RecordChange, Any]):
    model = RecordChange
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "action", "actor", "changes", "note")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RecordChange)
class RecordChangeAdmin(admin.ModelAdmin[RecordChange]):
    list_display = ["created_at", "action", "record", "actor"]
    list_filter = ["action"]
    list_select_related = ["minutes__meeting", "recommendation", "action_item", "actor"]
    date_hierarchy = "created_at"

    @admin.display(description=gettext_lazy("record"))
    def record(self, obj: RecordChange) -> str:
        return str(obj.record)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
