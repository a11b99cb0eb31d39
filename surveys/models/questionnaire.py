"""What a wave asks and what it measures: waves, sections, questions, choices, indicators.

A survey is one wave ("Baseline 2020", "Follow-up 2023"). Questions carry a code that stays the
same from wave to wave, so that an indicator, defined by question codes, is measured alike in
every wave. Once a wave has responses, what its answers mean is frozen (`Question.clean`,
`Choice.clean` and PROTECT on the answers' foreign keys).
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from curim.core.bilingual import in_current_language

# Written only by `services.publication` (see `Survey.save`).
PUBLICATION_FIELDS = ("results_published_at", "results_published_by")

# Wave codes that would collide with pages of their own under /surveys/.
RESERVED_WAVE_CODES = frozenset({"dashboard", "staff", "results"})


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for responses")
        CLOSED = "closed", _("Closed")

    code = models.SlugField(_("code"), unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_el = models.CharField(_("title (Greek)"), max_length=200)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    intro_el = models.TextField(_("introduction (Greek)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    uses_invitations = models.BooleanField(
        _("by invitation only"),
        default=False,
        help_text=_("One response per invitation token; otherwise open, limited per address."),
    )
    follows = models.ForeignKey(
        "self",
        verbose_name=_("follows the wave"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Set and cleared only by `services.publication`: the council's analysts decide when a
    # closed wave's results (its estimates and changes) are open to the public.
    results_published_at = models.DateTimeField(
        _("results published"), null=True, blank=True, editable=False
    )
    results_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("results published by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("survey wave")
        verbose_name_plural = _("survey waves")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(results_published_at__isnull=True) | models.Q(status="closed"),
                name="survey_results_published_only_when_closed",
                violation_error_message=_(
                    "Only a closed wave's results can be published: withdraw them first."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title_en

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saving a wave never writes whether its results are published: only
        `services.publication` does, naming the fields (an admin's form loaded before a
        withdrawal must not publish the results again)."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in PUBLICATION_FIELDS
            ]
        super().save(*args, **kwargs)

    @property
    def title(self) -> str:
        return in_current_language(self, "title")

    @property
    def intro(self) -> str:
        return in_current_language(self, "intro")

    def clean(self) -> None:
        if self.code in RESERVED_WAVE_CODES:
            raise ValidationError({"code": _("This code is taken by a page of its own.")})
        # The constraint's field is not on the admin's form, so the form would not check it;
        # and it is read from the database, which a form loaded earlier may not know.
        published = (
            self.pk is not None
            and Survey.objects.filter(pk=self.pk, results_published_at__isnull=False).exists()
        )
        if published and self.status != self.Status.CLOSED:
            raise ValidationError(
                {
                    "status": _(
                        "The wave's results are published: withdraw them on the survey data "
                        "page before reopening the wave."
                    )
                }
            )

    @property
    def results_published(self) -> bool:
        return self.results_published_at is not None

    def has_responses(self) -> bool:
        return self.pk is not None and self.responses.exists()


class Section(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_el = models.CharField(_("title (Greek)"), max_length=200)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["survey", "position", "pk"]

    def __str__(self) -> str:
        return self.title_en

    @property
    def title(self) -> str:
        return in_current_language(self, "title")


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Likert scale")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Free text")
    DISTRICT = "district", _("District")


# The respondent profile's fields share the namespace of question codes in forms and imports.
RESERVED_CODES = frozenset(
    {"group", "district", "age_band", "gender", "token", "action", "website"}
)

# What an answer's meaning depends on; frozen once the wave has responses.
FROZEN_QUESTION_FIELDS = ("code", "kind", "scale_min", "scale_max", "section_id")
FROZEN_CHOICE_FIELDS = ("code", "score", "question_id")


class Question(models.Model):
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.SlugField(
        _("code"),
        max_length=50,
        help_text=_("Kept the same across waves; used by indicators and in imports."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text_en = models.TextField(_("question (English)"))
    text_el = models.TextField(_("question (Greek)"))
    help_en = models.CharField(_("help (English)"), max_length=300, blank=True)
    help_el = models.CharField(_("help (Greek)"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=True)
    scale_min = models.SmallIntegerField(_("scale from"), default=1)
    scale_max = models.SmallIntegerField(_("scale to"), default=5)
    low_label_en = models.CharField(_("lowest point (English)"), max_length=100, blank=True)
    low_label_el = models.CharField(_("lowest point (Greek)"), max_length=100, blank=True)
    high_label_en = models.CharField(_("highest point (English)"), max_length=100, blank=True)
    high_label_el = models.CharField(_("highest point (Greek)"), max_length=100, blank=True)
    number_min = models.FloatField(_("smallest number"), null=True, blank=True)
    number_max = models.FloatField(_("largest number"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "section__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="question_code_per_survey"),
            models.CheckConstraint(
                condition=models.Q(scale_min__lt=models.F("scale_max")),
                name="question_scale_rises",
            ),
            models.CheckConstraint(
                condition=models.Q(number_min__isnull=True)
                | models.Q(number_max__isnull=True)
                | models.Q(number_min__lte=models.F("number_max")),
                name="question_number_range_rises",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def text(self) -> str:
        return in_current_language(self, "text")

    @property
    def help(self) -> str:
        return in_current_language(self, "help")

    def clean(self) -> None:
        if self.survey_id is None or self.section_id is None:
            return  # the form reports the missing field itself
        if self.code in RESERVED_CODES:
            raise ValidationError({"code": _("This code names a profile field; choose another.")})
        if self.section.survey_id != self.survey_id:
            raise ValidationError({"section": _("The section belongs to another survey.")})
        if self.kind == QuestionKind.LIKERT and not 2 <= self.scale_max - self.scale_min + 1 <= 11:
            raise ValidationError({"scale_max": _("A scale has between 2 and 11 points.")})
        _refuse_breaking_change(self, FROZEN_QUESTION_FIELDS, self.survey)
        if self.pk is not None and self.survey.has_responses():
            stored = type(self).objects.get(pk=self.pk)
            low = self.number_min is not None and (
                stored.number_min is None or self.number_min > stored.number_min
            )
            high = self.number_max is not None and (
                stored.number_max is None or self.number_max < stored.number_max
            )
            if low or high:
                raise ValidationError(
                    {"number_min": _("The wave has responses: the range may widen, not narrow.")}
                )


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.SlugField(_("code"), max_length=50)
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_el = models.CharField(_("label (Greek)"), max_length=200)
    score = models.FloatField(
        _("score"),
        null=True,
        blank=True,
        help_text=_("The value this choice counts for in indicators, if any."),
    )

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="choice_code_per_question")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        return in_current_language(self, "label")

    def clean(self) -> None:
        if self.question_id is None:
            return  # the form reports the missing field itself
        survey = self.question.survey
        _refuse_breaking_change(self, FROZEN_CHOICE_FIELDS, survey)
        if self.pk is None and self.score is not None and survey.has_responses():
            # A new extreme score would rescale every stored answer of the question.
            scores = [
                s for s in self.question.choices.values_list("score", flat=True) if s is not None
            ]
            if scores and not min(scores) <= self.score <= max(scores):
                raise ValidationError(
                    {
                        "score": _(
                            "The wave has responses: a new choice must score within "
                            "%(low)g–%(high)g."
                        )
                        % {"low": min(scores), "high": max(scores)}
                    }
                )


def _refuse_breaking_change(obj: models.Model, fields: tuple[str, ...], survey: Survey) -> None:
    """Refuse a change to `fields` of a stored row once the survey has responses."""
    if obj.pk is None or not survey.has_responses():
        return
    stored = type(obj)._default_manager.filter(pk=obj.pk).values(*fields).first()
    if stored is None:
        return
    changed = [name for name in fields if stored[name] != getattr(obj, name)]
    if changed:
        raise ValidationError(
            {
                name.removesuffix("_id"): _(
                    "The wave has responses: this would change what they mean. "
                    "Copy the wave into a new one instead."
                )
                for name in changed
            }
        )


class Indicator(models.Model):
    class Method(models.TextChoices):
        MEAN = "mean", _("Mean of the items, rescaled to 0–100")
        SHARE = "share", _("Share (%) whose rescaled score reaches the threshold")

    code = models.SlugField(_("code"), unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_el = models.CharField(_("name (Greek)"), max_length=200)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_el = models.TextField(_("description (Greek)"), blank=True)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    threshold = models.FloatField(
        _("threshold (0–100)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("For shares: the rescaled score a respondent must reach to count."),
    )
    higher_is_better = models.BooleanField(_("higher is better"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(method="share") | models.Q(threshold__isnull=False),
                name="indicator_share_has_threshold",
            )
        ]

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        return in_current_language(self, "name")

    @property
    def description(self) -> str:
        return in_current_language(self, "description")


class IndicatorItem(models.Model):
    """A question (by its code, in every wave) that measures an indicator."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="items")
    question_code = models.SlugField(_("question code"), max_length=50)
    reverse = models.BooleanField(
        _("reverse-coded"), default=False, help_text=_("A high answer means a low score.")
    )

    class Meta:
        verbose_name = _("indicator item")
        verbose_name_plural = _("indicator items")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "question_code"], name="indicator_item_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.question_code}"
