"""E-mails about reports: the followers (and the contact address) hear of each status change."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from curim.reports.selectors import report_event_for_email, reports_public, status_email_recipients


def report_status_email_send(*, event_id: int) -> int:
    """Send the e-mails about one status change; returns how many were sent."""
    event = report_event_for_email(event_id)
    if event is None:
        return 0
    report = event.report
    is_public = reports_public().filter(pk=report.pk).exists()
    link = settings.SITE_URL + reverse("reports:detail", args=[report.public_id])
    sent = 0
    for address, language in status_email_recipients(report, is_public=is_public):
        with translation.override(language):
            context = {"report": report, "event": event, "link": link if is_public else None}
            subject = render_to_string("reports/email/status_subject.txt", context).strip()
            body = render_to_string("reports/email/status_body.txt", context)
        send_mail(subject, body, None, [address])
        sent += 1
    return sent
