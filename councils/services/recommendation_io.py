"""Importing the table of recommendations and their action items (`recommendation_table`).

A recommendation is keyed on its reference (LCCP-2026-07); an
action item on the reference and its own id (`item_id`), which must be an item of that
recommendation. Exporting and importing the same file changes nothing; an edited file updates
the rows it changes; a row without a reference (or without an item id) creates a record.

An import is all or nothing: every row is checked, then written through the services (so each
change leaves its history row and each status change obeys the workflow); one error anywhere
and nothing is kept. A status that differs from the stored one is a transition
(`recommendation_transition`, `action_item_transition`), with `status_note` as its note; a
recommendation is adopted by a decision in a meeting, never by an import.
docs/councils.md, "Import and export of recommendations", says the same for secretaries.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.db.models import Q
from django.utils.translation import gettext as _

from councils.models import (
    ActionItem,
    ActionItemStatus,
    Council,
    Organisation,
    Recommendation,
    RecommendationPriority,
    RecommendationStatus,
    limits,
)
from councils.selectors.scopes import councils_kept_by
from councils.services.actions import (
    action_item_create,
    action_item_transition,
    action_item_update,
)
from councils.services.recommendation_table import (
    ACTION_ITEM,
    ADDRESSEE_SEPARATOR,
    COLUMNS,
    ITEM_ONLY,
    RECOMMENDATION,
    RECOMMENDATION_ONLY,
    TEXTS,
    header_errors,
    read_table,
    recommendations_kept_by,
)
from councils.services.recommendations import (
    recommendation_create,
    recommendation_transition,
    recommendation_update,
)
from curim.accounts.models import User
from curim.core.record_imports import (
    ImportResult,
    ImportTable,
    Record,
    RowCheck,
    cells_clean,
    date_in,
    records_import,
    same_text,
    text_in,
)
from curim.core.record_tables import CellError

# Where a service's error about a model field is shown, by column.
FIELD_COLUMNS = {
    "note": "status_note",
    "adopted_by": "status",
    "changed_at": "status",
    "recommendation": "reference",
    "owner_person": "owner_organisation",
    "council": "council",
}
TABLE = ImportTable(COLUMNS, read_table, header_errors, FIELD_COLUMNS)
__all__ = ["ImportResult", "recommendations_import"]


# --- Checking rows -----------------------------------------------------------------------------
@dataclass
class _Row:
    number: int
    kind: str
    values: dict[str, str]
    council: Council | None = None
    recommendation: Recommendation | None = None
    item: ActionItem | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    addressees: list[Organisation] | None = None
    status: str = ""


class _Lookups:
    """What the rows name, read once: the user's councils, recommendations, organisations."""

    def __init__(self, user: User, rows: list[tuple[int, dict[str, str]]]) -> None:
        self.councils = {c.slug: c for c in councils_kept_by(user)}
        references = {values["reference"].strip()[:30] for _n, values in rows}
        self.recommendations = {
            r.reference: r
            for r in recommendations_kept_by(user)
            .filter(reference__in=references)
            .select_related("council")
            .prefetch_related("addressees")
        }
        self.items = {
            item.pk: item
            for item in ActionItem.objects.filter(
                recommendation__in=[r.pk for r in self.recommendations.values()]
            ).select_related("owner_organisation")
        }
        self.organisations = list(Organisation.objects.all())

    def organisation(self, code: str) -> Organisation | None:
        code = code.strip()
        for organisation in self.organisations:
            if str(organisation.public_id) == code.lower() or code.casefold() in (
                organisation.name_en.casefold(),
                organisation.name_el.casefold(),
            ):
                return organisation
        return None


def _row_check(
    number: int, values: dict[str, str], lookups: _Lookups, errors: list[CellError]
) -> _Row | None:
    check = RowCheck(number, errors)
    if not cells_clean(check, values):
        return None
    kind = values["row_type"].strip()
    if kind not in (RECOMMENDATION, ACTION_ITEM):
        check.add("row_type", _("Write recommendation or action_item."))
        return None
    row = _Row(number=number, kind=kind, values=values)
    other = ITEM_ONLY if kind == RECOMMENDATION else RECOMMENDATION_ONLY
    for column in other:
        if values[column].strip():
            check.add(column, _("This column is not for a row of this type: leave it empty."))
    before = len(errors)
    reference = values["reference"].strip()
    council_code = values["council"].strip()
    if reference:
        row.recommendation = lookups.recommendations.get(reference)
        if row.recommendation is None:
            check.add("reference", _("None of your councils' recommendations has this reference."))
        else:
            row.council = row.recommendation.council
            if council_code and council_code != row.council.slug:
                check.add(
                    "council",
                    _("The recommendation is of the council %(code)s.")
                    % {"code": row.council.slug},
                )
    elif kind == ACTION_ITEM:
        check.add("reference", _("Give the reference of the item's recommendation."))
    else:
        row.council = lookups.councils.get(council_code)
        if row.council is None:
            check.add("council", _("Give the code of a council whose records you keep."))
    for name in TEXTS if kind == RECOMMENDATION else TEXTS[:2]:
        row.fields[name] = text_in(values[name])
    limit = {"title_en": limits.TITLE_MAX, "title_el": limits.TITLE_MAX}
    for name, text in row.fields.items():
        if len(text) > limit.get(name, limits.TEXT_MAX):
            check.add(
                name,
                _("At most %(n)d characters.") % {"n": limit.get(name, limits.TEXT_MAX)},
            )
    if not row.fields["title_en"].strip() and not row.fields["title_el"].strip():
        check.add("title_en", _("Give the title in English or in Greek."))
    due = values["due_on"].strip()
    try:
        row.fields["due_on"] = date_in(due) if due else None
    except (ValueError, OverflowError):
        check.add("due_on", _("Write a date as YYYY-MM-DD."))
    status = values["status"].strip()
    choices = RecommendationStatus if kind == RECOMMENDATION else ActionItemStatus
    if status and status not in choices.values:
        check.add(
            "status",
            _("Unknown status. Use one of: %(codes)s.") % {"codes": ", ".join(choices.values)},
        )
    row.status = status
    if len(values["status_note"]) > limits.NOTE_MAX:
        check.add("status_note", _("At most %(n)d characters.") % {"n": limits.NOTE_MAX})
    if kind == RECOMMENDATION:
        _recommendation_check(row, check, lookups)
    else:
        _item_check(row, check, lookups)
    return row if len(errors) == before else None


def _recommendation_check(row: _Row, check: RowCheck, lookups: _Lookups) -> None:
    values = row.values
    priority = values["priority"].strip()
    if priority and priority not in RecommendationPriority.values:
        check.add(
            "priority",
            _("Unknown priority. Use one of: %(codes)s.")
            % {"codes": ", ".join(RecommendationPriority.values)},
        )
    if priority:  # empty: the stored priority stays, a new recommendation's is medium
        row.fields["priority"] = priority
    addressees = []
    for code in values["addressees"].split(ADDRESSEE_SEPARATOR):
        if not code.strip():
            continue
        found = lookups.organisation(code)
        if found is None:
            check.add(
                "addressees",
                _("No organisation has the code or name %(code)s.") % {"code": code.strip()[:60]},
            )
        else:
            addressees.append(found)
    row.addressees = addressees
    if row.recommendation is None and row.status not in ("", RecommendationStatus.PROPOSED):
        check.add("status", _("A new recommendation is proposed; the council adopts it later."))
    stored = row.recommendation
    if row.status == RecommendationStatus.ADOPTED and stored and stored.status != row.status:
        check.add(
            "status",
            _("A recommendation is adopted by a decision of the council, not by an import."),
        )
    if row.recommendation is None and row.council is not None:
        titles = Q()
        for name in ("title_en", "title_el"):
            if row.fields[name].strip():
                titles |= Q(**{f"{name}__iexact": row.fields[name].strip()})
        if titles and Recommendation.objects.filter(titles, council=row.council).exists():
            check.add(
                "reference",
                _(
                    "The council has a recommendation with this title: give its reference to "
                    "change it (a re-import must not record it twice)."
                ),
            )


def _item_check(row: _Row, check: RowCheck, lookups: _Lookups) -> None:
    values = row.values
    item_id = values["item_id"].strip()
    if item_id:
        item = (
            lookups.items.get(int(item_id))
            if (item_id.isascii() and item_id.isdigit()) and len(item_id) < 12
            else None
        )
        if item is None or (
            row.recommendation is not None and item.recommendation_id != row.recommendation.pk
        ):
            check.add("item_id", _("The recommendation has no action item with this id."))
        else:
            row.item = item
    owner = values["owner_organisation"].strip()
    organisation = lookups.organisation(owner) if owner else None
    if organisation is None:
        check.add(
            "owner_organisation",
            _("No organisation has the code or name %(code)s.") % {"code": owner[:60]}
            if owner
            else _("Give the code or the name of the organisation that owns the item."),
        )
    row.fields["owner_organisation"] = organisation
    weight = values["weight"].strip()
    try:
        number = Decimal(weight) if weight else None
        if number is not None and (not number.is_finite() or number < 0 or number >= 10**5):
            raise InvalidOperation
        row.fields["weight"] = number.quantize(Decimal("0.01")) if number is not None else None
        if number is not None and row.fields["weight"] != number:
            raise InvalidOperation
    except InvalidOperation:
        check.add("weight", _("A weight is a number from 0, with at most two decimals."))
    if not item_id and row.recommendation is not None:
        titles = [t.strip().casefold() for t in (row.fields["title_en"], row.fields["title_el"])]
        for item in lookups.items.values():
            if item.recommendation_id == row.recommendation.pk and any(
                t and t in (item.title_en.strip().casefold(), item.title_el.strip().casefold())
                for t in titles
            ):
                check.add(
                    "item_id",
                    _(
                        "The recommendation has an action item with this title (id %(id)d): "
                        "give its id to change it."
                    )
                    % {"id": item.pk},
                )
                break


def _duplicates(rows: list[_Row], errors: list[CellError]) -> None:
    seen: dict[tuple[str, str, str], int] = {}
    for row in rows:
        if row.kind == RECOMMENDATION and row.recommendation is None:
            continue
        if row.kind == ACTION_ITEM and row.item is None:
            continue
        key = (row.kind, row.values["reference"].strip(), row.values["item_id"].strip())
        if key in seen:
            column = "reference" if row.kind == RECOMMENDATION else "item_id"
            errors.append(
                CellError(row.number, column, _("Row %(n)d is the same record.") % {"n": seen[key]})
            )
        else:
            seen[key] = row.number


# --- Writing -----------------------------------------------------------------------------------
def _changed(obj: Recommendation | ActionItem, fields: dict[str, Any]) -> dict[str, Any]:
    changes = {}
    for name, value in fields.items():
        stored = getattr(obj, name)
        if isinstance(stored, str) and isinstance(value, str):
            if not same_text(stored, value):
                changes[name] = value
        elif stored != value:
            changes[name] = value
    return changes


def _write(row: _Row, user: User, result: ImportResult) -> None:
    note = row.values["status_note"]
    if row.kind == RECOMMENDATION:
        if row.recommendation is None:
            recommendation_create(
                council=cast(Council, row.council),
                by=user,
                addressees=row.addressees or [],
                **row.fields,
            )
            result.created[RECOMMENDATION] += 1
            return
        stored = row.recommendation
        changes = _changed(stored, row.fields)
        addressees = row.addressees or []
        if {o.pk for o in addressees} == {o.pk for o in stored.addressees.all()}:
            addressees_changed = None
        else:
            addressees_changed = addressees
        if changes or addressees_changed is not None:
            recommendation_update(
                recommendation=stored, by=user, addressees=addressees_changed, **changes
            )
        moved = bool(row.status) and row.status != stored.status
        if moved:
            recommendation_transition(
                recommendation=stored, to_status=row.status, by=user, note=note
            )
        changed = bool(changes) or addressees_changed is not None or moved
        (result.updated if changed else result.unchanged)[RECOMMENDATION] += 1
        return
    if row.item is None:
        item = action_item_create(
            recommendation=cast(Recommendation, row.recommendation), by=user, **row.fields
        )
        if row.status and row.status != item.status:
            action_item_transition(item=item, to_status=row.status, by=user, note=note)
        result.created[ACTION_ITEM] += 1
        return
    changes = _changed(row.item, row.fields)
    if changes:
        action_item_update(item=row.item, by=user, **changes)
    moved = bool(row.status) and row.status != row.item.status
    if moved:
        action_item_transition(item=row.item, to_status=row.status, by=user, note=note)
    (result.updated if changes or moved else result.unchanged)[ACTION_ITEM] += 1


def _rows_checked(user: User, records: list[Record], errors: list[CellError]) -> list[_Row]:
    lookups = _Lookups(user, records)
    rows = [row for n, values in records if (row := _row_check(n, values, lookups, errors))]
    _duplicates(rows, errors)
    return rows


def recommendations_import(
    *, user: User, filename: str, content: bytes, dry_run: bool = False
) -> ImportResult:
    """Check every row, then write them all through the services, or none (`dry_run`: check
    and write, then roll back, so that the secretary sees what an import would do). Errors
    come by row, then in the order of the columns."""
    result = ImportResult.counting(RECOMMENDATION, ACTION_ITEM)
    return records_import(
        result,
        TABLE,
        filename=filename,
        content=content,
        rows_checked=lambda records: _rows_checked(user, records, result.errors),
        write=lambda row: _write(row, user, result),
        dry_run=dry_run,
    )
