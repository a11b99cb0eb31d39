"""The table of interventions and their sessions, as CSV or XLSX: its columns, the export, and
reading an uploaded file into numbered rows (the import checks and writes them:
`interventions.services.exchange`).

One row per record: an intervention's row, then a row per session, with the same columns both
ways (`COLUMNS`), as the council's table of recommendations has. A session's participants are
counted in a column per group (students per school year); nothing about a participant is in the
table. The geometry is WKT in EPSG:4326 (GeoJSON is read too). Text a spreadsheet would take
for a formula is written with a leading apostrophe, which the import takes off again.
"""

from collections.abc import Iterator
from typing import Any

from curim.accounts.models import User
from curim.core.record_tables import (
    CellError,
    table_file,
    table_header_errors,
    table_read,
    text_out,
)
from interventions.models import Intervention, ParticipantGroup, Session
from interventions.models.sessions import SCHOOL_YEAR_MAX
from interventions.selectors import interventions_for

MAX_COLUMNS = 80
SHEET = "interventions"
INTERVENTION = "intervention"
SESSION = "session"
LIST_SEPARATOR = ";"

# Students are counted per school year (1-12); every other group in one column.
STUDENT_YEAR_COLUMNS = {
    f"participants_students_year_{year}": year for year in range(1, SCHOOL_YEAR_MAX + 1)
}
GROUP_COLUMNS = {f"participants_{group}": group for group in ParticipantGroup.values}
# Students whose school year is not known are `participants_students`.
PARTICIPANT_COLUMNS = (*STUDENT_YEAR_COLUMNS, *GROUP_COLUMNS)

INTERVENTION_COLUMNS = (
    "title_en",
    "title_el",
    "description_en",
    "description_el",
    "kind",
    "status",
    "public",  # true | false
    "starts_on",  # YYYY-MM-DD
    "ends_on",
    "budget",  # EUR, at most two decimals
    "funder",
    "organisation",
    "target_group",
    "target_description",
    "categories",  # report categories' codes, separated by ";"
    "indicator",  # a survey indicator's code
    "geometry",  # WKT or GeoJSON, EPSG:4326
    "evidence_en",
    "evidence_el",
)
SESSION_COLUMNS = (
    "held_on",
    "place_kind",
    "place_name",
    "facilitator",
    "notes",
    *PARTICIPANT_COLUMNS,
)
COLUMNS = (
    "row_type",  # intervention | session
    "reference",  # the intervention's; empty on a new intervention's row
    "session_id",  # a session's own id; empty on an intervention's row, or a new session
    "area",  # the intervention's district or neighbourhood; a session's, if any
    *INTERVENTION_COLUMNS,
    *SESSION_COLUMNS,
)
INTERVENTION_TEXTS = (
    "title_en",
    "title_el",
    "description_en",
    "description_el",
    "funder",
    "organisation",
    "target_description",
    "evidence_en",
    "evidence_el",
)
SESSION_TEXTS = ("place_name", "facilitator", "notes")
TRUE, FALSE = "true", "false"


# --- Export ------------------------------------------------------------------------------------


def participant_cells(session: Session) -> dict[str, Any]:
    cells: dict[str, Any] = {}
    for row in session.participants.all():
        if row.group == ParticipantGroup.STUDENTS and row.school_year is not None:
            cells[f"participants_students_year_{row.school_year}"] = row.count
        else:
            cells[f"participants_{row.group}"] = row.count
    return cells


def export_rows(user: User) -> Iterator[list[Any]]:
    """The table's rows (without the header): each intervention, then its sessions."""
    interventions = (
        interventions_for(user)
        .select_related("area", "indicator")
        .prefetch_related("categories")
        .order_by("reference")
    )
    sessions: dict[int, list[Session]] = {}
    for session in (
        Session.objects.filter(intervention__in=interventions.values("pk"))
        .select_related("area")
        .prefetch_related("participants")
        .order_by("held_on", "pk")
    ):
        sessions.setdefault(session.intervention_id, []).append(session)
    for intervention in interventions:
        yield _intervention_row(intervention)
        for session in sessions.get(intervention.pk, []):
            values: dict[str, Any] = {
                "row_type": SESSION,
                "reference": intervention.reference,
                "session_id": session.pk,
                "area": session.area.code if session.area else "",
                "held_on": session.held_on.isoformat(),
                "place_kind": session.place_kind,
                **{name: text_out(getattr(session, name)) for name in SESSION_TEXTS},
                **participant_cells(session),
            }
            yield [values.get(name, "") for name in COLUMNS]


def _intervention_row(intervention: Intervention) -> list[Any]:
    values: dict[str, Any] = {
        "row_type": INTERVENTION,
        "reference": intervention.reference,
        "area": intervention.area.code,
        **{name: text_out(getattr(intervention, name)) for name in INTERVENTION_TEXTS},
        "kind": intervention.kind,
        "status": intervention.status,
        "public": TRUE if intervention.public else FALSE,
        "starts_on": intervention.starts_on.isoformat() if intervention.starts_on else "",
        "ends_on": intervention.ends_on.isoformat() if intervention.ends_on else "",
        "budget": intervention.budget if intervention.budget is not None else "",
        "target_group": intervention.target_group,
        "categories": LIST_SEPARATOR.join(sorted(c.slug for c in intervention.categories.all())),
        "indicator": intervention.indicator.code if intervention.indicator else "",
        "geometry": intervention.geometry.wkt if intervention.geometry is not None else "",
    }
    return [values.get(name, "") for name in COLUMNS]


def export_file(*, user: User, file_format: str) -> bytes:
    """The table as CSV (UTF-8 with a BOM, for spreadsheets) or XLSX."""
    return table_file(
        columns=COLUMNS,
        rows=export_rows(user),
        sheet_name=SHEET,
        file_format=file_format,
        decimal=str,
    )


# --- Reading a file ----------------------------------------------------------------------------
def read_table(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the numbered rows (as a spreadsheet numbers them; blank rows skipped)."""
    return table_read(filename, content, max_columns=MAX_COLUMNS)


def header_errors(header: list[str]) -> list[CellError]:
    return table_header_errors(header, COLUMNS)
