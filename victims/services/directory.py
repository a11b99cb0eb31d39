"""The directory of services the unit refers people to: supervisors add and edit entries."""

from typing import Any

from django.db import transaction

from curim.accounts.models import User
from victims.audit import access_log_write
from victims.models import AccessLog, Service
from victims.selectors import is_supervisor

SERVICE_FIELDS = {
    "name_en",
    "name_el",
    "kind",
    "phone",
    "email",
    "address",
    "website",
    "notes",
    "is_active",
}


def service_save(*, by: User, service: Service | None = None, fields: dict[str, Any]) -> Service:
    """A new entry (`service` None) or changes to one, logged: a referral names the entry, so
    who changed its details, and when, is part of the unit's record."""
    if not is_supervisor(by):
        raise PermissionError("Only supervisors edit the directory of services.")
    entry = service if service is not None else Service()
    for name, value in fields.items():
        if name not in SERVICE_FIELDS:
            raise ValueError(f"Not a field of the directory: {name}")
        setattr(entry, name, value)
    entry.full_clean()
    adding = entry._state.adding
    with transaction.atomic():
        entry.save()
        access_log_write(
            user=by,
            action=AccessLog.Action.CREATE if adding else AccessLog.Action.CHANGE,
            detail=f"service {entry.pk} {'added' if adding else 'changed'}",
        )
    return entry
