"""Categories, reports, their history and photos.

A report keeps two locations: `location`, exactly where the citizen put the pin, which never
leaves the staff side; and `public_location`, the centre of the category's privacy grid cell
that holds it, which is all any public output may show.
"""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GistIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from curim.areas.models import Area
from curim.core.bilingual import in_current_language


class CategoryGroup(models.TextChoices):
    INCIVILITY = "incivility", _("Incivility")
    CRIME = "crime", _("Crime witnessed")
    URBAN_RISK = "urban_risk", _("Urban risk")
    CYBER = "cyber", _("Cyber threat")


class ForwardTo(models.TextChoices):
    NONE = "", _("Nobody")
    POLICE = "police", _("Police")
    MUNICIPALITY = "municipality", _("A municipal department")
    VICTIM_SUPPORT = "victim_support", _("Victim Support Unit")


class Category(models.Model):
    slug = models.SlugField(_("code"), max_length=64, unique=True)
    group = models.CharField(_("group"), max_length=16, choices=CategoryGroup.choices)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_el = models.CharField(_("name (Greek)"), max_length=120)
    may_be_public = models.BooleanField(
        _("may be public"),
        default=True,
        help_text=_("Reports in this category never appear in any public output when off."),
    )
    location_required = models.BooleanField(_("location required"), default=True)
    grid_size_m = models.PositiveIntegerField(
        _("privacy grid (m)"),
        default=100,
        validators=[MinValueValidator(25), MaxValueValidator(5000)],
        help_text=_("Public locations are the centre of a square cell of this size."),
    )
    forward_to = models.CharField(
        _("forwarded to"), max_length=16, choices=ForwardTo.choices, blank=True
    )
    forward_department = models.CharField(_("department"), max_length=120, blank=True)
    is_victimisation = models.BooleanField(
        _("victimisation"),
        default=False,
        help_text=_("The reporter may ask the Victim Support Unit to contact them."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["group", "position", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_current_language(self, "name")

    def clean(self) -> None:
        # The reporters of a category that is never public were told their reports would never
        # be shown: no later change of the category may show them.
        if self.pk is None or not self.may_be_public:
            return
        stored = Category.objects.filter(pk=self.pk).values_list("may_be_public", flat=True)
        if stored.first() is False and self.reports.exists():
            raise ValidationError(
                {
                    "may_be_public": _(
                        "This category's reporters were told their reports would never be "
                        "shown: it cannot be made public while it has reports. Add a new public "
                        "category instead."
                    )
                }
            )


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    SPAM = "spam", _("Spam")
    FORWARDED = "forwarded", _("Forwarded")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# Statuses in which a report (of a category that may be public) is shown to the public.
PUBLIC_STATUSES = frozenset(
    {ReportStatus.PUBLISHED, ReportStatus.FORWARDED, ReportStatus.RESOLVED, ReportStatus.CLOSED}
)
OPEN_STATUSES = frozenset({ReportStatus.SUBMITTED, ReportStatus.PUBLISHED, ReportStatus.FORWARDED})


class CyberChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    SOCIAL_MEDIA = "social_media", _("Social media")
    WEBSITE = "website", _("Website")
    PHONE = "phone", _("Phone")


def _scale() -> list[MinValueValidator | MaxValueValidator]:
    return [MinValueValidator(1), MaxValueValidator(5)]


class Report(models.Model):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="reports"
    )
    description = models.TextField(
        _("description"), max_length=5000, validators=[MaxLengthValidator(5000)]
    )
    occurred_at = models.DateTimeField(_("when it happened"))
    location = models.PointField(_("exact location"), srid=4326, null=True, blank=True)
    public_location = models.PointField(_("public location"), srid=4326, null=True, blank=True)
    # Web Mercator copy of the public location, kept by PostgreSQL, for vector tiles.
    public_point_3857 = models.GeneratedField(
        verbose_name=_("public location (web Mercator)"),
        expression=Transform("public_location", 3857),
        output_field=models.PointField(srid=3857, null=True),
        db_persist=True,
    )
    area = models.ForeignKey(
        Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.SET_NULL
    )
    severity = models.PositiveSmallIntegerField(_("severity"), validators=_scale())
    feeling_unsafe = models.PositiveSmallIntegerField(_("how unsafe it feels"), validators=_scale())
    cyber_channel = models.CharField(
        _("channel"), max_length=16, choices=CyberChannel.choices, blank=True
    )
    cyber_sender = models.CharField(_("sender or address"), max_length=500, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    public_note = models.TextField(
        _("public note"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, null=True, blank=True)
    # A SHA-256 of the content first sent with the idempotency key: the same key with other
    # content is refused instead of answered with this report.
    idempotency_fingerprint = models.CharField(
        _("fingerprint of the submission"),
        max_length=64,
        blank=True,
        editable=False,
        default="",
        db_default="",
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="report_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(severity__gte=1, severity__lte=5)
                & models.Q(feeling_unsafe__gte=1, feeling_unsafe__lte=5),
                name="report_scales_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(location__isnull=True) | models.Q(public_location__isnull=False),
                name="report_public_location_with_location",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "category"], name="report_status_category_idx"),
            models.Index(fields=["occurred_at"], name="report_occurred_idx"),
            GistIndex(fields=["public_point_3857"], name="report_public_3857_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.category.slug} {self.public_id}"

    def full_clean_own_fields(self) -> None:
        """`full_clean()` of the report's own fields, without a query: related rows come from
        trusted lookups, and uniqueness (a race is caught as IntegrityError) and constraints
        are the database's job."""
        self.full_clean(
            exclude=["public_point_3857", "category", "area", "reporter", "duplicate_of"],
            validate_unique=False,
            validate_constraints=False,
        )


class PublicCell(models.Model):
    """How many public reports of a category lie at one public cell of a district, all time.

    Written only by database triggers (migration 0011) whenever a report or a category changes,
    so it cannot drift from the reports; read by vector tiles that have no period filter, which
    then aggregate thousands of cells instead of a million reports.
    """

    # No index of its own: the unique key below starts with it. Each index here is written
    # whenever a report moves a row to another page, on the submission's path.
    category = models.ForeignKey(
        Category,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    area = models.ForeignKey(
        Area, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    x = models.FloatField()  # the public point in EPSG:3857, as the unique key
    y = models.FloatField()
    point_3857 = models.PointField(srid=3857, spatial_index=False)  # indexed in Meta
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "area", "x", "y"],
                nulls_distinct=False,
                name="public_cell_key",
            ),
        ]
        indexes = [GistIndex(fields=["point_3857"], name="public_cell_point_idx")]

    def __str__(self) -> str:
        return f"{self.count} at ({self.x:.0f}, {self.y:.0f})"


class CouncilMonthCount(models.Model):
    """How many reports of a category happened in a district in one month, as the council's
    figures count them (selectors.reports_counted_for_council: published or further on, in any
    category, duplicates merged into another left out; months in settings.TIME_ZONE).

    Written only by database triggers (migration 0021), in the same transaction as the reports,
    like PublicCell; read by the council's dashboard, which then sums a few thousand rows
    instead of counting two years of reports on each page.
    """

    # No index of its own: the unique key below starts with it.
    category = models.ForeignKey(
        Category,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    area = models.ForeignKey(
        Area,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    month = models.DateField()  # its first day
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "area", "month"],
                nulls_distinct=False,
                name="council_month_count_key",
            ),
        ]
        indexes = [models.Index(fields=["month"], name="council_month_count_month_idx")]

    def __str__(self) -> str:
        return f"{self.count} in {self.month:%Y-%m}"


class PublicCellDays(models.Model):
    """How many public reports of a category lie at one public cell of a district, per day.

    The cells of PublicCell, each with the local dates its reports happened on (in
    settings.TIME_ZONE, as the period filters read them) in order and the running total up to
    each (a day's own count is its total less the one before), so that a period's count is two
    binary searches in one row. Written only by database triggers (migrations 0017, 0018), like
    PublicCell; read by vector tiles with a period.
    """

    # No index of its own: the unique key below starts with it. Each index here is written
    # whenever a report moves a row to another page, on the submission's path.
    category = models.ForeignKey(
        Category,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    area = models.ForeignKey(
        Area, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    x = models.FloatField()  # the public point in EPSG:3857, as the unique key
    y = models.FloatField()
    point_3857 = models.PointField(srid=3857, spatial_index=False)  # indexed in Meta
    days = ArrayField(models.DateField())  # in order, each once
    running = ArrayField(models.PositiveIntegerField())  # up to and including each day
    count = models.PositiveIntegerField()  # all time

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "area", "x", "y"],
                nulls_distinct=False,
                name="public_cell_days_key",
            ),
        ]
        indexes = [GistIndex(fields=["point_3857"], name="public_cell_days_point_idx")]

    def __str__(self) -> str:
        return f"{self.count} at ({self.x:.0f}, {self.y:.0f}) over {len(self.days)} days"


class ReportEvent(models.Model):
    """One line of a report's history: who did what, and when."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        STATUS = "status", _("Status changed")
        MERGED = "merged", _("Merged into another report")
        NOTE = "note", _("Note")
        EDITED = "edited", _("Edited by a moderator")

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    from_status = models.CharField(
        _("from status"), max_length=16, choices=ReportStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("to status"), max_length=16, choices=ReportStatus.choices, blank=True
    )
    note = models.TextField(
        _("note"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )
    # Where a forwarded report went (FORWARDED events): one of ForwardTo, and a department.
    forwarded_to = models.CharField(
        _("forwarded to"), max_length=16, choices=ForwardTo.choices, blank=True, default=""
    )
    forward_department = models.CharField(_("department"), max_length=120, blank=True, default="")
    # What a moderator's edit changed (EDITED events), the text before included, for the
    # audit: {"description": {"from": …, "to": …}, "category": {"from": slug, "to": slug}}.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    is_public = models.BooleanField(_("public"), default=False)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        when = f" ({self.created_at:%Y-%m-%d %H:%M})" if self.created_at else ""
        return f"{self.get_kind_display()}{when}"


def photo_path(instance: "ReportPhoto", filename: str) -> str:
    # Random names: nothing about the report or the uploader's file name is in the path.
    return f"reports/{uuid.uuid4().hex}.jpg"


class ReportPhoto(models.Model):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(_("image"), upload_to=photo_path)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return _("Photo %(width)d × %(height)d") % {
            "width": self.width or 0,
            "height": self.height or 0,
        }


class TimeOfDay(models.TextChoices):
    DAY = "day", _("By day")
    NIGHT = "night", _("By night")


# The audit parameters of a place evaluation (as in SafetiPin-style safety audits).
AUDIT_PARAMETERS = {
    "lighting": _("Lighting"),
    "visibility": _("Visibility"),
    "people": _("People around"),
    "security": _("Security presence"),
    "walk_path": _("Walk path"),
}
EVALUATION_GRID_M = 50
# A cell of evaluations is shown (on the map, to the council) once it holds this many ratings,
# so that no single person's rating is exposed.
EVALUATIONS_PER_CELL_MIN = 3


class PlaceEvaluation(models.Model):
    """How safe a place feels, by day or by night, rated 1 (poor) to 5 (good) per parameter."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    location = models.PointField(_("exact location"), srid=4326)
    public_location = models.PointField(_("public location"), srid=4326)
    area = models.ForeignKey(
        Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.SET_NULL
    )
    time_of_day = models.CharField(_("time of day"), max_length=8, choices=TimeOfDay.choices)
    feeling = models.PositiveSmallIntegerField(_("how safe it feels"), validators=_scale())
    lighting = models.PositiveSmallIntegerField(_("lighting"), validators=_scale())
    visibility = models.PositiveSmallIntegerField(_("visibility"), validators=_scale())
    people = models.PositiveSmallIntegerField(_("people around"), validators=_scale())
    security = models.PositiveSmallIntegerField(_("security presence"), validators=_scale())
    walk_path = models.PositiveSmallIntegerField(_("walk path"), validators=_scale())
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("place evaluation")
        verbose_name_plural = _("place evaluations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(feeling__gte=1, feeling__lte=5)
                & models.Q(lighting__gte=1, lighting__lte=5)
                & models.Q(visibility__gte=1, visibility__lte=5)
                & models.Q(people__gte=1, people__lte=5)
                & models.Q(security__gte=1, security__lte=5)
                & models.Q(walk_path__gte=1, walk_path__lte=5),
                name="evaluation_scales_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return _("Evaluation %(reference)s (%(time)s)") % {
            "reference": str(self.public_id)[:8],
            "time": self.get_time_of_day_display(),
        }


class Comment(models.Model):
    """A registered citizen's comment on a public report; shown without the author's name."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    body = models.TextField(_("comment"), max_length=2000, validators=[MaxLengthValidator(2000)])
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PUBLISHED
    )
    flag_count = models.PositiveIntegerField(_("abuse flags"), default=0)
    reviewed = models.BooleanField(_("reviewed by a moderator"), default=False)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return _("Comment %(reference)s: %(start)s") % {
            "reference": str(self.public_id)[:8],
            "start": Truncator(self.body).chars(40),
        }


class CommentFlag(models.Model):
    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="flags"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("flagged by"), on_delete=models.CASCADE
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("flagged"), auto_now_add=True)

    class Meta:
        verbose_name = _("abuse flag")
        verbose_name_plural = _("abuse flags")
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="comment_flag_once")
        ]

    def __str__(self) -> str:
        return _("Abuse flag: %(reason)s") % {
            "reason": Truncator(self.reason).chars(40) or _("no reason given")
        }


class Confirmation(models.Model):
    """A "me too": another citizen has seen the same thing."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="confirmations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("citizen"), on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("“me too” confirmation")
        verbose_name_plural = _("“me too” confirmations")
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="confirmation_once")]

    def __str__(self) -> str:
        return _("“Me too” on report %(reference)s") % {"reference": _report_reference(self)}


class Follow(models.Model):
    """A citizen who gets an e-mail when the report's status changes."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="follows"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("citizen"), on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("report follow")
        verbose_name_plural = _("report follows")
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="follow_once")]

    def __str__(self) -> str:
        return _("Following report %(reference)s") % {"reference": _report_reference(self)}


def _report_reference(row: "Confirmation | Follow") -> str:
    return str(row.report.public_id)[:8] if row.report_id else "—"


class Open311Client(models.Model):
    """An organisation allowed to create requests through Open311, with its API key (hashed)."""

    name = models.CharField(_("name"), max_length=120)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    key_hint = models.CharField(_("key starts with"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_hint}…)"
