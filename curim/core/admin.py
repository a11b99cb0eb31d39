"""Admin for the task outbox: read-only, so that an operator can see what is stuck and why."""

from django.contrib import admin
from django.http import HttpRequest

from curim.core.models import OutboxTask


@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin[OutboxTask]):
    list_display = ["task_name", "created_at", "sent_at", "completed_at", "attempts", "sends"]
    list_filter = [
        ("sent_at", admin.EmptyFieldListFilter),
        ("completed_at", admin.EmptyFieldListFilter),
        "task_name",
    ]
    readonly_fields = [f.name for f in OutboxTask._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxTask | None = None) -> bool:
        return False
