#!/usr/bin/env bash
# Run the web server, a Celery worker and Celery beat together in the foreground; Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
mkdir -p .run
# Migrations ran as the owner of the tables; the three processes connect as the application's
# role (APP_DATABASE_URL, see `manage.py database_app_role`) when there is one.
APP_DATABASE_URL=${APP_DATABASE_URL:-$(sed -n 's/^APP_DATABASE_URL=//p' .env 2>/dev/null | tail -1 || true)}
if [[ -n "$APP_DATABASE_URL" ]]; then export DATABASE_URL="$APP_DATABASE_URL"; fi

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait || true; }
trap stop EXIT INT TERM

.venv/bin/celery -A curim worker --loglevel=INFO --concurrency=2 -n "curim@%h" & pids+=($!)
.venv/bin/celery -A curim beat --loglevel=INFO --schedule .run/celerybeat-schedule & pids+=($!)
$PY manage.py runserver "$HOST:$PORT" --noreload & pids+=($!)

cat <<MSG

  CURiM is starting at http://$HOST:$PORT/
  Admin: http://$HOST:$PORT/admin/   Health: http://$HOST:$PORT/healthz
  Demo logins:
$($PY manage.py demo_load --logins | sed 's/^/    /')

MSG
wait -n "${pids[@]}"
