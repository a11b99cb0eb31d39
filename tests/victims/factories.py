"""Building Victim Support Unit records through the services, as the unit's pages will."""

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.areas.models import Area
from tests.factories import user_with_role
from victims.models import (
    Case,
    Channel,
    Consent,
    ConsentScope,
    IntakeRequest,
    OffenceType,
    Person,
    Profession,
    Referral,
    RiskLevel,
    Service,
    ServiceKind,
    Source,
)
from victims.services.cases import case_open
from victims.services.intake import intake_open, intake_request_submit
from victims.services.support import consent_record, referral_create


def supervisor_create(**fields: Any) -> User:
    return user_with_role(Role.VSU_SUPERVISOR, **fields)


def worker_create(**fields: Any) -> User:
    return user_with_role(Role.VSU_STAFF, **fields)


def case_create(
    *,
    by: User,
    person: Person | None = None,
    intake_date: datetime.date | None = None,
    offence_type: str = OffenceType.ASSAULT,
    district: Area | None = None,
    restricted: bool = False,
    summary: str = "",
    **person_fields: Any,
) -> Case:
    """A case opened by `by`, for `person` or for a new person with `person_fields`."""
    return case_open(
        by=by,
        person=person,
        person_fields=None if person else {"full_name": "Test Person", **person_fields},
        intake_date=intake_date or timezone.localdate(),
        source=Source.WALK_IN,
        offence_type=offence_type,
        risk_level=RiskLevel.MEDIUM,
        district=district,
        summary=summary,
        restricted=restricted,
        profession=Profession.SOCIAL_WORKER,
    )


def intake_request_create(**changes: Any) -> IntakeRequest:
    """A citizen's request for contact, as the public form sends it."""
    values: dict[str, Any] = {
        "name": "Dimitra",
        "phone": "6970 000 111",
        "email": "",
        "channel": Channel.PHONE,
        "safe_times": "weekday mornings",
        "message": "someone keeps following me home",
        **changes,
    }
    return intake_request_submit(**values)


def intake_request_answer(request: IntakeRequest, by: User) -> Case:
    """`request` opened as a case by `by`."""
    return intake_open(
        request=request,
        by=by,
        offence_type=OffenceType.HARASSMENT,
        risk_level=RiskLevel.MEDIUM,
        profession=Profession.SOCIAL_WORKER,
    )


def service_create(**fields: Any) -> Service:
    values: dict[str, Any] = {
        "name_en": "Piraeus Legal Aid Centre",
        "name_el": "Κέντρο Νομικής Βοήθειας Πειραιά",
        "kind": ServiceKind.LEGAL,
        **fields,
    }
    return Service.objects.create(**values)


# Cases in these tests start long ago, and their consents on the day of intake, well before
# any session they allow.
LONG_AGO = datetime.date(2024, 1, 1)


def consent_give(
    *,
    case: Case,
    by: User,
    scope: str,
    service: Service | None = None,
    channel: str = "",
    given_at: datetime.datetime | None = None,
    at_intake: bool = True,
) -> Consent:
    if given_at is None and at_intake:
        start = datetime.datetime.combine(case.intake_date, datetime.time.min)
        given_at = timezone.make_aware(start)
    return consent_record(
        case=case, by=by, scope=scope, service=service, channel=channel, given_at=given_at
    )


def referral_under_consent(*, case: Case, by: User) -> tuple[Consent, Referral]:
    """A service, the person's consent to be referred to it, and a referral proposed under it."""
    service = service_create()
    consent = consent_give(case=case, by=by, scope=ConsentScope.REFERRAL, service=service)
    return consent, referral_create(case=case, by=by, service=service)


def contact_consent(*, case: Case, by: User, channel: str) -> Consent:
    return consent_give(case=case, by=by, scope=ConsentScope.CONTACT, channel=channel)


def upload(content: bytes, name: str = "statement.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def moments_ago(minutes: int = 30) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)
