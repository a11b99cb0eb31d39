"""`make run` serves what users get: gunicorn, static files by WhiteNoise after collectstatic,
DEBUG off, and the site's own error pages (scripts/serve.sh, Makefile)."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import dies_with_this_process, process_stop

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        # A worker imports Django on its first request: slow on a busy machine.
        with urllib.request.urlopen(url, timeout=90) as response:  # noqa: S310 (our own server)
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The site as `make run` serves it, on a free port; its static files in a folder of ours."""
    static_root = tmp_path_factory.mktemp("staticfiles")
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",  # as `make run` sets it, whatever .env says
        # What scripts/bootstrap.sh writes into .env for plain http on this machine.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(static_root),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    port = _free_port()
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "curim.wsgi:application"),
            *("--config", "curim/gunicorn_config.py", "--workers", "1"),
            *("--bind", f"127.0.0.1:{port}"),
            # Gunicorn's control socket has one path per user: leave it to other servers.
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        preexec_fn=dies_with_this_process,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # until it listens (or has died)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, "gunicorn exited"
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not listen")
        yield url, static_root
    finally:
        process_stop(server)


def test_static_files_are_served_by_whitenoise_under_their_hashed_names(
    served: tuple[str, Path],
) -> None:
    url, static_root = served
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/curim.css"]
    assert hashed != "css/curim.css"
    status, headers, _body = _get(f"{url}/")
    assert status == 200
    assert f'href="/static/{hashed}"' in _body
    status, headers, body = _get(f"{url}/static/{hashed}")
    assert status == 200
    assert "immutable" in headers["Cache-Control"]  # WhiteNoise, for a file with its hash
    assert ".map-large" in body


def test_a_missing_page_is_the_sites_page_not_djangos_debug_page(served: tuple[str, Path]) -> None:
    url, _static_root = served
    status, headers, body = _get(f"{url}/no-such-page/")
    assert status == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in body
    assert "URLconf" not in body
    assert "Server" not in headers  # curim/gunicorn_config.py drops gunicorn's banner
