"""Citizens' requests for support, and opening them as cases."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from curim.accounts.models import User
from curim.areas.models import Area
from curim.core.days import day_start
from victims.audit import access_log_write
from victims.models import (
    AccessLog,
    Case,
    Channel,
    Consent,
    ConsentScope,
    IntakeRequest,
    Source,
)
from victims.models.choices import CONTACT_CHANNELS
from victims.models.intake import unanswered_days
from victims.models.limits import REASON_MAX, text_lengths_check
from victims.services.cases import case_open
from victims.services.support import consent_text_current

# Channels a citizen can choose on the public form: the unit calls, texts or writes back.
REQUEST_CHANNELS = [Channel.PHONE, Channel.SMS, Channel.EMAIL]


def intake_request_submit(
    *,
    name: str,
    phone: str,
    email: str,
    channel: str,
    safe_times: str = "",
    message: str = "",
    report_id: str = "",
) -> IntakeRequest:
    """Stores a request; the citizen agreed, on the form, to the current processing and
    contact texts, which the request names."""
    errors: dict[str, str] = {}
    name, phone, email = name.strip(), phone.strip(), email.strip()
    if not name:
        errors["name"] = _("Tell us how to address you (a first name is enough).")
    if channel not in REQUEST_CHANNELS:
        errors["channel"] = _("Choose how we may contact you.")
    elif channel in (Channel.PHONE, Channel.SMS) and not phone:
        errors["phone"] = _("Give a phone number, or choose e-mail.")
    elif channel == Channel.EMAIL and not email:
        errors["email"] = _("Give an e-mail address, or choose phone.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
    if errors:
        raise ValidationError(errors)
    request = IntakeRequest(
        details={
            "name": name[:200],
            "phone": phone[:40],
            "email": email[:254],
            "channel": channel,
            "safe_times": safe_times.strip()[:500],
            "message": message.strip()[:4000],
            "report": report_id,
        },
        channel=channel,
        processing_text=consent_text_current(ConsentScope.PROCESSING),
        contact_text=consent_text_current(ConsentScope.CONTACT),
    )
    request.save()
    return request


class IntakeRequestRemoved(Exception):
    """The request is no longer held: the nightly run removed it unanswered since it was read."""


def _request_new_locked(request: IntakeRequest) -> IntakeRequest:
    """The request read again under a lock, still waiting for an answer."""
    locked = IntakeRequest.objects.select_for_update().filter(pk=request.pk).first()
    if locked is None:
        raise IntakeRequestRemoved(request.pk)
    if locked.state != IntakeRequest.State.NEW:
        raise ValidationError(_("This request has already been handled."))
    return locked


def intake_open(
    *,
    request: IntakeRequest,
    by: User,
    offence_type: str,
    risk_level: str,
    profession: str,
    district: Area | None = None,
) -> Case:
    """A case from a request: the person as they gave themselves, and the consents they gave
    on the form, dated when they sent it."""
    details: dict[str, Any] = request.details
    safe_times = details.get("safe_times", "")
    with transaction.atomic():
        locked = _request_new_locked(request)
        case = case_open(
            by=by,
            person_fields={
                "full_name": details.get("name", ""),
                "phone": details.get("phone", ""),
                "email": details.get("email", ""),
                "safe_contact": {
                    "no_sms": False,
                    "no_voicemail": False,
                    "calls_from": "",
                    "calls_until": "",
                    "notes": safe_times,
                },
            },
            intake_date=timezone.localdate(),
            source=Source.CITIZEN_REPORT if details.get("report") else Source.ONLINE_REQUEST,
            offence_type=offence_type,
            risk_level=risk_level,
            district=district,
            summary=details.get("message", ""),
            profession=profession,
        )
        for scope, text, channel in (
            (ConsentScope.PROCESSING, locked.processing_text, ""),
            (ConsentScope.CONTACT, locked.contact_text, locked.channel),
        ):
            Consent.objects.create(
                case=case,
                scope=scope,
                channel=channel if channel in CONTACT_CHANNELS else "",
                text=text,
                given_at=locked.created_at,
                recorded_by=by,
            )
        locked.state = IntakeRequest.State.OPENED
        locked.case = case
        locked.handled_by = by
        locked.handled_at = timezone.now()
        locked.save()
        access_log_write(
            user=by, action=AccessLog.Action.CREATE, case=case, detail="opened from intake request"
        )
    return case


def intake_decline(*, request: IntakeRequest, by: User, reason: str) -> IntakeRequest:
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Say why no case is opened.")})
    text_lengths_check({"reason": (reason, REASON_MAX)})
    with transaction.atomic():
        locked = _request_new_locked(request)
        locked.state = IntakeRequest.State.DECLINED
        locked.handled_by = by
        locked.handled_at = timezone.now()
        locked.save()
        access_log_write(
            user=by,
            action=AccessLog.Action.CHANGE,
            detail=f"intake {locked.pk} closed without a case",
            reason=reason,
        )
    return locked


def intake_requests_declined_delete(*, now: datetime.datetime | None = None) -> int:
    """Requests closed without a case, 90 days after: they hold contact details for no
    purpose."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=90)
    deleted, _unused = IntakeRequest.objects.filter(
        state=IntakeRequest.State.DECLINED, handled_at__lt=cutoff
    ).delete()
    return deleted


def intake_requests_unanswered_delete(*, now: datetime.datetime | None = None) -> int:
    """Requests nobody answered: one received on day D (in the platform's time zone) is kept
    through day D + `unanswered_days()` (`IntakeRequest.last_day_kept`, as the intake list
    shows it), then what the citizen wrote goes. The access log keeps how many went (nothing of
    what they held), so that an unanswered request is not a silent one."""
    first_day_kept = timezone.localdate(now or timezone.now()) - datetime.timedelta(
        days=unanswered_days()
    )
    unanswered = Q(state=IntakeRequest.State.NEW, created_at__lt=day_start(first_day_kept))
    with transaction.atomic():
        # Locked until they are deleted; one a member is opening or closing right now is
        # skipped: it is being answered.
        due = IntakeRequest.objects.select_for_update(skip_locked=True).filter(unanswered)
        deleted, _unused = IntakeRequest.objects.filter(
            unanswered, pk__in=list(due.values_list("pk", flat=True))
        ).delete()
        if deleted:
            access_log_write(
                user=None,
                action=AccessLog.Action.ERASE,
                detail=(
                    f"intake requests unanswered after {unanswered_days()} days removed: {deleted}"
                ),
            )
    return deleted
