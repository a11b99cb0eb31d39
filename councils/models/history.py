"""The history of minutes, recommendations and action items: who changed what, and when.

Rows are written by the services, in the transaction of the change they record, and never
edited. Each row belongs to exactly one record.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from councils.models import limits
from councils.models.minutes import Minutes
from councils.models.recommendations import ActionItem, Recommendation


class RecordChange(models.Model):
    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        STATUS = "status", _("Status changed")
        PROGRESS = "progress", _("Progress updated")
        COMMENTED = "commented", _("Commented")
        ITEM_REMOVED = "item_removed", _("Action item removed")

    minutes = models.ForeignKey(
        Minutes,
        verbose_name=_("minutes"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="changes",
    )
    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommendation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="changes",
    )
    action_item = models.ForeignKey(
        ActionItem,
        verbose_name=_("action item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="changes",
    )
    action = models.CharField(_("what happened"), max_length=16, choices=Action.choices)
    # What changed, field by field: {"title_en": {"from": "…", "to": "…"}}.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(
        _("note"),
        blank=True,
        max_length=limits.NOTE_MAX,
        validators=[MaxLengthValidator(limits.NOTE_MAX)],
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history of council records")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    minutes__isnull=False, recommendation__isnull=True, action_item__isnull=True
                )
                | models.Q(
                    minutes__isnull=True, recommendation__isnull=False, action_item__isnull=True
                )
                | models.Q(
                    minutes__isnull=True, recommendation__isnull=True, action_item__isnull=False
                ),
                name="record_change_of_one_record",
                violation_error_message=_(
                    "A history entry belongs to one set of minutes, recommendation or action item."
                ),
            )
        ]

    def __str__(self) -> str:
        when = f" ({self.created_at:%Y-%m-%d %H:%M})" if self.created_at else ""
        return f"{self.get_action_display()}{when}"

    @property
    def record(self) -> Minutes | Recommendation | ActionItem | None:
        return self.minutes or self.recommendation or self.action_item
