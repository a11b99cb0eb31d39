"""A run already stored for a fingerprint, found again: what every analysis's service does
before it computes."""

from django.utils import timezone

from curim.analytics.models import AnalysisRun


def stored_run_confirmed(fingerprint: str) -> AnalysisRun | None:
    """The run stored with this fingerprint, its `confirmed_at` set to now (the data is in the
    state it was computed over, so it is the latest again); None when there is none."""
    run = AnalysisRun.objects.filter(fingerprint=fingerprint).first()
    if run is not None:
        run.confirmed_at = timezone.now()
        run.save(update_fields=["confirmed_at"])
    return run
