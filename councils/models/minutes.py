"""Decisions taken on agenda items, and the minutes of a meeting with members' comments.

Minutes go draft → circulated → approved → published. They are approved by a decision of a
later meeting of the same council, and are frozen from then on (`councils.services.minutes`
refuses every change). Their public summary is kept apart from the full text, which may speak
of closed items; only the summary of published minutes is ever shown to the public.
"""

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from councils.models import limits
from councils.models.choices import (
    FROZEN_MINUTES_STATES,
    VOTING_POSITIONS,
    AgendaItemKind,
    AttendanceStatus,
    DecisionOutcome,
    MinutesState,
)
from councils.models.constraints import FieldCheckConstraint
from councils.models.meetings import HELD_STATUSES, AgendaItem, Meeting

# Closed items' titles at least this long are looked for in a public summary; shorter ones
# ("Other business") would be found in innocent sentences.
CLOSED_TITLE_MIN = 10


def _minutes_frozen(meeting: Meeting) -> bool:
    return Minutes.objects.filter(meeting=meeting, state__in=FROZEN_MINUTES_STATES).exists()


class Decision(models.Model):
    """What the council decided on a decision item, with the votes when they were counted."""

    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    text = models.TextField(
        _("decision"), max_length=limits.TEXT_MAX, validators=[MaxLengthValidator(limits.TEXT_MAX)]
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=DecisionOutcome.choices)
    votes_for = models.PositiveSmallIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["agenda_item", "created_at", "pk"]
        constraints = [
            FieldCheckConstraint(
                field="votes_for",
                condition=models.Q(
                    votes_for__isnull=True, votes_against__isnull=True, votes_abstain__isnull=True
                )
                | models.Q(
                    votes_for__isnull=False,
                    votes_against__isnull=False,
                    votes_abstain__isnull=False,
                ),
                name="decision_votes_all_or_none",
                violation_error_message=_(
                    "Give the votes for, against and abstentions, or none of them."
                ),
            )
        ]

    def __str__(self) -> str:
        item = str(self.agenda_item) if self.agenda_item_id else "—"
        return f"{item}: {self.get_outcome_display()}"

    def clean(self) -> None:
        if self.agenda_item_id is None:
            return
        item = self.agenda_item
        meeting = item.meeting
        if item.kind != AgendaItemKind.DECISION:
            raise ValidationError(
                {"agenda_item": _("Decisions are taken on items of the kind “decision”.")}
            )
        if meeting.status not in HELD_STATUSES:
            raise ValidationError(
                {"agenda_item": _("Decisions are recorded once the meeting has been held.")}
            )
        if _minutes_frozen(meeting):
            raise ValidationError(
                {"agenda_item": _("The minutes are approved: the meeting's decisions are final.")}
            )
        self._votes_against_attendance(meeting)

    def _votes_against_attendance(self, meeting: Meeting) -> None:
        """No more votes than voting members who attended, when the attendance is recorded."""
        if self.votes_for is None or not meeting.attendance.exists():
            return
        voters = meeting.attendance.filter(
            status__in=[AttendanceStatus.PRESENT, AttendanceStatus.REPRESENTED],
            membership__position__in=VOTING_POSITIONS,
        ).count()
        votes = self.votes_for + (self.votes_against or 0) + (self.votes_abstain or 0)
        if votes > voters:
            raise ValidationError(
                {
                    "votes_for": _(
                        "%(votes)d votes, but %(voters)d members attended (present or represented)."
                    )
                    % {"votes": votes, "voters": voters}
                }
            )


class Minutes(models.Model):
    meeting = models.OneToOneField(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        related_name="minutes",
        error_messages={"unique": _("This meeting has its minutes already.")},
    )
    state = models.CharField(
        _("state"), max_length=12, choices=MinutesState.choices, default=MinutesState.DRAFT
    )
    text = models.TextField(
        _("full text"),
        blank=True,
        max_length=limits.MINUTES_MAX,
        validators=[MaxLengthValidator(limits.MINUTES_MAX)],
        help_text=_("For the council's members: it may speak of closed items."),
    )
    public_summary = models.TextField(
        _("public summary"),
        blank=True,
        max_length=limits.SUMMARY_MAX,
        validators=[MaxLengthValidator(limits.SUMMARY_MAX)],
        help_text=_("Shown to the public once published; never about closed items."),
    )
    approved_by_decision = models.ForeignKey(
        Decision,
        verbose_name=_("approved by the decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_minutes",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved on the council's behalf by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    circulated_at = models.DateTimeField(_("circulated"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes of meetings")
        ordering = ["-meeting__starts_at"]
        constraints = [
            FieldCheckConstraint(
                field="approved_by_decision",
                condition=models.Q(state__in=["draft", "circulated"])
                | models.Q(approved_by_decision__isnull=False, approved_at__isnull=False),
                name="minutes_approved_by_a_decision",
                violation_error_message=_("Approved minutes name the decision that approved them."),
            ),
            FieldCheckConstraint(
                field="published_at",
                condition=~models.Q(state="published") | models.Q(published_at__isnull=False),
                name="minutes_published_when",
                violation_error_message=_("Published minutes say when they were published."),
            ),
        ]

    def __str__(self) -> str:
        meeting = str(self.meeting) if self.meeting_id else "—"
        return _("Minutes of %(meeting)s") % {"meeting": meeting}

    def clean(self) -> None:
        if self.meeting_id is None:
            return
        errors: dict[str, Any] = {}
        meeting = self.meeting
        if self._state.adding and meeting.status not in HELD_STATUSES:
            errors["meeting"] = _("Minutes are written once the meeting is held.")
        decision = self.approved_by_decision
        if decision is not None:
            problem = approval_decision_problem(minutes=self, decision=decision)
            if problem:
                errors["approved_by_decision"] = problem
        quoted = closed_titles_in(self.public_summary, meeting)
        if quoted:
            errors["public_summary"] = _(
                "The public summary speaks of closed items (%(titles)s): leave them out."
            ) % {"titles": "; ".join(title[:80] for title in quoted)}
        if errors:
            raise ValidationError(errors)


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def closed_titles_in(summary: str, meeting: Meeting) -> list[str]:
    """Titles of the meeting's closed items that a public summary quotes. A guard against
    pasting closed business into the summary (whole words, any case, titles of at least
    CLOSED_TITLE_MIN characters); the secretary still writes the summary with care."""
    if not summary.strip():
        return []
    words = f" {_words(summary)} "
    titles = AgendaItem.objects.filter(meeting=meeting, public=False).values_list(
        "title", flat=True
    )
    return [
        title
        for title in titles
        if len(title) >= CLOSED_TITLE_MIN and f" {_words(title)} " in words
    ]


def approval_decision_problem(*, minutes: Minutes, decision: Decision) -> str:
    """Why `decision` cannot approve these minutes, or "" when it can: it must be an adopted
    decision of a later meeting of the same council."""
    meeting = minutes.meeting
    deciding = decision.agenda_item.meeting
    if deciding.council_id != meeting.council_id:
        return str(_("The decision is another council's."))
    if deciding.starts_at <= meeting.starts_at:
        return str(_("Minutes are approved at a later meeting than the one they record."))
    if decision.outcome != DecisionOutcome.ADOPTED:
        return str(_("The decision was not adopted."))
    return ""


class MinutesComment(models.Model):
    """A member's comment on draft or circulated minutes; never shown to the public."""

    minutes = models.ForeignKey(
        Minutes, verbose_name=_("minutes"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(
        _("comment"),
        max_length=limits.COMMENT_MAX,
        validators=[MaxLengthValidator(limits.COMMENT_MAX)],
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment on minutes")
        verbose_name_plural = _("comments on minutes")
        ordering = ["minutes", "created_at", "pk"]

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 40 else self.text[:39] + "…"
        return _("Comment: %(start)s") % {"start": text}
