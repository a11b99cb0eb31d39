"""A referral moved on while its consent is withdrawn, on two connections of a real database.
The withdrawal locks the consent, then cancels the open referrals under it; the referral's
change locks them in the same order, so it waits for the withdrawal, then finds the referral
cancelled and says so. Locked the other way round (the referral first, its consent through a
join) the two deadlocked, and PostgreSQL broke one of them off with an error."""

from typing import Any

import pytest

from tests.seeding import seeded_rows_restore
from tests.threads import (
    in_thread,
    joined,
    paused_in_thread,
    refused_or_done,
    until_a_lock_is_awaited,
)
from tests.victims.factories import case_create, referral_under_consent, worker_create
from victims.models import (
    Consent,
    Referral,
    ReferralOutcome,
    ReferralStatus,
)
from victims.services.support import consent_withdraw, referral_update

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_referral_sent_while_its_consent_is_withdrawn_waits_and_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seeded_rows_restore()  # the roles, the consent texts: a committing test emptied them
    worker = worker_create(email="worker@example.org")
    case = case_create(by=worker)
    consent, referral = referral_under_consent(case=case, by=worker)
    outcome: dict[str, Any] = {}
    # One worker withdraws the consent: consent_withdraw has locked it and stops before it
    # saves it and goes on to the referrals under it, until the test lets it.
    withdrawal, release = paused_in_thread(
        monkeypatch,
        Consent,
        "save",
        lambda: consent_withdraw(consent=consent, by=worker),
        outcome,
        "withdrawn",
    )
    try:
        # Another sends the referral at that moment.
        sending = in_thread(
            lambda: refused_or_done(
                lambda: referral_update(referral=referral, by=worker, status=ReferralStatus.SENT)
            ),
            outcome,
            "sent",
        )
        until_a_lock_is_awaited(sending, "the referral's change")
    finally:
        release.set()  # never leave the lock held over the test's teardown
    joined(withdrawal, sending, outcome=outcome)
    assert isinstance(outcome["withdrawn"], Consent)
    refused, answer = outcome["sent"]
    assert refused, answer
    assert answer.message_dict == {
        "status": ["A referral cannot move from Cancelled to this status."]
    }
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.outcome) == (
        ReferralStatus.CANCELLED,
        ReferralOutcome.CONSENT_WITHDRAWN,
    )
