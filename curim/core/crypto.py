"""Application-level encryption of confidential records, under keys kept apart from SECRET_KEY.

`ENCRYPTION_KEYS` is a list of Fernet keys, newest first: the first encrypts, every key
decrypts, so a new key can be put in front while old rows stay readable until
`manage.py encryption_rotate` has rewritten them.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """A stored token that no configured key opens: a missing key or tampered data."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes each)"
        ) from exc


def _keys() -> MultiFernet:
    return _fernet(tuple(settings.ENCRYPTION_KEYS))


def fernet() -> MultiFernet:
    """The key list itself, for callers that need Fernet's own features (e.g. a ttl)."""
    return _keys()


def key_generate() -> str:
    return Fernet.generate_key().decode()


def encrypt(plain: bytes) -> bytes:
    return _keys().encrypt(plain)


def decrypt(token: bytes) -> bytes:
    try:
        return _keys().decrypt(token)
    except InvalidToken as exc:
        raise DecryptionError("No configured key opens this token") from exc


def reencrypt(token: bytes) -> bytes:
    """The same plaintext under the newest key."""
    try:
        return _keys().rotate(token)
    except InvalidToken as exc:
        raise DecryptionError("No configured key opens this token") from exc


def encrypt_text(plain: str) -> str:
    return encrypt(plain.encode()).decode("ascii")


def decrypt_text(token: str) -> str:
    return decrypt(token.encode("ascii")).decode()
