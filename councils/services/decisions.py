"""Decisions on the agenda items of a meeting that has been held (`Decision.clean` says when
they may be recorded and changed)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from councils.models import AgendaItem, Decision, DecisionOutcome, Meeting
from curim.accounts.models import User


@transaction.atomic
def decision_save(*, decision: Decision, by: User) -> Decision:
    """Record a decision, or correct one while its meeting's minutes are not approved."""
    item = AgendaItem.objects.get(pk=decision.agenda_item_id)
    item.meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    decision.agenda_item = item  # as stored now, not as the caller last read it
    if not decision._state.adding:
        stored = Decision.objects.get(pk=decision.pk)
        if stored.agenda_item_id != decision.agenda_item_id:
            raise ValidationError({"agenda_item": _("A decision stays with its agenda item.")})
        rested_on = stored.approved_minutes.exists() or stored.adopted_recommendations.exists()
        if decision.outcome != DecisionOutcome.ADOPTED and rested_on:
            raise ValidationError(
                {"outcome": _("Minutes or recommendations rest on this adopted decision.")}
            )
    decision.full_clean()
    decision.save()
    return decision


def decision_record(
    *,
    agenda_item: AgendaItem,
    by: User,
    text: str,
    outcome: str,
    votes_for: int | None = None,
    votes_against: int | None = None,
    votes_abstain: int | None = None,
) -> Decision:
    decision = Decision(
        agenda_item=agenda_item,
        text=text,
        outcome=outcome,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
    )
    return decision_save(decision=decision, by=by)
