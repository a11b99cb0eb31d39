"""The public list endpoints of the API read in a number of queries that does not grow with
their rows (Open311's own are in test_open311_sql.py, the council's in
tests/councils/test_api.py, the interventions' in tests/interventions/test_api_records.py)."""

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from curim.accounts.models import User
from curim.areas.models import Area
from curim.reports.models import Report
from curim.reports.services.conversation import comment_post

MakeReport = Callable[..., Report]


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_areas_list_takes_the_same_queries_for_more_areas(
    client: Client, piraeus: None
) -> None:
    before = _queries(client, "/api/v1/areas/")
    municipality = Area.objects.get(level=Area.Level.MUNICIPALITY)
    district = Area.objects.filter(parent=municipality).first()
    assert district is not None
    for n in range(5):
        Area.objects.create(
            code=f"extra-{n}",
            level=district.level,
            parent=municipality,
            name_en=f"Extra {n}",
            name_el=f"Επιπλέον {n}",
            geometry=district.geometry,
        )
    body = client.get("/api/v1/areas/").json()
    assert {f["properties"]["parent"] for f in body["features"] if f["id"].startswith("extra")} == {
        municipality.code
    }
    assert _queries(client, "/api/v1/areas/") == before


def test_the_comments_list_takes_the_same_queries_for_more_comments(
    client: Client, make_report: MakeReport, citizen: User
) -> None:
    report = make_report()
    path = f"/api/v1/reports/{report.public_id}/comments/"
    comment_post(report=report, author=citizen, body="First")
    before = _queries(client, path)
    for n in range(5):
        comment_post(report=report, author=citizen, body=f"More {n}")
    assert len(client.get(path).json()) == 6
    assert _queries(client, path) == before


def test_the_geojson_list_takes_the_same_queries_for_more_reports(
    client: Client, make_report: MakeReport
) -> None:
    make_report()
    before = _queries(client, "/api/v1/reports/")
    for n in range(5):
        make_report(category="noise" if n % 2 else "graffiti")
    assert len(client.get("/api/v1/reports/").json()["features"]) == 6
    assert _queries(client, "/api/v1/reports/") == before
