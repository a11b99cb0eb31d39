"""The invitations sent when a meeting is convened: one row per meeting, member and version of
the meeting (its iCalendar SEQUENCE), so that a convening task run twice (the outbox delivers
at least once) never sends a member the same invitation twice."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from councils.models.bodies import Membership
from councils.models.meetings import Meeting


class MeetingInvitation(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="invitations"
    )
    membership = models.ForeignKey(
        Membership, verbose_name=_("membership"), on_delete=models.CASCADE, related_name="+"
    )
    # The meeting's version the invitation carried: a change sent again is a new invitation.
    sequence = models.PositiveIntegerField(_("sequence"), default=0)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting invitation")
        verbose_name_plural = _("meeting invitations")
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "membership", "sequence"], name="meeting_invitation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} → {self.membership_id} ({self.sequence})"
