"""Shared fixtures: users per role, the outbox run in-process, and a real Celery worker."""

import fcntl
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.celery import app as celery_app
from curim.core.models import OutboxTask
from curim.reports.categories import categories_forget
from tests.factories import user_create, user_with_role, verified_client
from tests.processes import dies_with_this_process, process_stop

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
    # A request leaves its language active in the thread (LocaleMiddleware never resets it):
    # each test starts in the default language, whatever the one before it asked for.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: SettingsWrapper, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VSU_DOCUMENT_ROOT = tmp_path / "vsu"


# CURIM_TEST_SLOTS=N lets N pytest sessions of one checkout run at once (`make mutants` runs two):
# each session takes a free slot and uses a test database and a Redis database of its own.
_slot_lock: IO[str] | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _slot_lock
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw"):
        _own_slot(int(worker[2:]))
        return
    slots = int(os.environ.get("CURIM_TEST_SLOTS", "0"))
    while slots and _slot_lock is None:
        for slot in range(slots):
            lock = open(ROOT / f".test-slot-{slot}.lock", "w")  # noqa: SIM115
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.close()
                continue
            _slot_lock = lock
            os.environ["CURIM_TEST_SLOT"] = str(slot)
            break
        else:
            time.sleep(0.1)


def _own_slot(slot: int) -> None:
    """An xdist worker of `make test` (pytest -n 2): its own test database and Redis database,
    as a slot gives, and its own Celery queue, which its Celery worker reads and its tasks are
    sent to (the other process's worker must not take them)."""
    os.environ["CURIM_TEST_SLOT"] = str(slot)
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-{slot}"
    os.environ["CELERY_QUEUE"] = queue  # the Celery workers the tests start
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    celery_app.conf.task_default_queue = queue


def pytest_unconfigure(config: pytest.Config) -> None:
    global _slot_lock
    if _slot_lock is not None:
        _slot_lock.close()  # closing releases the lock
        _slot_lock = None
        os.environ.pop("CURIM_TEST_SLOT", None)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    if "CURIM_TEST_SLOT" in os.environ:
        from pytest_django.fixtures import _set_suffix_to_test_databases

        _set_suffix_to_test_databases(suffix=f"slot{os.environ['CURIM_TEST_SLOT']}")


def cache_settings_for_tests() -> dict[str, Any]:
    # Tests get a Redis database of their own for the cache (rate limits), emptied each time.
    # CURIM_TEST_REDIS_DB lets two checkouts run their suites side by side on one Redis.
    database = int(os.environ.get("CURIM_TEST_REDIS_DB", "14"))  # 14 and 15 for two slots
    database += int(os.environ.get("CURIM_TEST_SLOT", "0"))
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
    # Each process keeps the active categories; a test's rolled-back changes must not stay.
    categories_forget()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With --reuse-db (only `make mutants` uses it), leave out the tests that commit.

    A reused test database must stay as migrated: a test that commits (a transactional test, a
    live server, a Celery worker) flushes it at the end, or leaves rows behind when it is killed.
    """
    if not config.getoption("reuse_db"):
        return
    committing = {"transactional_db", "live_server", "celery_worker"}
    kept: list[pytest.Item] = []
    left_out: list[pytest.Item] = []
    for item in items:
        marker = item.get_closest_marker("django_db")
        transaction = bool(marker and (marker.kwargs.get("transaction") or marker.args))
        fixtures = set(getattr(item, "fixturenames", ()))
        (left_out if transaction or fixtures & committing else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


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
def admin_client(client: Client, admin_user: User) -> Client:
    """pytest-django's, past the second factor the admin asks for."""
    return verified_client(admin_user, client)


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
        preexec_fn=dies_with_this_process,
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
        process_stop(process, grace=20)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # CI must run every test: a skip there is a failure, not a quiet gap.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") and skipped and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
