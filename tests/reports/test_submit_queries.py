"""What one submission through the API costs: its queries and Redis round trips, counted so
that a regression shows (docs/performance.md, issue 16). A located report without photos is one
statement (placement, report, history line and, signed in, the reporter's follow row); the
category comes from the process's copy; the rate limit is one Redis command."""

from typing import Any

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from curim.accounts.models import User
from curim.reports.models import Category, Follow, Report
from tests.reports.conftest import report_body

pytestmark = pytest.mark.usefixtures("piraeus")
URL = "/api/v1/reports/"


@pytest.fixture
def redis_round_trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every command or pipeline sent to Redis, as it is sent (on a connection: commands sent
    by a client and those the rate limit sends itself)."""
    sent: list[str] = []
    command = redis.Connection.send_command
    pipeline = redis.client.Pipeline.execute

    def one(self: redis.Connection, *args: Any, **options: Any) -> Any:
        sent.append(str(args[0]))
        return command(self, *args, **options)  # type: ignore[no-untyped-call]

    def batch(self: redis.client.Pipeline, *args: Any, **options: Any) -> Any:
        sent.append("pipeline: " + " ".join(str(c[0][0]) for c in self.command_stack))
        return pipeline(self, *args, **options)

    monkeypatch.setattr(redis.Connection, "send_command", one)
    monkeypatch.setattr(redis.client.Pipeline, "execute", batch)
    return sent


def _submit(client: Client, redis_sent: list[str]) -> tuple[list[str], list[str]]:
    client.post(URL, report_body(), content_type="application/json")  # warm the category copy
    redis_sent.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, report_body(), content_type="application/json")
    assert response.status_code == 201, response.content
    return [q["sql"] for q in queries.captured_queries], list(redis_sent)


def test_an_anonymous_submission_is_one_statement_and_one_redis_round_trip(
    client: Client, redis_round_trips: list[str]
) -> None:
    queries, sent = _submit(client, redis_round_trips)
    assert len(queries) == 1, queries
    assert queries[0].lstrip().startswith("WITH")
    assert sent == ["EVALSHA"]  # curim.core.ratelimit.HIT_SCRIPT


def test_a_signed_in_submission_adds_only_the_session_with_its_account(
    client: Client, citizen: User, redis_round_trips: list[str]
) -> None:
    client.force_login(citizen)
    queries, sent = _submit(client, redis_round_trips)
    # The session with its account and the account's roles, in one statement (the idle timeout
    # of short-session roles asks for them; curim.accounts.sessions), and the statement that
    # writes the report, its history line and the reporter's follow row.
    assert len(queries) == 2, queries
    assert "accounts_session" in queries[0]
    assert "auth_group" in queries[0]
    assert "reports_follow" in queries[-1]
    assert sent == ["EVALSHA"]  # curim.core.ratelimit.HIT_SCRIPT
    report = Report.objects.latest("pk")
    assert report.reporter == citizen
    assert Follow.objects.filter(report=report, user=citizen).exists()


def test_a_category_taken_out_of_use_is_refused_at_once(client: Client) -> None:
    # The process's copy of the categories is emptied when one is saved (as the admin does).
    assert client.post(URL, report_body(), content_type="application/json").status_code == 201
    graffiti = Category.objects.get(slug=report_body()["category"])
    graffiti.is_active = False
    graffiti.save()
    response = client.post(URL, report_body(), content_type="application/json")
    assert response.status_code == 400
    assert "category" in response.json()
