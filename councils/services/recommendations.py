"""Recommendations: recorded with a reference, adopted by a decision, followed to done.

    proposed → adopted (by an adopted decision of the council) or withdrawn
    adopted → in progress, implemented, partly implemented, not implemented, withdrawn
    in progress → implemented, partly implemented, not implemented, withdrawn
    implemented, partly or not implemented → in progress (reopened, with a note)

`RECOMMENDATION_TRANSITIONS` holds that table, and nothing else decides it. Every change of
status leaves a dated, attributed row of the public timeline (`RecommendationStatusChange`)
and a history row; every edit a history row.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from councils.models import (
    Council,
    Decision,
    Organisation,
    Recommendation,
    RecommendationStatus,
    RecommendationStatusChange,
    RecordChange,
    ReferenceSequence,
)
from councils.services.carry_over import agenda_carry_over_next
from councils.services.editing import fields_set
from councils.services.history import changes_between, record_change_add, snapshot
from councils.services.meetings import EVIDENCE_FIELDS
from curim.accounts.models import User

S = RecommendationStatus
RECOMMENDATION_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PROPOSED: frozenset({S.ADOPTED, S.WITHDRAWN}),
    S.ADOPTED: frozenset(
        {S.IN_PROGRESS, S.IMPLEMENTED, S.PARTLY_IMPLEMENTED, S.NOT_IMPLEMENTED, S.WITHDRAWN}
    ),
    S.IN_PROGRESS: frozenset({S.IMPLEMENTED, S.PARTLY_IMPLEMENTED, S.NOT_IMPLEMENTED, S.WITHDRAWN}),
    S.IMPLEMENTED: frozenset({S.IN_PROGRESS}),
    S.PARTLY_IMPLEMENTED: frozenset({S.IN_PROGRESS}),
    S.NOT_IMPLEMENTED: frozenset({S.IN_PROGRESS}),
    S.WITHDRAWN: frozenset(),
}
# Changes that must say why, in a note the public reads.
FINISHED = frozenset({S.IMPLEMENTED, S.PARTLY_IMPLEMENTED, S.NOT_IMPLEMENTED})
NOTE_REQUIRED = frozenset({S.WITHDRAWN, S.NOT_IMPLEMENTED, S.PARTLY_IMPLEMENTED})

RECOMMENDATION_FIELDS = (
    "title_en",
    "title_el",
    "text_en",
    "text_el",
    "rationale_en",
    "rationale_el",
    "priority",
    "due_on",
    *EVIDENCE_FIELDS,
)


def reference_next(*, council: Council, year: int) -> str:
    """The next reference of the council's year, e.g. LCCP-2026-07: one atomic upsert, so
    concurrent callers get different numbers, and a number is never given twice."""
    table = ReferenceSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (council_id, year, last_number) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (council_id, year) DO UPDATE "
            f"SET last_number = {table}.last_number + 1 RETURNING last_number",
            [council.pk, year],
        )
        (number,) = cursor.fetchone()
    return f"{council.reference_prefix}-{year}-{number:02d}"


def _locked(recommendation: Recommendation) -> Recommendation:
    """The recommendation read again under its lock. FOR NO KEY UPDATE (its key never changes
    here): rows that merely refer to it (an agenda item following it up, a status change, an
    action item) are still written meanwhile. FOR UPDATE held them up, and an adoption, which
    then locks the next meeting to carry it over, deadlocked with an agenda item written on
    that meeting at the moment (tests/councils/test_action_item_lock.py)."""
    return Recommendation.objects.select_for_update(no_key=True).get(pk=recommendation.pk)


@transaction.atomic
def recommendation_save(*, recommendation: Recommendation, by: User) -> Recommendation:
    """Save a new recommendation (proposed, with the next reference of the year) or changes to
    one; each leaves a history row. Once adopted, the wording is what the council adopted
    (`Recommendation.clean`)."""
    if recommendation._state.adding:
        recommendation.status = S.PROPOSED
        recommendation.adopted_by = None
        recommendation.created_by = by
        recommendation.reference = "pending"
        recommendation.full_clean(exclude=["reference"])
        recommendation.reference = reference_next(
            council=recommendation.council, year=timezone.localdate().year
        )
        recommendation.save()
        RecommendationStatusChange.objects.create(
            recommendation=recommendation, from_status="", to_status=S.PROPOSED, changed_by=by
        )
        record_change_add(record=recommendation, action=RecordChange.Action.CREATED, actor=by)
        return recommendation
    stored = _locked(recommendation)
    if stored.council_id != recommendation.council_id:
        raise ValidationError({"council": _("A recommendation stays with its council.")})
    # Only the fields editors change; the status and the adoption have their own service.
    recommendation.status, recommendation.adopted_by_id = stored.status, stored.adopted_by_id
    recommendation.reference = stored.reference
    recommendation.full_clean()
    changes = changes_between(
        snapshot(stored, RECOMMENDATION_FIELDS), snapshot(recommendation, RECOMMENDATION_FIELDS)
    )
    if changes:
        recommendation.save()
        record_change_add(
            record=recommendation, action=RecordChange.Action.EDITED, actor=by, changes=changes
        )
    return recommendation


@transaction.atomic
def recommendation_addressees_set(
    *,
    recommendation: Recommendation,
    by: User,
    addressees: Iterable[Organisation],
    initial: bool = False,
) -> Recommendation:
    """Set the organisations a recommendation is addressed to; a change leaves a history row,
    except for those given when it is recorded (`initial`), which are part of its creation."""
    recommendation = _locked(recommendation)
    new = sorted({organisation.pk for organisation in addressees})
    old = sorted(recommendation.addressees.values_list("pk", flat=True))
    if new != old:
        recommendation.addressees.set(new)
        if not initial:
            record_change_add(
                record=recommendation,
                action=RecordChange.Action.EDITED,
                actor=by,
                changes={"addressees": {"from": old, "to": new}},
            )
    return recommendation


@transaction.atomic
def recommendation_interventions_set(
    *, recommendation: Recommendation, by: User, interventions: Iterable[Model]
) -> Recommendation:
    """Set the social and spatial interventions that carry a recommendation out; a change
    leaves a history row."""
    recommendation = _locked(recommendation)
    new = sorted({intervention.pk for intervention in interventions})
    old = sorted(recommendation.interventions.values_list("pk", flat=True))
    if new != old:
        recommendation.interventions.set(new)
        record_change_add(
            record=recommendation,
            action=RecordChange.Action.EDITED,
            actor=by,
            changes={"interventions": {"from": old, "to": new}},
        )
    return recommendation


@transaction.atomic
def recommendation_create(
    *,
    council: Council,
    by: User,
    addressees: Iterable[Organisation] = (),
    **fields: Any,
) -> Recommendation:
    """A proposed recommendation, with the next reference of the year."""
    recommendation = Recommendation(council=council)
    fields_set(recommendation, fields, RECOMMENDATION_FIELDS)
    recommendation = recommendation_save(recommendation=recommendation, by=by)
    return recommendation_addressees_set(
        recommendation=recommendation, by=by, addressees=addressees, initial=True
    )


@transaction.atomic
def recommendation_update(
    *,
    recommendation: Recommendation,
    by: User,
    addressees: Iterable[Organisation] | None = None,
    **changes: Any,
) -> Recommendation:
    """Edit a recommendation (fields: those of RECOMMENDATION_FIELDS, and its addressees)."""
    changed = _locked(recommendation)
    fields_set(changed, changes, RECOMMENDATION_FIELDS)
    changed = recommendation_save(recommendation=changed, by=by)
    if addressees is not None:
        recommendation_addressees_set(recommendation=changed, by=by, addressees=addressees)
    return changed


@transaction.atomic
def recommendation_transition(
    *,
    recommendation: Recommendation,
    to_status: str,
    by: User,
    note: str = "",
    decision: Decision | None = None,
    at: datetime | None = None,
) -> Recommendation:
    """Move a recommendation along its workflow. Adopting names the council's decision;
    withdrawing, finishing other than fully, and reopening say why in `note`. `at` dates a
    change recorded after the fact (not in the future, not before the previous change)."""
    recommendation = _locked(recommendation)
    from_status = recommendation.status
    if to_status not in RECOMMENDATION_TRANSITIONS.get(from_status, frozenset()):
        raise ValidationError(
            {
                "status": _("A recommendation that is %(from)s cannot become %(to)s.")
                % {
                    "from": recommendation.get_status_display().lower(),
                    "to": S(to_status).label.lower() if to_status in S.values else to_status[:40],
                }
            }
        )
    reopening = from_status in FINISHED and to_status == S.IN_PROGRESS
    if (to_status in NOTE_REQUIRED or reopening) and not note.strip():
        raise ValidationError({"note": _("Say why, in a note the public will read.")})
    when = at or timezone.now()
    last = recommendation.status_changes.order_by("-changed_at", "-pk").first()
    if when > timezone.now():
        raise ValidationError({"changed_at": _("A change cannot be dated in the future.")})
    if last is not None and when < last.changed_at:
        raise ValidationError({"changed_at": _("A change cannot be dated before the last one.")})
    if decision is not None:
        decision = Decision.objects.select_related("agenda_item__meeting").get(pk=decision.pk)
    if to_status == S.ADOPTED:
        if decision is None:
            raise ValidationError(
                {"adopted_by": _("Name the council's decision that adopted the recommendation.")}
            )
        recommendation.adopted_by = decision
    elif decision is not None:
        raise ValidationError({"adopted_by": _("Only an adoption names a decision.")})
    recommendation.status = to_status
    recommendation.full_clean()
    recommendation.save()
    change = RecommendationStatusChange(
        recommendation=recommendation,
        from_status=from_status,
        to_status=to_status,
        note=note,
        changed_by=by,
        changed_at=when,
    )
    change.full_clean(exclude=["recommendation", "changed_by"])
    change.save()
    record_change_add(
        record=recommendation,
        action=RecordChange.Action.STATUS,
        actor=by,
        changes={"status": {"from": from_status, "to": to_status}},
        note=note,
    )
    if to_status == S.ADOPTED:
        # Onto the next meeting's draft agenda, by itself.
        agenda_carry_over_next(council_id=recommendation.council_id)
    return recommendation
