"""The rows of the unit's tables, for the `{% table %}` partial: each cell text (escaped by the
partial), a number, or HTML made here with format_html (a link, a tag, a small form)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from curim.core.templatetags.components import Column
from victims.access_log_rows import AccessLogRow
from victims.audit import reason_read
from victims.models import BreakGlass, Case, Consent, IntakeRequest, Referral, Service

Row = list[object]
NOTHING = "—"


@dataclass(frozen=True)
class Table:
    """What `{% table t.rows t.head … %}` draws."""

    rows: list[Row]
    head: list[str | Column]


def when(value: datetime.datetime | None) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


def day(value: datetime.date | None) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else NOTHING


def tag(text: object, colour: str = "") -> SafeString:
    modifier = f" govuk-tag--{colour}" if colour else ""
    return format_html('<strong class="govuk-tag{}">{}</strong>', modifier, text)


def link(href: str, text: object) -> SafeString:
    return format_html('<a class="govuk-link" href="{}">{}</a>', href, text)


def _reason_shown(reason: str | None) -> object:
    """A reason as read (`victims.audit.reason_read`), or "unreadable" when no key opens it."""
    return format_html("<em>{}</em>", _("unreadable")) if reason is None else reason


def _post_button(request: HttpRequest, action: str, text: str) -> SafeString:
    """A small form with one secondary button (its own CSRF token)."""
    return mark_safe(  # noqa: S308 - rendered by the template engine, which escapes
        render_to_string(
            "victims/_post_button.html", {"action": action, "text": text}, request=request
        )
    )


def cases_table(cases: Iterable[Case]) -> Table:
    rows: list[Row] = []
    for case in cases:
        reference = link(reverse("victims:case", args=[case.pk]), case.reference)
        if case.restricted:
            reference = format_html("{} {}", reference, tag(_("restricted"), "red"))
        rows.append(
            [
                reference,
                case.person.full_name if case.person else NOTHING,
                day(case.intake_date),
                case.get_offence_type_display(),
                case.get_risk_level_display(),
                case.get_status_display(),
                case.district.name if case.district else NOTHING,
            ]
        )
    return Table(
        rows,
        [
            _("Reference"),
            _("Person"),
            _("Intake date"),
            _("Offence type"),
            _("Risk level"),
            _("Status"),
            _("District"),
        ],
    )


def consents_table(
    request: HttpRequest, case: Case, consents: Iterable[Consent], *, changes: bool
) -> Table:
    """The case's consents; with `changes` (the reader may change the case), a button to
    withdraw each one still given."""
    rows: list[Row] = []
    for consent in consents:
        about = consent.get_scope_display()
        if consent.service:
            about = f"{about}: {consent.service.name}"
        if consent.channel:
            about = f"{about}: {consent.get_channel_display()}"
        if consent.withdrawn_at:
            withdrawn: object = when(consent.withdrawn_at)
        elif not changes:
            withdrawn = NOTHING
        else:
            action = reverse("victims:consent_withdraw", args=[case.pk, consent.pk])
            withdrawn = _post_button(request, action, _("Withdraw"))
        rows.append(
            [
                about,
                when(consent.given_at),
                _("version %(version)s") % {"version": consent.text.version},
                withdrawn,
            ]
        )
    return Table(rows, [_("Consent to"), _("Given"), _("Text"), _("Withdrawn")])


def referrals_table(case: Case, referrals: Iterable[Referral], *, changes: bool) -> Table:
    """The case's referrals; with `changes`, each service's name links to its update form."""
    return Table(
        [
            [
                link(reverse("victims:referral_update", args=[case.pk, r.pk]), r.service.name)
                if changes
                else r.service.name,
                r.get_status_display(),
                r.get_outcome_display() or NOTHING,
                linebreaksbr(r.reason) if r.reason else NOTHING,
            ]
            for r in referrals
        ],
        [_("Service"), _("Status"), _("Outcome"), _("Reason")],
    )


def services_table(services: Iterable[Service], supervisor: bool) -> Table:
    rows: list[Row] = []
    for service in services:
        name: object = service.name
        if supervisor:
            name = link(reverse("victims:service_edit", args=[service.pk]), service.name)
        if not service.is_active:
            name = format_html("{} {}", name, tag(_("inactive"), "grey"))
        contact = [service.phone, service.email, service.address]
        lines = format_html_join(
            "",
            '<span class="curim-break-anywhere">{}</span><br>',
            ((line,) for line in contact if line),
        )
        if service.website:
            lines = format_html(
                '{}<a class="govuk-link curim-break-anywhere" href="{}"'
                ' rel="noopener noreferrer">{}</a>',
                lines,
                service.website,
                service.website,
            )
        notes = linebreaksbr(service.notes) if service.notes else ""
        rows.append([name, service.get_kind_display(), lines, notes])
    return Table(rows, [_("Service"), _("Kind"), _("Contact"), _("Notes")])


def log_table(rows: Iterable[AccessLogRow]) -> Table:
    table: list[Row] = []
    for row in rows:
        entry = row.entry
        what: object = entry.get_action_display()
        if entry.break_glass:
            what = format_html("{} {}", what, tag(_("break-glass"), "red"))
        case: object = entry.case_reference
        if entry.cases:
            count = ngettext("%(n)s case", "%(n)s cases", row.cases_count) % {"n": row.cases_count}
            named = ", ".join(row.case_references)
            case = f"{count}: {named}" if named else count
            if named and row.cases_more:
                case = f"{case} …"
        why = _reason_shown(row.why)
        table.append(
            [
                when(entry.at),
                entry.user_email or _("the platform"),
                what,
                case,
                row.description,
                why,
            ]
        )
    return Table(table, [_("When"), _("Who"), _("What"), _("Case"), _("Detail"), _("Why")])


def caseload_table(workers: Iterable[Any]) -> Table:
    return Table(
        [[w.name_for_display, w.open_cases, w.high_risk] for w in workers],
        [
            _("Case worker"),
            Column(_("Open cases"), numeric=True),
            Column(_("High risk"), numeric=True),
        ],
    )


def open_referrals_table(referrals: Iterable[Referral]) -> Table:
    return Table(
        [
            [
                link(reverse("victims:case", args=[r.case.pk]), r.case.reference),
                r.service.name,
                r.get_status_display(),
                day(timezone.localtime(r.created_at).date()),
            ]
            for r in referrals
        ],
        [_("Case"), _("Service"), _("Status"), _("Since")],
    )


def break_glass_table(request: HttpRequest, unreviewed: Iterable[BreakGlass]) -> Table:
    rows: list[Row] = []
    for glass in unreviewed:
        review: object = ""
        if glass.user != request.user:
            action = reverse("victims:break_glass_review", args=[glass.pk])
            review = _post_button(request, action, _("Mark as reviewed"))
        rows.append(
            [
                when(glass.opened_at),
                format_html('<span class="curim-break-anywhere">{}</span>', glass.user.email),
                glass.case.reference,
                _reason_shown(reason_read(glass)),
                review,
            ]
        )
    return Table(rows, [_("When"), _("Who"), _("Case"), _("Reason"), _("Review")])


def intake_table(requests: Iterable[IntakeRequest]) -> Table:
    return Table(
        [
            [
                when(r.created_at),
                r.details.get("name", "") if isinstance(r.details, dict) else "",
                r.get_channel_display(),
                day(r.last_day_kept),
                link(reverse("victims:intake_detail", args=[r.pk]), _("Open")),
            ]
            for r in requests
        ],
        [_("Received"), _("Name"), _("Channel"), _("Last day kept if unanswered"), _("Request")],
    )
