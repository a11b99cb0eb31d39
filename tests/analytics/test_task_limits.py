"""The analytics' tasks may run longer than the five minutes of every other task, but never so
long that the broker (visibility timeout) or the outbox (its sweep) would send them twice."""

from django.conf import settings

from curim.analytics.tasks import nightly_run, run_now
from curim.celery import app


def test_the_night_ends_before_the_broker_would_deliver_it_again() -> None:
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    soft, hard = nightly_run.soft_time_limit, nightly_run.time_limit
    assert soft is not None
    assert hard is not None
    assert soft < hard < visibility
    assert hard > app.conf.task_time_limit


def test_run_now_ends_before_the_outbox_would_send_it_again() -> None:
    soft, hard = run_now.soft_time_limit, run_now.time_limit
    assert soft is not None
    assert hard is not None
    assert soft < hard < settings.OUTBOX_REPUBLISH_AFTER_MINUTES * 60
