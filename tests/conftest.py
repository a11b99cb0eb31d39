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
from django.contrib.auth.models import Group
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
# each session takes a free slot and uses a test database and a Redis database of its own. The
# processes of `make test` (pytest-xdist) take slots too, as many as there are processes: one
# that replaces a process that crashed takes the slot it freed.
_slot_lock: IO[str] | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _slot_lock
    xdist_worker = "PYTEST_XDIST_WORKER" in os.environ
    if xdist_worker:
        slots = int(os.environ["PYTEST_XDIST_WORKER_COUNT"])
    else:
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
    if xdist_worker:
        _own_queue(int(os.environ["CURIM_TEST_SLOT"]))


def _own_queue(slot: int) -> None:
    """A process of `make test` (pytest -n 2) sends its tasks to a Celery queue of its own, which
    the Celery workers it starts read: the other process's workers must not take them."""
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


REDIS_LAST_DATABASE = 15  # Redis's own default: 16 databases


def cache_settings_for_tests() -> dict[str, Any]:
    # Tests get a Redis database of their own for the cache (rate limits), emptied each time.
    # CURIM_TEST_REDIS_DB lets two checkouts run their suites side by side on one Redis.
    database = int(os.environ.get("CURIM_TEST_REDIS_DB", "14"))  # 14 and 15 for two slots
    database += int(os.environ.get("CURIM_TEST_SLOT", "0"))
    if database > REDIS_LAST_DATABASE:
        raise RuntimeError(
            f"the tests' Redis database would be {database}: Redis has databases 0 to "
            f"{REDIS_LAST_DATABASE}; set CURIM_TEST_REDIS_DB lower (docs/testing.md)"
        )
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
    kept: list[pytest.Item] = []
    left_out: list[pytest.Item] = []
    for item in items:
        (left_out if _commits(item) else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


COMMITTING_FIXTURES = {"transactional_db", "live_server", "celery_worker"}


def _commits(item: pytest.Item) -> bool:
    """The test commits (a transactional test, a live server, a Celery worker): the database is
    flushed after it, the seeded rows with the rest."""
    marker = item.get_closest_marker("django_db")
    transaction = bool(marker and (marker.kwargs.get("transaction") or marker.args))
    return transaction or bool(set(getattr(item, "fixturenames", ())) & COMMITTING_FIXTURES)


def _uses_database(item: pytest.Item) -> bool:
    return item.get_closest_marker("django_db") is not None or "db" in set(
        getattr(item, "fixturenames", ())
    )


_flushed_here = False  # a test that commits ran in this process since the seeded rows were whole


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """The seeded rows back before a test that does not commit, if one that does ran before it
    in this process. pytest-django runs the tests that commit last, so one process never needs
    this; of the two processes of `make test`, the one that runs out of tests first takes the
    last of the other's, which may come before the tests that commit it has run already."""
    global _flushed_here
    if _commits(item):
        _flushed_here = True
    elif _flushed_here and _uses_database(item):
        from pytest_django.plugin import blocking_manager_key

        from tests.seeding import seeded_rows_restore

        with item.config.stash[blocking_manager_key].unblock():
            if not Group.objects.exists():  # the roles, the first of the seeded rows
                seeded_rows_restore()  # outside any test's transaction: committed
        _flushed_here = False


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
