"""The one settings module: every value that differs between machines comes from the environment.

Development values live in `.env` (written by `make run` / `make test` when missing); production
sets real environment variables. See `.env.example` and the configuration table in README.md.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets generic classes such as ModelAdmin[Model] be subscripted at run time, for the type checker.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Real environment variables win over `.env` (read_env does not overwrite them).
# READ_DOT_ENV_FILE=false reads the environment alone (tests/test_deploy.py checks production
# settings so, without the development `.env` of this checkout).
if env.bool("READ_DOT_ENV_FILE", default=True):
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# No default: a production deployment that forgets the key must not start with a known one.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment or in .env")

# Keys for the application-level encryption of confidential records (curim.core.crypto): Fernet
# keys, newest first, kept apart from SECRET_KEY so that a leaked SECRET_KEY opens no record.
ENCRYPTION_KEYS = env.list("ENCRYPTION_KEYS", default=[])
if not ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "Set ENCRYPTION_KEYS in the environment or in .env "
        "(generate one with: python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())')"
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

INSTALLED_APPS = [
    "curim.accounts.apps.CurimAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework_gis",
    "knox",
    "django_filters",
    "drf_spectacular",
    "leaflet",
    "axes",
    # The CURiM core, then the apps that build on it.
    "curim.core",
    "curim.accounts",
    "curim.areas",
    "curim.reports",
    "curim.analytics",
    "councils",
    "surveys",
    "victims",
    "interventions",
]

MIDDLEWARE = [
    # First: one Redis budget for the whole request (curim.core.redis_circuit).
    "curim.core.redis_circuit.redis_circuit_middleware",
    "django.middleware.security.SecurityMiddleware",
    # Early, so that the responses of every later middleware carry the policies too.
    "curim.core.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Which database this request reads (curim/core/replica.py); before anything reads.
    "curim.core.replica.ReplicaReadsMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, the account read with the session by one statement (curim.accounts.sessions).
    "curim.accounts.middleware.AccountAuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages, so that it can say why a session ended.
    "curim.accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout signal into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "curim.urls"
WSGI_APPLICATION = "curim.wsgi.application"
ASGI_APPLICATION = "curim.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "curim.navigation.navigation",
                "curim.core.context_processors.csp_nonce",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default="postgis://curim:curim@localhost:5432/curim", engine=None
    )
}
if DATABASES["default"]["ENGINE"] != "django.contrib.gis.db.backends.postgis":
    raise ImproperlyConfigured("DATABASE_URL must use the postgis:// scheme")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
# The few fixed statements on every request's path are kept prepared, planned once
# (curim/core/prepared.py); off for a pooler in transaction mode without prepared statements.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)


def _plan_once(options: dict[str, Any]) -> None:
    # psycopg prepares a statement only when asked (prepare=True, curim/core/prepared.py), never
    # by count: Django's own cursors bind on the client and are never prepared, so the generic
    # plans touch only those statements and PL/pgSQL's cached plans (the triggers').
    if DATABASE_PREPARED_STATEMENTS:
        options.setdefault("prepare_threshold", 2**31 - 1)
        given = options.get("options", "")
        options["options"] = f"{given} -c plan_cache_mode=force_generic_plan".strip()


_plan_once(DATABASES["default"]["OPTIONS"])
# A streaming replica for the reads of public lists, the map's data, the dashboards and the
# analytics (curim/core/replica.py); whoever just wrote reads from the primary for a while.
if DATABASE_REPLICA_URL := env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL, engine=None)
    if DATABASES["replica"]["ENGINE"] != "django.contrib.gis.db.backends.postgis":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must use the postgis:// scheme")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    _plan_once(DATABASES["replica"]["OPTIONS"])
    # The test suite reads the replica's data through the primary's connection.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["curim.core.replica.ReplicaRouter"]
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=15)
# A replica further behind than this, or not answering, is left alone (reads go to the
# primary); each web process asks it at most every REPLICA_CHECK_SECONDS.
REPLICA_MAX_LAG_SECONDS = env.int("REPLICA_MAX_LAG_SECONDS", default=30)
REPLICA_CHECK_SECONDS = env.int("REPLICA_CHECK_SECONDS", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery broker ---------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://localhost:6379/0")
# Short socket timeouts everywhere Redis is touched, so that a request never hangs on it.
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=1.0)
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=2.0)
# The cache lives in its own Redis database, apart from Celery's queues (database 1 by default).
CACHE_REDIS_URL = env.str(
    "CACHE_REDIS_URL", default=urlsplit(REDIS_URL)._replace(path="/1").geturl()
)
CACHES = {
    "default": {
        # Django's Redis cache that gives Redis up for the rest of a request after one failure.
        "BACKEND": "curim.core.redis_circuit.CircuitRedisCache",
        "LOCATION": CACHE_REDIS_URL,
        "KEY_PREFIX": "curim",
        "OPTIONS": {
            "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
            "socket_timeout": REDIS_SOCKET_TIMEOUT,
        },
    }
}
# Sessions live in the database so that logging in still works while Redis is down (Django's
# database sessions with the account beside them, read with it by one fixed statement:
# curim/accounts/sessions.py).
SESSION_ENGINE = "curim.accounts.sessions"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)

# --- Celery (the app and its beat schedule are in curim/celery.py) ----------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="curim")
# A task sent this long ago without a recorded completion was lost by the broker and is sent
# again, at most OUTBOX_MAX_SENDS times in all. Longer than the task time limit (300 s), so a
# task still running is not sent twice; a retried task counts from when its retry is due.
OUTBOX_REPUBLISH_AFTER_MINUTES = env.int("OUTBOX_REPUBLISH_AFTER_MINUTES", default=15)
OUTBOX_MAX_SENDS = env.int("OUTBOX_MAX_SENDS", default=3)

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out credentials before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, whose per-request user lookup brings the roles along.
    "curim.accounts.backends.AccountBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login lockout: keyed on the pair (account, client address), so an attacker cannot lock a
# citizen out from elsewhere and one address cannot guess one account's password indefinitely.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "curim.accounts.lockout.lockout_username"
# A failure's form is kept (AccessAttempt.post_data, read in the admin): every password field of
# the forms that authenticate (login, API token, password change, account deletion) is masked.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "password",
    "old_password",
    "new_password1",
    "new_password2",
]
# How many reverse proxies stand in front; see curim.core.client for how the address is read.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "curim.core.client.client_address"
# Login records are personal data: kept for AXES_RETENTION_DAYS, then pruned by the beat task.
AXES_RETENTION_DAYS = env.int("AXES_RETENTION_DAYS", default=90)

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: every API view that is public says so itself.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON with a nesting limit, refusing NUL characters and lone surrogates (a 400, never a 500).
    "DEFAULT_PARSER_CLASSES": [
        "curim.core.json_input.GuardedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # JSON only: no browsable HTML API (its pages need inline styles; /api/docs/ documents it).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
_token_ttl_hours = env.int("API_TOKEN_TTL_HOURS", default=24 * 30)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=_token_ttl_hours) if _token_ttl_hours else None,
    "TOKEN_LIMIT_PER_USER": 20,
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CURiM API",
    "DESCRIPTION": "Collaborative Urban Risk Management: citizen reports, areas and indicators.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Choice sets whose field names ("kind", "status") other apps use too.
    "ENUM_NAME_OVERRIDES": {
        "MeetingKindEnum": "councils.models.choices.MeetingKind",
        "MeetingStatusEnum": "councils.models.choices.MeetingStatus",
        "AgendaItemKindEnum": "councils.models.choices.AgendaItemKind",
        "StatusEnum": "victims.models.choices.Status",  # its name before the council's came
        "AnalysisKindEnum": "curim.analytics.models.runs.RunKind",
        "InterventionKindEnum": "interventions.models.choices.InterventionKind",
        "InterventionStatusEnum": "interventions.models.choices.InterventionStatus",
        "InterventionGroupEnum": "interventions.api.records.KindGroup",
    },
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("el", _("Greek"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Athens")
USE_I18N = True
USE_TZ = True
# One date, time and number format per language, shown the same everywhere (curim/formats).
FORMAT_MODULE_PATH = ["curim.formats"]

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Maps -----------------------------------------------------------------------------------
# Tiles are fetched by the visitor's browser from this URL; nothing on the server or in the
# tests depends on it being reachable.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="&copy; OpenStreetMap contributors")
MAP_CENTRE = (37.9475, 23.6395)  # latitude, longitude: central Piraeus
MAP_ZOOM = 13
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": MAP_CENTRE,
    "DEFAULT_ZOOM": MAP_ZOOM,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 19,
    "TILES": [("OpenStreetMap", MAP_TILE_URL, {"attribution": MAP_TILE_ATTRIBUTION})],
    "ATTRIBUTION_PREFIX": "",
    "RESET_VIEW": False,
}

# --- E-mail ---------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CURiM <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = 10

# --- Security -------------------------------------------------------------------------------
# Production turns these on by default; development over plain http turns them off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SILENCED_SYSTEM_CHECKS = [
    # gis.W001: GDAL < 3.9 cannot block file and network access while it parses a spatial
    # reference. CURiM never hands GDAL a spatial reference that came from a user: inputs are
    # plain coordinates, GeoJSON or WKT whose SRID is fixed on the server (curim.core.geometry
    # refuses any "crs" member or other SRID, the admin's area form included), so the attack
    # the warning is about has no entry point.
    "gis.W001",
]

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint (the council's agenda packs) logs each step of every PDF at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

# --- Demo data ------------------------------------------------------------------------------
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="curim-demo-2026")

# --- Citizen reports ------------------------------------------------------------------------
REPORT_PHOTO_MAX_BYTES = env.int("REPORT_PHOTO_MAX_BYTES", default=10 * 1024 * 1024)
REPORT_PHOTO_MAX_PIXELS = env.int("REPORT_PHOTO_MAX_PIXELS", default=40_000_000)
# Pixels of all the photos of one request together, checked before any is decoded: decoding
# costs about 11 bytes of memory and 20-40 ns a pixel (a large JPEG is decoded at a half or a
# quarter of its size, for a quarter of that or less). Five 12-megapixel phone photos fit.
REPORT_PHOTO_PIXELS_PER_REQUEST = env.int("REPORT_PHOTO_PIXELS_PER_REQUEST", default=60_000_000)
# Submissions (reports and, separately, place evaluations) per hour: anonymous ones per client
# address, those of registered citizens per account.
REPORTS_ANONYMOUS_PER_HOUR = env.int("REPORTS_ANONYMOUS_PER_HOUR", default=10)
REPORTS_SIGNED_IN_PER_HOUR = env.int("REPORTS_SIGNED_IN_PER_HOUR", default=30)
# Form and JSON bodies stay at Django's 2.5 MB; files are limited per photo, and a proxy in front
# should cap whole requests (e.g. client_max_body_size 55m).

# --- Safety surveys ---------------------------------------------------------------------------
# Estimates from fewer respondents than this are suppressed in every page, export and API
# (at least 3: curim.core.checks.disclosure_thresholds_check).
SURVEY_MIN_CELL_SIZE = env.int("SURVEY_MIN_CELL_SIZE", default=10)
# Responses (sent or saved) per client address and hour, for waves open to anyone.
SURVEY_RESPONSES_PER_HOUR = env.int("SURVEY_RESPONSES_PER_HOUR", default=10)
# E-mails of a saved survey's resume link per client address and hour (the address is not kept).
SURVEY_RESUME_EMAILS_PER_HOUR = env.int("SURVEY_RESUME_EMAILS_PER_HOUR", default=5)

# --- Victim Support Unit ----------------------------------------------------------------------
# Case documents, encrypted, on a disk path that no web server serves (never under MEDIA_ROOT).
VSU_DOCUMENT_ROOT = env.path("VSU_DOCUMENT_ROOT", default=BASE_DIR / "private" / "vsu")
VSU_DOCUMENT_MAX_BYTES = env.int("VSU_DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
# Closed cases are anonymised this many days after closure by the nightly retention task.
VSU_RETENTION_DAYS = env.int("VSU_RETENTION_DAYS", default=5 * 365)
# A citizen's request for contact that nobody answers is removed, with what they wrote, this many
# days after it came (the intake list says when; the request form says so too).
VSU_INTAKE_UNANSWERED_DAYS = env.int("VSU_INTAKE_UNANSWERED_DAYS", default=90)
# A unit member's session ends after this many idle minutes.
VSU_IDLE_MINUTES = env.int("VSU_IDLE_MINUTES", default=15)
# How long a supervisor's break-glass access to one case lasts.
VSU_BREAK_GLASS_MINUTES = env.int("VSU_BREAK_GLASS_MINUTES", default=60)
# Statistics for the council suppress every count below this (at least 3, as above).
VSU_MIN_CELL_SIZE = env.int("VSU_MIN_CELL_SIZE", default=5)
# A completed year's statistics are published (and kept as first read) this many days after it
# ends, so that cases of its last weeks entered late are counted (until then, the year before).
VSU_STATISTICS_GRACE_DAYS = env.int("VSU_STATISTICS_GRACE_DAYS", default=31)
# Where the help page's quick-exit button goes: a neutral site that does not draw attention.
VSU_QUICK_EXIT_URL = env.str("VSU_QUICK_EXIT_URL", default="https://www.google.com/")
