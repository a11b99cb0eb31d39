"""The Celery app: Redis broker, late acknowledgement, time limits, and the one beat schedule."""

import os
from typing import Any

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curim.settings")

app = Celery("curim")
app.config_from_object("django.conf:settings", namespace="CELERY")


def app_config() -> dict[str, Any]:
    """Everything but the broker and result URLs, which come from the settings."""
    from django.conf import settings

    timeouts = {
        "socket_connect_timeout": settings.REDIS_CONNECT_TIMEOUT,
        "socket_timeout": settings.REDIS_SOCKET_TIMEOUT,
    }
    return {
        # A task is acknowledged only once it has run, so a worker killed mid-task hands it back.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_soft_time_limit": 240,
        "task_time_limit": 300,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_expires": 60 * 60 * 24,
        "task_track_started": True,
        # Publishing from a request tries once, with short timeouts; what fails stays in the outbox.
        "task_publish_retry": False,
        "broker_connection_timeout": 2,
        "broker_connection_retry_on_startup": True,
        # max_retries 0: a publisher's channel tries the broker once instead of retrying for
        # broker_connection_timeout (the worker and beat reconnect with their own settings).
        "broker_transport_options": {"visibility_timeout": 60 * 60, "max_retries": 0, **timeouts},
        "redis_socket_connect_timeout": timeouts["socket_connect_timeout"],
        "redis_socket_timeout": timeouts["socket_timeout"],
        # Publishing subscribes to the result channel first; without this it retries ~20 times.
        "result_backend_transport_options": {"retry_policy": {"max_retries": 1}, **timeouts},
        "worker_hijack_root_logger": False,
        # The whole beat schedule lives here and nowhere else.
        "beat_schedule": {
            "outbox-sweep": {"task": "core.outbox_sweep", "schedule": 60.0},
            "outbox-prune": {"task": "core.outbox_prune", "schedule": crontab(hour=3, minute=17)},
            "sessions-prune": {
                "task": "accounts.sessions_prune",
                "schedule": crontab(hour=3, minute=22),
            },
            "login-records-prune": {
                "task": "accounts.login_records_prune",
                "schedule": crontab(hour=3, minute=27),
            },
            "survey-estimates-refresh": {
                "task": "surveys.estimates_refresh_stale",
                "schedule": crontab(hour=2, minute=7),
            },
            # A refresh whose worker was killed would come back only after the visibility
            # timeout (an hour); this redoes it within minutes. Late copies are dropped.
            "survey-estimates-recover": {
                "task": "surveys.estimates_refresh_unattended",
                "schedule": 120.0,
                "options": {"expires": 110},
            },
            "victims-retention": {
                "task": "victims.retention_apply",
                "schedule": crontab(hour=3, minute=37),
            },
            "council-action-item-reminders": {
                "task": "councils.action_item_reminders_plan",
                "schedule": crontab(hour=6, minute=5),
            },
            # After the night's moderation and imports; a rerun finds what was stored.
            "analytics-nightly": {
                "task": "analytics.nightly_run",
                "schedule": crontab(hour=4, minute=15),
            },
            "council-agenda-carry-over": {
                "task": "councils.agendas_carry_over",
                "schedule": crontab(hour=5, minute=55),
            },
        },
    }


app.conf.update(app_config())
app.autodiscover_tasks()
