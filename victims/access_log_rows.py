"""The access log as a supervisor reads it: each row's detail in words, in the reader's language.

The rows themselves are never touched (the log is append-only): their `detail` is a short code
written by the services ("session: social, in_person", "referral to <service id>"), and this
selector turns it into "Session: social support, in person" or "Referral to Legal Aid Office",
with the choices' labels and the names and references looked up in one query per kind of
object for the whole page, whatever its number of rows. A detail it does not know is shown as
it was written.
"""

import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from victims.audit import reason_read
from victims.models import (
    AccessLog,
    Case,
    Channel,
    ClosureOutcome,
    ConsentScope,
    OffenceType,
    Profession,
    Referral,
    ReferralStatus,
    RiskLevel,
    Service,
    Source,
    Status,
    SupportKind,
)

# At most this many references of a list's cases are named; the rest are counted.
CASES_NAMED = 5

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@dataclass(frozen=True)
class AccessLogRow:
    entry: AccessLog
    description: str
    why: str | None  # None: the reason cannot be decrypted
    case_references: list[str] = field(default_factory=list)  # of a list's cases, some of them
    cases_more: int = 0  # a list's cases not named

    @property
    def cases_count(self) -> int:
        return len(self.entry.cases)


@dataclass
class _Lookups:
    """The objects the page's details name, fetched once for all rows."""

    services: dict[uuid.UUID, str] = field(default_factory=dict)
    referrals: dict[uuid.UUID, str] = field(default_factory=dict)  # the service's name
    cases: dict[uuid.UUID, str] = field(default_factory=dict)  # the reference


def _label(choices: type[models.TextChoices], code: str) -> str:
    """The translated label of a code, or the code itself for one no longer in the choices."""
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def _lower(text: str) -> str:
    """A label inside a sentence ("social support"), keeping an abbreviation ("SMS") as it is."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


# Views' pages: the detail a read is logged with, and how it is said.
PAGES: dict[str, Callable[[], str]] = {
    "case page": lambda: _("The case page"),
    "edit page": lambda: _("The page to edit the case"),
    "close page": lambda: _("The page to close the case"),
    "reopen page": lambda: _("The page to reopen the case"),
    "assign page": lambda: _("The page to assign a case worker"),
    "session form": lambda: _("The form of a session"),
    "consent form": lambda: _("The form of a consent"),
    "referral form": lambda: _("The form of a referral"),
    "referral update form": lambda: _("The form to update a referral"),
    "document form": lambda: _("The form to add a document"),
    "break-glass page": lambda: _("The break-glass page"),
    "erase page": lambda: _("The erasure page"),
    "dashboard": lambda: _("The supervisor dashboard"),
    "intake list": lambda: _("The list of intake requests"),
    "open cases": lambda: _("Open cases"),
    "invalid filter": lambda: _("A filter that was not valid"),
    "filtered": lambda: _("Filtered"),
    "api": lambda: _("Through the API"),
    "case opened": lambda: _("Case opened"),
    "opened from intake request": lambda: _("Case opened from an intake request"),
    "person details changed": lambda: _("The person's details changed"),
    "reopened": lambda: _("Case reopened"),
    "document added": lambda: _("Document added"),
    "subject access export": lambda: _("Subject access export"),
    "erased on request": lambda: _("Erased on request"),
    "retention period ended": lambda: _("Retention period ended"),
}

# Filters of a list (the case list's and the API's): codes only, never free text.
FILTERS: dict[str, type[models.TextChoices] | None] = {
    "status": Status,
    "offence_type": OffenceType,
    "risk_level": RiskLevel,
    "source": Source,
    "worker": None,
    "q": None,
}


def _filter_names() -> dict[str, str]:
    return {
        "status": _("status"),
        "offence_type": _("offence type"),
        "risk_level": _("risk level"),
        "source": _("source"),
        "worker": _("case worker"),
        "q": _("reference"),
    }


def _filters(text: str) -> str | None:
    """ "status=closed q=VSU-1" as "Filtered by status: Closed; reference: VSU-1", or None
    when the text is not a list of known filters."""
    parts = []
    names = _filter_names()
    for pair in text.split():
        key, sep, value = pair.partition("=")
        if not sep or key not in FILTERS:
            return None
        choices = FILTERS[key]
        parts.append(f"{names[key]}: {_label(choices, value) if choices else value}")
    if not parts:
        return None
    return _("Filtered by %(filters)s") % {"filters": "; ".join(parts)}


def _case_field(name: str) -> str:
    try:
        found = Case._meta.get_field(name)
    except FieldDoesNotExist:  # a field since removed: its name as written
        return name
    return str(getattr(found, "verbose_name", name))


def _describe(detail: str, found: _Lookups) -> str:
    if detail in PAGES:
        return PAGES[detail]()
    if m := re.fullmatch(r"session: (\w+), (\w+)", detail):
        return _("Session: %(kind)s, %(channel)s") % {
            "kind": _lower(_label(SupportKind, m[1])),
            "channel": _lower(_label(Channel, m[2])),
        }
    if m := re.fullmatch(rf"referral to ({UUID})", detail):
        name = found.services.get(uuid.UUID(m[1]))
        if name is None:
            return _("Referral to a service no longer in the directory")
        return _("Referral to %(service)s") % {"service": name}
    if m := re.fullmatch(rf"referral ({UUID}): (\w+)", detail):
        status = _label(ReferralStatus, m[2])
        name = found.referrals.get(uuid.UUID(m[1]))
        if name is None:
            return _("Referral: %(status)s") % {"status": status}
        return _("Referral to %(service)s: %(status)s") % {"service": name, "status": status}
    if m := re.fullmatch(r"consent: (\w+) ?(\S*)", detail):
        scope = _label(ConsentScope, m[1])
        target = m[2]
        if service_id := _uuid(target):
            target = found.services.get(service_id, _("a service no longer in the directory"))
        elif target:
            target = _lower(_label(Channel, target))
        if not target:
            return _("Consent: %(scope)s") % {"scope": scope}
        return _("Consent: %(scope)s (%(target)s)") % {"scope": scope, "target": target}
    if m := re.fullmatch(r"consent withdrawn: (\w+); (\d+) referrals cancelled", detail):
        scope = _label(ConsentScope, m[1])
        return _("Consent withdrawn: %(scope)s; referrals cancelled: %(n)s") % {
            "scope": scope,
            "n": m[2],
        }
    if m := re.fullmatch(r"details changed: (.*)", detail):
        names = ", ".join(_case_field(name.strip()) for name in m[1].split(","))
        return _("Details changed: %(fields)s") % {"fields": names}
    if m := re.fullmatch(r"status: (\w+)", detail):
        return _("Stage: %(status)s") % {"status": _label(Status, m[1])}
    if m := re.fullmatch(r"closed: (\w+)", detail):
        return _("Closed: %(outcome)s") % {"outcome": _label(ClosureOutcome, m[1])}
    if m := re.fullmatch(r"assigned (\S+) \((\w+)\)", detail):
        return _("%(who)s assigned as %(profession)s") % {
            "who": m[1],
            "profession": _lower(_label(Profession, m[2])),
        }
    if m := re.fullmatch(r"unassigned (\S+)", detail):
        return _("%(who)s no longer on the case") % {"who": m[1]}
    if m := re.fullmatch(rf"service ({UUID}) (added|changed)", detail):
        name = found.services.get(uuid.UUID(m[1]), _("a service"))
        if m[2] == "added":
            return _("Service added: %(service)s") % {"service": name}
        return _("Service changed: %(service)s") % {"service": name}
    if re.fullmatch(rf"intake {UUID} closed without a case", detail):
        return _("Intake request closed without a case")
    if re.fullmatch(rf"intake {UUID}", detail):
        return _("An intake request")
    if re.fullmatch(rf"document {UUID}", detail):
        return _("A document of the case")
    if m := re.fullmatch(r"break-glass of (\S+) reviewed", detail):
        return _("Break-glass access of %(who)s reviewed") % {"who": m[1]}
    if m := re.fullmatch(r"api (.*)", detail):
        filters = _filters(m[1])
        if filters is not None:
            return _("Through the API. %(filters)s") % {"filters": filters}
    if filters := _filters(detail):
        return filters
    return detail


def _ids_named(details: Iterable[str], pattern: str) -> set[uuid.UUID]:
    return {uuid.UUID(m) for detail in details for m in re.findall(pattern, detail)}


def _lookups(entries: Sequence[AccessLog]) -> _Lookups:
    """One query per kind of object named anywhere on the page (none when nothing is)."""
    details = [entry.detail for entry in entries]
    service_ids = _ids_named(details, rf"^(?:referral to |consent: referral |service )({UUID})")
    referral_ids = _ids_named(details, rf"^referral ({UUID}):")
    case_ids = {pk for entry in entries for pk in entry.cases[:CASES_NAMED]}
    found = _Lookups()
    if service_ids:
        services = Service.objects.filter(pk__in=service_ids)
        found.services = {service.pk: service.name for service in services}
    if referral_ids:
        referrals = Referral.objects.filter(pk__in=referral_ids).select_related("service")
        found.referrals = {referral.pk: referral.service.name for referral in referrals}
    if case_ids:
        found.cases = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "reference"))
    return found


def access_log_rows(entries: Iterable[AccessLog]) -> list[AccessLogRow]:
    """The rows of a page of the access log (from `access_log_visible_to`), described."""
    entries = list(entries)
    found = _lookups(entries)
    rows = []
    for entry in entries:
        named = [found.cases[pk] for pk in entry.cases[:CASES_NAMED] if pk in found.cases]
        rows.append(
            AccessLogRow(
                entry=entry,
                description=_describe(entry.detail, found),
                why=reason_read(entry),
                case_references=named,
                cases_more=len(entry.cases) - len(named),
            )
        )
    return rows
