"""An analyst's "Run now" on /analytics/: a POST by analysts and admins queues the nightly's
analyses once (a second press while they wait or run queues nothing), through the outbox; a
real worker runs them and writes the snapshots; the page says what is queued and when each
analysis was computed. Everybody else gets a 404; a GET is refused; CSRF is checked."""

import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from curim.accounts.roles import Role
from curim.analytics.models import AnalysisRun
from curim.analytics.selectors.run_now import RUN_NOW_STALE_AFTER, RUN_NOW_TASK
from curim.core.models import OutboxTask
from curim.reports.models import Report
from tests.factories import user_with_role
from tests.seeding import seeded_rows_restore

URL = "/analytics/run/"
PAGE = "/analytics/"
HOT = (23.6465, 37.9425)


def _as(client: Client, role: Role) -> Client:
    client.force_login(user_with_role(role, email=f"{role.value}-run@example.org"))
    return client


def _queued() -> int:
    return OutboxTask.objects.filter(task_name=RUN_NOW_TASK).count()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ANALYST, Role.ADMIN])
def test_a_press_queues_the_analyses_once_and_the_page_says_so(
    piraeus: None, client: Client, role: Role
) -> None:
    _as(client, role)
    response = client.post(URL, follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    assert "The analyses are queued" in response.content.decode()
    assert _queued() == 1
    assert 'id="run-now-pending"' in response.content.decode()
    again = client.post(URL, follow=True)
    assert "already queued" in again.content.decode()
    assert _queued() == 1


@pytest.mark.django_db
def test_a_finished_or_lost_request_does_not_block_the_next(piraeus: None, client: Client) -> None:
    _as(client, Role.ANALYST)
    client.post(URL)
    OutboxTask.objects.filter(task_name=RUN_NOW_TASK).update(completed_at=timezone.now())
    client.post(URL)
    assert _queued() == 2
    # Queued long ago and never completed: taken as lost.
    OutboxTask.objects.filter(task_name=RUN_NOW_TASK, completed_at__isnull=True).update(
        created_at=timezone.now() - RUN_NOW_STALE_AFTER - timedelta(minutes=1)
    )
    client.post(URL)
    assert _queued() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY, Role.CITIZEN])
def test_only_analysts_and_admins_may_run_and_see_the_button(
    piraeus: None, client: Client, role: Role
) -> None:
    _as(client, role)
    assert client.post(URL).status_code == 404
    assert _queued() == 0
    page = client.get(PAGE)
    if page.status_code == 200:  # the council's figure readers see the page, not the button
        assert URL not in page.content.decode()
    analyst = _as(Client(), Role.ANALYST)
    assert URL in analyst.get(PAGE).content.decode()
    assert analyst.get(URL).status_code == 405


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused(piraeus: None) -> None:
    client = _as(Client(enforce_csrf_checks=True), Role.ANALYST)
    assert client.post(URL).status_code == 403
    assert _queued() == 0


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_queued_analyses_and_the_page_shows_them(
    celery_worker: str, make_report: Callable[..., Report]
) -> None:
    seeded_rows_restore()  # the roles: a transactional test before this one emptied every table
    make_report(at=HOT, occurred_at=timezone.now() - timedelta(days=3))
    client = _as(Client(), Role.ANALYST)
    assert client.post(URL).status_code == 302
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if OutboxTask.objects.filter(task_name=RUN_NOW_TASK, completed_at__isnull=False).exists():
            break
        time.sleep(0.5)
    request = OutboxTask.objects.get(task_name=RUN_NOW_TASK)
    assert request.completed_at is not None
    assert request.last_error == ""
    # Hotspots (3), emerging, risk, forecasts, cyber (2 each), near repeat (1).
    assert AnalysisRun.objects.filter(parameters__nightly=True).count() == 12
    page = client.get(PAGE).content.decode()
    assert 'id="run-now-pending"' not in page
    assert "Hot cells, all day" in page
    assert page.count("<tr") >= 1 + 12  # the latest analyses, one row each, and the head
