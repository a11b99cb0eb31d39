#!/usr/bin/env bash
# Run the web server, a Celery worker and Celery beat together in the foreground; Ctrl-C stops all.
# Usage: scripts/serve.sh          as users get it: gunicorn, static files by WhiteNoise from
#                                  staticfiles/ (run collectstatic first), DEBUG as set (`make run`
#                                  sets it off)
#        scripts/serve.sh --dev    Django's runserver (`make dev` sets DEBUG on), without its
#                                  reloader (whose child process would outlive this script when it
#                                  stops the others): restart it after changing code
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
DEV=0
[[ "${1:-}" == "--dev" ]] && DEV=1
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
if ((DEV)); then
  $PY manage.py runserver "$HOST:$PORT" --noreload & pids+=($!)
else
  # As in the Docker image (Dockerfile), with fewer workers for a development machine.
  .venv/bin/gunicorn curim.wsgi:application --config curim/gunicorn_config.py \
    --bind "$HOST:$PORT" --workers 2 --timeout 30 --access-logfile - & pids+=($!)
fi

cat <<MSG

  CURiM is starting at http://$HOST:$PORT/ ($( ((DEV)) && echo "development: runserver, DEBUG on" || echo "as users get it: gunicorn, DEBUG off"))
  Admin: http://$HOST:$PORT/admin/   Health: http://$HOST:$PORT/healthz
  Demo logins:
$($PY manage.py demo_load --logins | sed 's/^/    /')

MSG
wait -n "${pids[@]}"
