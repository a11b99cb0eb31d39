"""The official incident import: CSV and GeoJSON, WGS 84 and the Greek Grid (checked against
PostGIS's ST_Transform and pyproj), idempotent on the source's id, all or nothing with errors
by row and column, logged, and with as many queries for 200 rows as for 10."""

import csv
import hashlib
import io
import json
from datetime import UTC, datetime
from typing import Any

import pyproj
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.analytics import incident_files
from curim.analytics.incident_files import COLUMNS, RowError, parse_incident_rows
from curim.analytics.models import IncidentImport, IncidentSource, OfficialIncident
from curim.analytics.services.category_mapping import category_mappings_set
from curim.analytics.services.incident_import import IncidentImportResult, incidents_import
from curim.areas.models import Area
from curim.reports.models import Category
from tests.factories import area_create, square, user_with_role, verified_client

pytestmark = pytest.mark.django_db
TO_GREEK_GRID = pyproj.Transformer.from_crs(4326, 2100, always_xy=True)
TO_WGS84 = pyproj.Transformer.from_crs(2100, 4326, always_xy=True)
DEGREES = 1e-6


@pytest.fixture
def areas() -> dict[str, Area]:
    """A municipality of 0.05° with a district in its south-west quarter and a neighbourhood
    in the district's south-west corner."""
    municipality = area_create(code="town", geometry=square(23.60, 37.93, 0.05))
    district = area_create(
        code="town-1", level=Area.Level.DISTRICT, parent=municipality,
        geometry=square(23.60, 37.93, 0.025),
    )  # fmt: skip
    neighbourhood = area_create(
        code="town-1-a", level=Area.Level.NEIGHBOURHOOD, parent=district,
        geometry=square(23.60, 37.93, 0.01),
    )  # fmt: skip
    return {"municipality": municipality, "district": district, "neighbourhood": neighbourhood}


@pytest.fixture
def police(areas: dict[str, Area]) -> IncidentSource:
    source = IncidentSource.objects.create(
        slug="police", name_en="Police directorate", name_el="Διεύθυνση Αστυνομίας"
    )
    category_mappings_set(
        source=source,
        mappings={
            "ΚΛΟΠΗ": Category.objects.get(slug="theft"),
            "ΔΙΑΡΡΗΞΗ": Category.objects.get(slug="burglary"),
        },
    )
    return source


@pytest.fixture
def analyst() -> User:
    return user_with_role(Role.ANALYST)


def row(external_id: str = "A-1", **values: str) -> dict[str, str]:
    return {
        "id": external_id,
        "x": "23.6050",
        "y": "37.9350",
        "crs": "EPSG:4326",
        "occurred_at": "2026-03-14T22:30:00",
        "category": "ΚΛΟΠΗ",
        **values,
    }


def a_csv(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def feature(external_id: str, x: float, y: float, **properties: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [x, y]},
        "properties": {
            "id": external_id,
            "occurred_at": "2026-03-14T20:30:00Z",
            "category": "ΔΙΑΡΡΗΞΗ",
            **properties,
        },
    }


def a_geojson(features: list[dict[str, Any]], **top: Any) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features, **top}).encode()


def grid(n: int) -> list[dict[str, str]]:
    """n rows spread over the municipality."""
    return [
        row(f"G-{i}", x=f"{23.601 + (i % 40) * 0.0012:.6f}", y=f"{37.931 + (i // 40) * 0.009:.6f}")
        for i in range(n)
    ]


def run(source: IncidentSource, user: User, content: bytes, name: str = "f.csv") -> Any:
    return incidents_import(source=source, file_name=name, content=content, imported_by=user)


def stored() -> list[tuple[Any, ...]]:
    return sorted(
        OfficialIncident.objects.values_list(
            "external_id", "their_category", "category__slug", "occurred_at", "area__code"
        )
    )


def failed(result: IncidentImportResult) -> list[tuple[int, str]]:
    assert not result.ok
    assert result.log is None
    assert OfficialIncident.objects.count() == 0
    assert IncidentImport.objects.count() == 0
    return [(e.row, e.column) for e in result.errors]


# --- Accepted files ---------------------------------------------------------------------------
def test_a_csv_file_creates_its_incidents_in_the_finest_area_and_logs_the_import(
    police: IncidentSource, analyst: User
) -> None:
    content = a_csv([row("A-1"), row("A-2", x="23.6200", y="37.9400", category="ΔΙΑΡΡΗΞΗ"),
                     row("A-3", x="23.6400", y="37.9700")])  # fmt: skip
    result = run(police, analyst, content, "police-march.csv")
    assert result.ok, result.errors
    assert stored() == [
        ("A-1", "ΚΛΟΠΗ", "theft", datetime(2026, 3, 14, 20, 30, tzinfo=UTC), "town-1-a"),
        ("A-2", "ΔΙΑΡΡΗΞΗ", "burglary", datetime(2026, 3, 14, 20, 30, tzinfo=UTC), "town-1"),
        ("A-3", "ΚΛΟΠΗ", "theft", datetime(2026, 3, 14, 20, 30, tzinfo=UTC), "town"),
    ]
    log = IncidentImport.objects.get()
    assert result.log == log
    assert (log.source, log.imported_by, log.file_name, log.file_format) == (
        police, analyst, "police-march.csv", "csv"
    )  # fmt: skip
    assert log.file_sha256 == hashlib.sha256(content).hexdigest()
    assert (log.rows, log.created_count, log.updated_count, log.unchanged_count) == (3, 3, 0, 0)
    assert set(OfficialIncident.objects.values_list("last_import", flat=True)) == {log.pk}


def test_naive_times_are_athens_time_and_offsets_are_kept(
    police: IncidentSource, analyst: User
) -> None:
    content = a_csv([
        row("W", occurred_at="2026-01-10T09:00:00"),  # winter: UTC+2
        row("S", occurred_at="2026-07-10 09:00"),  # summer: UTC+3
        row("Z", occurred_at="2026-07-10T09:00:00Z"),
        row("O", occurred_at="2026-07-10T09:00:00+01:00"),
        # 03:30 comes twice on 25 October 2026: the first, still summer time, is taken
        row("D", occurred_at="2026-10-25T03:30"),
    ])  # fmt: skip
    assert run(police, analyst, content).ok
    times = dict(OfficialIncident.objects.values_list("external_id", "occurred_at"))
    assert times == {
        "W": datetime(2026, 1, 10, 7, 0, tzinfo=UTC),
        "S": datetime(2026, 7, 10, 6, 0, tzinfo=UTC),
        "Z": datetime(2026, 7, 10, 9, 0, tzinfo=UTC),
        "O": datetime(2026, 7, 10, 8, 0, tzinfo=UTC),
        "D": datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    }


def test_a_greek_grid_point_lands_where_postgis_and_pyproj_put_it(
    police: IncidentSource, analyst: User
) -> None:
    easting, northing = TO_GREEK_GRID.transform(23.6150, 37.9420)
    content = a_csv([row("GG", x=f"{easting:.3f}", y=f"{northing:.3f}", crs="EPSG:2100")])
    assert run(police, analyst, content).ok
    incident = OfficialIncident.objects.get()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 2100),"
            " 4326) AS p",
            [round(easting, 3), round(northing, 3)],
        )
        postgis = cursor.fetchone()
    by_pyproj = TO_WGS84.transform(round(easting, 3), round(northing, 3))
    for reference in (postgis, by_pyproj):
        assert incident.location.x == pytest.approx(reference[0], abs=DEGREES)
        assert incident.location.y == pytest.approx(reference[1], abs=DEGREES)
    # and the generated Greek Grid copy is the file's easting and northing again, to the
    # centimetre (the datum shift there and back is not exactly its own inverse: ~2 mm)
    assert incident.point_2100.x == pytest.approx(round(easting, 3), abs=0.01)
    assert incident.point_2100.y == pytest.approx(round(northing, 3), abs=0.01)
    assert incident.area is not None
    assert incident.area.code == "town-1"


def test_a_geojson_file_in_wgs84_and_in_the_greek_grid(
    police: IncidentSource, analyst: User
) -> None:
    easting, northing = TO_GREEK_GRID.transform(23.6300, 37.9600)
    content = a_geojson([
        feature("F-1", 23.6050, 37.9350),
        feature("F-2", easting, northing, crs="EPSG:2100"),
        feature(17, 23.6400, 37.9700, category="ΚΛΟΠΗ"),  # type: ignore[arg-type]
    ])  # fmt: skip
    result = run(police, analyst, content, "incidents.geojson")
    assert result.ok, result.errors
    assert result.log is not None
    assert result.log.file_format == "geojson"
    places = {i.external_id: i.location for i in OfficialIncident.objects.all()}
    assert set(places) == {"F-1", "F-2", "17"}
    assert places["F-2"].x == pytest.approx(23.6300, abs=DEGREES)
    assert places["F-2"].y == pytest.approx(37.9600, abs=DEGREES)
    assert stored()[0][1:] == ("ΚΛΟΠΗ", "theft", datetime(2026, 3, 14, 20, 30, tzinfo=UTC), "town")


def test_a_geojson_file_declared_in_the_greek_grid(police: IncidentSource, analyst: User) -> None:
    easting, northing = TO_GREEK_GRID.transform(23.6150, 37.9420)
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2100"}}
    content = a_geojson([feature("F-1", easting, northing)], crs=crs)
    assert run(police, analyst, content, "export").ok  # no extension: the content says GeoJSON
    location = OfficialIncident.objects.get().location
    assert (location.x, location.y) == pytest.approx((23.6150, 37.9420), abs=DEGREES)


# --- Idempotency ------------------------------------------------------------------------------
def test_importing_the_same_file_again_changes_nothing(
    police: IncidentSource, analyst: User
) -> None:
    content = a_csv(grid(30))
    assert run(police, analyst, content).ok
    before = (stored(), list(OfficialIncident.objects.values_list("pk", "last_import")))
    again = run(police, analyst, content)
    assert again.ok
    assert again.log is not None
    assert (again.log.created_count, again.log.updated_count, again.log.unchanged_count) == (
        0, 0, 30
    )  # fmt: skip
    assert (stored(), list(OfficialIncident.objects.values_list("pk", "last_import"))) == before
    assert OfficialIncident.objects.count() == 30
    assert IncidentImport.objects.count() == 2


def test_a_changed_row_is_updated_and_a_new_one_created(
    police: IncidentSource, analyst: User
) -> None:
    rows = grid(5)
    first = run(police, analyst, a_csv(rows)).log
    rows[2] = {**rows[2], "category": "ΔΙΑΡΡΗΞΗ"}
    rows[3] = {**rows[3], "x": "23.6405", "y": "37.9705"}  # moved out of the district
    second = run(police, analyst, a_csv([*rows, row("NEW")])).log
    assert second is not None
    assert (second.rows, second.created_count, second.updated_count, second.unchanged_count) == (
        6, 1, 2, 3
    )  # fmt: skip
    incidents = {i.external_id: i for i in OfficialIncident.objects.select_related("area")}
    assert len(incidents) == 6
    assert incidents["G-2"].category.slug == "burglary"
    assert incidents["G-2"].last_import == second
    assert incidents["G-3"].area is not None
    assert incidents["G-3"].area.code == "town"
    assert incidents["G-3"].location.x == 23.6405
    assert incidents["G-0"].last_import == first


def test_the_same_id_of_another_source_is_another_incident(
    police: IncidentSource, analyst: User
) -> None:
    municipal = IncidentSource.objects.create(slug="municipal", name_en="M", name_el="Δ")
    category_mappings_set(source=municipal, mappings={"ΚΛΟΠΗ": Category.objects.get(slug="theft")})
    assert run(police, analyst, a_csv([row("A-1")])).ok
    assert run(municipal, analyst, a_csv([row("A-1")])).ok
    assert OfficialIncident.objects.filter(external_id="A-1").count() == 2


# --- All or nothing, errors by row and column -------------------------------------------------
def test_one_bad_row_keeps_the_whole_file_out_and_names_its_row_and_column(
    police: IncidentSource, analyst: User
) -> None:
    rows = grid(20)
    rows[7] = {**rows[7], "y": "37,94"}
    result = run(police, analyst, a_csv(rows))
    assert failed(result) == [(9, "y")]  # the header is row 1: the eighth row is row 9
    assert "decimal point" in result.errors[0].message


def test_an_error_keeps_out_a_file_whose_other_rows_would_update(
    police: IncidentSource, analyst: User
) -> None:
    rows = grid(3)
    assert run(police, analyst, a_csv(rows)).ok
    before = stored()
    changed = [{**rows[0], "category": "ΔΙΑΡΡΗΞΗ"}, {**rows[1], "crs": "EPSG:3857"}]
    result = run(police, analyst, a_csv(changed))
    assert [(e.row, e.column) for e in result.errors] == [(3, "crs")]
    assert stored() == before
    assert IncidentImport.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "column", "words"),
    [
        ({"x": "abc"}, "x", "Not a number"),
        ({"x": "nan"}, "x", "Not a number"),
        ({"x": "1_000"}, "x", "Not a number"),
        ({"y": ""}, "y", "Give a number"),
        ({"crs": "EPSG:3857"}, "crs", "Unknown coordinate system"),
        ({"crs": ""}, "crs", "Unknown coordinate system"),
        ({"x": "37.9350", "y": "23.6050"}, "x", "swapped"),
        ({"x": "2.35", "y": "48.85"}, "x", "outside Greece"),
        ({"x": "474000", "y": "4196000"}, "x", "EPSG:2100?"),
        ({"x": "23.6", "y": "37.9", "crs": "EPSG:2100"}, "x", "EPSG:4326?"),
        ({"occurred_at": "14/03/2026 22:30"}, "occurred_at", "ISO 8601"),
        ({"occurred_at": "2026-03-14"}, "occurred_at", "ISO 8601"),
        ({"occurred_at": "2099-01-01T00:00"}, "occurred_at", "future"),
        ({"id": " "}, "id", "Give a value"),
        ({"id": "x" * 201}, "id", "At most 200"),
        ({"category": ""}, "category", "Give a value"),
        ({"category": "a\x00b"}, "category", "NUL"),
    ],
)
def test_each_bad_cell_is_named_by_row_and_column(
    police: IncidentSource, analyst: User, values: dict[str, str], column: str, words: str
) -> None:
    result = run(police, analyst, a_csv([row("OK"), row("BAD", **values)]))
    assert failed(result) == [(3, column)]
    assert words in result.errors[0].message


def test_a_point_outside_the_municipality_is_refused_in_the_database(
    police: IncidentSource, analyst: User
) -> None:
    result = run(police, analyst, a_csv([row("IN"), row("OUT", x="23.7000", y="37.9500")]))
    assert failed(result) == [(3, "x")]
    assert "outside the municipality" in result.errors[0].message


def test_without_a_municipality_nothing_can_be_placed(analyst: User) -> None:
    source = IncidentSource.objects.create(slug="p", name_en="P", name_el="Π")
    category_mappings_set(source=source, mappings={"ΚΛΟΠΗ": Category.objects.get(slug="theft")})
    result = run(source, analyst, a_csv([row()]))
    assert failed(result) == [(0, "")]
    assert "load the areas" in result.errors[0].message


def test_an_unmapped_category_is_named_with_what_to_do(
    police: IncidentSource, analyst: User
) -> None:
    result = run(police, analyst, a_csv([row("A"), row("B", category="ΛΗΣΤΕΙΑ")]))
    assert failed(result) == [(3, "category")]
    message = result.errors[0].message
    assert "ΛΗΣΤΕΙΑ" in message
    assert "add a mapping" in message


def test_a_mapping_of_another_source_does_not_count(police: IncidentSource, analyst: User) -> None:
    other = IncidentSource.objects.create(slug="other", name_en="O", name_el="Ο")
    result = run(other, analyst, a_csv([row()]))
    assert failed(result) == [(2, "category")]


def test_an_id_twice_in_the_file_names_the_first_row(police: IncidentSource, analyst: User) -> None:
    result = run(police, analyst, a_csv([row("A"), row("B"), row("A")]))
    assert failed(result) == [(4, "id")]
    assert "Row 2" in result.errors[0].message


def test_a_missing_or_unknown_column_is_an_error_of_the_header(
    police: IncidentSource, analyst: User
) -> None:
    no_crs = tuple(c for c in COLUMNS if c != "crs")
    result = run(police, analyst, a_csv([row()], columns=no_crs))
    assert failed(result) == [(1, "")]
    assert "crs" in result.errors[0].message
    extra = run(police, analyst, a_csv([row()], columns=(*COLUMNS, "notes")))
    assert [(e.row, e.column) for e in extra.errors] == [(1, "notes")]


def test_a_semicolon_file_from_a_greek_spreadsheet_is_read(
    police: IncidentSource, analyst: User
) -> None:
    content = (
        "id;x;y;crs;occurred_at;category\r\nS1;23.605;37.935;EPSG:4326;2026-03-14 22:30;ΚΛΟΠΗ\r\n"
    )
    assert run(police, analyst, ("\ufeff" + content).encode()).ok
    assert OfficialIncident.objects.get().external_id == "S1"


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"id,x,y,crs,occurred_at,category\nA,23.6,37.9,EPSG:4326,2026-01-01T10:00,\xe4\xe5\n",
         "f.csv", "line 2"),
        (b"", "f.csv", "empty"),
        (b"id,x,y,crs,occurred_at,category\n", "f.csv", "no incidents"),
        (b'{"type": "FeatureCollection", "features": [', "f.geojson", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "f.geojson", "not valid JSON"),
        (b'{"type": "Feature"}', "f.geojson", "FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": [], "crs": "EPSG:3857"}', "f.json",
         "neither"),
        (b"PK\x03\x04", "f.xlsx", "CSV UTF-8"),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_read_is_one_error_of_the_file(
    police: IncidentSource, analyst: User, content: bytes, name: str, words: str
) -> None:
    result = run(police, analyst, content, name)
    assert failed(result) == [(0, "")]
    assert words in result.errors[0].message


def test_bad_features_are_named_by_their_number(police: IncidentSource, analyst: User) -> None:
    content = a_geojson([
        feature("F-1", 23.605, 37.935),
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": []},
         "properties": {}},
        feature("F-3", "23.6", 37.935),  # type: ignore[arg-type]
        feature("F-4", 23.605, 37.935, occurred_at=None),
        feature("F-5\ud800", 23.605, 37.935),
        feature("F-6", 23.605, 37.935, crs="EPSG:3857"),
        "not a feature",  # type: ignore[list-item]
    ])  # fmt: skip
    result = run(police, analyst, content, "f.geojson")
    assert failed(result) == [
        (2, "geometry"),
        (3, "geometry"),
        (4, "occurred_at"),
        (5, "id"),
        (6, "crs"),
        (7, ""),
    ]


def test_a_huge_file_is_refused_before_it_is_read(
    police: IncidentSource, analyst: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(incident_files, "MAX_BYTES", 1000)
    result = run(police, analyst, a_csv(grid(40)))
    assert failed(result) == [(0, "")]
    assert "larger than" in result.errors[0].message


def test_too_many_rows_are_refused(
    police: IncidentSource, analyst: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(incident_files, "MAX_ROWS", 10)
    assert failed(run(police, analyst, a_csv(grid(11)))) == [(0, "")]
    geojson = a_geojson([feature(f"F-{i}", 23.605, 37.935) for i in range(11)])
    assert failed(run(police, analyst, geojson, "f.geojson")) == [(0, "")]
    assert run(police, analyst, a_csv(grid(10))).ok


def test_the_limits_are_20_mb_and_200000_rows() -> None:
    assert (incident_files.MAX_BYTES, incident_files.MAX_ROWS) == (20 * 1024 * 1024, 200_000)


def test_a_flood_of_errors_is_cut_with_a_count(police: IncidentSource, analyst: User) -> None:
    result = run(police, analyst, a_csv([row(f"B{i}", x="?") for i in range(1_005)]))
    assert len(result.errors) == 1_001
    assert result.errors[-1] == RowError(0, "", "5 more errors are not shown.")


# --- Queries ----------------------------------------------------------------------------------
def test_the_number_of_queries_does_not_grow_with_the_file(
    police: IncidentSource, analyst: User
) -> None:
    counts = []
    for n in (10, 200):
        OfficialIncident.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            assert run(police, analyst, a_csv(grid(n))).ok
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert OfficialIncident.objects.count() == 200


# --- Parsing alone (shared with analytics_run) ------------------------------------------------
def test_parsing_reads_a_file_without_the_database(
    django_assert_num_queries: Any,
) -> None:
    with django_assert_num_queries(0):
        rows, errors = parse_incident_rows(a_csv([row("A"), row("B", x="23.62")]), "f.csv")
    assert errors == []
    assert [(r.number, r.external_id, r.longitude, r.latitude) for r in rows] == [
        (2, "A", 23.605, 37.935),
        (3, "B", 23.62, 37.935),
    ]


# --- Mappings and the admin -------------------------------------------------------------------
def test_setting_a_mapping_again_remaps_it_and_keeps_the_others(police: IncidentSource) -> None:
    category_mappings_set(
        source=police,
        mappings={" ΚΛΟΠΗ ": Category.objects.get(slug="burglary"), "ΛΗΣΤΕΙΑ": _theft()},
    )
    mappings = dict(police.category_mappings.values_list("their_category", "category__slug"))
    assert mappings == {"ΚΛΟΠΗ": "burglary", "ΔΙΑΡΡΗΞΗ": "burglary", "ΛΗΣΤΕΙΑ": "theft"}


def _theft() -> Category:
    return Category.objects.get(slug="theft")


def test_an_analyst_reads_incidents_in_the_admin_and_cannot_write_them(
    police: IncidentSource, analyst: User, client: Client
) -> None:
    assert run(police, analyst, a_csv([row("A-1")])).ok
    incident = OfficialIncident.objects.get()
    verified_client(analyst, client)
    listing = client.get(f"/admin/analytics/officialincident/?source__id__exact={police.pk}")
    assert listing.status_code == 200
    assert "A-1" in listing.content.decode()
    page = client.get(f"/admin/analytics/officialincident/{incident.pk}/change/")
    assert page.status_code == 200
    # The location on a map (drawn from its GeoJSON), not as text.
    assert 'class="curim-admin-map" data-field="location"' in page.content.decode()
    assert "[23.605, 37.935]" in page.content.decode()
    assert client.get("/admin/analytics/officialincident/add/").status_code == 403
    assert (
        client.post(f"/admin/analytics/officialincident/{incident.pk}/change/").status_code == 403
    )
    assert client.get("/admin/analytics/incidentimport/add/").status_code == 403
    assert client.get("/admin/analytics/incidentsource/add/").status_code == 200


def test_an_analyst_adds_a_source_with_its_mappings_in_the_admin(
    analyst: User, client: Client
) -> None:
    verified_client(analyst, client)
    prefix = "category_mappings"
    response = client.post(
        "/admin/analytics/incidentsource/add/",
        {
            "slug": "municipal-police",
            "name_en": "Municipal police",
            "name_el": "Δημοτική αστυνομία",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-their_category": "Κλοπή",
            f"{prefix}-0-category": str(_theft().pk),
        },
    )
    assert response.status_code == 302
    source = IncidentSource.objects.get(slug="municipal-police")
    assert list(source.category_mappings.values_list("their_category", "category")) == [
        ("Κλοπή", _theft().pk)
    ]


def test_a_citizen_never_reaches_the_incidents(
    police: IncidentSource, analyst: User, client: Client
) -> None:
    assert run(police, analyst, a_csv([row("A-1")])).ok
    client.force_login(user_with_role(Role.CITIZEN))
    response = client.get("/admin/analytics/officialincident/")
    assert response.status_code == 302
    assert "A-1" not in response.content.decode()
