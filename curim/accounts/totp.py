"""Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps)."""

import base64
import hashlib
import hmac
import secrets
from datetime import datetime
from urllib.parse import quote, urlencode

TOTP_DIGITS = 6
TOTP_STEP_SECONDS = 30


def totp_secret_generate() -> str:
    """A new shared secret: 160 random bits in base32, as authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def totp_step(at: datetime) -> int:
    return int(at.timestamp()) // TOTP_STEP_SECONDS


def totp_code(secret: str, *, step: int) -> str:
    """The code for one time step (RFC 4226 HOTP with the step as the counter)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, step.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(number % 10**TOTP_DIGITS).zfill(TOTP_DIGITS)


def otpauth_uri(secret: str, account: str, issuer: str = "CURiM") -> str:
    """The provisioning URI an authenticator app reads from the QR code."""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode(
        {
            "secret": secret,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": TOTP_DIGITS,
            "period": TOTP_STEP_SECONDS,
        }
    )
    return f"otpauth://totp/{label}?{query}"
