"""The Content-Security-Policy and Permissions-Policy headers every response carries.

A middleware of our own rather than django-csp: the policy is one fixed string (plus a nonce
and the map's tile host), so a dependency would bring settings and decorators we do not use.
Django 6.0 has this built in (`SECURE_CSP`); moving there is a settings change once we upgrade.
"""

import secrets
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Only the report form may ask for the visitor's position ("use my location"); every other
# powerful feature is off for our pages and for anything they might embed. (Chromium warns
# about names it does not know, such as "bluetooth", so the list keeps to those it parses.)
PERMISSIONS_POLICY = ", ".join(
    [
        "geolocation=(self)",
        "camera=()",
        "microphone=()",
        "payment=()",
        "usb=()",
        "serial=()",
        "hid=()",
        "midi=()",
        "accelerometer=()",
        "gyroscope=()",
        "magnetometer=()",
        "display-capture=()",
        "screen-wake-lock=()",
        "xr-spatial-tracking=()",
        "publickey-credentials-get=()",
        "browsing-topics=()",
        "interest-cohort=()",
    ]
)


class CSPNonce:
    """The request's nonce, made the first time a template writes it, so that pages without an
    inline script keep the plain `script-src 'self'`."""

    def __init__(self) -> None:
        self._value: str | None = None

    def __str__(self) -> str:
        if self._value is None:
            self._value = secrets.token_urlsafe(16)
        return self._value

    @property
    def used(self) -> bool:
        return self._value is not None


@lru_cache(maxsize=8)
def tile_source(tile_url: str) -> str | None:
    """The CSP source of the base-map tiles, which the browser fetches from MAP_TILE_URL.

    A relative URL is our own origin ('self'); a `{s}` subdomain placeholder becomes `*.`.
    """
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return None
    labels = parts.netloc.split(".")
    if "{" in labels[0]:
        labels[0] = "*"
    return f"{parts.scheme}://{'.'.join(labels)}"


def content_security_policy(*, nonce: str | None, tile_url: str) -> str:
    nonced = f" 'nonce-{nonce}'" if nonce else ""
    images = " ".join(filter(None, ["'self' data: blob:", tile_source(tile_url)]))
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self'{nonced}",
            f"style-src 'self'{nonced}",
            f"img-src {images}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    """Give each request a nonce (`request.csp_nonce`, also read by django-leaflet's admin
    widget) and each response the two policies, unless a view set a stricter CSP itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = CSPNonce()
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # Django's own debug pages (DEBUG only) are styled inline; let them be readable.
        if settings.DEBUG and response.status_code in (404, 500):
            return response
        response.headers.setdefault(
            "Content-Security-Policy",
            content_security_policy(
                nonce=str(nonce) if nonce.used else None, tile_url=settings.MAP_TILE_URL
            ),
        )
        return response
