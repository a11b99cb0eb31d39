"""Background work of the council, thin tasks around services: the convening and
cancellation e-mails, the nightly carry-over of the next agenda, and the
nightly reminders about action items, retried while mail is unreachable."""

import uuid
from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import translation

from councils.services.carry_over import agendas_carry_over
from councils.services.convening import (
    CANCELLATION_EMAIL_TASK,
    CONVENING_EMAIL_TASK,
    cancellation_email_send,
    convening_email_send,
)
from councils.services.reminders import action_item_reminder_send, action_item_reminders_plan

# A meeting's e-mails: retried while mail is unreachable, acknowledged once sent (the
# services send each once however often a task runs).
MEETING_EMAIL_OPTIONS: dict[str, Any] = {
    "autoretry_for": (OSError,),
    "retry_backoff": 30,
    "retry_backoff_max": 60 * 30,
    "max_retries": 8,
    "acks_late": True,
    "ignore_result": True,
}


@shared_task(name=CONVENING_EMAIL_TASK, **MEETING_EMAIL_OPTIONS)
def convening_email(meeting_id: str, membership_id: str) -> int:
    """Send one member the e-mail that convenes a meeting, with its invitation."""
    return convening_email_send(
        meeting_id=uuid.UUID(meeting_id), membership_id=uuid.UUID(membership_id)
    )


@shared_task(name=CANCELLATION_EMAIL_TASK, **MEETING_EMAIL_OPTIONS)
def cancellation_email(meeting_id: str, membership_id: str) -> int:
    """Tell one member who had the invitation that the meeting is cancelled."""
    return cancellation_email_send(
        meeting_id=uuid.UUID(meeting_id), membership_id=uuid.UUID(membership_id)
    )


@shared_task(name="councils.action_item_reminders_plan", ignore_result=True)
def action_item_reminders_plan_task() -> int:
    """The nightly run: records the reminders due and enqueues their e-mails; safe to repeat."""
    return action_item_reminders_plan()


@shared_task(
    name="councils.action_item_reminder_send",
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=60 * 30,
    max_retries=8,
    ignore_result=True,
)
def action_item_reminder_send_task(reminder_id: int) -> bool:
    """Send one reminder's e-mail, unless it was sent already."""
    return action_item_reminder_send(reminder_id=reminder_id)


@shared_task(name="councils.agendas_carry_over", ignore_result=True)
def agendas_carry_over_task() -> int:
    """The nightly run: each council's next draft agenda carries over what is overdue."""
    with translation.override(settings.LANGUAGE_CODE):
        return agendas_carry_over()
