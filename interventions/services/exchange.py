"""Importing the table of interventions and their sessions (`exchange_table`).

An intervention is keyed on its reference (INT-2026-007); a session on the reference and its own
id (`session_id`), which must be a session of that intervention. Exporting and importing the
same file changes nothing; an edited file updates the rows it changes; a row without a
reference (or a session row without an id) creates a record, a new intervention getting the
next reference of the year. A session names an intervention already recorded: import a new
intervention first, then its sessions under the reference it got.

An import is all or nothing: every row is checked (its cells, codes, dates, numbers and
geometry, parsed only by `curim.core.geometry`), then written through the services; one error
anywhere and nothing is kept. A status moves forward only (planned → in progress →
completed), each step through `intervention_status_advance`; an intervention becomes
evaluated by its evaluation, never by an import. A new intervention may be recorded as
planned, in progress or completed (one done before the platform).
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.db.models import Q
from django.utils.translation import gettext as _

from curim.accounts.models import User
from curim.areas.models import Area
from curim.core.geometry import GeometryError, geometry_any_from_text
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
from curim.reports.models import Category
from interventions.models import (
    Intervention,
    InterventionKind,
    InterventionStatus,
    ParticipantGroup,
    Session,
    SessionPlace,
    TargetGroup,
)
from interventions.models.choices import NEXT_STATUS, SPATIAL_KINDS
from interventions.models.interventions import NAME_MAX, TEXT_MAX, TITLE_MAX
from interventions.selectors import interventions_for, user_edits
from interventions.services.exchange_table import (
    COLUMNS,
    FALSE,
    GROUP_COLUMNS,
    INTERVENTION,
    INTERVENTION_COLUMNS,
    INTERVENTION_TEXTS,
    LIST_SEPARATOR,
    PARTICIPANT_COLUMNS,
    SESSION,
    SESSION_COLUMNS,
    SESSION_TEXTS,
    STUDENT_YEAR_COLUMNS,
    TRUE,
    header_errors,
    read_table,
)
from interventions.services.interventions import intervention_save, intervention_status_advance
from interventions.services.session_records import participants_of, session_save
from surveys.models import Indicator

BUDGET_MAX = Decimal(10) ** 10
PARTICIPANTS_MAX = 100_000
NOTES_MAX = 5_000
TEXT_LIMITS = {
    "title_en": TITLE_MAX,
    "title_el": TITLE_MAX,
    "target_description": TITLE_MAX,
    "funder": NAME_MAX,
    "organisation": NAME_MAX,
    "place_name": TITLE_MAX,
    "facilitator": NAME_MAX,
    "notes": NOTES_MAX,
}
# Where a model's error about a field is shown, by column.
FIELD_COLUMNS = {"survey_before": "", "survey_after": "", "intervention": "reference"}
TABLE = ImportTable(COLUMNS, read_table, header_errors, FIELD_COLUMNS)
ORDER = list(InterventionStatus.values)

Counted = dict[tuple[str, int | None], int]  # (group, school year or None) → count

__all__ = ["ImportResult", "interventions_import"]


@dataclass
class _Row:
    number: int
    kind: str
    values: dict[str, str]
    intervention: Intervention | None = None  # the one updated, or a session's
    session: Session | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    categories: list[Category] = field(default_factory=list)
    participants: Counted = field(default_factory=dict)
    status: str = ""


class _Lookups:
    """What the rows name, read once: the interventions, sessions, areas, codes."""

    def __init__(self, user: User, rows: list[tuple[int, dict[str, str]]]) -> None:
        references = {values["reference"].strip()[:30] for _n, values in rows}
        self.interventions = {
            i.reference: i
            for i in interventions_for(user)
            .filter(reference__in=references)
            .select_related("area", "indicator")
            .prefetch_related("categories")
        }
        self.sessions = {
            s.pk: s
            for s in Session.objects.filter(
                intervention__in=[i.pk for i in self.interventions.values()]
            ).prefetch_related("participants")
        }
        self.areas = {a.code: a for a in Area.objects.all()}
        self.categories = {c.slug: c for c in Category.objects.filter(is_active=True)}
        self.indicators = {i.code: i for i in Indicator.objects.all()}


def _choice(check: RowCheck, column: str, value: str, choices: list[str]) -> str:
    if value and value not in choices:
        check.add(
            column,
            _("Unknown code. Use one of: %(codes)s.") % {"codes": ", ".join(choices)},
        )
    return value


def _texts(check: RowCheck, row: _Row, names: tuple[str, ...]) -> None:
    for name in names:
        text = text_in(row.values[name])
        if len(text) > TEXT_LIMITS.get(name, TEXT_MAX):
            check.add(name, _("At most %(n)d characters.") % {"n": TEXT_LIMITS.get(name, TEXT_MAX)})
        row.fields[name] = text


def _date(check: RowCheck, row: _Row, name: str) -> None:
    text = row.values[name].strip()
    try:
        row.fields[name] = date_in(text) if text else None
    except (ValueError, OverflowError):
        check.add(name, _("Write a date as YYYY-MM-DD."))


def _row_check(
    number: int, values: dict[str, str], lookups: _Lookups, errors: list[CellError]
) -> _Row | None:
    check = RowCheck(number, errors)
    if not cells_clean(check, values):
        return None
    kind = values["row_type"].strip()
    if kind not in (INTERVENTION, SESSION):
        check.add("row_type", _("Write intervention or session."))
        return None
    row = _Row(number=number, kind=kind, values=values)
    other = ("session_id", *SESSION_COLUMNS) if kind == INTERVENTION else INTERVENTION_COLUMNS
    for column in other:
        if values[column].strip():
            check.add(column, _("This column is not for a row of this type: leave it empty."))
    before = len(errors)
    reference = values["reference"].strip()
    if reference:
        row.intervention = lookups.interventions.get(reference)
        if row.intervention is None:
            check.add("reference", _("No intervention has this reference."))
    elif kind == SESSION:
        check.add("reference", _("Give the reference of the session's intervention."))
    if kind == INTERVENTION:
        _intervention_check(row, check, lookups)
    else:
        _session_check(row, check, lookups)
    return row if len(errors) == before else None


def _intervention_check(row: _Row, check: RowCheck, lookups: _Lookups) -> None:
    values, stored = row.values, row.intervention
    _texts(check, row, INTERVENTION_TEXTS)
    if not row.fields["title_en"].strip() and not row.fields["title_el"].strip():
        check.add("title_en", _("Give the title in English or in Greek."))
    kind = _choice(check, "kind", values["kind"].strip(), list(InterventionKind.values))
    if not kind:
        check.add("kind", _("Give the kind of intervention."))
    row.fields["kind"] = kind
    _status_check(row, check)
    public = values["public"].strip().lower()
    if public not in ("", TRUE, FALSE, "yes", "no", "1", "0"):
        check.add("public", _("Write true or false."))
    row.fields["public"] = public in (TRUE, "yes", "1")
    _date(check, row, "starts_on")
    _date(check, row, "ends_on")
    budget = values["budget"].strip()
    try:
        amount = Decimal(budget) if budget else None
        if amount is not None and (not amount.is_finite() or amount < 0 or amount >= BUDGET_MAX):
            raise InvalidOperation
        row.fields["budget"] = amount.quantize(Decimal("0.01")) if amount is not None else None
        if amount is not None and row.fields["budget"] != amount:
            raise InvalidOperation
    except InvalidOperation:
        check.add("budget", _("A budget is an amount in euros from 0, with at most two decimals."))
    target = values["target_group"].strip()
    _choice(check, "target_group", target, list(TargetGroup.values))
    row.fields["target_group"] = target or TargetGroup.EVERYONE
    for code in values["categories"].split(LIST_SEPARATOR):
        if not code.strip():
            continue
        category = lookups.categories.get(code.strip())
        if category is None:
            check.add(
                "categories",
                _("No report category in use has the code %(code)s.") % {"code": code.strip()[:60]},
            )
        else:
            row.categories.append(category)
    indicator = values["indicator"].strip()
    row.fields["indicator"] = lookups.indicators.get(indicator) if indicator else None
    if indicator and row.fields["indicator"] is None:
        check.add("indicator", _("No survey indicator has this code."))
    area = lookups.areas.get(values["area"].strip())
    if area is None:
        check.add("area", _("Give the code of the district or neighbourhood."))
    row.fields["area"] = area
    text = values["geometry"].strip()
    row.fields["geometry"] = None
    if text:
        try:
            row.fields["geometry"] = geometry_any_from_text(text)
        except GeometryError as error:
            check.add("geometry", str(error))
    elif kind in SPATIAL_KINDS:
        check.add(
            "geometry",
            _("A spatial intervention has a place: give a point, line or area as WKT or GeoJSON."),
        )
    if stored is None and area is not None:
        titles = Q()
        for name in ("title_en", "title_el"):
            if row.fields[name].strip():
                titles |= Q(**{f"{name}__iexact": row.fields[name].strip()})
        if titles and Intervention.objects.filter(titles, area=area).exists():
            check.add(
                "reference",
                _(
                    "An intervention in this area has this title: give its reference to change "
                    "it (a re-import must not record it twice)."
                ),
            )


def _status_check(row: _Row, check: RowCheck) -> None:
    status = _choice(check, "status", row.values["status"].strip(), ORDER)
    stored = row.intervention
    if not status or status not in ORDER:
        row.status = stored.status if stored else InterventionStatus.PLANNED
        return
    row.status = status
    if stored is None:
        if status == InterventionStatus.EVALUATED:
            check.add("status", _("An intervention becomes evaluated by its evaluation."))
        return
    if ORDER.index(status) < ORDER.index(stored.status):
        check.add(
            "status",
            _("The status moves forward only: this intervention is %(status)s.")
            % {"status": stored.get_status_display()},
        )
    elif status == InterventionStatus.EVALUATED and stored.status != status:
        check.add("status", _("An intervention becomes evaluated by its evaluation."))


def _session_check(row: _Row, check: RowCheck, lookups: _Lookups) -> None:
    values = row.values
    session_id = values["session_id"].strip()
    if session_id:
        session = (
            lookups.sessions.get(int(session_id))
            if session_id.isascii() and session_id.isdigit() and len(session_id) < 12
            else None
        )
        if session is None or (
            row.intervention is not None and session.intervention_id != row.intervention.pk
        ):
            check.add("session_id", _("The intervention has no session with this id."))
        else:
            row.session = session
    _texts(check, row, SESSION_TEXTS)
    _date(check, row, "held_on")
    if not values["held_on"].strip():
        check.add("held_on", _("Give the session's date."))
    place = _choice(check, "place_kind", values["place_kind"].strip(), list(SessionPlace.values))
    if not place:
        check.add("place_kind", _("Give the kind of place."))
    row.fields["place_kind"] = place
    code = values["area"].strip()
    row.fields["area"] = lookups.areas.get(code) if code else None
    if code and row.fields["area"] is None:
        check.add("area", _("No district or neighbourhood has this code."))
    for column in PARTICIPANT_COLUMNS:
        text = values[column].strip()
        if not text:
            continue
        if not (text.isascii() and text.isdigit() and len(text) < 7):
            check.add(column, _("A number of participants is a whole number from 0."))
            continue
        count = int(text)
        if count > PARTICIPANTS_MAX:
            check.add(column, _("At most %(n)d participants.") % {"n": PARTICIPANTS_MAX})
        elif count:
            year = STUDENT_YEAR_COLUMNS.get(column)
            group = ParticipantGroup.STUDENTS if year else GROUP_COLUMNS[column]
            row.participants[(str(group), year)] = count


def _duplicates(rows: list[_Row], errors: list[CellError]) -> None:
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        if row.kind == INTERVENTION and row.intervention is not None:
            key = (INTERVENTION, row.intervention.reference)
        elif row.kind == INTERVENTION:
            # Two new ones with the same title in the same area: the same one, written twice.
            area = row.fields["area"].code if row.fields.get("area") else ""
            title = (row.fields["title_en"] or row.fields["title_el"]).strip().casefold()
            key = ("new", f"{area}\n{title}")
        elif row.kind == SESSION and row.session is not None:
            key = (SESSION, str(row.session.pk))
        else:
            continue
        if key in seen:
            column = "reference" if row.kind == INTERVENTION else "session_id"
            errors.append(
                CellError(row.number, column, _("Row %(n)d is the same record.") % {"n": seen[key]})
            )
        else:
            seen[key] = row.number


# --- Writing -----------------------------------------------------------------------------------
def _same(stored: Any, given: Any) -> bool:
    if isinstance(stored, str) and isinstance(given, str):
        return same_text(stored, given)
    if isinstance(stored, GEOSGeometry) or isinstance(given, GEOSGeometry):
        return (
            isinstance(stored, GEOSGeometry)
            and isinstance(given, GEOSGeometry)
            and stored.geom_type == given.geom_type
            and stored.equals_exact(given, 1e-9)
        )
    return bool(stored == given)


def _changed(obj: Intervention | Session, fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if not _same(getattr(obj, name), value)}


def _write(row: _Row, user: User, result: ImportResult) -> None:
    if row.kind == INTERVENTION:
        _intervention_write(row, user, result)
    else:
        _session_write(row, result)


def _intervention_write(row: _Row, user: User, result: ImportResult) -> None:
    category_ids = sorted(c.pk for c in row.categories)
    stored = row.intervention
    if stored is None:
        intervention = Intervention(status=row.status, **row.fields)
        intervention_save(intervention=intervention, by=user, category_ids=category_ids)
        result.created[INTERVENTION] += 1
        return
    changes = _changed(stored, row.fields)
    categories_changed = category_ids != sorted(c.pk for c in stored.categories.all())
    if changes or categories_changed:
        for name, value in changes.items():
            setattr(stored, name, value)
        intervention_save(
            intervention=stored,
            by=user,
            category_ids=category_ids if categories_changed else None,
        )
    moved = row.status != stored.status
    while stored.status != row.status:
        stored = intervention_status_advance(
            intervention=stored, to=NEXT_STATUS[InterventionStatus(stored.status)]
        )
    changed = bool(changes) or categories_changed or moved
    (result.updated if changed else result.unchanged)[INTERVENTION] += 1


def _session_write(row: _Row, result: ImportResult) -> None:
    session = row.session
    if session is None:
        session_save(
            session=Session(intervention=row.intervention, **row.fields),
            participants=row.participants,
        )
        result.created[SESSION] += 1
        return
    changes = _changed(session, row.fields)
    participants_changed = participants_of(session) != row.participants
    if changes or participants_changed:
        for name, value in changes.items():
            setattr(session, name, value)
        session_save(session=session, participants=row.participants)
    (result.updated if changes or participants_changed else result.unchanged)[SESSION] += 1


def _rows_checked(user: User, records: list[Record], errors: list[CellError]) -> list[_Row]:
    lookups = _Lookups(user, records)
    rows = [row for n, values in records if (row := _row_check(n, values, lookups, errors))]
    _duplicates(rows, errors)
    return rows


def interventions_import(
    *, user: User, filename: str, content: bytes, dry_run: bool = False
) -> ImportResult:
    """Check every row, then write them all through the services, or none (`dry_run`: check
    and write, then roll back, so that the user sees what an import would do). Errors come by
    row, then in the order of the columns."""
    result = ImportResult.counting(INTERVENTION, SESSION)
    if not user_edits(user):
        result.errors.append(CellError(1, "", _("You may not record interventions.")))
        return result
    return records_import(
        result,
        TABLE,
        filename=filename,
        content=content,
        rows_checked=lambda records: _rows_checked(user, records, result.errors),
        write=lambda row: _write(row, user, result),
        dry_run=dry_run,
    )
