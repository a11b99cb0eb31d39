"""Writing the access log. Every read of case content and every change goes through here."""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser

from curim.accounts.models import User
from curim.core.crypto import DecryptionError, decrypt_text
from victims.models import AccessLog, Case


def access_log_write(
    *,
    user: User | AnonymousUser | None,
    action: AccessLog.Action,
    case: Case | None = None,
    cases: Iterable[Case] = (),
    detail: str = "",
    reason: str = "",
    break_glass: bool = False,
) -> AccessLog:
    """One row; `user` None means the platform itself (the retention task)."""
    actor = user if isinstance(user, User) else None
    return AccessLog.objects.create(
        user_id=actor.pk if actor else None,
        user_email=actor.email if actor else "",
        action=action,
        case_id=case.pk if case else None,
        case_reference=case.reference if case else "",
        cases=[c.pk for c in cases],
        detail=detail[:200],
        reason=reason,
        break_glass=break_glass,
    )


def reason_read(row: object) -> str | None:
    """The reason of a row read with its stored token (`reason_token`: the access log's entries
    from `access_log_visible_to`, break-glass accesses from `break_glass_unreviewed`), or None
    when it cannot be read."""
    token = getattr(row, "reason_token", None)
    if not isinstance(token, str):
        return None
    try:
        return decrypt_text(token)
    except (DecryptionError, ValueError):  # ValueError: not even ASCII, so not a token
        return None
