"""(f) The council's dashboard over the million bench reports, against its SQL floor.

Two floors. The very statements the page sends to PostgreSQL (recorded from one request with
`connection.execute_wrapper`, which works with DEBUG off), run bare on a cursor with every row
fetched: what is left over is what Django, the figures' arithmetic and the template add. And the
same statements with the figures' counts taken from the reports themselves, as the page did
before migration reports/0021 kept them by month: the SQL floor of the same aggregates
(target ≤ 1.5×, issue 13).
"""

from collections.abc import Callable
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.test import Client
from django.utils import timezone

from bench.timing import paired_median_seconds, ratio_line
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.accounts.services import user_roles_set
from curim.areas.demo import DEMO_AREAS
from curim.areas.models import Area
from curim.areas.services import areas_load_file
from curim.reports.selectors import _council_counts_sql, reports_counted_for_council
from curim.reports.statistics import UNLOCATED, month_add, months_to_fetch, period_default

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


def _counts_from_the_reports() -> tuple[str, list[Any]]:
    """The dashboard's counts (its default period) counted from the reports, as
    `council_report_figures` did before migration reports/0021."""
    zone = ZoneInfo(settings.TIME_ZONE)
    first, last = period_default(timezone.localdate(timezone=zone))
    fetch_first, _ = months_to_fetch(first, last)
    counted = (
        reports_counted_for_council()
        .filter(
            occurred_at__gte=datetime.combine(fetch_first, time.min, tzinfo=zone),
            occurred_at__lt=datetime.combine(month_add(last, 1), time.min, tzinfo=zone),
        )
        .annotate(month=TruncMonth("occurred_at", tzinfo=zone))
        .values("category_id", "area_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    sql, params = counted.query.get_compiler(connection=connection).as_sql()
    levels = [Area.Level.DISTRICT, Area.Level.NEIGHBOURHOOD, UNLOCATED]
    return _council_counts_sql(sql), [*levels, *params]


def bench_dashboard(client: Client) -> None:
    statements = _recorded_statements(client)
    counts = [i for i, (sql, _) in enumerate(statements) if "reports_councilmonthcount" in sql]
    assert len(counts) == 1, counts
    from_the_reports = list(statements)
    from_the_reports[counts[0]] = _counts_from_the_reports()

    def page() -> None:
        response = client.get(URL)
        assert response.status_code == 200

    def run(sent: list[tuple[str, Any]]) -> Callable[[], None]:
        def floor() -> None:
            with connection.cursor() as cursor:
                for sql, params in sent:
                    cursor.execute(sql, params)
                    if cursor.description is not None:
                        cursor.fetchall()

        return floor

    ours, bare = paired_median_seconds(page, run(statements), repeat=7)
    _, counted = paired_median_seconds(page, run(from_the_reports), repeat=5)
    print(f"    {len(statements)} statements per page")
    name = "(f) council dashboard, last 12 months, all districts"
    print(ratio_line(f"{name}, against its own statements", ours, bare, "none"))
    print(ratio_line(f"{name}, against the same figures from the reports", ours, counted, "≤ 1.5"))


def run() -> None:
    print("council dashboard")
    areas_load_file(path=DEMO_AREAS)  # the districts (and their populations) the figures split by
    client = Client(HTTP_HOST="localhost")
    analyst, _ = User.objects.get_or_create(email="bench-analyst@example.org")
    user_roles_set(user=analyst, roles={Role.ANALYST})
    client.force_login(analyst)
    bench_dashboard(client)
