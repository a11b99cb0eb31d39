"""Invented demo data for the unit: a directory of services and two years of cases (the
council reads the statistics of completed years only)."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from curim.accounts.models import User
from curim.areas.models import Area
from victims.models import (
    Case,
    Channel,
    ConsentScope,
    OffenceType,
    Profession,
    ReferralStatus,
    RiskLevel,
    Service,
    ServiceKind,
    Source,
    Status,
    SupportKind,
)
from victims.services import cases as case_services
from victims.services import support

DEMO_SERVICES = [
    (
        "Counselling Centre for Women (demo)",
        "Συμβουλευτικό Κέντρο Γυναικών (demo)",
        ServiceKind.PSYCHOLOGICAL,
    ),
    ("Legal Aid Office (demo)", "Γραφείο Νομικής Βοήθειας (demo)", ServiceKind.LEGAL),
    ("Municipal Social Services (demo)", "Κοινωνική Υπηρεσία του Δήμου (demo)", ServiceKind.SOCIAL),
    (
        "General Hospital, emergency psychiatry (demo)",
        "Γενικό Νοσοκομείο, επείγουσα ψυχιατρική (demo)",
        ServiceKind.MEDICAL,
    ),
    (
        "Shelter for Victims of Violence (demo)",
        "Ξενώνας Φιλοξενίας Θυμάτων Βίας (demo)",
        ServiceKind.SHELTER,
    ),
    (
        "Police Department for Domestic Violence (demo)",
        "Τμήμα Ενδοοικογενειακής Βίας της Αστυνομίας (demo)",
        ServiceKind.POLICE,
    ),
]


def victims_demo_load(*, staff: User, supervisor: User, count: int = 80) -> int:
    """Only on an empty case table, so running it twice changes nothing."""
    with transaction.atomic():
        for name_en, name_el, kind in DEMO_SERVICES:
            Service.objects.get_or_create(
                name_en=name_en, defaults={"name_el": name_el, "kind": kind}
            )
        if Case.objects.exists():
            return 0
        rng = random.Random(5)  # noqa: S311  invented data, not security
        districts = list(Area.objects.filter(level=Area.Level.DISTRICT))
        services = list(Service.objects.all())
        today = timezone.localdate()
        for n in range(count):
            intake = today - datetime.timedelta(days=rng.randint(3, 720))
            worker = staff if n % 3 else supervisor
            case = case_services.case_open(
                by=worker,
                person_fields={
                    "full_name": f"Demo Person {n + 1}",
                    "phone": f"+30 690 000 {n:04d}",
                    "safe_contact": {
                        "no_sms": n % 4 == 0,
                        "no_voicemail": True,
                        "calls_from": "09:00",
                        "calls_until": "18:00",
                        "notes": "",
                    },
                },
                intake_date=intake,
                source=rng.choice([Source.WALK_IN, Source.PHONE, Source.ORGANISATION]),
                referring_organisation="Demo NGO",
                offence_type=rng.choice(
                    [
                        OffenceType.DOMESTIC_VIOLENCE,
                        OffenceType.ASSAULT,
                        OffenceType.ROBBERY,
                        OffenceType.FRAUD,
                        OffenceType.HARASSMENT,
                    ]
                ),
                risk_level=rng.choice(list(RiskLevel)),
                district=rng.choice(districts) if districts else None,
                summary="Invented demo case.",
                profession=rng.choice(list(Profession)),
            )
            support.consent_record(case=case, by=worker, scope=ConsentScope.PROCESSING)
            support.consent_record(
                case=case, by=worker, scope=ConsentScope.CONTACT, channel=Channel.PHONE
            )
            held = timezone.make_aware(
                datetime.datetime.combine(
                    intake + datetime.timedelta(days=rng.randint(0, 3)), datetime.time(11, 0)
                )
            )
            if held < timezone.now():
                support.session_record(
                    case=case,
                    by=worker,
                    kind=rng.choice(list(SupportKind)),
                    channel=Channel.IN_PERSON,
                    held_at=held,
                    duration_minutes=50,
                    notes="Invented demo notes.",
                )
            case_services.case_status_change(case=case, by=worker, to_status=Status.ASSESSMENT)
            if n % 2:
                service = rng.choice(services)
                support.consent_record(
                    case=case, by=worker, scope=ConsentScope.REFERRAL, service=service
                )
                referral = support.referral_create(case=case, by=worker, service=service)
                support.referral_update(referral=referral, by=worker, status=ReferralStatus.SENT)
    return count
