"""(f) The council's dashboard over the million bench reports, against its SQL floor.

The floor is the very statements the page sends to PostgreSQL (recorded from one request with
`connection.execute_wrapper`, which works with DEBUG off), run bare on a cursor with every row
fetched: what is left over is what Django, the figures' arithmetic and the template add.
Target: ≤ 1.5×.
"""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client

from bench.timing import paired_median_seconds, ratio_line
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.accounts.services import user_roles_set
from curim.areas.demo import DEMO_AREAS
from curim.areas.services import areas_load_file

URL = "/council/dashboard/"


def _recorded_statements(client: Client) -> list[tuple[str, Any]]:
    statements: list[tuple[str, Any]] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get(URL)
    assert response.status_code == 200, response.status_code
    return statements


def bench_dashboard(client: Client) -> None:
    statements = _recorded_statements(client)

    def page() -> None:
        response = client.get(URL)
        assert response.status_code == 200

    def floor() -> None:
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()

    ours, bare = paired_median_seconds(page, floor, repeat=7)
    print(f"    {len(statements)} statements per page")
    print(ratio_line("(f) council dashboard, last 12 months, all districts", ours, bare, "≤ 1.5"))


def run() -> None:
    print("council dashboard")
    areas_load_file(path=DEMO_AREAS)  # the districts (and their populations) the figures split by
    client = Client(HTTP_HOST="localhost")
    analyst, _ = User.objects.get_or_create(email="bench-analyst@example.org")
    user_roles_set(user=analyst, roles={Role.ANALYST})
    client.force_login(analyst)
    bench_dashboard(client)
