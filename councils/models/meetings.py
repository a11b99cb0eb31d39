"""Meetings of a council, their agenda items (with attachments) and who attended.

A meeting is public, closed, or split: a split meeting shows its public agenda items and keeps
the others closed. What the public may read of them is decided in `councils.selectors`.
"""

import os
import uuid
from typing import Any

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from councils.models import limits
from councils.models.bodies import Council, Membership
from councils.models.choices import (
    AgendaItemKind,
    AttendanceStatus,
    MeetingKind,
    MeetingStatus,
    Visibility,
)
from councils.models.constraints import FieldCheckConstraint, FieldUniqueConstraint
from councils.models.evidence import EvidenceLinks
from councils.models.texts import in_either_language

# While a meeting, and its agenda, may still change; once held, the agenda is fixed.
OPEN_STATUSES = frozenset({MeetingStatus.PLANNED, MeetingStatus.CONVENED})
# What describes a meeting (the rest is its workflow), fixed once it is held.
MEETING_FIELDS = (
    "title_en",
    "title_el",
    "kind",
    "starts_at",
    "ends_at",
    "place",
    "location",
    "online_url",
    "visibility",
)
# Once held: attendance, decisions and minutes are recorded.
HELD_STATUSES = frozenset({MeetingStatus.HELD, MeetingStatus.CLOSED})


class Meeting(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="meetings"
    )
    title_en = models.CharField(_("title (English)"), max_length=limits.TITLE_MAX, blank=True)
    title_el = models.CharField(_("title (Greek)"), max_length=limits.TITLE_MAX, blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=MeetingKind.choices, default=MeetingKind.PLENARY
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=limits.PLACE_MAX, blank=True)
    location = models.PointField(_("location on the map"), srid=4326, null=True, blank=True)
    online_url = models.URLField(_("online meeting link"), max_length=limits.URL_MAX, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    visibility = models.CharField(
        _("public or closed"),
        max_length=8,
        choices=Visibility.choices,
        default=Visibility.CLOSED,
        help_text=_("A split meeting shows its public agenda items and keeps the others closed."),
    )
    convened_at = models.DateTimeField(_("convened"), null=True, blank=True, editable=False)
    cancellation_reason = models.TextField(
        _("reason for cancelling"),
        blank=True,
        max_length=limits.NOTE_MAX,
        validators=[MaxLengthValidator(limits.NOTE_MAX)],
    )
    # The iCalendar SEQUENCE of the meeting's event: raised when its title, time, place or link
    # changes, or it is cancelled, so that calendars update the event they have (same UID).
    sequence = models.PositiveIntegerField(_("version"), default=0, editable=False)
    # Said explicitly, so that a meeting without attendance rows is not read as "nobody came".
    attendance_not_recorded = models.BooleanField(_("attendance not recorded"), default=False)
    # Recommendations whose item the secretary took off the draft agenda: not carried over to
    # this meeting again (`councils.services.carry_over`).
    carry_over_declined = ArrayField(
        models.BigIntegerField(),
        verbose_name=_("recommendations not to carry over"),
        default=list,
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")
        ordering = ["-starts_at"]
        constraints = [
            FieldCheckConstraint(
                field="title_en",
                condition=~models.Q(title_en="") | ~models.Q(title_el=""),
                name="meeting_titled",
                violation_error_message=_("Give the title in English or in Greek."),
            ),
            FieldCheckConstraint(
                field="ends_at",
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("The meeting ends before it starts."),
            ),
            FieldCheckConstraint(
                field="status",
                condition=(
                    models.Q(status="planned", convened_at__isnull=True)
                    | models.Q(status="cancelled")
                    | models.Q(status__in=["convened", "held", "closed"], convened_at__isnull=False)
                ),
                name="meeting_convened_when_past_planning",
                violation_error_message=_("A convened, held or closed meeting has been convened."),
            ),
        ]
        indexes = [models.Index(fields=["council", "starts_at"], name="meeting_council_start_idx")]

    def __str__(self) -> str:
        when = timezone.localtime(self.starts_at).strftime("%Y-%m-%d") if self.starts_at else ""
        return f"{self.title} ({when})" if when else self.title

    @property
    def title(self) -> str:
        return in_either_language(self, "title")

    def clean(self) -> None:
        if self._state.adding:
            return
        stored = Meeting.objects.filter(pk=self.pk).values("status", *MEETING_FIELDS).first()
        if stored is not None and stored["status"] not in OPEN_STATUSES:
            changed = [name for name in MEETING_FIELDS if stored[name] != getattr(self, name)]
            if changed:
                raise ValidationError(
                    dict.fromkeys(
                        changed,
                        _("The meeting is %(status)s: it no longer changes.")
                        % {"status": MeetingStatus(stored["status"]).label.lower()},
                    )
                )
        # A public meeting has only public items, a closed one none.
        items = AgendaItem.objects.filter(meeting=self.pk)
        if self.visibility == Visibility.PUBLIC:
            wrong = list(items.filter(public=False).values_list("order", flat=True))
            message = _("Items %(items)s are closed: make them public, or make the meeting split.")
        elif self.visibility == Visibility.CLOSED:
            wrong = list(items.filter(public=True).values_list("order", flat=True))
            message = _("Items %(items)s are public: make them closed, or make the meeting split.")
        else:
            return
        if wrong:
            raise ValidationError(
                {"visibility": message % {"items": ", ".join(str(order) for order in wrong)}}
            )


def attachment_path(instance: "AgendaAttachment", filename: str) -> str:
    # Random names: nothing of the item or of the uploader's file name is in the path.
    extension = os.path.splitext(filename)[1].lower()
    return f"councils/attachments/{uuid.uuid4().hex}{extension}"


class AgendaItem(EvidenceLinks):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=limits.TITLE_MAX)
    text = models.TextField(
        _("text"),
        blank=True,
        max_length=limits.TEXT_MAX,
        validators=[MaxLengthValidator(limits.TEXT_MAX)],
    )
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=AgendaItemKind.choices,
        default=AgendaItemKind.INFORMATION,
    )
    public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_(
            "Shown to the public when the meeting is public or split. Closed items are for "
            "the council's members only."
        ),
    )
    presenter_membership = models.ForeignKey(
        Membership,
        verbose_name=_("presented by (member)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="presented_items",
    )
    presenter_name = models.CharField(
        _("presented by (guest)"),
        max_length=limits.NAME_MAX,
        blank=True,
        help_text=_("Someone who is not a member, e.g. an invited expert."),
    )
    # An item that follows a recommendation up (put on the agenda by hand or by itself).
    recommendation = models.ForeignKey(
        "councils.Recommendation",
        verbose_name=_("follows up the recommendation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
    )
    # A proposal heard at an advisory meeting with citizens and sent to the council (the
    # interventions app's `Proposal.public_id`): on one agenda at most.
    proposal = models.UUIDField(
        _("citizens' proposal"), null=True, blank=True, unique=True, editable=False
    )
    carried_over = models.BooleanField(
        _("carried over by itself"),
        default=False,
        help_text=_(
            "Put on the draft agenda by the platform: a recommendation adopted at the previous "
            "meeting, or with action items overdue. Editing the item makes it the secretary's."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta(EvidenceLinks.Meta):
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order"]
        constraints = [
            *EvidenceLinks.Meta.constraints,
            FieldUniqueConstraint(
                fields=["meeting", "order"],
                field="order",
                name="agenda_item_order_unique",
                # Deferred, so that items can swap places in one transaction.
                deferrable=models.Deferrable.DEFERRED,
                violation_error_message=_("Another item of this meeting has this number."),
            ),
            FieldCheckConstraint(
                field="presenter_name",
                condition=models.Q(presenter_membership__isnull=True) | models.Q(presenter_name=""),
                name="agenda_item_one_presenter",
                violation_error_message=_("Name a member or a guest as the presenter, not both."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    def clean(self) -> None:
        errors: dict[str, Any] = dict(self.evidence_clean())
        if self.meeting_id is not None:
            meeting = self.meeting
            if meeting.status not in OPEN_STATUSES:
                errors["meeting"] = _(
                    "The meeting is %(status)s: its agenda no longer changes."
                ) % {"status": meeting.get_status_display().lower()}
            if meeting.visibility == Visibility.PUBLIC and not self.public:
                errors["public"] = _(
                    "Every item of a public meeting is public: make the meeting split to "
                    "keep this item closed."
                )
            elif meeting.visibility == Visibility.CLOSED and self.public:
                errors["public"] = _(
                    "A closed meeting has no public items: make the meeting split first."
                )
            membership = self.presenter_membership
            if membership is not None and membership.council_id != meeting.council_id:
                errors["presenter_membership"] = _("The presenter sits on another council.")
            recommendation = self.recommendation
            if recommendation is not None and recommendation.council_id != meeting.council_id:
                errors["recommendation"] = _("The recommendation is another council's.")
        if errors:
            raise ValidationError(errors)


class AgendaAttachment(models.Model):
    """A file that goes with an agenda item (public when the item is)."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    title = models.CharField(_("title"), max_length=limits.TITLE_MAX)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["agenda_item", "created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """Whether a member attended a meeting. A meeting without rows says whether attendance was
    recorded at all (`Meeting.attendance_not_recorded`)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    membership = models.ForeignKey(
        Membership, verbose_name=_("member"), on_delete=models.PROTECT, related_name="attendance"
    )
    status = models.CharField(_("attendance"), max_length=12, choices=AttendanceStatus.choices)
    represented_by = models.ForeignKey(
        Membership,
        verbose_name=_("represented by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="represented_at",
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance records")
        ordering = ["meeting", "membership"]
        constraints = [
            FieldUniqueConstraint(
                fields=["meeting", "membership"],
                field="membership",
                name="attendance_once_per_member",
                violation_error_message=_("This member's attendance is recorded already."),
            ),
            FieldCheckConstraint(
                field="represented_by",
                condition=models.Q(status="represented", represented_by__isnull=False)
                | (~models.Q(status="represented") & models.Q(represented_by__isnull=True)),
                name="attendance_represented_names_whom",
                violation_error_message=_(
                    "Name the member who represented them, and only when they were represented."
                ),
            ),
            FieldCheckConstraint(
                field="represented_by",
                condition=~models.Q(represented_by=models.F("membership")),
                name="attendance_not_represented_by_self",
                violation_error_message=_("A member cannot represent themselves."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership}: {self.get_status_display()}"

    def clean(self) -> None:
        if self.meeting_id is None or self.membership_id is None:
            return
        meeting = self.meeting
        day = timezone.localdate(meeting.starts_at)
        errors: dict[str, Any] = {}
        for name, membership in (
            ("membership", self.membership),
            ("represented_by", self.represented_by),
        ):
            if membership is None:
                continue
            if membership.council_id != meeting.council_id:
                errors[name] = _("This member sits on another council.")
            elif not membership.is_current(day):
                errors[name] = _("This person was not a member on the day of the meeting.")
        if errors:
            raise ValidationError(errors)
