"""The e-mails sent about action items' due dates: one row per item, due date, kind and
recipient, so that the nightly run never sends the same reminder twice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from councils.models.recommendations import ActionItem


class ActionItemReminder(models.Model):
    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due in a week (to the owner)")
        OVERDUE = "overdue", _("Overdue (to the secretary)")

    action_item = models.ForeignKey(
        ActionItem,
        verbose_name=_("action item"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    # The due date the reminder was about: a new due date is a new reminder.
    due_on = models.DateField(_("due"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("action item reminder")
        verbose_name_plural = _("action item reminders")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action_item", "kind", "due_on", "recipient"],
                name="action_item_reminder_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.due_on})"
