"""The nightly reminders about action items: a week ahead the owner hears of an item's due
date, once overdue the council's secretaries do, each in their own language, and never twice
for the same item and due date; a real worker runs the beat task end to end."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from councils.models import ActionItem, ActionItemReminder, Council, Position
from councils.services.actions import action_item_transition, action_item_update
from councils.services.reminders import action_item_reminders_plan
from councils.tasks import action_item_reminders_plan_task
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.celery import app
from curim.core.models import OutboxTask
from tests.conftest import outbox_run
from tests.councils.factories import (
    action_item_with,
    council_create,
    member_create,
    recommendation_adopted,
    secretary_of,
)
from tests.seeding import seeded_rows_restore


def _item_due_in(council: Council, days: int, owner: User | None = None) -> ActionItem:
    item = action_item_with(recommendation_adopted(council))
    return action_item_update(
        item=item,
        by=secretary_of(council),
        due_on=timezone.localdate() + timedelta(days=days),
        owner_person=owner,
    )


def _speaking(user: User, language: str) -> User:
    user.language = language
    user.save()
    return user


def test_the_reminders_run_nightly() -> None:
    entry = app.conf.beat_schedule["council-action-item-reminders"]
    assert entry["task"] == action_item_reminders_plan_task.name


@pytest.mark.django_db
def test_the_owner_is_reminded_a_week_ahead_once_in_their_language() -> None:
    council = council_create()
    owner = _speaking(member_create(council).person, "el")
    item = _item_due_in(council, 7, owner)
    _item_due_in(council, 8, owner)  # not yet
    outbox_run()
    mail.outbox.clear()

    assert action_item_reminders_plan() == 1
    assert outbox_run() == ["councils.action_item_reminder_send"]
    (message,) = mail.outbox
    assert message.to == [owner.email]
    assert "Ενέργεια με προθεσμία" in message.subject
    assert item.title in message.subject
    assert f"/my-action-items/{item.pk}/progress/" in str(message.body)

    # The next night, and a task run twice, send nothing more.
    assert action_item_reminders_plan() == 0
    reminder = ActionItemReminder.objects.get()
    app.tasks["councils.action_item_reminder_send"].apply(args=(reminder.pk,), throw=True)
    assert outbox_run() == []
    assert len(mail.outbox) == 1

    # A new due date is a new reminder.
    action_item_update(
        item=item, by=secretary_of(council), due_on=timezone.localdate() + timedelta(days=3)
    )
    assert action_item_reminders_plan() == 1
    outbox_run()
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_overdue_items_are_flagged_to_each_secretary_in_their_language() -> None:
    council = council_create()
    english = _speaking(secretary_of(council), "en")
    greek = _speaking(
        member_create(council, position=Position.MEMBER, role=Role.COUNCIL_SECRETARY).person,
        "el",
    )
    member_create(council)  # a member without the secretary role hears nothing
    item = _item_due_in(council, -2)
    done = _item_due_in(council, -2)
    action_item_transition(item=done, to_status="completed", by=english)
    outbox_run()
    mail.outbox.clear()

    assert action_item_reminders_plan() == 2
    outbox_run()
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {english.email, greek.email}
    assert "Overdue action item" in by_address[english.email].subject
    assert "2 days ago" in str(by_address[english.email].body)
    assert "Εκπρόθεσμη ενέργεια" in by_address[greek.email].subject
    assert item.recommendation.reference in by_address[greek.email].subject

    assert action_item_reminders_plan() == 0
    outbox_run()
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_an_item_closed_before_its_reminder_leaves_is_not_mentioned() -> None:
    council = council_create()
    owner = member_create(council).person
    item = _item_due_in(council, 2, owner)
    outbox_run()
    mail.outbox.clear()
    action_item_reminders_plan()
    action_item_transition(item=item, to_status="completed", by=secretary_of(council))
    outbox_run()
    assert mail.outbox == []
    assert ActionItemReminder.objects.get().sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_nightly_task_and_sends_each_reminder_once(celery_worker: str) -> None:
    seeded_rows_restore()  # the roles: a transactional test before this one emptied every table
    council = council_create()
    owner = member_create(council).person
    _item_due_in(council, 5, owner)
    _item_due_in(council, -1)
    secretary_of(council)
    OutboxTask.objects.all().delete()

    for _run in range(2):
        action_item_reminders_plan_task.delay()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        reminders = ActionItemReminder.objects.all()
        if reminders.count() == 2 and not reminders.filter(sent_at__isnull=True).exists():
            break
        time.sleep(0.3)
    reminders = ActionItemReminder.objects.order_by("kind")
    assert [(r.kind, r.recipient_id) for r in reminders] == [
        ("due_soon", owner.pk),
        ("overdue", secretary_of(council).pk),
    ]
    assert all(r.sent_at is not None for r in reminders)
    assert OutboxTask.objects.filter(task_name="councils.action_item_reminder_send").count() == 2


@pytest.mark.django_db
def test_a_former_member_or_one_without_the_role_hears_nothing() -> None:
    """Found in review: reminders went to owners who had left the council."""
    from curim.accounts.services import user_roles_set

    council = council_create()
    seat = member_create(council)
    left = member_create(council)
    no_role = member_create(council).person
    _item_due_in(council, 3, seat.person)
    _item_due_in(council, 3, left.person)
    _item_due_in(council, 3, no_role)
    left.ends_on = timezone.localdate() - timedelta(days=1)
    left.save()
    user_roles_set(user=no_role, roles=set())
    outbox_run()
    mail.outbox.clear()
    assert action_item_reminders_plan() == 1
    outbox_run()
    assert [message.to for message in mail.outbox] == [[seat.person.email]]
