"""Shared fixtures: users per role, the outbox run in-process, and a real Celery worker."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.utils import translation
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.celery import app as celery_app
from curim.core.models import OutboxTask
from tests.factories import user_create, user_with_role

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _plain_static_files(settings: SettingsWrapper) -> None:
    # The manifest storage needs collectstatic; tests serve static files from the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # A request in Greek leaves Greek active in this thread (LocaleMiddleware does not undo it),
    # so a test that calls code directly would otherwise get the previous test's language.
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: SettingsWrapper, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VSU_DOCUMENT_ROOT = tmp_path / "vsu"


def cache_settings_for_tests() -> dict[str, Any]:
    # Tests get a Redis database of their own for the cache (rate limits), emptied each time.
    # CURIM_TEST_REDIS_DB lets two checkouts run their suites side by side on one Redis.
    database = os.environ.get("CURIM_TEST_REDIS_DB", "15")
    return {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": urlsplit(settings.REDIS_URL)._replace(path=f"/{database}").geturl(),
            "KEY_PREFIX": "curim-test",
        }
    }


@pytest.fixture(autouse=True)
def _test_cache(settings: SettingsWrapper) -> None:
    settings.CACHES = cache_settings_for_tests()
    cache.clear()


@pytest.fixture
def piraeus(db: None) -> None:
    """The demo map of Piraeus: the municipality and its five districts."""
    from curim.areas.demo import DEMO_AREAS
    from curim.areas.services import areas_load_file

    areas_load_file(path=DEMO_AREAS)


@pytest.fixture
def citizen(db: None) -> User:
    return user_with_role(Role.CITIZEN, email="citizen@example.org")


@pytest.fixture
def admin_user(db: None) -> User:
    return user_with_role(Role.ADMIN, email="admin@example.org")


@pytest.fixture
def user_of_role(db: None) -> Any:
    def make(role: Role | None) -> User:
        return user_create() if role is None else user_with_role(role)

    return make


def outbox_run() -> list[str]:
    """Run the pending outbox tasks in this process, as a worker would; returns their names."""
    celery_app.loader.import_default_modules()
    names = []
    for row in OutboxTask.objects.filter(sent_at__isnull=True).order_by("created_at"):
        celery_app.tasks[row.task_name].apply(args=row.args, kwargs=row.kwargs, throw=True)
        row.delete()
        names.append(row.task_name)
    return names


@pytest.fixture
def mailbox() -> list[mail.EmailMessage]:
    return mail.outbox


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgis://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def celery_worker(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """A real Celery worker process on the real Redis, reading the test database."""
    name = f"test-{uuid.uuid4().hex[:8]}@localhost"
    env = {**os.environ, "DATABASE_URL": _database_url()}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "curim",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "-n",
            name,
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError("the Celery worker exited while starting")
            replies = celery_app.control.ping(destination=[name], timeout=1.0)
            if replies:
                break
        else:
            raise RuntimeError("the Celery worker did not answer within 60 s")
        yield name
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # CI must run every test: a skip there is a failure, not a quiet gap.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") and skipped and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
