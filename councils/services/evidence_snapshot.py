"""The evidence snapshot of a meeting: the dashboard's figures as they stand when the meeting is
convened, kept with it (`MeetingEvidence`) for its agenda pack."""

from django.db import transaction
from django.utils import timezone

from councils.evidence import evidence_figures
from councils.models import Meeting, MeetingEvidence


@transaction.atomic
def evidence_snapshot_take(*, meeting: Meeting) -> MeetingEvidence:
    """Take (or take again) the meeting's snapshot, with the figures as a member of its council
    reads them on the dashboard today, whoever convenes it; one per meeting."""
    now = timezone.now()
    figures = evidence_figures(council=meeting.council, today=timezone.localdate(now))
    evidence, _created = MeetingEvidence.objects.update_or_create(
        meeting=meeting, defaults={"figures": figures, "taken_at": now}
    )
    return evidence
