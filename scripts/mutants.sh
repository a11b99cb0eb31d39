#!/usr/bin/env bash
# `make mutants`: mutation testing (mutmut) of the privacy and access modules listed under
# [tool.mutmut] in pyproject.toml. Not in CI: two to three hours on two cores. See docs/testing.md.
#
# mutmut copies the project into mutants/ and runs the tests there, two mutants at a time, each
# in a process forked from a fork server. The tests use a database, a Celery queue and a Redis
# database of their own, so `make test` can run beside it; the test database is kept between
# mutants (--reuse-db), so the tests that commit are left out (tests/conftest.py).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
export DATABASE_URL="${MUTANTS_DATABASE_URL:-postgis://curim:curim@localhost:5432/curim_mutants}"
export CELERY_QUEUE=curim-mutants
export CURIM_TEST_REDIS_DB="${MUTANTS_REDIS_DB:-6}"
# Two mutants at a time, each pytest session in a slot of its own (tests/conftest.py): test
# databases test_curim_mutants_slot0 and _slot1, Redis databases 6 and 7.
export CURIM_TEST_SLOTS=2

if [[ "${1:-}" == "--fresh" ]]; then
    rm -rf mutants
    shift
fi
# A new run starts from a newly migrated test database.
"$PY" - <<'PYEOF'
import os
from urllib.parse import urlsplit

import psycopg

url = urlsplit(os.environ["DATABASE_URL"])
names = ["test_" + url.path.lstrip("/") + f"_slot{slot}" for slot in range(2)]
server = {"host": url.hostname or "localhost", "port": url.port or 5432, "user": url.username}
with psycopg.connect(dbname="postgres", password=url.password, autocommit=True, **server) as connection:
    for name in names:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
PYEOF

"$PY" -m mutmut run --max-children 2 "$@"
"$PY" scripts/mutants_report.py
