"""How django-axes names the account in a login attempt: the normalised e-mail address."""

from typing import Any

from django.http import HttpRequest

from curim.accounts.models import email_normalise


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    raw = (credentials or {}).get("username") or request.POST.get("username") or ""
    return email_normalise(str(raw))
