"""Deployment checks of our own, run by `manage.py check --deploy`."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Error as CheckError
from django.core.checks import Warning as CheckWarning


@register(Tags.security, deploy=True)
def production_settings_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
        problems.append(
            CheckWarning(
                "E-mail goes to the console: confirmation and reset links would be logged.",
                hint="Set EMAIL_URL, e.g. smtp+tls://user:password@host:587.",
                id="curim.W001",
            )
        )
    if "localhost" in settings.SITE_URL or not settings.SITE_URL.startswith("https://"):
        problems.append(
            CheckWarning(
                "SITE_URL is not a public https address: links in e-mails would not work.",
                hint="Set SITE_URL, e.g. https://curim.example.org.",
                id="curim.W002",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        # Any Host header would be believed: the absolute URLs the API builds from it (pages,
        # Open311) and the safe-redirect check after logging in would trust a forged host, and
        # a cache in front could be poisoned with them.
        problems.append(
            CheckError(
                "ALLOWED_HOSTS contains '*': the site would answer to any Host header.",
                hint="List the site's own host names, e.g. ALLOWED_HOSTS=curim.example.org.",
                id="curim.E003",
            )
        )
    return problems


@register(Tags.security)
def encryption_keys_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from cryptography.fernet import Fernet

    problems: list[CheckMessage] = []
    for position, key in enumerate(settings.ENCRYPTION_KEYS, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            problems.append(
                CheckError(
                    f"ENCRYPTION_KEYS: key {position} is not a Fernet key.",
                    hint="Generate one with cryptography.fernet.Fernet.generate_key().",
                    id="curim.E001",
                )
            )
        if key == settings.SECRET_KEY:
            problems.append(
                CheckError(
                    f"ENCRYPTION_KEYS: key {position} is SECRET_KEY; keep them apart.",
                    id="curim.E002",
                )
            )
    return problems
