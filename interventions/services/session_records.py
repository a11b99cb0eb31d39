"""Recording a session's counts: the session, its participants by group (students by school
year; counts only, nobody named) and the proposals heard. Used by the import of files
(`services.exchange`) and the demo."""

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from interventions.models import ParticipantGroup, Participants, Proposal, Session

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
    """Save a session and, when given, replace its participants' counts with these (a count
    refused is reported under its table column, e.g. `participants_students_year_8`)."""
    session.full_clean()
    session.save()
    if participants is not None and participants != participants_of(session):
        session.participants.all().delete()
        for (group, year), count in sorted(participants.items(), key=str):
            counted = Participants(session=session, group=group, school_year=year, count=count)
            try:
                counted.full_clean()
            except ValidationError as error:
                raise ValidationError({participants_column(group, year): error.messages}) from None
            counted.save()
    return session


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
