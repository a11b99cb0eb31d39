"""The dashboard's figures as they were when a meeting was convened: the evidence its agenda
pack shows, kept so that the pack says what the members were shown whatever happens later."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from councils.models.meetings import Meeting


class MeetingEvidence(models.Model):
    """One per meeting, taken as the meeting is convened (`evidence_snapshot_take`). `figures`
    holds plain numbers and codes (see `councils.evidence` for its shape), never names of
    people."""

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="evidence"
    )
    figures = models.JSONField(_("figures"), default=dict)
    taken_at = models.DateTimeField(_("taken"))

    class Meta:
        verbose_name = _("evidence at convening")
        verbose_name_plural = _("evidence at convening")

    def __str__(self) -> str:
        return f"{self.meeting} ({self.taken_at:%Y-%m-%d})"
