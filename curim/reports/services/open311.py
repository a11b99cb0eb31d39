"""Open311 clients: an organisation's API key, issued once and kept only as a hash."""

import secrets

from django.db import transaction

from curim.reports.models import Open311Client
from curim.reports.selectors import api_key_hash


@transaction.atomic
def api_key_issue(*, name: str) -> tuple[Open311Client, str]:
    """Create a client; the key is returned once and only its hash is kept."""
    key = secrets.token_urlsafe(32)
    client = Open311Client(name=name, key_hash=api_key_hash(key), key_hint=key[:8])
    client.full_clean()
    client.save()
    return client, key
