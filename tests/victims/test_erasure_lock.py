"""A person erased (or a case anonymised by the retention run) while their case is being worked
on, on two connections of a real database. The erasure locks the person's cases, then their
consents, then removes the rest; the services beside it lock in the same order (the case before
its person, a consent before its referrals). So a withdrawal already holding its consent makes
the erasure wait, and finishes; a referral's change or the case's edit that comes second waits
for the erasure and then finds nothing left to change, and says so. Locked the other way round
they deadlocked (PostgreSQL broke one off with an error), and an edit saved after the erasure
would have brought the person's row back."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from tests.seeding import seeded_rows_restore
from tests.threads import (
    in_thread,
    joined,
    paused_in_thread,
    refused_or_done,
    until_a_lock_is_awaited,
)
from tests.victims.factories import (
    case_create,
    referral_under_consent,
    supervisor_create,
    worker_create,
)
from victims.models import (
    Case,
    ClosureOutcome,
    Consent,
    Person,
    Referral,
    ReferralStatus,
)
from victims.services import privacy
from victims.services.cases import case_close, case_details_update, person_update
from victims.services.privacy import case_anonymise_if_due, person_erase
from victims.services.support import consent_withdraw, referral_update

pytestmark = pytest.mark.django_db(transaction=True)

GROUNDS = "The person asked for erasure by letter."


def test_a_consent_withdrawn_while_its_person_is_erased_leaves_both_done(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seeded_rows_restore()  # the roles, the consent texts: a committing test emptied them
    worker = worker_create(email="worker@example.org")
    supervisor = supervisor_create(email="supervisor@example.org")
    case = case_create(by=worker)
    consent, _ = referral_under_consent(case=case, by=worker)
    person = case.person
    assert person is not None
    outcome: dict[str, Any] = {}
    # A worker withdraws the consent: consent_withdraw has locked it and stops before it saves
    # it and goes on to the referrals under it, until the test lets it.
    withdrawal, release = paused_in_thread(
        monkeypatch,
        Consent,
        "save",
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


def test_a_referral_changed_while_its_person_is_erased_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seeded_rows_restore()
    worker = worker_create(email="worker@example.org")
    supervisor = supervisor_create(email="supervisor@example.org")
    case = case_create(by=worker)
    _, referral = referral_under_consent(case=case, by=worker)
    person = case.person
    assert person is not None
    outcome: dict[str, Any] = {}
    # The erasure has locked the cases and their consents, and stops before it removes
    # anything, until the test lets it.
    erasure, release = paused_in_thread(
        monkeypatch,
        privacy,
        "_documents_delete",
        lambda: person_erase(person=person, by=supervisor, reason=GROUNDS),
        outcome,
        "erased",
    )
    try:
        sending = in_thread(
            lambda: refused_or_done(
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
    settings: Any, monkeypatch: pytest.MonkeyPatch, form: str, removal: str
) -> None:
    seeded_rows_restore()
    worker = worker_create(email="worker@example.org")
    supervisor = supervisor_create(email="supervisor@example.org")
    case = case_create(by=worker)
    person = case.person
    assert person is not None
    remove: Any
    if removal == "an erasure":
        remove = lambda: person_erase(person=person, by=supervisor, reason=GROUNDS)  # noqa: E731
    else:
        case_close(case=case, by=worker, outcome=ClosureOutcome.COMPLETED)
        long_ago = timezone.now() - timedelta(days=settings.VSU_RETENTION_DAYS + 1)
        Case.objects.filter(pk=case.pk).update(closed_at=long_ago)
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
    # The erasure or the retention run has locked the case and stops before it removes
    # anything, until the test lets it.
    removing, release = paused_in_thread(
        monkeypatch,
        privacy,
        "_documents_delete",
        remove,
        outcome,
        "removed",
    )
    try:
        editing = in_thread(lambda: refused_or_done(edit), outcome, "edited")
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
