"""A person erased while their case is being worked on, on two connections of a real database.
The erasure locks the person's cases, then their consents, then removes the rest; the services
beside it lock in that order too (the case before its person, a consent before its referrals),
so each waits for the erasure and then finds nothing left to change. Locked the other way round
they deadlocked (PostgreSQL broke one off with an error), and an edit saved after the erasure
would have brought the person's row back."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tests.seeding import seeded_rows_restore
from tests.threads import held, in_thread, joined, until_a_lock_is_awaited
from tests.victims.factories import (
    case_create,
    consent_give,
    service_create,
    supervisor_create,
    worker_create,
)
from victims.models import (
    Case,
    ClosureOutcome,
    Consent,
    ConsentScope,
    Person,
    Referral,
    ReferralStatus,
)
from victims.services.cases import case_close, case_details_update, person_update
from victims.services.privacy import (
    case_anonymise_if_due,
    cases_due_for_anonymisation,
    person_erase,
)
from victims.services.support import consent_withdraw, referral_create, referral_update

pytestmark = pytest.mark.django_db(transaction=True)

GROUNDS = "The person asked for erasure by letter."


def _refused_or_done(change: Any) -> tuple[bool, Any]:
    """(True, the refusal) where the change raised one, else (False, its result): a refusal
    kept apart from an error, which `joined` raises in the test."""
    try:
        return False, change()
    except ValidationError as refusal:
        return True, refusal


def test_a_consent_withdrawn_while_its_person_is_erased_leaves_both_done() -> None:
    seeded_rows_restore()  # the roles, the consent texts: a committing test emptied them
    worker = worker_create(email="worker@example.org")
    supervisor = supervisor_create(email="supervisor@example.org")
    case = case_create(by=worker)
    service = service_create()
    consent = consent_give(case=case, by=worker, scope=ConsentScope.REFERRAL, service=service)
    referral_create(case=case, by=worker, service=service)
    person = case.person
    assert person is not None
    outcome: dict[str, Any] = {}
    # A worker withdraws the consent: its transaction has locked it (consent_withdraw's first
    # step) and goes on to the referrals under it when the test lets it.
    withdrawal, release = held(
        lambda: Consent.objects.select_for_update().get(pk=consent.pk),
        lambda: consent_withdraw(consent=consent, by=worker),
        outcome,
        "withdrawn",
    )
    try:
        erasure = in_thread(
            lambda: person_erase(person=person, by=supervisor, reason=GROUNDS), outcome, "erased"
        )
        until_a_lock_is_awaited(erasure, "the erasure")
    finally:
        release.set()  # never leave the lock held over the test's teardown
    joined(withdrawal, erasure, outcome=outcome)
    assert isinstance(outcome["withdrawn"], Consent)
    assert outcome["erased"] == 1
    assert not Case.objects.exists()
    assert not Consent.objects.exists()
    assert not Referral.objects.exists()
    assert not Person.objects.exists()


def test_a_referral_changed_while_its_person_is_erased_is_refused() -> None:
    seeded_rows_restore()
    worker = worker_create(email="worker@example.org")
    supervisor = supervisor_create(email="supervisor@example.org")
    case = case_create(by=worker)
    service = service_create()
    consent_give(case=case, by=worker, scope=ConsentScope.REFERRAL, service=service)
    referral = referral_create(case=case, by=worker, service=service)
    person = case.person
    assert person is not None
    outcome: dict[str, Any] = {}
    # The erasure has locked the cases and their consents (its first steps).
    erasure, release = held(
        lambda: list(
            Consent.objects.select_for_update().filter(
                case__in=list(Case.objects.select_for_update().filter(person=person))
            )
        ),
        lambda: person_erase(person=person, by=supervisor, reason=GROUNDS),
        outcome,
        "erased",
    )
    try:
        sending = in_thread(
            lambda: _refused_or_done(
                lambda: referral_update(referral=referral, by=worker, status=ReferralStatus.SENT)
            ),
            outcome,
            "sent",
        )
        until_a_lock_is_awaited(sending, "the referral's change")
    finally:
        release.set()
    joined(erasure, sending, outcome=outcome)
    refused, answer = outcome["sent"]
    assert refused, answer
    assert answer.messages == ["This case was erased or anonymised meanwhile: nothing was saved."]
    assert not Referral.objects.exists()


@pytest.mark.parametrize("form", ["the person", "the case's details", "both"])
@pytest.mark.parametrize("removal", ["an erasure", "the retention run"])
def test_a_case_edited_while_its_person_is_removed_is_refused_and_nothing_comes_back(
    settings: Any, form: str, removal: str
) -> None:
    seeded_rows_restore()
    worker = worker_create(email="worker@example.org")
    supervisor = supervisor_create(email="supervisor@example.org")
    case = case_create(by=worker)
    person = case.person
    assert person is not None
    lock: Any
    remove: Any
    if removal == "an erasure":
        lock = lambda: list(Case.objects.select_for_update().filter(person=person))  # noqa: E731
        remove = lambda: person_erase(person=person, by=supervisor, reason=GROUNDS)  # noqa: E731
    else:
        case_close(case=case, by=worker, outcome=ClosureOutcome.COMPLETED)
        long_ago = timezone.now() - timedelta(days=settings.VSU_RETENTION_DAYS + 1)
        Case.objects.filter(pk=case.pk).update(closed_at=long_ago)
        due = cases_due_for_anonymisation().select_for_update().filter(pk=case.pk)
        lock = lambda: due.get()  # noqa: E731
        remove = lambda: case_anonymise_if_due(case.pk)  # noqa: E731

    def edit() -> None:  # as the case's edit page saves its two forms, in one transaction
        with transaction.atomic():
            if form != "the case's details":
                person_update(
                    person=person, by=worker, case=case, fields={"full_name": "Maria Papadaki"}
                )
            if form != "the person":
                case_details_update(case=case, by=worker, fields={"summary": "Called again."})

    outcome: dict[str, Any] = {}
    # The erasure or the retention run has locked the case (its first step) and goes on when
    # the test lets it.
    removing, release = held(lock, remove, outcome, "removed")
    try:
        editing = in_thread(lambda: _refused_or_done(edit), outcome, "edited")
        until_a_lock_is_awaited(editing, "the edit")
    finally:
        release.set()
    joined(removing, editing, outcome=outcome)
    assert outcome["removed"] in (1, True)
    refused, answer = outcome["edited"]
    assert refused, answer
    assert answer.messages == ["This case was erased or anonymised meanwhile: nothing was saved."]
    assert not Person.objects.exists()
    kept = Case.objects.filter(pk=case.pk).first()
    if removal == "an erasure":
        assert kept is None
    else:
        assert kept is not None
        assert (kept.person, kept.summary) == (None, "")
