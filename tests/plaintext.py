"""Finding plaintext in what the database stores, whatever encoding it was stored in.

A search for the exact text alone misses a value stored as JSON with escaped non-ASCII
(`"\\u039a\\u03b1..."`), as bytes, or inside PostgreSQL's text of a whole row: the tests that
say "nothing is readable" search for every one of these forms.
"""

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def plaintext_forms(secret: str) -> set[str]:
    """The ways `secret` can appear in a column or a row's text when it is stored in clear."""
    forms = {
        secret,
        secret.lower(),
        json.dumps(secret)[1:-1],  # ensure_ascii: non-ASCII as \\uXXXX
        json.dumps(secret, ensure_ascii=False)[1:-1],
        secret.encode().hex(),  # bytea as text: \x...
        base64.b64encode(secret.encode()).decode(),
    }
    # PostgreSQL's text of a row (`t::text`) doubles the backslashes inside quoted fields.
    return forms | {form.replace("\\", "\\\\") for form in forms}


def stored_texts(value: Any) -> list[str]:
    """A column value as the texts to search: bytes decoded and in hex, JSON both ways."""
    if value is None:
        return []
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        return [raw.decode("utf-8", "replace"), raw.hex()]
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict | list):
        return [
            str(value),
            json.dumps(value, default=str),
            json.dumps(value, default=str, ensure_ascii=False),
        ]
    return [str(value)]


def plaintext_found(secret: str, texts: list[str]) -> list[str]:
    """The texts holding `secret` in any of its stored forms."""
    forms = plaintext_forms(secret)
    return [text for text in texts if any(form in text for form in forms)]


def fernet_decrypt(token: str) -> bytes:
    """The plaintext of a stored token under the configured keys; AssertionError if the value
    is not a Fernet token they open (plaintext, JSON, or anything else)."""
    for key in settings.ENCRYPTION_KEYS:
        try:
            return Fernet(key.encode()).decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError, ValueError):
            continue
    raise AssertionError(f"not a Fernet token under ENCRYPTION_KEYS: {token[:40]!r}")
