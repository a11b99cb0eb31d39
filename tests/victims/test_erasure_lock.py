"""A person erased while their case is being worked on, on two connections of a real database.
The erasure locks the person's cases, then their consents, then removes the rest; the services
beside it lock in that order too (the case before its person, a consent before its referrals),
so each waits for the erasure and then finds nothing left to change. Locked the other way round
they deadlocked (PostgreSQL broke one off with an error), and an edit saved after the erasure
would have brought the person's row back."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from tests.seeding import seeded_rows_restore
from tests.threads import held, in_thread, joined, until_a_lock_is_awaited
from tests.victims.factories import (
    case_create,
    consent_give,
    service_create,
    supervisor_create,
    worker_create,
)
from victims.models import Case, Consent, ConsentScope, Person, Referral
from victims.services.cases import case_details_update, person_update
from victims.services.privacy import person_erase
from victims.services.support import consent_withdraw, referral_create

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
        until_a_lock_is_awaited("the erasure")
    finally:
        release.set()  # never leave the lock held over the test's teardown
    joined(withdrawal, erasure, outcome=outcome)
    assert isinstance(outcome["withdrawn"], Consent)
    assert outcome["erased"] == 1
    assert not Case.objects.exists()
    assert not Consent.objects.exists()
    assert not Referral.objects.exists()
    assert not Person.objects.exists()


@pytest.mark.parametrize("form", ["the person", "the case's details", "both"])
def test_a_case_edited_while_its_person_is_erased_is_refused_and_nothing_comes_back(
    form: str,
) -> None:
    seeded_rows_restore()
    worker = worker_create(email="worker@example.org")
    supervisor = supervisor_create(email="supervisor@example.org")
    case = case_create(by=worker)
    person = case.person
    assert person is not None

    def edit() -> None:  # as the case's edit page saves its two forms, in one transaction
        with transaction.atomic():
            if form != "the case's details":
                person_update(
                    person=person, by=worker, case=case, fields={"full_name": "Maria Papadaki"}
                )
            if form != "the person":
                case_details_update(case=case, by=worker, fields={"summary": "Called again."})

    outcome: dict[str, Any] = {}
    # The erasure has locked the person's cases (its first step) and goes on when the test
    # lets it.
    erasure, release = held(
        lambda: list(Case.objects.select_for_update().filter(person=person)),
        lambda: person_erase(person=person, by=supervisor, reason=GROUNDS),
        outcome,
        "erased",
    )
    try:
        editing = in_thread(lambda: _refused_or_done(edit), outcome, "edited")
        until_a_lock_is_awaited("the edit")
    finally:
        release.set()
    joined(erasure, editing, outcome=outcome)
    assert outcome["erased"] == 1
    refused, answer = outcome["edited"]
    assert refused, answer
    assert answer.messages == ["This case was erased or anonymised meanwhile: nothing was saved."]
    assert not Case.objects.exists()
    assert not Person.objects.exists()
