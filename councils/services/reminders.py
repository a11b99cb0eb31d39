"""The nightly reminders about action items: a week before an item is due its owner hears of
it, and once it is overdue the council's secretaries do. Each e-mail is one `ActionItemReminder`
row (unique per item, kind, due date and recipient), recorded before it is sent through the
outbox and marked when sent, so that a run repeated, or a task run twice, sends nothing twice;
a new due date is a new reminder."""

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from councils.models import ActionItem, ActionItemReminder
from councils.selectors.recommendations_internal import (
    action_items_due_soon,
    action_items_overdue,
    secretaries_of,
)
from councils.selectors.scopes import OPEN_ITEM_STATUSES
from curim.accounts.models import User
from curim.core.services import task_enqueue

REMINDER_DAYS_AHEAD = 7
SEND_TASK = "councils.action_item_reminder_send"


def _reminder_add(*, item: ActionItem, kind: str, recipient: User) -> bool:
    if item.due_on is None:  # the selectors keep items with a due date only
        return False
    reminder, created = ActionItemReminder.objects.get_or_create(
        action_item=item, kind=kind, due_on=item.due_on, recipient=recipient
    )
    if created:
        task_enqueue(task_name=SEND_TASK, args=[reminder.pk])
    return created


@transaction.atomic
def action_item_reminders_plan(*, today: date | None = None) -> int:
    """Record the reminders due today and enqueue their e-mails; returns how many are new."""
    day = today or timezone.localdate()
    added = 0
    for item in action_items_due_soon(day, REMINDER_DAYS_AHEAD):
        if item.owner_person is None:  # the selector keeps owned items only
            continue
        added += _reminder_add(
            item=item, kind=ActionItemReminder.Kind.DUE_SOON, recipient=item.owner_person
        )
    for item in action_items_overdue(day):
        for secretary in secretaries_of(item.recommendation.council_id, day):
            added += _reminder_add(
                item=item, kind=ActionItemReminder.Kind.OVERDUE, recipient=secretary
            )
    return added


def _link(item: ActionItem, kind: str) -> str:
    if kind == ActionItemReminder.Kind.DUE_SOON:
        path = reverse("councils:progress_update_new", kwargs={"item_id": item.pk})
    else:
        path = reverse(
            "councils:manage_recommendation", kwargs={"reference": item.recommendation.reference}
        )
    return str(settings.SITE_URL) + path


@transaction.atomic
def action_item_reminder_send(*, reminder_id: int) -> bool:
    """Send one reminder, in its recipient's language, unless it was sent already (or its
    item has since been completed, cancelled or given another due date)."""
    reminder = (
        ActionItemReminder.objects.select_for_update(of=("self",))
        .select_related("action_item__recommendation", "recipient")
        .filter(pk=reminder_id, sent_at__isnull=True)
        .first()
    )
    if reminder is None:
        return False
    item = reminder.action_item
    if item.due_on != reminder.due_on or item.status not in OPEN_ITEM_STATUSES:
        reminder.sent_at = timezone.now()  # nothing to say any more: closed without an e-mail
        reminder.save(update_fields=["sent_at"])
        return False
    recipient = reminder.recipient
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        context = {
            "item": item,
            "recommendation": item.recommendation,
            "recipient": recipient,
            "link": _link(item, reminder.kind),
            "days_late": (timezone.localdate() - reminder.due_on).days,
        }
        subject = render_to_string(f"councils/email/{reminder.kind}_subject.txt", context)
        body = render_to_string(f"councils/email/{reminder.kind}_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [recipient.email])
    reminder.sent_at = timezone.now()
    reminder.save(update_fields=["sent_at"])
    return True
