"""The fixed statements on every request's path are prepared once per connection and planned
once (curim/core/prepared.py), and nothing else is: PostgreSQL's own view of the session's
prepared statements (pg_prepared_statements) says which, and how each was planned."""

import pytest
from django.contrib.gis.geos import Point
from django.db import DataError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from curim.accounts.models import User
from curim.areas.selectors import area_containing
from curim.core.prepared import prepared_cursor
from tests.reports.conftest import CENTRE, report_body

pytestmark = pytest.mark.usefixtures("piraeus")


def prepared(like: str) -> list[tuple[int, int]]:
    """(generic plans, custom plans) of each statement this connection prepared that reads
    `like`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE NOT from_sql AND statement LIKE %s",
            [f"%{like}%"],
        )
        return [tuple(row) for row in cursor.fetchall()]


def plans_of(statements: list[tuple[int, int]]) -> tuple[int, int]:
    return sum(g for g, _ in statements), sum(c for _, c in statements)


def test_a_submission_and_its_session_and_account_are_prepared_and_planned_once(
    client: Client, citizen: User
) -> None:
    client.force_login(citizen)
    before = {like: plans_of(prepared(like)) for like in ("reports_report", "auth_group")}
    for _ in range(3):
        response = client.post("/api/v1/reports/", report_body(), content_type="application/json")
        assert response.status_code == 201, response.content
    for like, (generic_before, custom_before) in before.items():
        generic, custom = plans_of(prepared(like))
        # One plan kept and reused: every run after preparing is a generic plan, none custom.
        assert generic - generic_before >= 3, like
        assert custom == custom_before, like
    # The session's statement too (it reads the sessions with their account).
    assert prepared("accounts_session")


def test_the_district_of_a_point_is_prepared() -> None:
    generic_before, _ = plans_of(prepared("areas_area"))
    for _ in range(3):
        assert area_containing(Point(*CENTRE, srid=4326)) is not None
    generic, custom = plans_of(prepared("areas_area"))
    assert generic - generic_before >= 3
    assert custom == 0


def test_nothing_of_the_orm_is_prepared(client: Client) -> None:
    # Django's own queries bind on the client: the connection-wide generic plans touch only
    # the statements prepared_cursor runs.
    for _ in range(8):  # more than psycopg's own default threshold (5) for preparing
        client.get("/api/v1/reports/")
        list(User.objects.filter(email__startswith="x"))
    assert not prepared('auth_user" WHERE')
    assert not prepared('reports_report" WHERE')


def test_the_day_counts_rebuild_is_planned_for_its_category() -> None:
    # Its statements read every report when planned for any category (the NULL case kept): it
    # keeps PostgreSQL's default choice against the connection's generic plans.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proconfig FROM pg_proc WHERE proname = 'reports_public_cell_day_rebuild'"
        )
        assert cursor.fetchall() == [(["plan_cache_mode=auto"],)]
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)


def test_prepared_statements_can_be_turned_off() -> None:
    with (
        override_settings(DATABASE_PREPARED_STATEMENTS=False),
        prepared_cursor(connection) as cursor,
    ):
        cursor.execute("SELECT %s::int + 40 AS curim_turned_off", [2])
        assert cursor.fetchone() == (42,)
    assert not prepared("curim_turned_off")
    with prepared_cursor(connection) as cursor:
        cursor.execute("SELECT %s::int + 40 AS curim_turned_on", [2])
        assert cursor.fetchone() == (42,)
    assert prepared("curim_turned_on")


def test_a_prepared_statement_is_logged_and_fails_as_djangos_own() -> None:
    with CaptureQueriesContext(connection) as queries, prepared_cursor(connection) as cursor:
        cursor.execute("SELECT %s::int AS curim_logged", [7])
    assert [q["sql"] for q in queries.captured_queries] == ["SELECT 7::int AS curim_logged"]
    # django.db's errors, as the submission's IntegrityError handling expects.
    with pytest.raises(DataError), prepared_cursor(connection) as cursor:
        cursor.execute("SELECT 1 / %s::int", [0])
