#!/usr/bin/env bash
# Prepare this machine for CURiM: system packages, the Python environment, .env, and the local
# PostgreSQL + PostGIS and Redis services. Idempotent: each step does nothing when it is done.
# Usage: scripts/bootstrap.sh [--browser]   (--browser also installs Chromium for the e2e tests)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PYTHON=${PYTHON:-python3.11}
WITH_BROWSER=0
[[ "${1:-}" == "--browser" ]] && WITH_BROWSER=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Need root to run: $*" >&2; exit 1; fi
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# Variables from the environment win; otherwise from .env; otherwise empty.
config() {
  local name=$1
  if [[ -n "${!name:-}" ]]; then printf '%s' "${!name}"; return; fi
  [[ -f .env ]] && sed -n "s/^${name}=//p" .env | tail -1 | sed -e 's/^"//' -e 's/"$//'
  return 0
}

apt_install() {
  local missing=()
  for pkg in "$@"; do installed "$pkg" || missing+=("$pkg"); done
  if ((${#missing[@]})); then
    say "Installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
}

system_packages() {
  # Pango and fonts with Greek letters: WeasyPrint's PDFs (the council's agenda packs).
  # wrk: the load generator of `make bench` (bench/load.py).
  local packages=(gdal-bin libgdal-dev libgeos-c1v5 libproj25 gettext redis-server
    postgresql postgresql-contrib postgresql-client ca-certificates
    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core wrk)
  ((WITH_BROWSER)) && packages+=(chromium)
  if ! command -v "$PYTHON" >/dev/null || ! "$PYTHON" -c 'import ensurepip' 2>/dev/null; then
    packages+=(python3.11 python3.11-venv)
  fi
  apt_install "${packages[@]}"
  local pg_version
  pg_version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  apt_install "postgresql-${pg_version}-postgis-3"
}

python_env() {
  local stamp="$VENV/.requirements.sha256" wanted
  wanted=$(sha256sum requirements/dev.txt | cut -d' ' -f1)
  if [[ -x "$VENV/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then return; fi
  say "Installing Python dependencies into .venv"
  [[ -x "$VENV/bin/python" ]] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q --require-hashes -r requirements/dev.txt
  echo "$wanted" >"$stamp"
}

dot_env() {
  if [[ ! -f .env ]]; then
    say "Writing a local .env (DEBUG off, a random SECRET_KEY)"
    (umask 077; cat >.env <<ENV
# Settings for this machine, written by scripts/bootstrap.sh. Not for production: see .env.example.
# DEBUG stays off, as in production: \`make run\` serves what users get; \`make dev\` turns it on.
DEBUG=false
SECRET_KEY=$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))')
ENV
    )
  fi
  # Added to older .env files too: settings refuse to start without it.
  if [[ -z "$(config ENCRYPTION_KEYS)" ]]; then
    say "Adding a random ENCRYPTION_KEYS to .env"
    echo "ENCRYPTION_KEYS=$("$VENV/bin/python" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" >>.env
  fi
  # This machine serves over plain http (http://127.0.0.1:8000/): no redirect to https, cookies
  # without the Secure flag (a browser would not send them back over http), and no HSTS (a
  # browser would remember to refuse http on localhost). Production leaves these out.
  if [[ -z "$(config SECURE_SSL_REDIRECT)$(config SECURE_COOKIES)$(config SECURE_HSTS_SECONDS)" ]]; then
    say "Adding the plain-http settings of this machine to .env"
    printf '%s\n' "# Plain http on this machine (scripts/bootstrap.sh); production leaves these out." \
      SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0 >>.env
  fi
}

postgres_service() {
  if [[ -n "$(config DATABASE_URL)" ]]; then return; fi  # someone else's database: leave it be
  local pg_version
  pg_version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  if ! pg_isready -q -h localhost; then
    say "Starting PostgreSQL ${pg_version}"
    pg_lsclusters -h | grep -q "^${pg_version} main" || as_root pg_createcluster "$pg_version" main
    as_root pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start || true
    for _ in $(seq 30); do pg_isready -q -h localhost && break; sleep 1; done
    pg_isready -h localhost
  fi
  # A local development role; superuser so that the test runner can create PostGIS databases.
  as_root runuser -u postgres -- psql -qtAX -v ON_ERROR_STOP=1 <<'SQL'
SELECT 'CREATE ROLE curim LOGIN SUPERUSER PASSWORD ''curim'''
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'curim')\gexec
SELECT 'CREATE DATABASE curim OWNER curim'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'curim')\gexec
SQL
  as_root runuser -u postgres -- psql -qtAX -d curim -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis"
  # The running application connects as a role that owns nothing (`make run` creates it with
  # `manage.py database_app_role --from-env`): it cannot rewrite the unit's access log.
  if [[ -z "$(config APP_DATABASE_URL)" ]]; then
    echo "APP_DATABASE_URL=postgis://curim_app:curim_app@localhost:5432/curim" >>.env
  fi
}

# Redis holds the task queue: with an append-only file (fsync'd every second) a restart keeps
# the tasks it had accepted; the outbox re-sends any that never completed all the same.
redis_service() {
  if [[ -n "$(config REDIS_URL)" ]]; then return; fi
  if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
    say "Starting Redis (append-only file in .run/redis)"
    mkdir -p "$ROOT/.run/redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --dir "$ROOT/.run/redis" \
      --logfile "$ROOT/.run/redis.log" --save "" --appendonly yes --appendfsync everysec
    for _ in $(seq 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
    redis-cli -h 127.0.0.1 ping >/dev/null
  elif [[ "$(redis-cli -h 127.0.0.1 config get appendonly | tail -1)" != "yes" ]]; then
    # A Redis that was already running (e.g. the distribution's service): turn the append-only
    # file on now, and into its configuration file if it lets us rewrite it.
    say "Turning on Redis's append-only file"
    redis-cli -h 127.0.0.1 config set appendfsync everysec >/dev/null
    redis-cli -h 127.0.0.1 config set appendonly yes >/dev/null
    redis-cli -h 127.0.0.1 config rewrite >/dev/null 2>&1 ||
      echo "Note: Redis's configuration file was not updated; set appendonly yes there." >&2
  fi
}

system_packages
python_env
dot_env
postgres_service
redis_service
"$VENV/bin/python" manage.py compilemessages --ignore=.venv -v 0
