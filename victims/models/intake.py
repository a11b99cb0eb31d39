"""Citizens' requests to be contacted by the unit, from the help page or after a report."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from curim.core.checks import INTAKE_UNANSWERED_DAYS_FLOOR
from curim.core.encrypted_fields import EncryptedJSONField
from victims.models.cases import Case
from victims.models.choices import Channel
from victims.models.support import ConsentText


def unanswered_days() -> int:
    """How many days a request nobody answers is kept (VSU_INTAKE_UNANSWERED_DAYS), never
    fewer than the floor `manage.py check` holds the setting to: a worker runs no check."""
    days: int = settings.VSU_INTAKE_UNANSWERED_DAYS
    return max(days, INTAKE_UNANSWERED_DAYS_FLOOR)


class IntakeRequest(models.Model):
    class State(models.TextChoices):
        NEW = "new", _("New")
        OPENED = "opened", _("Opened as a case")
        DECLINED = "declined", _("Closed without a case")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Everything the citizen wrote, and the report it came from, in one encrypted document:
    # {"name", "phone", "email", "channel", "safe_times", "message", "report": public id or ""}.
    details = EncryptedJSONField()
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    # The wording the citizen agreed to on the form (processing, and contact by the channel).
    processing_text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    contact_text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    case = models.OneToOneField(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="intake_request"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} ({self.state})"

    @property
    def last_day_kept(self) -> datetime.date:
        """Unanswered by the end of this day, the nightly retention run removes it
        (victims.services.intake.intake_requests_unanswered_delete)."""
        received = timezone.localdate(self.created_at)
        return received + datetime.timedelta(days=unanswered_days())
