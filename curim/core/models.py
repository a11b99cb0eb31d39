"""The task outbox: Celery work recorded in the database until a worker has run it."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxTask(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent to the broker"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # How often the broker accepted it: more than once when a lost task was re-published.
    sends = models.PositiveIntegerField(_("times sent"), default=0)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox task")
        verbose_name_plural = _("outbox tasks")
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_pending_idx",
            ),
            models.Index(
                fields=["sent_at"],
                condition=models.Q(sent_at__isnull=False, completed_at__isnull=True),
                name="outbox_unfinished_idx",
            ),
        ]

    def __str__(self) -> str:
        state = "completed" if self.completed_at else "sent" if self.sent_at else "pending"
        return f"{self.task_name} ({state})"
