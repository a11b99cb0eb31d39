"""The council, the organisations that sit on it, and who represents them (Popolo's shape:
a membership ties a person to the council, on behalf of an organisation, in a position, for a
period)."""

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from councils.models import limits
from councils.models.choices import Position, Sector
from councils.models.constraints import FieldCheckConstraint, FieldUniqueConstraint
from councils.models.texts import in_either_language
from curim.accounts.roles import Role, user_has_role
from curim.areas.models import Area


def _one_language(field: str, name: str, message: StrOrPromise) -> FieldCheckConstraint:
    return FieldCheckConstraint(
        field=f"{field}_en",
        condition=~models.Q(**{f"{field}_en": ""}) | ~models.Q(**{f"{field}_el": ""}),
        name=name,
        violation_error_message=message,
    )


class Council(models.Model):
    """A Local Council for Crime Prevention, for one area, with its term."""

    slug = models.SlugField(
        _("code"), max_length=64, unique=True, help_text=_("Used in the council's addresses.")
    )
    name_en = models.CharField(_("name (English)"), max_length=limits.NAME_MAX, blank=True)
    name_el = models.CharField(_("name (Greek)"), max_length=limits.NAME_MAX, blank=True)
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    purpose_en = models.TextField(
        _("purpose (English)"),
        blank=True,
        max_length=limits.TEXT_MAX,
        validators=[MaxLengthValidator(limits.TEXT_MAX)],
    )
    purpose_el = models.TextField(
        _("purpose (Greek)"),
        blank=True,
        max_length=limits.TEXT_MAX,
        validators=[MaxLengthValidator(limits.TEXT_MAX)],
    )
    term_starts_on = models.DateField(_("term starts"))
    term_ends_on = models.DateField(_("term ends"), null=True, blank=True)
    quorum = models.PositiveSmallIntegerField(
        _("quorum"),
        null=True,
        blank=True,
        help_text=_(
            "How many members must attend for the council to decide. Empty: a majority of "
            "its current members (observers not counted)."
        ),
    )
    reference_prefix = models.CharField(
        _("reference prefix"),
        max_length=12,
        unique=True,
        default="LCCP",
        validators=[
            RegexValidator(
                r"^[A-Z][A-Z0-9]{1,11}$",
                _("Capital Latin letters and digits, starting with a letter."),
            )
        ],
        help_text=_("Recommendations are numbered PREFIX-YEAR-NUMBER, e.g. LCCP-2026-07."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("crime prevention council")
        verbose_name_plural = _("crime prevention councils")
        ordering = ["name_en", "name_el"]
        constraints = [
            _one_language("name", "council_named", _("Give the name in English or in Greek.")),
            FieldCheckConstraint(
                field="term_ends_on",
                condition=models.Q(term_ends_on__isnull=True)
                | models.Q(term_ends_on__gte=models.F("term_starts_on")),
                name="council_term_ends_after_start",
                violation_error_message=_("The term ends before it starts."),
            ),
            FieldCheckConstraint(
                field="quorum",
                condition=models.Q(quorum__isnull=True) | models.Q(quorum__gte=1),
                name="council_quorum_positive",
                violation_error_message=_("A quorum is at least one member."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_either_language(self, "name")

    @property
    def purpose(self) -> str:
        return in_either_language(self, "purpose")


class Organisation(models.Model):
    """A body represented on councils: the police, the municipality, a school, an association."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    name_en = models.CharField(_("name (English)"), max_length=limits.NAME_MAX, blank=True)
    name_el = models.CharField(_("name (Greek)"), max_length=limits.NAME_MAX, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["sector", "name_en", "name_el"]
        constraints = [
            _one_language("name", "organisation_named", _("Give the name in English or in Greek.")),
            FieldUniqueConstraint(
                Lower("name_en"),
                field="name_en",
                condition=~models.Q(name_en=""),
                name="organisation_english_name_unique",
                violation_error_message=_("An organisation with this English name exists."),
            ),
            FieldUniqueConstraint(
                Lower("name_el"),
                field="name_el",
                condition=~models.Q(name_el=""),
                name="organisation_greek_name_unique",
                violation_error_message=_("An organisation with this Greek name exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_either_language(self, "name")


class Membership(models.Model):
    """A person's seat on a council, on behalf of an organisation (Popolo's Membership).

    The person is a user account holding a council role; the name is shown to the public only
    when `name_public` says so (the organisation and the position always are).
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    council = models.ForeignKey(
        Council,
        verbose_name=_("council"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="council_memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("on behalf of"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    position = models.CharField(
        _("position"), max_length=12, choices=Position.choices, default=Position.MEMBER
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    name_public = models.BooleanField(
        _("name shown to the public"),
        default=False,
        help_text=_("Only with the person's agreement. The organisation is always shown."),
    )

    class Meta:
        verbose_name = _("council membership")
        verbose_name_plural = _("council memberships")
        ordering = ["council", "position", "starts_on", "pk"]
        constraints = [
            FieldCheckConstraint(
                field="ends_on",
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
                violation_error_message=_("The membership ends before it starts."),
            ),
            FieldUniqueConstraint(
                fields=["council", "person"],
                field="person",
                condition=models.Q(ends_on__isnull=True),
                name="membership_one_open_per_person",
                violation_error_message=_(
                    "This person already sits on the council without an end date."
                ),
            ),
            FieldUniqueConstraint(
                fields=["council"],
                field="position",
                condition=models.Q(position="chair", ends_on__isnull=True),
                name="membership_one_open_chair",
                violation_error_message=_(
                    "The council has a chair without an end date: end that membership first."
                ),
            ),
        ]
        indexes = [models.Index(fields=["council", "starts_on"], name="membership_period_idx")]

    def __str__(self) -> str:
        return _("%(person)s, %(position)s for %(organisation)s") % {
            "person": self.person if self.person_id else "—",
            "position": self.get_position_display(),
            "organisation": self.organisation if self.organisation_id else "—",
        }

    def is_current(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on <= self.ends_on)

    def clean(self) -> None:
        if self.person_id is None or self.council_id is None or self.starts_on is None:
            return  # the form reports the missing field itself
        if not user_has_role(self.person, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY):
            raise ValidationError(
                {"person": _("Give this account the council member or secretary role first.")}
            )
        if self.ends_on is not None and self.ends_on < self.starts_on:
            return  # the constraint says so
        overlapping = Membership.objects.filter(council=self.council_id).exclude(pk=self.pk)
        overlapping = overlapping.filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=self.starts_on)
        )
        if self.ends_on is not None:
            overlapping = overlapping.filter(starts_on__lte=self.ends_on)
        if overlapping.filter(person=self.person_id).exists():
            raise ValidationError(
                {"starts_on": _("This person sits on the council in part of this period already.")}
            )
        if self.position == Position.CHAIR and overlapping.filter(position=Position.CHAIR).exists():
            raise ValidationError(
                {"position": _("The council has another chair in part of this period.")}
            )
