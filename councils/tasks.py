"""Background work of the council: thin tasks around services, retried while mail is
unreachable."""

import uuid

from celery import shared_task

from councils.services.convening import CONVENING_EMAIL_TASK, convening_email_send


@shared_task(
    name=CONVENING_EMAIL_TASK,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=60 * 30,
    max_retries=8,
    acks_late=True,
    ignore_result=True,
)
def convening_email(meeting_id: str, membership_id: str) -> int:
    """Send one member the e-mail that convenes a meeting, with its invitation."""
    return convening_email_send(
        meeting_id=uuid.UUID(meeting_id), membership_id=uuid.UUID(membership_id)
    )
