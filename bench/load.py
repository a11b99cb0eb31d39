"""(j) Load: the production server under 16 concurrent clients, against a static file.

Gunicorn starts as `make run` starts it (scripts/serve.sh: `curim/gunicorn_config.py`, two sync
workers, 30 s timeout, an access log), on a free port of localhost, over the bench database,
with DEBUG off and the static files collected (with their manifest, as in production) into a
temporary STATIC_ROOT for WhiteNoise. For each page wrk keeps 16 connections busy for 10 s
(after a 3 s warm-up; up to 30 s for a page too slow to answer each connection 4 times in 10 s)
and reports requests per second and the median and 99th percentile latency; the ratio is the
time per request (the inverse of requests per second) against that of a static file served by
WhiteNoise through the same gunicorn: the request floor, what any request costs before our
code runs. With two workers and 16 clients, a request mostly waits for a worker: latency ≈
16 / (requests per second).

The data is the other parts' seed: the bench reports, the demo districts, the reports placed
in them and the nightly hotspot runs, as `--only analytics` leaves them (the runs are computed
here when none is stored). The council dashboard is read by a council member signed in by a
session made in the bench database.
"""

import ctypes
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.test import Client

from bench.analytics import place_reports
from bench.reports import BBOX
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.accounts.services import user_roles_set
from curim.analytics.models import AnalysisRun, RunKind
from curim.analytics.services.nightly import hotspots_nightly
from curim.areas.demo import DEMO_AREAS
from curim.areas.models import Area
from curim.areas.services import areas_load_file

CLIENTS = 16
SECONDS = 10
WARMUP_SECONDS = 3
# A slow page runs longer, until each connection has had about this many answers: with 16
# clients a request waits for the 15 before it, and a run shorter than that wait would count
# only the first, shorter waits.
ROUNDS = 4
MAX_SECONDS = 30
TILE_ZOOM = 14
FLOOR_PATH = "/static/img/favicon.svg"
SCRIPT = Path(__file__).with_name("load.lua")
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    signed_in: bool = False
    tiles: str = ""  # "z x1 x2 y1 y2": random tiles in that range instead of `path`


@dataclass(frozen=True)
class Measured:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    seconds: float
    errors: int


def _tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def piraeus_tiles(z: int) -> str:
    """The tiles at zoom z over the municipality, as "z x1 x2 y1 y2" for load.lua."""
    municipality = Area.objects.get(code="piraeus", level=Area.Level.MUNICIPALITY)
    west, south, east, north = municipality.geometry.extent
    x1, y1 = _tile_xy(west, north, z)
    x2, y2 = _tile_xy(east, south, z)
    return f"{z} {x1} {x2} {y1} {y2}"


def hotspots_ready() -> str | None:
    """The analytics seed (`--only analytics`): None when the hotspot layer has a run to show,
    else why not."""
    place_reports()
    if not AnalysisRun.objects.filter(kind=RunKind.HOTSPOTS).exists():
        started = time.perf_counter()
        runs = hotspots_nightly()
        print(f"  {len(runs)} hotspot runs computed in {time.perf_counter() - started:.0f} s")
    if not AnalysisRun.objects.filter(kind=RunKind.HOTSPOTS).exists():
        return "no hotspot run could be computed (no municipality?)"
    return None


def council_session() -> str:
    """The session cookie of a council member, stored in the bench database."""
    member, _ = User.objects.get_or_create(email="bench-council-member@example.org")
    user_roles_set(user=member, roles={Role.COUNCIL_MEMBER})
    client = Client(HTTP_HOST="localhost")
    client.force_login(member)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect (to the login page, say) is an answer of its own, not the page asked for."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _get(url: str, cookie: str = "") -> int:
    headers = {"Host": "localhost", "Cookie": cookie}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (our own server)
    try:
        with _opener.open(request, timeout=60) as response:
            response.read()
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code


def _dies_with_the_bench() -> None:
    """`preexec_fn`: gunicorn gets SIGTERM if the bench is killed before it can stop it."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@contextmanager
def gunicorn(env: dict[str, str]) -> Iterator[str]:
    """Gunicorn as `make run` starts it, on a free port; stopped on the way out, whatever
    happens."""
    port = _free_port()
    command = [
        *(str(BIN / "gunicorn"), "curim.wsgi:application"),
        *("--config", "curim/gunicorn_config.py", "--bind", f"127.0.0.1:{port}"),
        *("--workers", "2", "--timeout", "30"),
        # As `make run` logs every request (to its terminal); here to nowhere.
        *("--access-logfile", os.devnull),
        # Gunicorn's control socket has one path per user: leave it to other servers.
        "--no-control-socket",
    ]
    with tempfile.TemporaryFile(mode="w+") as log:
        server = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_dies_with_the_bench,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while _answer(base + FLOOR_PATH) != 200:
                if server.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(
                        f"gunicorn exited ({server.returncode}):\n{log.read()[-3000:]}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer within 60 s")
                time.sleep(0.5)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _answer(url: str) -> int | None:
    try:
        return _get(url)
    except OSError:  # not listening yet
        return None


def wrk(base: str, target: Target, cookie: str, seconds: int) -> Measured:
    command = [
        "wrk",
        "--threads",
        "2",
        "--connections",
        str(CLIENTS),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "30s",
        "--script",
        str(SCRIPT),
        "--header",
        "Host: localhost",
    ]
    if target.signed_in:
        command += ["--header", f"Cookie: {cookie}"]
    env = dict(os.environ, BENCH_TILES=target.tiles) if target.tiles else dict(os.environ)
    if not target.tiles:
        env.pop("BENCH_TILES", None)
    output = subprocess.run(
        [*command, base + target.path], env=env, capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    figures = json.loads(line.removeprefix("BENCH "))
    errors = sum(figures[kind] for kind in ("connect", "read", "write", "status", "timeout"))
    return Measured(
        requests_per_s=figures["requests"] / figures["seconds"],
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        requests=figures["requests"],
        seconds=figures["seconds"],
        errors=errors,
    )


def _seconds(warm: Measured) -> int:
    """SECONDS, or longer for a page too slow to answer every client ROUNDS times in it."""
    if warm.requests == 0:
        return MAX_SECONDS
    return min(MAX_SECONDS, max(SECONDS, math.ceil(ROUNDS * CLIENTS / warm.requests_per_s)))


def _drain(base: str) -> None:
    """Wait for the requests wrk left behind: gunicorn answers every request it has read,
    even to a client that has gone, and these would slow the next run. A request for the
    static file queues behind them and answers once they are done."""
    _get(base + FLOOR_PATH)


def _server_env(static_root: str) -> dict[str, str]:
    # As in production: the static files with their manifest (hashed names), from STATIC_ROOT.
    env = dict(os.environ, STATIC_ROOT=static_root, STATIC_MANIFEST="true")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return env


def _random_tiles(tiles: str) -> Target:
    z, x1, x2, y1, y2 = (int(number) for number in tiles.split())
    name = f"random uncached tiles, z{z} ({x2 - x1 + 1} × {y2 - y1 + 1} over Piraeus)"
    return Target(name, "/api/v1/tiles/reports/", tiles=tiles)


def targets() -> tuple[list[Target], list[str]]:
    """The pages to load, and the ones left out with the reason."""
    x1, y1, x2, y2 = BBOX
    chosen = [
        Target(f"static file ({FLOOR_PATH}, the floor)", FLOOR_PATH),
        Target("home page (/)", "/"),
        Target("map page (/map/)", "/map/"),
        Target(
            "GeoJSON bbox (900 × 650 m, default limit 1,000)",
            f"/api/v1/reports/?bbox={x1},{y1},{x2},{y2}",
        ),
        _random_tiles(piraeus_tiles(TILE_ZOOM)),
        Target("Open311 requests (/open311/v2/requests.json)", "/open311/v2/requests.json"),
        Target("council dashboard (council member)", "/council/dashboard/", signed_in=True),
    ]
    skipped = []
    why_not = hotspots_ready()
    if why_not is None:
        chosen.append(Target("analytics hotspots (public)", "/api/v1/analytics/hotspots/"))
    else:
        skipped.append(f"analytics hotspots: {why_not}")
    return chosen, skipped


def run() -> None:
    print(
        f"load: gunicorn (2 workers), wrk, {CLIENTS} connections, {SECONDS}–{MAX_SECONDS} s each"
        f" after {WARMUP_SECONDS} s of warm-up"
    )
    if shutil.which("wrk") is None:
        print("  skipped: wrk is not installed (scripts/bootstrap.sh installs it)")
        return
    areas_load_file(path=DEMO_AREAS)
    chosen, skipped = targets()
    for reason in skipped:
        print(f"  skipped {reason}")
    cookie = council_session()
    results: list[tuple[Target, Measured]] = []
    with tempfile.TemporaryDirectory() as static_root:
        env = _server_env(static_root)
        with gunicorn(env) as base:
            for target in chosen:
                probe = target.path
                if target.tiles:
                    z, x1, _, y1, _ = target.tiles.split()
                    probe = f"/api/v1/tiles/reports/{z}/{x1}/{y1}.pbf"
                status = _get(base + probe, cookie if target.signed_in else "")
                if status != 200:
                    print(f"  skipped {target.name}: {probe} answered {status}, not 200")
                    continue
                warm = wrk(base, target, cookie, WARMUP_SECONDS)
                _drain(base)
                measured = wrk(base, target, cookie, _seconds(warm))
                _drain(base)
                results.append((target, measured))
                print(f"  {target.name}: {_figures(measured, results[0][1])}", flush=True)
    print("| target | requests/s | p50 | p99 | requests (s) | errors | time per request / floor |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    floor = results[0][1]
    for target, measured in results:
        print(
            f"| {target.name} | {measured.requests_per_s:,.1f} | {measured.p50_ms:,.1f} ms "
            f"| {measured.p99_ms:,.1f} ms | {measured.requests:,} ({measured.seconds:.0f}) "
            f"| {measured.errors} "
            f"| {floor.requests_per_s / measured.requests_per_s:,.1f} |"
        )


def _figures(measured: Measured, floor: Measured) -> str:
    times_floor = floor.requests_per_s / measured.requests_per_s
    return (
        f"{measured.requests_per_s:,.1f} requests/s, p50 {measured.p50_ms:,.1f} ms, "
        f"p99 {measured.p99_ms:,.1f} ms ({measured.requests:,} requests in "
        f"{measured.seconds:.0f} s, {measured.errors} errors); {times_floor:,.1f}× the floor's "
        "time per request"
    )
