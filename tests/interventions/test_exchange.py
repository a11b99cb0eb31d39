"""The table of interventions and sessions: exported as CSV or XLSX, imported with the same
columns, all or nothing, with the errors per row and column."""

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.contrib.gis.geos import LineString, Point
from django.test import Client
from openpyxl import load_workbook

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.core.geometry import GeometryError, geometry_any_from_text
from curim.reports.models import Category
from interventions.models import Intervention, Participants, Session
from interventions.services.exchange import ImportResult, interventions_import
from interventions.services.exchange_table import COLUMNS, export_file
from tests.factories import user_with_role
from tests.interventions.records_io import intervention_make

pytestmark = pytest.mark.django_db

EXPORT_CSV = "/interventions/manage/export.csv"
EXPORT_XLSX = "/interventions/manage/export.xlsx"
IMPORT = "/interventions/manage/import/"


@pytest.fixture
def analyst(db: None) -> User:
    return user_with_role(Role.ANALYST, email="analyst@example.org")


@pytest.fixture
def recorded(piraeus: None) -> dict[str, Any]:
    """A playground (a point), a lighting line with categories, and awareness sessions."""
    playground = intervention_make(budget=18000, funder="Region of Attica")
    lighting = intervention_make(
        kind="lighting",
        title_en='=HYPERLINK("http://evil.example")',
        geometry=LineString((23.62, 37.965), (23.63, 37.966), srid=4326),
        status="in_progress",
        ends_on=None,
    )
    lighting.categories.set(Category.objects.filter(slug__in=["graffiti", "vandalism"]))
    social = intervention_make(kind="awareness", title_en="Cyber-bullying", target_group="students")
    session = Session.objects.create(
        intervention=social,
        held_on=date(2025, 4, 2),
        place_kind="school",
        place_name="3rd Gymnasium",
        facilitator="+30 Prevention team",
        notes="Two classes",
    )
    Participants.objects.create(session=session, group="students", school_year=8, count=24)
    Participants.objects.create(session=session, group="teachers", count=2)
    return {"playground": playground, "lighting": lighting, "social": social, "session": session}


def table(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in COLUMNS})
    return out.getvalue().encode("utf-8")


def state() -> list[tuple[Any, ...]]:
    """Everything the import may change, to compare before and after."""
    return [
        *Intervention.objects.order_by("pk").values_list(
            "reference", "title_en", "status", "budget", "geometry", "updated_at"
        ),
        *Session.objects.order_by("pk").values_list("pk", "place_name", "held_on"),
        *Participants.objects.order_by("pk").values_list("pk", "group", "school_year", "count"),
    ]


NEW_PLAYGROUND = {
    "row_type": "intervention",
    "area": "piraeus-5",
    "title_en": "Playground on Kodrigktonos Street",
    "kind": "playground",
    "status": "completed",
    "starts_on": "2025-02-01",
    "ends_on": "2025-05-31",
    "organisation": "Municipality of Piraeus",
    "budget": "24000.50",
    "categories": "vandalism;graffiti",
    "geometry": "POINT (23.6402 37.9668)",
}


# --- Export ------------------------------------------------------------------------------------
def test_the_export_has_a_row_per_intervention_then_per_session(
    recorded: dict[str, Any], analyst: User
) -> None:
    rows = table(export_file(user=analyst, file_format="csv"))
    assert list(rows[0]) == list(COLUMNS)
    assert [r["row_type"] for r in rows] == [
        "intervention",
        "intervention",
        "intervention",
        "session",
    ]
    by_reference = {r["reference"]: r for r in rows if r["row_type"] == "intervention"}
    lighting = by_reference[recorded["lighting"].reference]
    # A title a spreadsheet would run as a formula is written as text.
    assert lighting["title_en"] == '\'=HYPERLINK("http://evil.example")'
    assert lighting["geometry"].startswith("LINESTRING (23.62 37.965")
    assert lighting["categories"] == "graffiti;vandalism"
    assert lighting["public"] == "false"
    assert by_reference[recorded["playground"].reference]["budget"] == "18000.00"
    session = rows[-1]
    assert session["reference"] == recorded["social"].reference
    assert session["session_id"] == str(recorded["session"].pk)
    assert session["facilitator"] == "'+30 Prevention team"
    assert session["participants_students_year_8"] == "24"
    assert session["participants_teachers"] == "2"
    assert session["participants_students"] == ""
    assert session["title_en"] == ""


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_importing_the_export_changes_nothing(
    recorded: dict[str, Any], analyst: User, file_format: str
) -> None:
    before = state()
    content = export_file(user=analyst, file_format=file_format)
    result = interventions_import(
        user=analyst, filename=f"interventions.{file_format}", content=content
    )
    assert result.errors == []
    assert result.saved
    assert result.unchanged == {"intervention": 3, "session": 1}
    assert result.created == result.updated == {"intervention": 0, "session": 0}
    assert state() == before


def test_an_xlsx_export_is_a_workbook_with_the_columns(
    recorded: dict[str, Any], analyst: User
) -> None:
    book = load_workbook(io.BytesIO(export_file(user=analyst, file_format="xlsx")))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == 5


# --- Import ------------------------------------------------------------------------------------
def test_a_row_without_reference_is_a_new_intervention_with_the_next_reference(
    piraeus: None, analyst: User
) -> None:
    result = interventions_import(
        user=analyst, filename="new.csv", content=csv_bytes([NEW_PLAYGROUND])
    )
    assert result.errors == []
    assert result.created["intervention"] == 1
    created = Intervention.objects.get()
    assert created.reference.startswith("INT-")
    assert created.status == "completed"
    assert created.budget == 24000.5
    assert created.geometry == Point(23.6402, 37.9668, srid=4326)
    assert sorted(c.slug for c in created.categories.all()) == ["graffiti", "vandalism"]
    assert created.created_by == analyst
    # The same file again would record it twice: refused.
    again = interventions_import(
        user=analyst, filename="new.csv", content=csv_bytes([NEW_PLAYGROUND])
    )
    assert [(e.row, e.column) for e in again.errors] == [(2, "reference")]
    assert Intervention.objects.count() == 1


def test_the_geometry_may_be_geojson(piraeus: None, analyst: User) -> None:
    row = {
        **NEW_PLAYGROUND,
        "kind": "renovation",
        "geometry": '{"type": "Polygon", "coordinates": [[[23.64, 37.966], [23.641, 37.966], '
        "[23.641, 37.967], [23.64, 37.966]]]}",
    }
    result = interventions_import(user=analyst, filename="new.csv", content=csv_bytes([row]))
    assert result.errors == []
    assert Intervention.objects.get().geometry.geom_type == "Polygon"


def test_an_edited_file_updates_what_it_changes_and_moves_the_status_forward(
    recorded: dict[str, Any], analyst: User
) -> None:
    rows = table(export_file(user=analyst, file_format="csv"))
    lighting_ref, social_ref = recorded["lighting"].reference, recorded["social"].reference
    for row in rows:
        if row["reference"] == lighting_ref:
            row["status"], row["ends_on"] = "completed", "2025-09-30"
        if row["row_type"] == "session":
            row["participants_students_year_8"] = "25"
            row["participants_parents"] = "3"
    rows.append(
        {
            "row_type": "session",
            "reference": social_ref,
            "held_on": "2025-04-09",
            "place_kind": "shop_owners_association",
            "place_name": "Shop owners of the market",
            "facilitator": "Piraeus police",
            "participants_shop_owners": "17",
        }
    )
    result = interventions_import(user=analyst, filename="edited.csv", content=csv_bytes(rows))
    assert result.errors == []
    assert result.updated == {"intervention": 1, "session": 1}
    assert result.created == {"intervention": 0, "session": 1}
    assert result.unchanged == {"intervention": 2, "session": 0}
    lighting = Intervention.objects.get(reference=lighting_ref)
    assert lighting.status == "completed"
    assert lighting.ends_on == date(2025, 9, 30)
    counts = {
        (p.group, p.school_year): p.count
        for p in Participants.objects.filter(session=recorded["session"])
    }
    assert counts == {("students", 8): 25, ("teachers", None): 2, ("parents", None): 3}
    new = Session.objects.exclude(pk=recorded["session"].pk).get()
    assert new.participants_total == 17


def _errors(result: ImportResult) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in result.errors]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"starts_on": "2025-02-30"}, [(3, "starts_on")]),
        ({"ends_on": "yesterday"}, [(3, "ends_on")]),
        ({"kind": "moat"}, [(3, "kind")]),
        ({"kind": ""}, [(3, "kind")]),
        ({"geometry": ""}, [(3, "geometry")]),  # a spatial one without its place
        ({"geometry": "SRID=3857;POINT (2627000 4569000)"}, [(3, "geometry")]),
        ({"geometry": "POINT (23.6 97)"}, [(3, "geometry")]),
        (
            {"geometry": '{"type": "Point", "coordinates": [23.6, 37.9], "crs": {}}'},
            [(3, "geometry")],
        ),
        ({"geometry": "GEOMETRYCOLLECTION (POINT (1 1))"}, [(3, "geometry")]),
        ({"budget": "-5"}, [(3, "budget")]),
        ({"budget": "12.345"}, [(3, "budget")]),
        ({"budget": "NaN"}, [(3, "budget")]),
        ({"status": "evaluated"}, [(3, "status")]),
        ({"status": "done"}, [(3, "status")]),
        ({"public": "maybe"}, [(3, "public")]),
        ({"area": "atlantis"}, [(3, "area")]),
        ({"categories": "graffiti;unicorns"}, [(3, "categories")]),
        ({"indicator": "happiness"}, [(3, "indicator")]),
        ({"title_en": "", "title_el": ""}, [(3, "title_en")]),
        ({"title_en": "x" * 201}, [(3, "title_en")]),
        ({"organisation": ""}, [(3, "organisation")]),  # the model's own refusal
        ({"ends_on": "2025-01-01"}, [(3, "ends_on")]),  # before the start: the model's
        ({"reference": "INT-1999-001"}, [(3, "reference")]),
        ({"row_type": "meeting"}, [(3, "row_type")]),
        ({"held_on": "2025-01-01"}, [(3, "held_on")]),  # a session's column
        ({"title_en": "Bad\x00title"}, [(3, "title_en")]),
    ],
)
def test_a_bad_cell_is_named_by_row_and_column_and_nothing_is_saved(
    piraeus: None, analyst: User, change: dict[str, str], expected: list[tuple[int, str]]
) -> None:
    # Row 2 is right; row 3 has the one bad cell; neither is kept.
    second = {**NEW_PLAYGROUND, "title_en": "Second playground", **change}
    result = interventions_import(
        user=analyst, filename="bad.csv", content=csv_bytes([NEW_PLAYGROUND, second])
    )
    assert _errors(result) == expected, result.errors
    assert all(e.message for e in result.errors)
    assert not result.saved
    assert Intervention.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"held_on": ""}, [(3, "held_on")]),
        ({"place_kind": "pub"}, [(3, "place_kind")]),
        ({"participants_students": "-3"}, [(3, "participants_students")]),
        ({"participants_teachers": "2.5"}, [(3, "participants_teachers")]),
        ({"participants_residents": "1000000"}, [(3, "participants_residents")]),
        ({"session_id": "99999"}, [(3, "session_id")]),
        ({"reference": ""}, [(3, "reference")]),
        ({"kind": "training"}, [(3, "kind")]),  # an intervention's column
        ({"facilitator": ""}, [(3, "facilitator")]),
        ({"notes": "\ud800"}, [(3, "notes")]),
    ],
)
def test_a_bad_session_cell_is_named_and_nothing_is_saved(
    recorded: dict[str, Any],
    analyst: User,
    change: dict[str, str],
    expected: list[tuple[int, str]],
) -> None:
    before = state()
    good = {
        "row_type": "session",
        "reference": recorded["social"].reference,
        "held_on": "2025-05-01",
        "place_kind": "community_centre",
        "place_name": "Community centre",
        "facilitator": "Social services",
        "participants_residents": "12",
    }
    rows = [good, {**good, **change}]
    # A lone surrogate cannot be written as UTF-8: the reader of a workbook could still give
    # one, so the rows are checked as read.
    from interventions.services import exchange

    if "\ud800" in change.get("notes", ""):
        result = ImportResult()
        lookups = exchange._Lookups(analyst, [(3, rows[1])])
        assert (
            exchange._row_check(
                3, {**dict.fromkeys(COLUMNS, ""), **rows[1]}, lookups, result.errors
            )
            is None
        )
    else:
        result = interventions_import(user=analyst, filename="s.csv", content=csv_bytes(rows))
    assert _errors(result) == expected, result.errors
    assert state() == before


def test_a_session_of_another_intervention_is_refused(
    recorded: dict[str, Any], analyst: User
) -> None:
    row = {
        "row_type": "session",
        "reference": recorded["playground"].reference,
        "session_id": str(recorded["session"].pk),
        "held_on": "2025-05-01",
        "place_kind": "school",
        "place_name": "School",
        "facilitator": "Team",
    }
    result = interventions_import(user=analyst, filename="s.csv", content=csv_bytes([row]))
    assert _errors(result) == [(2, "session_id")]


def test_the_status_moves_forward_only(recorded: dict[str, Any], analyst: User) -> None:
    rows = table(export_file(user=analyst, file_format="csv"))
    for row in rows:
        if row["reference"] == recorded["playground"].reference:
            row["status"] = "planned"
    result = interventions_import(user=analyst, filename="back.csv", content=csv_bytes(rows))
    assert [e.column for e in result.errors] == ["status"]


def test_a_new_intervention_written_twice_is_refused(piraeus: None, analyst: User) -> None:
    content = csv_bytes(
        [NEW_PLAYGROUND, {**NEW_PLAYGROUND, "title_en": " playground ON kodrigktonos street"}]
    )
    result = interventions_import(user=analyst, filename="twice.csv", content=content)
    assert _errors(result) == [(3, "reference")]
    assert Intervention.objects.count() == 0


def test_the_same_record_twice_is_refused(recorded: dict[str, Any], analyst: User) -> None:
    rows = table(export_file(user=analyst, file_format="csv"))
    result = interventions_import(
        user=analyst, filename="twice.csv", content=csv_bytes([*rows, rows[0]])
    )
    assert _errors(result) == [(6, "reference")]


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("x.csv", b"", "empty"),
        ("x.txt", b"row_type\n", ".csv or .xlsx"),
        ("x.csv", "row_type\n\ud800".encode("utf-8", "surrogatepass"), "UTF-8"),
        ("x.csv", b"a" * (5 * 1024 * 1024 + 1), "5 MB"),
        ("x.xlsx", b"PK\x03\x04 not a zip", "XLSX"),
        ("x.csv", b"row_type,reference\n", "Columns missing"),
    ],
)
def test_a_file_that_is_not_the_table_is_refused_whole(
    piraeus: None, analyst: User, filename: str, content: bytes, message: str
) -> None:
    result = interventions_import(user=analyst, filename=filename, content=content)
    assert result.errors
    assert message in result.errors[0].message
    assert not result.saved


def test_too_many_rows_are_refused(piraeus: None, analyst: User) -> None:
    content = csv_bytes([NEW_PLAYGROUND] * 5_001)
    result = interventions_import(user=analyst, filename="many.csv", content=content)
    assert "more than 5000 rows" in result.errors[0].message


def test_an_import_by_someone_who_does_not_record_interventions_is_refused(
    piraeus: None,
) -> None:
    member = user_with_role(Role.COUNCIL_MEMBER)
    result = interventions_import(
        user=member, filename="new.csv", content=csv_bytes([NEW_PLAYGROUND])
    )
    assert result.errors
    assert Intervention.objects.count() == 0


# --- The pages ---------------------------------------------------------------------------------
def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", [Role.COUNCIL_SECRETARY, Role.ANALYST, Role.ADMIN])
def test_the_pages_serve_those_who_record_interventions(
    recorded: dict[str, Any], role: Role
) -> None:
    client = _client(user_with_role(role))
    exported = client.get(EXPORT_CSV)
    assert exported.status_code == 200
    assert exported["Content-Disposition"].startswith('attachment; filename="interventions-')
    assert len(table(exported.content)) == 4
    xlsx = client.get(EXPORT_XLSX)
    assert xlsx.status_code == 200
    assert xlsx.content.startswith(b"PK")
    assert client.get(IMPORT).status_code == 200


@pytest.mark.parametrize("role", [Role.COUNCIL_MEMBER, Role.CITIZEN, Role.MODERATOR])
def test_the_pages_are_not_found_for_others(recorded: dict[str, Any], role: Role) -> None:
    client = _client(user_with_role(role))
    for url in (EXPORT_CSV, EXPORT_XLSX, IMPORT):
        assert client.get(url).status_code == 404
    assert client.post(IMPORT).status_code == 404


def test_the_page_checks_then_imports(piraeus: None, analyst: User) -> None:
    client = _client(analyst)

    def upload(action: str) -> Any:
        upload = io.BytesIO(csv_bytes([NEW_PLAYGROUND]))
        upload.name = "new.csv"
        return client.post(IMPORT, {"file": upload, "action": action})

    checked = upload("check")
    assert checked.status_code == 200
    assert "nothing is stored yet" in checked.content.decode()
    assert Intervention.objects.count() == 0
    imported = upload("import")
    assert imported.status_code == 200
    assert "The file is imported." in imported.content.decode()
    assert Intervention.objects.count() == 1


def test_the_page_lists_the_errors_and_keeps_nothing(piraeus: None, analyst: User) -> None:
    client = _client(analyst)
    upload = io.BytesIO(csv_bytes([{**NEW_PLAYGROUND, "kind": "moat"}]))
    upload.name = "bad.csv"
    response = client.post(IMPORT, {"file": upload, "action": "import"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<code>kind</code>" in page
    assert "nothing was imported" in page
    assert client.post(IMPORT, {"action": "import"}).status_code == 400
    assert Intervention.objects.count() == 0


# --- The geometry --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("POINT (23.6 37.9)", "Point"),
        ("SRID=4326;LINESTRING (23.6 37.9, 23.7 38)", "LineString"),
        ("POLYGON ((0 0, 1 0, 1 1, 0 0))", "Polygon"),
        ("MULTIPOINT ((1 2), (3 4))", "MultiPoint"),
        ("MULTILINESTRING ((0 0, 1 1), (2 2, 3 3))", "MultiLineString"),
        ("MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)))", "MultiPolygon"),
        ('{"type": "LineString", "coordinates": [[23.6, 37.9], [23.7, 38]]}', "LineString"),
    ],
)
def test_any_geometry_is_read_from_wkt_or_geojson(text: str, kind: str) -> None:
    geometry = geometry_any_from_text(text)
    assert geometry.geom_type == kind
    assert geometry.srid == 4326


@pytest.mark.parametrize(
    "text",
    [
        "SRID=3857;POINT (1 1)",
        '{"type": "Point", "coordinates": [1, 2], "crs": {"type": "name"}}',
        "POINT (181 0)",
        "POINT (nan 1)",
        '{"type": "Point", "coordinates": [1e999, 1]}',
        "POINT EMPTY",
        "LINESTRING (1 1, 1 1)",
        "POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))",
        "GEOMETRYCOLLECTION (POINT (1 1))",
        "POINT (1 2)\x00",
        "MULTIPOLYGON ((((0 0, 1 0, 1 1, 0 0))))",
        '{"type": "MultiPoint", "coordinates": []}',
        '{"type": "LineString", "coordinates": '
        + str([[0.0001 * i, 0] for i in range(20_001)])
        + "}",
        "[" * 10_000,
    ],
)
def test_any_geometry_refuses_what_the_other_readers_refuse(text: str) -> None:
    with pytest.raises(GeometryError):
        geometry_any_from_text(text)
