"""The unit's anonymised statistics of a completed year, as first published to the council."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublishedYear(models.Model):
    """A completed year's figures, kept as they were first published: an erasure, a backdated
    intake or a corrected offence type changes the cases, not what the council has read (two
    publications of one year a case apart would give that case's month, offence and district
    by their difference). `figures` holds the `VictimSupportStatistics` of the year, every
    hidden count already hidden."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    k = models.PositiveSmallIntegerField(_("smallest count shown"))
    figures = models.JSONField(_("figures"))
    published_at = models.DateTimeField(_("first published"), auto_now_add=True)

    class Meta:
        verbose_name = _("published year of statistics")
        verbose_name_plural = _("published years of statistics")

    def __str__(self) -> str:
        return str(self.year)
