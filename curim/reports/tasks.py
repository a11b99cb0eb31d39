"""E-mails about reports, sent by the worker."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from curim.reports.models import ReportEvent
from curim.reports.selectors import reports_public


@shared_task(
    name="reports.status_email_send",
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=60 * 30,
    max_retries=8,
    ignore_result=True,
)
def status_email_send(event_id: int) -> int:
    """Tell the followers (and the contact address) that a report's status changed."""
    event = ReportEvent.objects.select_related("report__category").filter(pk=event_id).first()
    if event is None:
        return 0
    report = event.report
    is_public = reports_public().filter(pk=report.pk).exists()
    link = settings.SITE_URL + reverse("reports:detail", args=[report.public_id])
    follows = report.follows.select_related("user").filter(user__is_active=True)
    if not is_public:
        # Once a report is not public, only its own reporter may still hear about it.
        follows = follows.filter(user=report.reporter_id) if report.reporter_id else follows.none()
    recipients = [(follow.user.email, follow.user.language) for follow in follows]
    if report.contact_email:
        recipients.append((report.contact_email, report.language))
    sent = 0
    for address, language in dict(recipients).items():
        with translation.override(language):
            context = {"report": report, "event": event, "link": link if is_public else None}
            subject = render_to_string("reports/email/status_subject.txt", context).strip()
            body = render_to_string("reports/email/status_body.txt", context)
        send_mail(subject, body, None, [address])
        sent += 1
    return sent
