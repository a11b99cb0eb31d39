#!/usr/bin/env bash
# `make screenshots`: bring the demo up as `make run` serves it (on a port of its own), take the
# README's screenshots from it (scripts/screenshots.py) into docs/screenshots/, and stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${SCREENSHOTS_PORT:-8011}
mkdir -p .run
PORT=$PORT bash scripts/serve.sh >.run/screenshots-serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
up() { .venv/bin/python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/healthz', timeout=2)" 2>/dev/null; }
for _ in $(seq 1 60); do up && break; sleep 1; done
up || { cat .run/screenshots-serve.log; exit 1; }
.venv/bin/python scripts/screenshots.py --base-url "http://127.0.0.1:$PORT" --out docs/screenshots
