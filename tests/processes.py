"""Stopping a server process a test started (gunicorn, a Celery worker)."""

import subprocess
from typing import Any


def process_stop(process: "subprocess.Popen[Any]", *, grace: float = 30) -> None:
    """Ask it to stop; a process still busy after `grace` seconds is killed, not waited for."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)
