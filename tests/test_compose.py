"""Static checks of the production docker-compose.yml topology and Dockerfile."""

from __future__ import annotations

import http.client
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.processes import dies_with_this_process, process_stop

REPO_ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "Dockerfile"

APP_SERVICES = ("web", "worker", "beat")
# Everything built from this repository: the application's services and the one-shot `migrate`.
IMAGE_SERVICES = (*APP_SERVICES, "migrate")
INTERPOLATION = re.compile(r"\$\{[^}]*\}")
SECRET_KEYS = re.compile(r"(PASSWORD|SECRET|TOKEN|API_KEY)", re.IGNORECASE)


def load_compose() -> dict[str, Any]:
    """Parse docker-compose.yml (YAML merge keys such as ``<<: *app`` are resolved)."""
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "docker-compose.yml must be a mapping"
    return data


def service(name: str) -> dict[str, Any]:
    """Return the definition of one compose service."""
    services: dict[str, Any] = load_compose()["services"]
    assert name in services, f"service {name!r} is missing"
    definition: dict[str, Any] = services[name]
    return definition


def environment(name: str) -> dict[str, str]:
    """Return a service's environment as a dict, whichever form compose uses."""
    env = service(name).get("environment") or {}
    if isinstance(env, list):
        pairs = (str(item).partition("=") for item in env)
        return {key: value for key, _, value in pairs}
    return {key: "" if value is None else str(value) for key, value in env.items()}


def command(name: str) -> str:
    """Return a service's command as a single string."""
    cmd = service(name).get("command", "")
    return " ".join(cmd) if isinstance(cmd, list) else str(cmd)


def resolve_placeholders(value: str) -> str:
    """Replace ``${VAR...}`` interpolations with a plain token so URLs can be parsed."""
    return INTERPOLATION.sub("placeholder", value)


def volume_sources(name: str) -> set[str]:
    """Return the source part of every volume mounted by a service."""
    sources = set()
    for volume in service(name).get("volumes", []):
        if isinstance(volume, dict):
            sources.add(str(volume.get("source", "")))
        else:
            sources.add(str(volume).split(":", 1)[0])
    return sources


def dockerfile_instructions() -> list[tuple[str, str]]:
    """Return (INSTRUCTION, arguments) pairs with comments and line continuations removed."""
    lines = [
        line
        for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    ]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, args = line.strip().partition(" ")
            instructions.append((keyword.upper(), args.strip()))
    return instructions


def test_compose_defines_exactly_the_production_services() -> None:
    assert set(load_compose()["services"]) == {"db", "redis", "migrate", "web", "worker", "beat"}


def test_compose_file_has_no_obsolete_version_key() -> None:
    assert "version" not in load_compose()


def test_db_uses_a_postgis_image() -> None:
    assert service("db")["image"].startswith("postgis/postgis:")


def test_redis_uses_a_redis_image() -> None:
    assert service("redis")["image"].split(":", 1)[0] in {"redis", "library/redis"}


@pytest.mark.parametrize("name", ["db", "redis", "web", "worker"])
def test_long_running_services_have_a_healthcheck(name: str) -> None:
    healthcheck = service(name).get("healthcheck")
    assert healthcheck, f"{name} has no healthcheck"
    assert not healthcheck.get("disable", False)
    assert healthcheck.get("test")


def test_web_runs_gunicorn_on_the_wsgi_app() -> None:
    cmd = command("web")
    assert "gunicorn" in cmd
    assert "curim.wsgi" in cmd


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_do_not_migrate(name: str) -> None:
    # Their role owns nothing and could not; the `migrate` service does it as the owner.
    assert "migrate" not in command(name)


def test_migrate_applies_the_migrations_then_grants_the_application_role() -> None:
    words = shlex.split(command("migrate"))
    assert words[:2] == ["sh", "-c"], words
    steps = [shlex.split(step) for step in words[2].split("&&")]
    assert steps == [
        ["python", "manage.py", "migrate", "--noinput"],
        ["python", "manage.py", "database_app_role", "--from-env"],
    ]


def test_migrate_runs_once_and_serves_nothing() -> None:
    migrate = service("migrate")
    assert migrate.get("restart", "no") == "no"
    assert "ports" not in migrate
    assert "healthcheck" not in migrate
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"


def _database_user(url: str) -> str | None:
    return urlsplit(resolve_placeholders(url)).username


def test_only_migrate_connects_as_the_owner_of_the_tables() -> None:
    owner = environment("db")["POSTGRES_USER"]
    connecting = {
        name: _database_user(environment(name)["DATABASE_URL"])
        for name in load_compose()["services"]
        if "DATABASE_URL" in environment(name)
    }
    assert {name for name, user in connecting.items() if user == owner} == {"migrate"}
    # Nor does any other service get the owner's password, under any name.
    for name in load_compose()["services"]:
        if name not in {"db", "migrate"}:
            assert "POSTGRES_PASSWORD" not in json.dumps(service(name)), name


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_connect_as_the_role_migrate_creates(name: str) -> None:
    url = environment(name)["DATABASE_URL"]
    assert url == environment("migrate")["APP_DATABASE_URL"]
    assert _database_user(url) not in {None, environment("db")["POSTGRES_USER"]}
    # Required, as the owner's is: compose refuses to start without it.
    assert "${POSTGRES_APP_PASSWORD:?" in url


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_start_after_migrate_has_succeeded(name: str) -> None:
    depends_on = service(name)["depends_on"]
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"


def test_worker_runs_the_celery_worker() -> None:
    assert "celery -A curim worker" in command("worker")


def test_beat_runs_the_celery_beat_scheduler() -> None:
    assert "celery -A curim beat" in command("beat")


@pytest.mark.parametrize("name", IMAGE_SERVICES)
def test_app_services_build_from_the_repository_root(name: str) -> None:
    build = service(name)["build"]
    context = build.get("context") if isinstance(build, dict) else build
    assert context in {".", "./"}


@pytest.mark.parametrize("name", IMAGE_SERVICES)
def test_app_services_reach_postgis_on_the_db_host(name: str) -> None:
    url = urlsplit(resolve_placeholders(environment(name)["DATABASE_URL"]))
    assert url.scheme == "postgis"
    assert url.hostname == "db"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_reach_redis_on_the_redis_host(name: str) -> None:
    url = urlsplit(resolve_placeholders(environment(name)["REDIS_URL"]))
    assert url.scheme in {"redis", "rediss"}
    assert url.hostname == "redis"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_db_and_redis(name: str) -> None:
    depends_on = service(name)["depends_on"]
    assert isinstance(depends_on, dict), "use the long depends_on syntax with conditions"
    for dependency in ("db", "redis"):
        assert depends_on[dependency]["condition"] == "service_healthy"


@pytest.mark.parametrize(("name", "volume"), [("db", "pgdata"), ("redis", "redisdata")])
def test_stateful_services_mount_named_volumes(name: str, volume: str) -> None:
    assert volume in (load_compose().get("volumes") or {})
    assert volume in volume_sources(name)


def test_redis_keeps_the_task_queue_in_an_append_only_file_on_its_volume() -> None:
    options = dict(re.findall(r"--([\w-]+)\s+(\S+)", command("redis")))
    assert options.get("appendonly") == "yes"
    assert options.get("appendfsync") in {"everysec", "always"}
    data_dir = options.get("dir", "/data")  # the redis image's working directory
    mounts = {
        str(volume).split(":")[1]
        for volume in service("redis").get("volumes", [])
        if str(volume).startswith("redisdata:")
    }
    assert data_dir in mounts


def test_postgres_password_is_interpolated_not_literal() -> None:
    password = environment("db")["POSTGRES_PASSWORD"]
    assert re.fullmatch(r"\$\{POSTGRES_PASSWORD(:?[-?][^}]*)?\}", password)


@pytest.mark.parametrize(
    ("name", "variable"),
    [*((name, "DATABASE_URL") for name in IMAGE_SERVICES), ("migrate", "APP_DATABASE_URL")],
)
def test_database_url_password_is_interpolated_not_literal(name: str, variable: str) -> None:
    url = urlsplit(INTERPOLATION.sub("__interpolated__", environment(name)[variable]))
    assert url.password in {None, "__interpolated__"}


def test_no_secret_is_written_literally_in_the_compose_file() -> None:
    for name in load_compose()["services"]:
        for key, value in environment(name).items():
            if SECRET_KEYS.search(key):
                assert INTERPOLATION.fullmatch(value), f"{name}.{key} holds a literal secret"


def test_dockerfile_exists() -> None:
    assert DOCKERFILE.is_file()


def test_dockerfile_is_based_on_python_3_11() -> None:
    froms = [args for keyword, args in dockerfile_instructions() if keyword == "FROM"]
    assert froms, "Dockerfile has no FROM instruction"
    assert froms[-1].split()[0].startswith("python:3.11")


def test_dockerfile_runs_as_a_non_root_user() -> None:
    users = [args for keyword, args in dockerfile_instructions() if keyword == "USER"]
    assert users, "Dockerfile never switches away from root"
    assert users[-1].split(":", 1)[0] not in {"root", "0"}


def test_dockerfile_installs_the_postgresql_client_for_backups() -> None:
    # manage.py backup_create and backup_restore run pg_dump and pg_restore.
    runs = " ".join(args for keyword, args in dockerfile_instructions() if keyword == "RUN")
    assert re.search(r"apt-get install [^&]*\bpostgresql-client\b", runs)


def test_dockerfile_cmd_runs_gunicorn_on_the_wsgi_app() -> None:
    cmds = [args for keyword, args in dockerfile_instructions() if keyword == "CMD"]
    assert cmds, "Dockerfile has no CMD"
    assert "gunicorn" in cmds[-1]
    assert "curim.wsgi" in cmds[-1]


def _gunicorn_arguments(words: list[str]) -> list[str]:
    """The arguments after `gunicorn`, in an exec-form command or in its `sh -c` string."""
    if words[0] == "gunicorn":
        return words[1:]
    assert words[:2] == ["sh", "-c"], words
    for step in words[2].split("&&"):
        parts = shlex.split(step)
        if parts and parts[0] == "gunicorn":
            return parts[1:]
    raise AssertionError(f"no gunicorn in {words}")


def _web_server_commands() -> dict[str, list[str]]:
    cmd = [args for keyword, args in dockerfile_instructions() if keyword == "CMD"][-1]
    return {
        "compose web": _gunicorn_arguments(shlex.split(command("web"))),
        "Dockerfile CMD": _gunicorn_arguments(json.loads(cmd)),
    }


@pytest.mark.parametrize("source", ["compose web", "Dockerfile CMD"])
def test_the_web_server_sends_no_server_banner(source: str) -> None:
    # Run gunicorn as the image would, with the same arguments, on a free local port.
    arguments = _web_server_commands()[source]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    at = arguments.index("--bind")
    arguments[at + 1] = f"127.0.0.1:{port}"
    at = arguments.index("--workers")
    arguments[at + 1] = "1"
    gunicorn = Path(sys.executable).parent / "gunicorn"
    errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below)
    process = subprocess.Popen(
        [str(gunicorn), *arguments, "--no-control-socket"],
        cwd=REPO_ROOT,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        stdout=subprocess.DEVNULL,
        # A file, not a pipe: a pipe nobody reads fills up and stops the server mid-request.
        stderr=errors,
        preexec_fn=dies_with_this_process,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                errors.seek(0)
                pytest.fail(errors.read().decode())
            try:
                # The first answer waits for the worker to import Django: slow on a busy machine.
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=90)
                # A page that needs no collected static files, which this test does not make.
                connection.request("GET", "/healthz", headers={"Host": "localhost"})
                response = connection.getresponse()
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.2)
        assert response.status in {200, 503}  # healthy or not: the headers are the point
        assert response.getheader("Server") is None, response.getheader("Server")
        # Django's own headers pass untouched.
        assert response.getheader("X-Content-Type-Options") == "nosniff"
        connection.close()
    finally:
        process_stop(process)
        errors.close()
