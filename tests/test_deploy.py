"""Production settings pass Django's deployment checks; migrations match the models."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PRODUCTION = {
    "DEBUG": "false",
    # The environment alone: not the development .env of this checkout (plain-http settings).
    "READ_DOT_ENV_FILE": "false",
    "SECRET_KEY": "x7#kq2!v9s@production-like-secret-key-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "curim.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://curim.example.org",
    "SITE_URL": "https://curim.example.org",
    "BEHIND_TLS_PROXY": "true",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    "ENCRYPTION_KEYS": "kQk8X0PdZrXx5cQbQm6yqQ2o0v1iXH1m1M0sQm1nq5Y=",
}


def _clean_environ() -> dict[str, str]:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for their own process only.
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _without_dot_env(environ: dict[str, str]) -> dict[str, str]:
    """The environment less every variable this checkout's .env names: the settings of this
    process copied them into os.environ, and production has no such file."""
    dot_env = ROOT / ".env"
    text = dot_env.read_text() if dot_env.exists() else ""
    local = set(re.findall(r"^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=", text, re.MULTILINE))
    return {k: v for k, v in environ.items() if k not in local}


def _manage(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """manage.py with this checkout's settings, or with production's alone when env is given."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_clean_environ() if env is None else {**_without_dot_env(_clean_environ()), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_settings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_with_development_settings() -> None:
    # Proves the check above can fail: DEBUG on is a deployment warning.
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, "DEBUG": "true"}
    )
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


@pytest.mark.parametrize("variable", ["SECRET_KEY", "ENCRYPTION_KEYS"])
def test_production_refuses_to_start_without_its_keys(tmp_path: Path, variable: str) -> None:
    env = {
        k: v
        for k, v in {**_without_dot_env(_clean_environ()), **PRODUCTION}.items()
        if k != variable
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=tmp_path,  # no .env here either
        env={
            **env,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "curim.settings",
            variable: "",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert variable in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "check_id"),
    [
        ("EMAIL_URL", "consolemail://", "curim.W001"),
        ("SITE_URL", "http://localhost:8000", "curim.W002"),
    ],
)
def test_check_deploy_catches_development_mail_and_site_url(
    variable: str, value: str, check_id: str
) -> None:
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, variable: value}
    )
    assert result.returncode != 0
    assert check_id in result.stdout + result.stderr


@pytest.mark.parametrize("hosts", ["*", "curim.example.org,*"])
def test_check_deploy_refuses_any_host(hosts: str) -> None:
    # An error, not a warning: `check --deploy` fails even at its default level.
    result = _manage("check", "--deploy", env={**PRODUCTION, "ALLOWED_HOSTS": hosts})
    assert result.returncode != 0
    assert "curim.E003" in result.stdout + result.stderr


@pytest.mark.django_db
def test_the_migrations_match_the_models() -> None:
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_openapi_schema_is_valid_and_warning_free(tmp_path: Path) -> None:
    result = _manage(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "/api/v1/reports/" in (tmp_path / "schema.yml").read_text()
