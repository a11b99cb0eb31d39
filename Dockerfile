# syntax=docker/dockerfile:1
# Production image for CURiM (Django 5.2 / GeoDjango).
FROM python:3.11-slim-bookworm

ENV DJANGO_SETTINGS_MODULE=curim.settings \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Runtime libraries required by GeoDjango (GDAL, GEOS, PROJ), gettext for
# compilemessages, curl for container health checks, and pg_dump/pg_restore for
# `manage.py backup_create` and `backup_restore` (Debian 12's client is PostgreSQL 15,
# the version of the db service: pg_dump must not be older than the server); Pango and
# fonts with Greek letters for WeasyPrint's PDFs (the council's agenda packs).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gdal-bin \
        libgdal32 \
        libgeos-c1v5 \
        libproj25 \
        gettext \
        curl \
        postgresql-client \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --gid 1000 curim \
    && useradd --uid 1000 --gid curim --create-home --shell /usr/sbin/nologin curim

WORKDIR /app

# Install the locked, pinned dependencies first so this layer is cached
# independently of source changes.
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir -r requirements/base.txt

COPY . .

# Build-time only settings: throw-away values scoped to this RUN step, never
# persisted in the image environment.
ARG BUILD_SECRET_KEY=build-only-not-a-secret
RUN SECRET_KEY="${BUILD_SECRET_KEY}" ENCRYPTION_KEYS=build-only-not-a-key \
    DATABASE_URL=postgis://x@localhost/x \
    python manage.py compilemessages \
    && SECRET_KEY="${BUILD_SECRET_KEY}" ENCRYPTION_KEYS=build-only-not-a-key \
    DATABASE_URL=postgis://x@localhost/x \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media /app/private \
    && chown -R curim:curim /app/media /app/private

USER curim

EXPOSE 8000

# The gunicorn configuration drops gunicorn's `Server` banner from every response.
CMD ["gunicorn", "curim.wsgi:application", "--config", "curim/gunicorn_config.py", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30", "--access-logfile", "-"]
