"""The sessions of a social intervention: when, where, who led it, how many came from which
group (counts only: nothing about a participant is kept), an optional short questionnaire
before and after (survey waves), and, for advisory meetings, the proposals heard."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from curim.areas.models import Area
from interventions.models.choices import ParticipantGroup, SessionPlace
from interventions.models.interventions import NAME_MAX, TITLE_MAX, Intervention
from surveys.models import Survey

PROPOSAL_MAX = 5_000
# Greek schools count years 1-6 (primary), then 7-9 (gymnasium) and 10-12 (lyceum).
SCHOOL_YEAR_MAX = 12


class Session(models.Model):
    intervention = models.ForeignKey(
        Intervention,
        verbose_name=_("intervention"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    held_on = models.DateField(_("date"))
    place_kind = models.CharField(_("kind of place"), max_length=30, choices=SessionPlace.choices)
    place_name = models.CharField(_("place"), max_length=TITLE_MAX)
    area = models.ForeignKey(
        Area,
        verbose_name=_("district or neighbourhood"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    facilitator = models.CharField(_("facilitator"), max_length=NAME_MAX)
    notes = models.TextField(
        _("notes"), blank=True, max_length=5_000, validators=[MaxLengthValidator(5_000)]
    )
    # A short questionnaire before and after, built in the survey module (a wave each).
    survey_before = models.ForeignKey(
        Survey,
        verbose_name=_("questionnaire before"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    survey_after = models.ForeignKey(
        Survey,
        verbose_name=_("questionnaire after"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.place_name}"

    def clean(self) -> None:
        if (
            self.survey_before_id
            and self.survey_after_id
            and self.survey_before_id == self.survey_after_id
        ):
            raise ValidationError(
                {"survey_after": _("The questionnaire after is another wave than the one before.")}
            )

    @property
    def participants_total(self) -> int:
        return sum(row.count for row in self.participants.all())


class Participants(models.Model):
    """How many of a group took part in a session (students by school year)."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="participants"
    )
    group = models.CharField(_("group"), max_length=20, choices=ParticipantGroup.choices)
    school_year = models.PositiveSmallIntegerField(
        _("school year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(SCHOOL_YEAR_MAX)],
        help_text=_("For students: 1-6 primary, 7-9 gymnasium, 10-12 lyceum."),
    )
    count = models.PositiveIntegerField(
        _("participants"), validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )

    class Meta:
        verbose_name = _("participants")
        verbose_name_plural = _("participants")
        ordering = ["session", "group", "school_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "group", "school_year"],
                nulls_distinct=False,
                name="participants_once_per_group",
            ),
            models.CheckConstraint(
                condition=models.Q(school_year__isnull=True) | models.Q(group="students"),
                name="participants_school_year_for_students",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()}: {self.count}"

    def clean(self) -> None:
        if self.school_year is not None and self.group != ParticipantGroup.STUDENTS:
            raise ValidationError({"school_year": _("Only students have a school year.")})


class Proposal(models.Model):
    """A proposal heard at an advisory meeting with citizens. The council's secretary may put
    it on the council's next agenda (`councils` reads the proposals sent to it)."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="proposals"
    )
    text = models.TextField(
        _("proposal"), max_length=PROPOSAL_MAX, validators=[MaxLengthValidator(PROPOSAL_MAX)]
    )
    sent_to_council_at = models.DateTimeField(_("sent to the council"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["session", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
