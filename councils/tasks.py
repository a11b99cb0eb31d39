"""Background work of the council: the nightly reminders about action items (thin tasks
around councils.services.reminders)."""

from celery import shared_task

from councils.services.reminders import action_item_reminder_send, action_item_reminders_plan


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
