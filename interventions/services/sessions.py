"""Recording the sessions of a social intervention: the session, how many took part from each
group, and the proposals heard at an advisory meeting; and sending a proposal to the council.
Each write is all-or-nothing: a row refused leaves nothing of the others."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from curim.accounts.models import User
from interventions.models import (
    InterventionKind,
    ParticipantGroup,
    Participants,
    Proposal,
    Session,
)


@dataclass(frozen=True)
class Attendance:
    """How many came from a group (students by school year; `school_year` None otherwise)."""

    group: ParticipantGroup
    count: int
    school_year: int | None = None


@transaction.atomic
def session_save(
    *,
    session: Session,
    attendance: Sequence[Attendance],
    proposals: Sequence[str] = (),
) -> Session:
    """Save a session (new or changed) with its counts per group, which replace the ones it
    had, and the proposals heard when the intervention is an advisory meeting."""
    session.full_clean()
    session.save()
    session.participants.all().delete()
    rows = []
    seen: set[tuple[str, int | None]] = set()
    for item in attendance:
        if item.count == 0:
            continue
        if (item.group, item.school_year) in seen:
            raise ValidationError(_("A group (and school year) is counted once per session."))
        seen.add((item.group, item.school_year))
        row = Participants(
            session=session, group=item.group, school_year=item.school_year, count=item.count
        )
        row.full_clean()
        rows.append(row)
    Participants.objects.bulk_create(rows)
    texts = [text.strip() for text in proposals if text.strip()]
    if texts and session.intervention.kind != InterventionKind.ADVISORY:
        raise ValidationError(
            {"proposals": _("Only an advisory meeting with citizens records proposals.")}
        )
    for text in texts:
        proposal = Proposal(session=session, text=text)
        proposal.full_clean()
        proposal.save()
    return session


@transaction.atomic
def proposal_send_to_council(*, proposal: Proposal, by: User) -> Proposal:
    """Mark a proposal as sent to the council's next agenda (the council's module picks up the
    proposals sent to it). A proposal is sent once."""
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.sent_to_council_at is not None:
        raise ValidationError(_("This proposal was already sent to the council."))
    locked.sent_to_council_at = timezone.now()
    locked.sent_by = by
    locked.full_clean()
    locked.save(update_fields=["sent_to_council_at", "sent_by"])
    return locked
