"""Signed-in test clients with the second factor passed, and a small case to work on."""

import datetime
from typing import Any

from django.utils import timezone

from curim.accounts.models import User
from curim.accounts.roles import Role
from tests.factories import enrolled as enrolled  # re-exported: the unit's tests sign in here
from tests.factories import user_with_role
from tests.factories import verified_client as verified_client
from victims.models import Case, Channel, ConsentScope, Service, ServiceKind
from victims.services import cases as case_services
from victims.services import support


def member(role: Role = Role.VSU_STAFF, **fields: Any) -> User:
    return user_with_role(role, **fields)


def service_create(name: str = "Legal Aid Office") -> Service:
    return Service.objects.create(name_en=name, name_el=name, kind=ServiceKind.LEGAL)


def case_create(by: User, **fields: Any) -> Case:
    values: dict[str, Any] = {
        "person_fields": {
            "full_name": "Eleni Papadopoulou",
            "phone": "+30 690 123 4567",
            "email": "eleni@example.org",
            "address": "Odos Notara 12, Piraeus",
        },
        "intake_date": timezone.localdate(),
        "source": "walk_in",
        "offence_type": "assault",
        "risk_level": "medium",
        "profession": "social_worker",
    }
    values.update(fields)
    return case_services.case_open(by=by, **values)


def case_with_everything(by: User) -> Case:
    """A case with a session, consents, a referral and a document (for the matrix)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = case_create(by)
    service = service_create()
    support.consent_record(case=case, by=by, scope=ConsentScope.REFERRAL, service=service)
    support.consent_record(case=case, by=by, scope=ConsentScope.CONTACT, channel=Channel.PHONE)
    support.referral_create(case=case, by=by, service=service, reason="Needs a lawyer")
    support.session_record(
        case=case,
        by=by,
        kind="psychological",
        channel=Channel.IN_PERSON,
        held_at=timezone.now() - datetime.timedelta(hours=1),
        duration_minutes=50,
        notes="Talked about the night of the assault.",
    )
    support.document_add(
        case=case,
        by=by,
        title="Medical certificate",
        upload=SimpleUploadedFile("certificate.txt", b"certificate of injuries"),
    )
    return case
