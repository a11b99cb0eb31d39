"""Recommendations of a council, the action items that carry them out, and their progress.

A recommendation's progress is never stored: it is derived from its action items' latest
progress updates (`councils.progress`), so that the number and the rule shown with it cannot
disagree with the updates behind them.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from councils.models import limits
from councils.models.bodies import Council, Organisation
from councils.models.choices import (
    ActionItemStatus,
    DecisionOutcome,
    RecommendationPriority,
    RecommendationStatus,
)
from councils.models.constraints import FieldCheckConstraint
from councils.models.evidence import EvidenceLinks
from councils.models.minutes import Decision
from councils.models.texts import in_either_language
from curim.accounts.roles import Role, user_has_role

# What the council adopted: once adopted, these change only to fill a language left empty.
ADOPTED_WORDING = ("title_en", "title_el", "text_en", "text_el", "rationale_en", "rationale_el")


def _text(
    verbose_name: StrOrPromise, max_length: int = limits.TEXT_MAX
) -> models.TextField[str, str]:
    return models.TextField(
        verbose_name, blank=True, max_length=max_length, validators=[MaxLengthValidator(max_length)]
    )


class Recommendation(EvidenceLinks):
    council = models.ForeignKey(
        Council,
        verbose_name=_("council"),
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    reference = models.CharField(
        _("reference"),
        max_length=30,
        unique=True,
        editable=False,
        help_text=_("Given when the recommendation is recorded, e.g. LCCP-2026-07."),
    )
    title_en = models.CharField(_("title (English)"), max_length=limits.TITLE_MAX, blank=True)
    title_el = models.CharField(_("title (Greek)"), max_length=limits.TITLE_MAX, blank=True)
    text_en = _text(_("text (English)"))
    text_el = _text(_("text (Greek)"))
    rationale_en = _text(_("rationale (English)"))
    rationale_el = _text(_("rationale (Greek)"))
    addressees = models.ManyToManyField(
        Organisation,
        verbose_name=_("addressed to"),
        blank=True,
        related_name="addressed_recommendations",
    )
    priority = models.CharField(
        _("priority"),
        max_length=8,
        choices=RecommendationPriority.choices,
        default=RecommendationPriority.MEDIUM,
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    # The interventions that carry it out (the interventions app knows nothing of the council:
    # the link is kept here, on the side that may read the other).
    interventions = models.ManyToManyField(
        "interventions.Intervention",
        verbose_name=_("interventions that implement it"),
        blank=True,
        related_name="+",
    )
    adopted_by = models.ForeignKey(
        Decision,
        verbose_name=_("adopted by the decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adopted_recommendations",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.PROPOSED,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta(EvidenceLinks.Meta):
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            *EvidenceLinks.Meta.constraints,
            FieldCheckConstraint(
                field="title_en",
                condition=~models.Q(title_en="") | ~models.Q(title_el=""),
                name="recommendation_titled",
                violation_error_message=_("Give the title in English or in Greek."),
            ),
            FieldCheckConstraint(
                field="adopted_by",
                condition=models.Q(status__in=["proposed", "withdrawn"])
                | models.Q(adopted_by__isnull=False),
                name="recommendation_adopted_by_a_decision",
                violation_error_message=_(
                    "An adopted recommendation names the decision that adopted it."
                ),
            ),
        ]
        indexes = [models.Index(fields=["council", "status"], name="recommendation_status_idx")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()

    @property
    def title(self) -> str:
        return in_either_language(self, "title")

    @property
    def text(self) -> str:
        return in_either_language(self, "text")

    @property
    def rationale(self) -> str:
        return in_either_language(self, "rationale")

    def clean(self) -> None:
        errors = dict(self.evidence_clean())
        stored = None
        if not self._state.adding:
            stored = (
                Recommendation.objects.filter(pk=self.pk).values("status", *ADOPTED_WORDING).first()
            )
        if stored is not None and stored["status"] == RecommendationStatus.WITHDRAWN:
            raise ValidationError({"status": _("A withdrawn recommendation no longer changes.")})
        if stored is not None and stored["status"] != RecommendationStatus.PROPOSED:
            for name in ADOPTED_WORDING:
                if stored[name] and stored[name] != getattr(self, name):
                    errors[name] = str(_("The council adopted this wording: it no longer changes."))
        decision = self.adopted_by
        if decision is not None and self.council_id is not None:
            if decision.agenda_item.meeting.council_id != self.council_id:
                errors["adopted_by"] = str(_("The decision is another council's."))
            elif decision.outcome != DecisionOutcome.ADOPTED:
                errors["adopted_by"] = str(_("The decision was not adopted."))
        if errors:
            raise ValidationError(errors)


class ReferenceSequence(models.Model):
    """The last number given to a council's recommendations in a year. Numbers are taken by
    one atomic upsert (`services.recommendations`), never reused, even after a deletion."""

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number given"))

    class Meta:
        verbose_name = _("reference sequence")
        verbose_name_plural = _("reference sequences")
        constraints = [
            models.UniqueConstraint(fields=["council", "year"], name="reference_sequence_once")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class RecommendationStatusChange(models.Model):
    """One step of a recommendation's timeline: dated, attributed, with a note for the public."""

    # Names the step outside the site (the Atom feed's entry ids, the open data) for good: a
    # position in the timeline would change, and the primary key would count hidden steps.
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=RecommendationStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=RecommendationStatus.choices)
    note = _text(_("note (public)"), limits.NOTE_MAX)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("status change of a recommendation")
        verbose_name_plural = _("status changes of recommendations")
        ordering = ["recommendation", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class ActionItem(models.Model):
    """A task that carries a recommendation out, owned by an organisation (and a person)."""

    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    title_en = models.CharField(_("title (English)"), max_length=limits.TITLE_MAX, blank=True)
    title_el = models.CharField(_("title (Greek)"), max_length=limits.TITLE_MAX, blank=True)
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="council_action_items",
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_(
            "How much the item counts in the recommendation's progress. Leave empty on every "
            "item for a plain mean."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ActionItemStatus.choices,
        default=ActionItemStatus.NOT_STARTED,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["recommendation", "due_on", "pk"]
        constraints = [
            FieldCheckConstraint(
                field="title_en",
                condition=~models.Q(title_en="") | ~models.Q(title_el=""),
                name="action_item_titled",
                violation_error_message=_("Give the title in English or in Greek."),
            ),
            FieldCheckConstraint(
                field="weight",
                condition=models.Q(weight__isnull=True) | models.Q(weight__gte=0),
                name="action_item_weight_not_negative",
                violation_error_message=_("A weight is zero or more."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_either_language(self, "title")

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (
            self.recommendation_id is not None
            and self.recommendation.status == RecommendationStatus.WITHDRAWN
        ):
            errors["recommendation"] = str(
                _("The recommendation was withdrawn: its items no longer change.")
            )
        person = self.owner_person
        if person is not None and not user_has_role(
            person, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY
        ):
            errors["owner_person"] = str(
                _("The owner needs the council member role to post updates.")
            )
        if errors:
            raise ValidationError(errors)


class ProgressUpdate(models.Model):
    """How far an action item had got on a day, in the owner's words."""

    # Names the update outside the site (the Atom feed's entry ids, the open data) for good.
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    action_item = models.ForeignKey(
        ActionItem,
        verbose_name=_("action item"),
        on_delete=models.CASCADE,
        related_name="progress_updates",
    )
    on = models.DateField(_("date"))
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    text = _text(_("what was done"), limits.NOTE_MAX)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        # The latest update is the last one dated, and of one day, the last written.
        ordering = ["action_item", "on", "created_at", "pk"]
        constraints = [
            FieldCheckConstraint(
                field="percent",
                condition=models.Q(percent__gte=0, percent__lte=100),
                name="progress_update_percent_range",
                violation_error_message=_("Progress is a percentage, from 0 to 100."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.on}: {self.percent}%"
