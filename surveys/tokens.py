"""Invitation tokens and resume keys: random, shown once, and stored only as their hashes."""

import hashlib
import secrets


def token_new(nbytes: int = 16) -> str:
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    # A token that cannot be encoded (a lone surrogate) matches nothing instead of failing.
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
