"""E-mailing a saved survey's resume link to the respondent, who asked for it on the page.

The address is used for this one message and kept nowhere: not in the database, not in a
queue (the mail is sent here, not by the worker, whose broker would hold it), not in a log.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from curim.core.ratelimit import rate_limit_exceeded
from surveys.models import Survey


def resume_email_limit_reached(*, client_address: str | None) -> bool:
    """Counts one e-mail asked for from an address; True once this hour's are used up
    (SURVEY_RESUME_EMAILS_PER_HOUR), like the other anonymous writes."""
    return rate_limit_exceeded(
        scope="survey-resume-email",
        key=client_address or "unknown",
        limit=settings.SURVEY_RESUME_EMAILS_PER_HOUR,
        window_s=3600,
    )


def resume_link_email_send(*, survey: Survey, path: str, address: str) -> None:
    """Send the link that continues a saved response (`path`, with its query) to `address`,
    in the active language."""
    context = {"survey": survey, "link": settings.SITE_URL + path}
    subject = render_to_string("surveys/email/resume_subject.txt", context).strip()
    body = render_to_string("surveys/email/resume_body.txt", context)
    send_mail(subject, body, None, [address])
