"""Background work of the Victim Support Unit: the nightly retention run."""

import logging

from celery import shared_task

from victims.services.intake import intake_requests_expired_delete
from victims.services.privacy import case_anonymise, cases_due_for_anonymisation

logger = logging.getLogger(__name__)


@shared_task(name="victims.retention_apply", ignore_result=True)
def retention_apply_task() -> int:
    """Anonymise every case closed longer than VSU_RETENTION_DAYS ago, one transaction each,
    so that a failure leaves the others done and the task can simply run again."""
    done = 0
    for case_id in list(cases_due_for_anonymisation().values_list("pk", flat=True)):
        case = cases_due_for_anonymisation().filter(pk=case_id).select_related("person").first()
        if case is None:  # handled meanwhile by another run
            continue
        try:
            case_anonymise(case)
        except Exception:  # one bad case must not keep the others past their time
            logger.exception("victims retention: case %s could not be anonymised", case_id)
            continue
        done += 1
    removed = intake_requests_expired_delete()
    logger.info("victims retention: %s cases anonymised, %s closed requests removed", done, removed)
    return done
