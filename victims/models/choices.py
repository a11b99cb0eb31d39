"""The fixed vocabularies of case work; their codes are what statistics group by."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone call")
    ORGANISATION = "organisation", _("Referral from an organisation")
    CITIZEN_REPORT = "citizen_report", _("Citizen's request from a report")
    ONLINE_REQUEST = "online_request", _("Citizen's request from the help page")


class OffenceType(models.TextChoices):
    DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic violence")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence")
    ASSAULT = "assault", _("Assault")
    ROBBERY = "robbery", _("Robbery")
    BURGLARY = "burglary", _("Burglary")
    THEFT = "theft", _("Theft")
    FRAUD = "fraud", _("Fraud")
    CYBERCRIME = "cybercrime", _("Cybercrime")
    HARASSMENT = "harassment", _("Harassment or stalking")
    HATE_CRIME = "hate_crime", _("Hate crime")
    TRAFFICKING = "trafficking", _("Trafficking")
    OTHER = "other", _("Other")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Status(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ASSESSMENT = "assessment", _("Assessment")
    ACTIVE = "active", _("Active support")
    CLOSED = "closed", _("Closed")


# Forward moves one step at a time; a case may also step back to an earlier open stage.
STATUS_ORDER = [Status.INTAKE, Status.ASSESSMENT, Status.ACTIVE, Status.CLOSED]


class ClosureOutcome(models.TextChoices):
    COMPLETED = "completed", _("Support completed")
    REFERRED_ON = "referred_on", _("Referred on to another service")
    DECLINED = "declined", _("Victim declined further support")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    OTHER = "other", _("Other")


class Profession(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    LAWYER = "lawyer", _("Lawyer")


class SupportKind(models.TextChoices):
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    SOCIAL = "social", _("Social support")
    LEGAL = "legal", _("Legal support")
    INFORMATION = "information", _("Information")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone call")
    VIDEO = "video", _("Video call")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")


# Channels by which the unit reaches out: each needs the victim's consent to that channel.
CONTACT_CHANNELS = [c for c in Channel if c != Channel.IN_PERSON]


class ConsentScope(models.TextChoices):
    PROCESSING = "processing", _("Processing of personal data")
    REFERRAL = "referral", _("Referral to a named service")
    CONTACT = "contact", _("Contact by a channel")


class ServiceKind(models.TextChoices):
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    SOCIAL = "social", _("Social services")
    LEGAL = "legal", _("Legal aid")
    MEDICAL = "medical", _("Medical care")
    SHELTER = "shelter", _("Shelter")
    POLICE = "police", _("Police")
    OTHER = "other", _("Other")


class ReferralStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_REFERRAL_STATUSES = [ReferralStatus.PROPOSED, ReferralStatus.SENT, ReferralStatus.ACCEPTED]


class ReferralOutcome(models.TextChoices):
    SUPPORT_RECEIVED = "support_received", _("Support received")
    DECLINED_BY_SERVICE = "declined_by_service", _("Declined by the service")
    DECLINED_BY_VICTIM = "declined_by_victim", _("Declined by the victim")
    NO_RESPONSE = "no_response", _("No response")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
