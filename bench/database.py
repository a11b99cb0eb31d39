"""Create and migrate the benchmark database when it does not exist yet."""

import os
import subprocess
import sys
from urllib.parse import urlsplit

import psycopg


def database_ready() -> None:
    url = urlsplit(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = url._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], check=True)


def dirty_pages_written() -> None:
    """Write what a bulk load left in memory (a CHECKPOINT) before anything is timed: a seed
    leaves gigabytes of changed pages, and the checkpoint that writes them would otherwise run
    through the first measurements (seen: a period tile's SQL at 74 ms right after the seed,
    45 ms in the next run). Needs a superuser or pg_checkpoint; skipped, and said, without."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError as error:
        print(f"  (no CHECKPOINT after the seed: {error})")
