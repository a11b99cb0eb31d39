"""A session's counts as the table of files holds them: a count per group (students by school
year; counts only, nobody named) in a column each, written through `services.sessions`, and the
proposals heard. Used by the import of files (`services.exchange`) and the demo."""

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from interventions.models import ParticipantGroup, Participants, Proposal, Session
from interventions.services import sessions
from interventions.services.sessions import Attendance

# A session's participants: (group, school year or None) → count.
Counted = Mapping[tuple[str, int | None], int]


def participants_column(group: str, school_year: int | None) -> str:
    """The column of the table of files (`exchange_table`) that holds this count."""
    if group == ParticipantGroup.STUDENTS and school_year is not None:
        return f"participants_students_year_{school_year}"
    return f"participants_{group}"


def participants_of(session: Session) -> dict[tuple[str, int | None], int]:
    return {(p.group, p.school_year): p.count for p in session.participants.all()}


@transaction.atomic
def session_save(*, session: Session, participants: Counted | None = None) -> Session:
    """Save a session through `services.sessions.session_save` and, when given, replace its
    participants' counts with these (a count refused is reported under its table column, e.g.
    `participants_students_year_8`); left out, the counts it had stay."""
    if participants is None:
        participants = participants_of(session) if session.pk else {}
    attendance = []
    for (group, year), count in sorted(participants.items(), key=str):
        counted = Participants(group=group, school_year=year, count=count)
        try:
            counted.full_clean(exclude=["session"])
        except ValidationError as error:
            raise ValidationError({participants_column(group, year): error.messages}) from None
        attendance.append(Attendance(ParticipantGroup(group), count, year))
    return sessions.session_save(session=session, attendance=attendance)


@transaction.atomic
def proposals_add(*, session: Session, texts: Sequence[str]) -> list[Proposal]:
    """Record the proposals heard at an advisory meeting."""
    added = []
    for text in texts:
        proposal = Proposal(session=session, text=text)
        proposal.full_clean()
        proposal.save()
        added.append(proposal)
    return added
