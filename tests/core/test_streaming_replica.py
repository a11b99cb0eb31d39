"""The platform on a primary and a real streaming replica (issue 16; docs/operations.md).

Two PostgreSQL clusters of this test's own are started on free ports: a primary, migrated, and
a standby made from it with `pg_basebackup -R` (streaming replication, hot standby). The
platform is served by gunicorn as `make run` serves it, with `DATABASE_URL` on the primary and
`DATABASE_REPLICA_URL` on the standby. The standby's replay is paused while people write, so
that which database answered a read can be seen in what it returns:

- a citizen's report is written on the primary (the standby, paused, does not have it);
- a moderator publishes it; the moderator and the citizen, who just wrote, read the public
  list from the primary and see it (read-your-writes);
- anyone else reads the list from the standby and does not see it yet;
- once replay resumes, the report is on everyone's public map.

Then the standby fails: while it is down its reads go to the primary and /healthz says so; once
it is back it serves them again. How far behind it is comes from `LAG_SQL`, asked of the
paused standby and of one cut off from the primary (which has replayed all it received).
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
from psycopg.sql import SQL, Literal

from curim.core.replica import LAG_SQL, PIN_COOKIE, PRIMARY_POSITION_SQL, replica_lag_refusal
from tests.conftest import cache_settings_for_tests

ROOT = Path(__file__).resolve().parents[2]
INITDB_OPTIONS = ["-A", "trust", "-U", "postgres", "--no-sync"]
# -R: write the standby's connection to the primary; -c fast: checkpoint now, not spread.
BASEBACKUP_OPTIONS = ["-h", "127.0.0.1", "-U", "postgres", "-R", "-X", "stream", "-c", "fast"]
GUNICORN = [sys.executable, "-m", "gunicorn", "curim.wsgi:application", "--workers", "1"]
GUNICORN += ["--config", "curim/gunicorn_config.py", "--timeout", "60"]
CENTRE = (23.6465, 37.9425)  # in the 1st municipal community of the demo map


def _postgres_bin() -> Path:
    """The newest PostgreSQL server on this machine that has PostGIS."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    for initdb in reversed(found):
        version = initdb.parts[-3]
        if Path(f"/usr/share/postgresql/{version}/extension/postgis.control").exists():
            return initdb.parent
    raise AssertionError("no PostgreSQL server with PostGIS (scripts/bootstrap.sh installs it)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL's servers refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class Cluster:
    bin: Path
    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgis://postgres@127.0.0.1:{self.port}/curim"

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.directory.parent} -c fsync=off"
        )
        log = self.directory.parent / f"{self.port}.log"
        command = [str(self.bin / "pg_ctl"), "-D", str(self.directory), "-o", options]
        subprocess.run(
            _as_postgres([*command, "-l", str(log), "-w", "start"]), check=True, timeout=60
        )

    def stop(self) -> None:
        subprocess.run(
            _as_postgres(
                [str(self.bin / "pg_ctl"), "-D", str(self.directory), "-m", "immediate", "stop"]
            ),
            check=False,
            timeout=60,
        )

    def sql(
        self, statement: str, params: tuple[object, ...] = (), database: str = "curim"
    ) -> list[tuple[object, ...]]:
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True
        ) as connection:
            cursor = connection.execute(statement, params)
            return cursor.fetchall() if cursor.description else []


def _environment(primary: Cluster, replica: Cluster | None) -> dict[str, str]:
    found = {
        **os.environ,
        "DATABASE_URL": primary.url,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_MANIFEST": "false",
        "CACHE_REDIS_URL": cache_settings_for_tests()["default"]["LOCATION"],  # this process's
        "REPLICA_PIN_SECONDS": "300",
        # Ask the standby on every request, so that its going down or coming back shows at once;
        # allow any lag (the paused replay below must keep serving, however long the set-up).
        "REPLICA_CHECK_SECONDS": "0",
        "REPLICA_MAX_LAG_SECONDS": "86400",
    }
    found.pop("DJANGO_SETTINGS_MODULE", None)
    if replica is not None:
        found["DATABASE_REPLICA_URL"] = replica.url
    return found


SEED = """
from django.test import Client
from curim.accounts.roles import Role
from curim.areas.demo import DEMO_AREAS
from curim.areas.services import areas_load_file
from tests.factories import user_with_role

areas_load_file(path=DEMO_AREAS)
client = Client()
client.force_login(user_with_role(Role.MODERATOR, email="moderator@example.org"))
print("session=" + client.cookies["sessionid"].value)
"""


@dataclass
class Platform:
    primary: Cluster
    replica: Cluster
    base: str
    moderator_session: str


@pytest.fixture(scope="module")
def platform() -> Iterator[Platform]:
    bin_dir = _postgres_bin()
    work = Path(tempfile.mkdtemp(prefix="curim-replica-"))
    shutil.chown(work, "postgres") if os.geteuid() == 0 else None
    primary = Cluster(bin_dir, work / "primary", _free_port())
    replica = Cluster(bin_dir, work / "replica", _free_port())
    server: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run(
            _as_postgres([str(bin_dir / "initdb"), "-D", str(primary.directory), *INITDB_OPTIONS]),
            check=True,
            capture_output=True,
            timeout=120,
        )
        primary.start()
        primary.sql("CREATE DATABASE curim", database="postgres")
        primary.sql("CREATE EXTENSION postgis")
        environment = _environment(primary, None)
        python = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run(
            [*python, "migrate", "--noinput", "-v0"],
            env=environment,
            cwd=ROOT,
            check=True,
            timeout=600,
        )
        seeded = subprocess.run(
            [*python, "shell", "-c", SEED],
            env=environment,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        session = re.search(r"session=(\S+)", seeded.stdout)
        assert session is not None, seeded.stdout + seeded.stderr
        # The standby: a base backup that streams what follows (-R writes its connection).
        subprocess.run(
            _as_postgres(
                [
                    str(bin_dir / "pg_basebackup"),
                    "-p",
                    str(primary.port),
                    "-D",
                    str(replica.directory),
                    *BASEBACKUP_OPTIONS,
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        replica.start()
        assert replica.sql("SELECT pg_is_in_recovery()") == [(True,)]
        # A first commit replayed: until then a standby that is behind cannot say by how long,
        # and the platform leaves it alone (curim.core.replica.LAG_SQL).
        primary.sql("CREATE TABLE replayed_once ()")
        _wait_until(
            lambda: replica.sql("SELECT pg_last_xact_replay_timestamp() IS NOT NULL") == [(True,)],
            "a first replayed commit",
        )
        port = _free_port()
        server = subprocess.Popen(
            [*GUNICORN, "--bind", f"127.0.0.1:{port}"],
            env=_environment(primary, replica),
            cwd=ROOT,
        )
        base = f"http://127.0.0.1:{port}"
        # (Not /healthz: it also asks for a Celery worker, which this test does not start.)
        _wait_until(lambda: requests.get(f"{base}/api/v1/categories/", timeout=30).ok, "the server")
        yield Platform(primary, replica, base, session.group(1))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        replica.stop()
        primary.stop()
        shutil.rmtree(work, ignore_errors=True)


def _wait_until(check: object, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():  # type: ignore[operator]
                return
        except (requests.RequestException, psycopg.OperationalError):
            pass
        assert time.monotonic() < deadline, f"{what} did not answer in {seconds} s"
        time.sleep(0.2)


def _public_ids(client: requests.Session, base: str) -> list[str]:
    response = client.get(f"{base}/api/v1/reports/", timeout=30)
    assert response.status_code == 200, response.text
    return [feature["id"] for feature in response.json()["features"]]


def test_reads_go_to_the_replica_and_whoever_wrote_reads_the_primary(platform: Platform) -> None:
    base, primary, replica = platform.base, platform.primary, platform.replica
    anyone = requests.Session()
    assert _public_ids(anyone, base) == []

    # Replay paused: from here on, what the standby serves is what it had before.
    replica.sql("SELECT pg_wal_replay_pause()")
    _wait_until(
        lambda: replica.sql("SELECT pg_get_wal_replay_pause_state()") == [("paused",)],
        "the pause",
    )

    citizen = requests.Session()
    body: dict[str, Any] = {
        "category": "graffiti",
        "description": "Tags sprayed on the school wall",
        "latitude": CENTRE[1],
        "longitude": CENTRE[0],
        "severity": 2,
        "feeling_unsafe": 3,
    }
    submitted = citizen.post(f"{base}/api/v1/reports/", json=body, timeout=30)
    assert submitted.status_code == 201, submitted.text
    report_id = submitted.json()["id"]
    assert PIN_COOKIE in citizen.cookies
    # Written on the primary; the paused standby does not have it.
    count = "SELECT count(*) FROM reports_report WHERE public_id = %s"
    assert primary.sql(count, (report_id,)) == [(1,)]
    assert replica.sql(count, (report_id,)) == [(0,)]

    moderator = requests.Session()
    moderator.cookies.set("sessionid", platform.moderator_session)
    page = moderator.get(f"{base}/moderation/{report_id}/", timeout=30)
    assert page.status_code == 200, page.text[:500]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    published = moderator.post(
        f"{base}/moderation/{report_id}/act/",
        data={"action": "publish", "csrfmiddlewaretoken": token.group(1)},
        allow_redirects=False,
        timeout=30,
    )
    assert published.status_code == 302, published.text[:500]

    # Whoever just wrote reads the primary: the moderator and the citizen see it at once.
    assert _public_ids(moderator, base) == [report_id]
    assert _public_ids(citizen, base) == [report_id]
    # Anyone else reads the standby, which has not replayed the report yet.
    assert _public_ids(anyone, base) == []
    assert _public_ids(requests.Session(), base) == []

    # Once the standby catches up, the report is on everyone's public map.
    replica.sql("SELECT pg_wal_replay_resume()")
    _wait_until(lambda: _public_ids(anyone, base) == [report_id], "the replica")
    tile = anyone.get(f"{base}/api/v1/reports/summary/", timeout=30)
    assert tile.status_code == 200


def _replica_health(base: str) -> dict[str, Any]:
    # /healthz answers 503 here (no Celery worker in this test); its checks are what we read.
    checks: dict[str, Any] = requests.get(f"{base}/healthz", timeout=30).json()["checks"]
    return dict(checks["replica"])


def _lag(primary: Cluster, replica: Cluster) -> float | None:
    (lag,) = replica.sql(LAG_SQL, primary.sql(PRIMARY_POSITION_SQL)[0])[0]
    return lag  # type: ignore[return-value]


def test_a_standby_behind_shows_its_lag_and_one_down_is_left_alone(platform: Platform) -> None:
    base, primary, replica = platform.base, platform.primary, platform.replica
    caught_up = {"ok": True, "serves_reads": True, "lag_seconds": 0.0}
    _wait_until(lambda: _replica_health(base) == caught_up, "the standby caught up")

    # Behind: replay paused and the primary writes; the standby is measured against the
    # primary's position and says how long ago its last replayed transaction committed.
    replica.sql("SELECT pg_wal_replay_pause()")
    _wait_until(
        lambda: replica.sql("SELECT pg_get_wal_replay_pause_state()") == [("paused",)],
        "the pause",
    )
    primary.sql("CREATE TABLE lag_probe (at timestamptz)")
    time.sleep(1.2)
    primary.sql("INSERT INTO lag_probe VALUES (now())")
    lag = _lag(primary, replica)
    assert lag is not None
    assert lag > 1.0
    assert replica_lag_refusal(lag, 0.5)
    replica.sql("SELECT pg_wal_replay_resume()")
    _wait_until(lambda: _lag(primary, replica) == 0.0, "the catching up")
    assert replica_lag_refusal(0.0, 0.5) == ""
    assert primary.sql(LAG_SQL, primary.sql(PRIMARY_POSITION_SQL)[0]) == [(0.0,)]

    # Cut off: the standby stops receiving (its connection to the primary emptied). It has
    # replayed all it received, yet the primary has moved on: it is behind all the same.
    (conninfo,) = replica.sql("SHOW primary_conninfo")[0]
    replica.sql("ALTER SYSTEM SET primary_conninfo = ''")
    replica.sql("SELECT pg_reload_conf()")
    _wait_until(
        lambda: replica.sql("SELECT count(*) FROM pg_stat_wal_receiver") == [(0,)], "the cut"
    )
    time.sleep(1.2)
    primary.sql("INSERT INTO lag_probe VALUES (now())")
    received_all = "SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()"
    assert replica.sql(received_all) == [(True,)]
    lag = _lag(primary, replica)
    assert lag is not None
    assert lag > 1.0
    restore = SQL("ALTER SYSTEM SET primary_conninfo = {}").format(Literal(conninfo))
    replica.sql(restore)  # type: ignore[arg-type]
    replica.sql("SELECT pg_reload_conf()")
    _wait_until(lambda: _lag(primary, replica) == 0.0, "the reconnection")

    # Down: the lists are read from the primary and still answer; /healthz says why.
    anyone = requests.Session()
    on_the_standby = _public_ids(anyone, base)
    replica.stop()
    try:
        assert _public_ids(anyone, base) == on_the_standby
        health = _replica_health(base)
        assert health["ok"] is True, health
        assert health["serves_reads"] is False, health
        assert "OperationalError" in health["error"], health
    finally:
        replica.start()
    _wait_until(lambda: _replica_health(base)["serves_reads"] is True, "the standby's return")
    assert _public_ids(anyone, base) == on_the_standby


def test_every_view_read_from_the_replica_is_in_the_urlconf() -> None:
    """A misspelt name would leave its view on the primary without a word."""
    from django.urls import get_resolver

    from curim.core.replica import REPLICA_VIEWS
    from tests.permissions.walk import _patterns

    names = {
        f"{space}{pattern.name}" for space, _, pattern in _patterns(get_resolver().url_patterns)
    }
    assert sorted(REPLICA_VIEWS - names) == []


def test_who_is_signed_in_is_always_read_from_the_primary(monkeypatch: pytest.MonkeyPatch) -> None:
    """Within a request marked for the replica, the accounts, sessions, tokens and login
    records are still read from the primary: a revoked token or role stops at once."""
    from django.contrib.sessions.models import Session
    from knox.models import AuthToken

    from curim.accounts.models import User
    from curim.core import replica
    from curim.reports.models import Report

    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    router = replica.ReplicaRouter()
    token = replica._reads_from_replica.set(True)
    try:
        assert router.db_for_read(Report) == replica.REPLICA
        for model in (User, Session, AuthToken):
            assert router.db_for_read(model) is None, model
        assert router.db_for_write(Report) == "default"
    finally:
        replica._reads_from_replica.reset(token)
    assert router.db_for_read(Report) is None  # outside a marked request
