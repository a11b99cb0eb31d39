"""The support given on a case: sessions, referrals to services, consents and documents."""

import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from curim.core.bilingual import in_current_language
from curim.core.encrypted_fields import EncryptedTextField
from victims.models import limits
from victims.models.cases import Case
from victims.models.choices import (
    Channel,
    ConsentScope,
    ReferralOutcome,
    ReferralStatus,
    ServiceKind,
    SupportKind,
)
from victims.storage import document_storage


class SupportSession(models.Model):
    """A session or contact with the victim."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(_("kind of support"), max_length=20, choices=SupportKind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    held_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    notes = EncryptedTextField(_("notes"), blank=True, default="", max_length=limits.NOTES_MAX)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_at", "created_at"]

    def __str__(self) -> str:
        return f"{self.held_at:%Y-%m-%d} {self.kind} ({self.channel})"


class Service(models.Model):
    """An external service in the directory the unit refers victims to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_el = models.CharField(_("name (Greek)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ServiceKind.choices)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(
        _("notes"),
        blank=True,
        max_length=limits.REASON_MAX,
        validators=[MaxLengthValidator(limits.REASON_MAX)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_current_language(self, "name")


class ConsentText(models.Model):
    """A version of the text a victim agrees to; new wording is a new version, never an edit."""

    scope = models.CharField(max_length=20, choices=ConsentScope.choices)
    version = models.CharField(max_length=20)
    text_en = models.TextField()
    text_el = models.TextField()
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scope", "-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "version"], name="victims_consenttext_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} v{self.version}"

    @property
    def text(self) -> str:
        return in_current_language(self, "text")


class Consent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("scope"), max_length=20, choices=ConsentScope.choices)
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(_("given"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["given_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope=ConsentScope.REFERRAL) & Q(service__isnull=False))
                | (Q(scope=ConsentScope.CONTACT) & ~Q(channel=""))
                | Q(scope=ConsentScope.PROCESSING),
                name="victims_consent_names_its_object",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.service_id or self.channel} ({self.given_at:%Y-%m-%d})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("service")
    )
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="referrals")
    reason = EncryptedTextField(_("reason"), blank=True, default="", max_length=limits.REASON_MAX)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReferralStatus.choices,
        default=ReferralStatus.PROPOSED,
    )
    outcome = models.CharField(
        _("outcome"), max_length=30, choices=ReferralOutcome.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.service_id} ({self.status})"


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    title = EncryptedTextField(_("title"), max_length=limits.TITLE_MAX)
    original_name = EncryptedTextField(max_length=limits.TITLE_MAX)
    # A random name on disk; the bytes are encrypted by the storage.
    file = models.FileField(storage=document_storage, max_length=100)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return f"{self.id} ({self.content_type})"
