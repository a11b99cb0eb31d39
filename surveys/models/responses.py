"""What respondents gave: invitations, responses and their answers, imports and exports."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from curim.areas.models import Area
from surveys.models.choices import AgeBand, Gender, RespondentGroup
from surveys.models.questionnaire import Choice, Question, Survey


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
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="imports"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
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

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="responses"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    # Save and continue: the respondent keeps a key; only its hash is stored. NULL, not "",
    # when there is none, so that uniqueness holds among the keys only.
    resume_key_hash = models.CharField(  # noqa: DJ001
        _("resume key hash"), max_length=64, unique=True, null=True, editable=False
    )
    invitation = models.OneToOneField(
        Invitation,
        verbose_name=_("invitation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="response",
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
        ImportBatch,
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # Complete responses are final. Set once the response's scores are in the cell statistics,
    # so that an incremental refresh adds exactly the responses not yet counted.
    counted = models.BooleanField(_("counted"), default=False, editable=False)

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


class ExportRecord(models.Model):
    """Every export of raw responses: who, which wave, which format, how many rows, when."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="exports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    file_format = models.CharField(_("format"), max_length=4)
    rows = models.PositiveIntegerField(_("rows"))
    created_at = models.DateTimeField(_("exported"), auto_now_add=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.file_format} {self.created_at:%Y-%m-%d}"
