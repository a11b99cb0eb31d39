"""Sessions, consents, referrals and documents on a case, with the consent gates."""

import datetime
import mimetypes
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from curim.accounts.models import User
from curim.core.days import day_start
from curim.core.locks import child_locked_under_parent
from victims.audit import access_log_write
from victims.models import (
    AccessLog,
    Case,
    Channel,
    Consent,
    ConsentScope,
    ConsentText,
    Document,
    Referral,
    ReferralOutcome,
    ReferralStatus,
    Service,
    Status,
    SupportSession,
)
from victims.models.choices import OPEN_REFERRAL_STATUSES
from victims.models.limits import TITLE_MAX


def _open(case: Case) -> None:
    # Read afresh: the caller's instance may predate a closing.
    if Case.objects.filter(pk=case.pk, status=Status.CLOSED).exists():
        raise ValidationError(_("This case is closed. Reopen it to record more."))


def consent_active(
    *,
    case: Case,
    scope: str,
    service: Service | None = None,
    channel: str = "",
    at: datetime.datetime | None = None,
) -> Consent | None:
    """The consent in force now, or at `at` (given by then, not withdrawn by then)."""
    consents = Consent.objects.filter(case=case, scope=scope)
    if at is None:
        consents = consents.filter(withdrawn_at__isnull=True)
    else:
        consents = consents.filter(given_at__lte=at).filter(
            Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at)
        )
    if scope == ConsentScope.REFERRAL:
        consents = consents.filter(service=service)
    if scope == ConsentScope.CONTACT:
        consents = consents.filter(channel=channel)
    return consents.order_by("-given_at").first()


def consent_text_current(scope: str) -> ConsentText:
    text = ConsentText.objects.filter(scope=scope).order_by("-published_at", "-pk").first()
    if text is None:  # seeded by migration 0003; missing only if someone deleted it by hand
        raise ValidationError(_("No consent text is published for this scope."))
    return text


def _safe_contact_respected(case: Case, channel: str, held_at: datetime.datetime) -> None:
    prefs: dict[str, Any] = (case.person.safe_contact if case.person else None) or {}
    if channel == Channel.SMS and prefs.get("no_sms"):
        raise ValidationError({"channel": _("This person asked not to receive SMS.")})
    if channel in (Channel.PHONE, Channel.VIDEO):
        local = timezone.localtime(held_at).strftime("%H:%M")
        start, end = prefs.get("calls_from") or "", prefs.get("calls_until") or ""
        if start and end and start > end:  # a window across midnight, e.g. 22:00–07:00
            outside = end < local < start
        else:
            outside = bool((start and local < start) or (end and local > end))
        if outside:
            raise ValidationError(
                {
                    "held_at": _(
                        "This person asked to be called only between %(start)s and %(end)s."
                    )
                    % {"start": start or "00:00", "end": end or "23:59"}
                }
            )


def _earliest_contact(case: Case) -> datetime.datetime:
    """The earliest a session or a consent of the case may be: the first instant of the day
    before its intake (the first call may come at midnight, before the case is opened).
    Compared as instants, a time of any year is never converted (a year 1 would overflow)."""
    return day_start(case.intake_date - datetime.timedelta(days=1))


def session_record(
    *,
    case: Case,
    by: User,
    kind: str,
    channel: str,
    held_at: datetime.datetime,
    duration_minutes: int,
    notes: str = "",
) -> SupportSession:
    """A session or contact. Reaching out by a channel needs the person's consent to it."""
    _open(case)
    session = SupportSession(
        case=case,
        kind=kind,
        channel=channel,
        held_at=held_at,
        duration_minutes=duration_minutes,
        notes=notes,
        worker=by,
    )
    session.full_clean()
    if held_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"held_at": _("A session is recorded once it has taken place.")})
    if held_at < _earliest_contact(case):
        raise ValidationError(
            {"held_at": _("A session cannot be held more than a day before the case's intake.")}
        )
    if channel != Channel.IN_PERSON:
        consent = consent_active(case=case, scope=ConsentScope.CONTACT, channel=channel, at=held_at)
        if consent is None:
            raise ValidationError(
                {
                    "channel": _(
                        "There is no active consent to contact this person by %(channel)s. "
                        "Record their consent first."
                    )
                    % {"channel": Channel(channel).label}
                }
            )
        _safe_contact_respected(case, channel, held_at)
    with transaction.atomic():
        session.save()
        access_log_write(
            user=by,
            action=AccessLog.Action.CREATE,
            case=case,
            detail=f"session: {kind}, {channel}",
        )
    return session


def consent_record(
    *,
    case: Case,
    by: User,
    scope: str,
    service: Service | None = None,
    channel: str = "",
    given_at: datetime.datetime | None = None,
) -> Consent:
    _open(case)
    if scope != ConsentScope.REFERRAL:
        service = None
    if scope != ConsentScope.CONTACT:
        channel = ""
    if scope == ConsentScope.REFERRAL and service is None:
        raise ValidationError(
            {"service": _("Name the service the person agrees to be referred to.")}
        )
    if scope == ConsentScope.CONTACT and channel in ("", Channel.IN_PERSON):
        raise ValidationError(
            {"channel": _("Name the channel the person agrees to be contacted by.")}
        )
    given_at = given_at or timezone.now()
    if given_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"given_at": _("Consent cannot be given in the future.")})
    if given_at < _earliest_contact(case):
        # A backdated consent could make earlier contacts look allowed.
        raise ValidationError(
            {"given_at": _("Consent cannot be given more than a day before the case's intake.")}
        )
    if consent_active(case=case, scope=scope, service=service, channel=channel) is not None:
        raise ValidationError({"scope": _("This consent is already recorded and active.")})
    consent = Consent(
        case=case,
        scope=scope,
        service=service,
        channel=channel,
        text=consent_text_current(scope),
        given_at=given_at,
        recorded_by=by,
    )
    consent.full_clean()
    with transaction.atomic():
        consent.save()
        access_log_write(
            user=by,
            action=AccessLog.Action.CREATE,
            case=case,
            detail=f"consent: {scope} {service.pk if service else channel}".strip(),
        )
    return consent


def consent_withdraw(*, consent: Consent, by: User) -> Consent:
    """Withdrawal stops what the consent allowed: open referrals under it are cancelled."""
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if locked.withdrawn_at is not None:
            raise ValidationError(_("This consent was already withdrawn."))
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = by
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
        cancelled = Referral.objects.filter(
            consent=locked, status__in=OPEN_REFERRAL_STATUSES
        ).update(
            status=ReferralStatus.CANCELLED,
            outcome=ReferralOutcome.CONSENT_WITHDRAWN,
            updated_at=timezone.now(),
        )
        access_log_write(
            user=by,
            action=AccessLog.Action.CHANGE,
            case=locked.case,
            detail=f"consent withdrawn: {locked.scope}; {cancelled} referrals cancelled",
        )
    return locked


def referral_create(*, case: Case, by: User, service: Service, reason: str = "") -> Referral:
    _open(case)
    if not service.is_active:
        raise ValidationError({"service": _("This service is no longer in the directory.")})
    consent = consent_active(case=case, scope=ConsentScope.REFERRAL, service=service)
    if consent is None:
        raise ValidationError(
            {
                "service": _(
                    "There is no active consent to refer this person to %(service)s. "
                    "Record their consent first."
                )
                % {"service": service.name}
            }
        )
    referral = Referral(case=case, service=service, consent=consent, reason=reason, created_by=by)
    referral.full_clean()
    with transaction.atomic():
        referral.save()
        access_log_write(
            user=by,
            action=AccessLog.Action.CREATE,
            case=case,
            detail=f"referral to {service.pk}",
        )
    return referral


# Where a referral may go from each status; closed ones (completed, declined, cancelled) stay.
REFERRAL_MOVES = {
    ReferralStatus.PROPOSED: {ReferralStatus.SENT, ReferralStatus.CANCELLED},
    ReferralStatus.SENT: {
        ReferralStatus.ACCEPTED,
        ReferralStatus.DECLINED,
        ReferralStatus.CANCELLED,
    },
    ReferralStatus.ACCEPTED: {ReferralStatus.COMPLETED, ReferralStatus.CANCELLED},
}


def _referral_locked(referral: Referral) -> Referral:
    """The referral and its consent, locked in the order `consent_withdraw` locks them: the
    consent, then the referrals under it. Locked the other way round (the referral first, its
    consent by a join), a referral sent while its consent is withdrawn deadlocked the two
    (tests/victims/test_referral_lock.py). Holding the consent, the referral reads whether it
    is still active, and no withdrawal can come in between."""
    locked = child_locked_under_parent(Referral, referral.pk, "consent")
    if locked is None:  # the person was erased meanwhile
        raise ValidationError(_("This case was erased or anonymised meanwhile: nothing was saved."))
    return locked


def referral_update(*, referral: Referral, by: User, status: str, outcome: str = "") -> Referral:
    with transaction.atomic():
        locked = _referral_locked(referral)
        allowed = REFERRAL_MOVES.get(ReferralStatus(locked.status), set())
        if status not in allowed:
            raise ValidationError(
                {
                    "status": _("A referral cannot move from %(old)s to this status.")
                    % {"old": locked.get_status_display()}
                }
            )
        if (
            status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED)
            and not locked.consent.is_active
        ):
            raise ValidationError(
                {"status": _("The person withdrew their consent to this referral.")}
            )
        if status in (ReferralStatus.COMPLETED, ReferralStatus.DECLINED) and not outcome:
            raise ValidationError({"outcome": _("Record the outcome of the referral.")})
        if outcome and outcome not in ReferralOutcome.values:
            raise ValidationError({"outcome": _("Choose an outcome.")})
        locked.status = status
        locked.outcome = outcome
        locked.save(update_fields=["status", "outcome", "updated_at"])
        access_log_write(
            user=by,
            action=AccessLog.Action.CHANGE,
            case=locked.case,
            detail=f"referral {locked.pk}: {status}",
        )
    return locked


def document_add(*, case: Case, by: User, title: str, upload: UploadedFile) -> Document:
    _open(case)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the document a title.")
    elif len(title.strip()) > TITLE_MAX:
        errors["title"] = _("Keep the title to %(n)s characters.") % {"n": TITLE_MAX}
    size = upload.size or 0
    if size == 0:
        errors["file"] = _("The file is empty.")
    elif size > settings.VSU_DOCUMENT_MAX_BYTES:
        errors["file"] = _("The file is larger than %(mb)s MB.") % {
            "mb": settings.VSU_DOCUMENT_MAX_BYTES // (1024 * 1024)
        }
    if errors:
        raise ValidationError(errors)
    original = (upload.name or "document").rsplit("/", 1)[-1][:200]
    content_type = mimetypes.guess_type(original)[0] or "application/octet-stream"
    document = Document(
        case=case,
        title=title.strip(),
        original_name=original,
        content_type=content_type,
        size=size,
        uploaded_by=by,
    )
    # The name on disk says nothing: neither the person nor the file's own name.
    document.file.save(f"{uuid.uuid4().hex}.bin", upload, save=False)
    try:
        with transaction.atomic():
            document.save()
            access_log_write(
                user=by, action=AccessLog.Action.CREATE, case=case, detail="document added"
            )
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    return document
