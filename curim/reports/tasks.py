"""Background work of reports: thin tasks around services, retried while mail is unreachable."""

from celery import shared_task

from curim.reports.services.emails import report_status_email_send


@shared_task(
    name="reports.status_email_send",
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=60 * 30,
    max_retries=8,
    ignore_result=True,
)
def status_email_send(event_id: int) -> int:
    """Tell the followers (and the contact address) that a report's status changed."""
    return report_status_email_send(event_id=event_id)
