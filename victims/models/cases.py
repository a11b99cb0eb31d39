"""People the unit supports, their cases, who works on each case, and each change of status."""

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from curim.areas.models import Area
from curim.core.encrypted_fields import (
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
)
from victims.models import limits
from victims.models.choices import (
    ClosureOutcome,
    OffenceType,
    Profession,
    RiskLevel,
    Source,
    Status,
)


def safe_contact_default() -> dict[str, object]:
    return {
        "no_sms": False,
        "no_voicemail": False,
        "calls_from": "",
        "calls_until": "",
        "notes": "",
    }


def safe_contact_validate(value: Any) -> None:
    notes = value.get("notes", "") if isinstance(value, dict) else ""
    if not isinstance(value, dict) or not isinstance(notes, str):
        raise ValidationError(_("Enter the safe-contact preferences."), code="invalid")
    if len(notes) > limits.CONTACT_NOTES_MAX:
        raise ValidationError(
            _("Keep the safe-contact notes to %(n)s characters.") % {"n": limits.CONTACT_NOTES_MAX},
            code="max_length",
        )


class Person(models.Model):
    """The victim. Every personal field is encrypted; the row holds nothing readable."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    full_name = EncryptedTextField(_("full name"), max_length=limits.NAME_MAX)
    phone = EncryptedTextField(_("phone"), blank=True, default="", max_length=limits.PHONE_MAX)
    email = EncryptedTextField(
        _("e-mail address"), blank=True, default="", max_length=limits.EMAIL_MAX
    )
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    address = EncryptedTextField(
        _("address"), blank=True, default="", max_length=limits.ADDRESS_MAX
    )
    # {"no_sms", "no_voicemail", "calls_from", "calls_until" ("HH:MM" or ""), "notes"}
    safe_contact = EncryptedJSONField(
        _("safe-contact preferences"),
        default=safe_contact_default,
        validators=[safe_contact_validate],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return str(self.full_name)


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    # Empty once the case is anonymised: the person is gone, the counts stay.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, related_name="cases", verbose_name=_("person")
    )
    intake_date = models.DateField(_("intake date"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    # Free text that may name a shelter, a doctor or a person: encrypted like the rest.
    referring_organisation = EncryptedTextField(
        _("referring organisation"), blank=True, default="", max_length=limits.NAME_MAX
    )
    offence_type = models.CharField(_("offence type"), max_length=30, choices=OffenceType.choices)
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INTAKE
    )
    district = models.ForeignKey(
        Area,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": Area.Level.DISTRICT},
        verbose_name=_("district"),
    )
    restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_(
            "Only the assigned workers see a restricted case; supervisors open it by "
            "break-glass access."
        ),
    )
    summary = EncryptedTextField(
        _("intake summary"), blank=True, default="", max_length=limits.NOTES_MAX
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closure_outcome = models.CharField(
        _("outcome"), max_length=20, choices=ClosureOutcome.choices, blank=True
    )
    closure_notes = EncryptedTextField(
        _("closing notes"), blank=True, default="", max_length=limits.NOTES_MAX
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-intake_date", "-created_at"]
        indexes = [models.Index(fields=["status", "intake_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=Status.CLOSED, closed_at__isnull=False)
                | (~Q(status=Status.CLOSED) & Q(closed_at__isnull=True)),
                name="victims_case_closed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=True) | Q(person__isnull=True),
                name="victims_case_anonymised_has_no_person",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseStatusChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    note = EncryptedTextField(blank=True, default="", max_length=limits.REASON_MAX)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status}"


class Assignment(models.Model):
    """A case worker on a case, in one profession. Ended assignments stay as history."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="vsu_assignments",
        verbose_name=_("case worker"),
    )
    profession = models.CharField(_("profession"), max_length=20, choices=Profession.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "worker"],
                condition=Q(ended_at__isnull=True),
                name="victims_assignment_one_active_per_worker",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.worker_id} ({self.profession})"


class BreakGlass(models.Model):
    """A supervisor's time-limited access to a case outside their scope, with the reason."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(max_length=limits.REASON_MAX)
    opened_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.user_id} until {self.expires_at:%Y-%m-%d %H:%M}"
