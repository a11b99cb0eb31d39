"""The safety survey: waves with sections and questions, responses, indicators, estimates.

A survey is one wave ("Baseline 2020", "Follow-up 2023"). Questions carry a code that stays the
same from wave to wave, so that an indicator, defined by question codes, is measured alike in
every wave. Once a wave has responses, what its answers mean is frozen (`Question.clean`,
`Choice.clean` and PROTECT on the answers' foreign keys).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from curim.areas.models import Area
from curim.core.bilingual import in_current_language


class RespondentGroup(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    SHOP_OWNER = "shop_owner", _("Shop owner")
    EMPLOYEE = "employee", _("Local employee")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Other, or prefer not to say")


class AgeBand(models.TextChoices):
    A18 = "18-24", _("18–24")
    A25 = "25-34", _("25–34")
    A35 = "35-44", _("35–44")
    A45 = "45-54", _("45–54")
    A55 = "55-64", _("55–64")
    A65 = "65+", _("65 and over")


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

    class Meta:
        verbose_name = _("survey wave")
        verbose_name_plural = _("survey waves")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title_en

    @property
    def title(self) -> str:
        return in_current_language(self, "title")

    @property
    def intro(self) -> str:
        return in_current_language(self, "intro")

    def clean(self) -> None:
        if self.code in ("dashboard", "staff"):  # addresses of their own under /surveys/
            raise ValidationError({"code": _("This code is taken by the dashboard.")})

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
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
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


class Invitation(models.Model):
    """A one-response token for waves by invitation; only its hash is stored."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    label = models.CharField(_("label"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.label or str(self.pk)


class ImportBatch(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="imports")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=255)
    rows = models.PositiveIntegerField(_("rows"))
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


class Response(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETE = "complete", _("Complete")

    class Source(models.TextChoices):
        WEB = "web", _("On the web")
        PAPER = "paper", _("Paper, entered by staff")
        IMPORT = "import", _("Imported")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    # Save and continue: the respondent keeps a key; only its hash is stored. NULL, not "",
    # when there is none, so that uniqueness holds among the keys only.
    resume_key_hash = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.PROTECT, related_name="response"
    )
    group = models.CharField(_("respondent group"), max_length=12, choices=RespondentGroup.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("district"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    age_band = models.CharField(_("age"), max_length=6, choices=AgeBand.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # Complete responses are final. Set once the response's scores are in the cell statistics,
    # so that an incremental refresh adds exactly the responses not yet counted.
    counted = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["survey", "status"], name="response_survey_status_idx"),
            models.Index(fields=["survey", "updated_at"], name="response_survey_updated_idx"),
            # What an incremental refresh looks for: few rows, found without a scan.
            models.Index(
                fields=["survey"],
                condition=models.Q(status="complete", counted=False),
                name="response_uncounted_idx",
            ),
        ]

    def __str__(self) -> str:
        return str(self.public_id)


class Answer(models.Model):
    """One answer: a number (Likert point or number), a choice, a district, or text.

    A multiple-choice question has one row per chosen option.
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.ForeignKey(
        Choice, null=True, blank=True, on_delete=models.PROTECT, related_name="answers"
    )
    number = models.FloatField(null=True, blank=True)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(blank=True, max_length=5000)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "choice"],
                nulls_distinct=False,
                name="answer_once",
            )
        ]
        indexes = [models.Index(fields=["question", "response"], name="answer_question_idx")]

    def __str__(self) -> str:
        return f"{self.question.code}"


class PopulationMargin(models.Model):
    """How many people a district, gender or age band (or a cell of them) holds.

    With every cell (district × gender × age band) given, estimates are post-stratified; with
    one-way margins only (rows with the other dimensions blank), the weights are raked.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="margins")
    area = models.ForeignKey(
        Area,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("age"), max_length=6, choices=AgeBand.choices, blank=True)
    population = models.PositiveIntegerField(_("population"))

    class Meta:
        verbose_name = _("population margin")
        verbose_name_plural = _("population margins")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "area", "gender", "age_band"],
                nulls_distinct=False,
                name="margin_once",
            ),
            models.CheckConstraint(
                condition=models.Q(area__isnull=False)
                | ~models.Q(gender="")
                | ~models.Q(age_band=""),
                name="margin_names_a_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area or '*'} {self.gender or '*'} {self.age_band or '*'}: {self.population}"


class CellStatistic(models.Model):
    """One indicator's respondent scores in one fine cell of a wave: n, mean, squared deviations.

    A fine cell is district × group × gender × age band. Weights are constant within a
    profile cell, so every estimate, weighted or not, is computed from these; new responses
    are merged into them without reading the others.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(Area, null=True, on_delete=models.CASCADE, related_name="+")
    group = models.CharField(max_length=12)
    gender = models.CharField(max_length=6)
    age_band = models.CharField(max_length=6)
    n = models.PositiveIntegerField()
    mean = models.FloatField()  # of y
    m2 = models.FloatField()  # the sum of squared deviations of y from the mean

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "indicator", "area", "group", "gender", "age_band"],
                nulls_distinct=False,
                name="cell_statistic_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id} {self.group} {self.gender} {self.age_band}"


class IndicatorEstimate(models.Model):
    """One row of the indicator snapshot: an estimate for a wave, district and group.

    A blank district or group means all of them. Written only by `surveys.estimates`; a cell
    with fewer than SURVEY_MIN_CELL_SIZE respondents is stored as `suppressed`, with no n and no
    values, so that no output can show them.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="estimates")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="estimates")
    area = models.ForeignKey(Area, null=True, on_delete=models.CASCADE, related_name="+")
    group = models.CharField(max_length=12, choices=RespondentGroup.choices, blank=True)
    n = models.PositiveIntegerField(null=True)
    weighted = models.BooleanField(default=False)
    suppressed = models.BooleanField(default=False)
    estimate = models.FloatField(null=True)
    std_error = models.FloatField(null=True)
    ci_low = models.FloatField(null=True)
    ci_high = models.FloatField(null=True)
    effective_n = models.FloatField(null=True)

    class Meta:
        verbose_name = _("indicator estimate")
        verbose_name_plural = _("indicator estimates")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "indicator", "area", "group"],
                nulls_distinct=False,
                name="estimate_once",
            ),
            models.CheckConstraint(
                condition=models.Q(suppressed=False)
                | models.Q(n__isnull=True, estimate__isnull=True, std_error__isnull=True),
                name="estimate_suppressed_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id or '*'} {self.group or '*'}"


class SurveyRefresh(models.Model):
    """Where the background refresh of one wave's estimates stands."""

    class State(models.TextChoices):
        IDLE = "idle", _("Up to date")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        FAILED = "failed", _("Failed")

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="refresh")
    # Bumped by every change the estimates depend on: responses, margins, indicators.
    changed_at = models.DateTimeField(_("data changed"), null=True)
    # The `changed_at` the last successful refresh covered; behind it means stale.
    refreshed_through = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(_("last refresh"), null=True)
    # Set by changes that new responses alone do not explain (margins, indicators, questions):
    # the next refresh rebuilds the cell statistics instead of adding to them.
    needs_rebuild = models.BooleanField(default=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.IDLE)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("estimate refresh")
        verbose_name_plural = _("estimate refreshes")

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.state}"


class ExportRecord(models.Model):
    """Every export of raw responses: who, which wave, which format, how many rows, when."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="exports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_format = models.CharField(_("format"), max_length=4)
    rows = models.PositiveIntegerField(_("rows"))
    created_at = models.DateTimeField(_("exported"), auto_now_add=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.file_format} {self.created_at:%Y-%m-%d}"
