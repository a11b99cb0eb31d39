"""E-mailing a saved survey's resume link to the respondent, who asked for it on the page.

The address is used for this one message and kept nowhere: not in the database, not in a
queue (the mail is sent here, not by the worker, whose broker would hold it), not in a log.
"""

import hashlib
import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from curim.core.ratelimit import rate_limit_exceeded
from surveys.models import Survey

logger = logging.getLogger(__name__)

# E-mails of one saved response's link a day, whatever the client address: a saved response
# must not become a way to send mail to strangers.
RESUME_EMAILS_PER_RESPONSE_PER_DAY = 3


class ResumeEmailNotSent(Exception):
    """The mail server did not take the message (its reason is logged, not the address)."""


def resume_email_limit_reached(*, client_address: str | None, resume_key: str) -> bool:
    """Counts one e-mail asked for; True once the client address has used this hour's
    (SURVEY_RESUME_EMAILS_PER_HOUR), like the other anonymous writes, or the saved response its
    day's. With the cache down, refused: unlike a report, nothing is lost (the link can be
    copied), and nobody may send unlimited mail."""
    by_address = rate_limit_exceeded(
        scope="survey-resume-email",
        key=client_address or "unknown",
        limit=settings.SURVEY_RESUME_EMAILS_PER_HOUR,
        window_s=3600,
        fail_closed=True,
    )
    by_response = rate_limit_exceeded(
        scope="survey-resume-email-response",
        key=hashlib.sha256(resume_key.encode()).hexdigest(),
        limit=RESUME_EMAILS_PER_RESPONSE_PER_DAY,
        window_s=86400,
        fail_closed=True,
    )
    return by_address or by_response


def resume_link_email_send(*, survey: Survey, path: str, address: str) -> None:
    """Send the link that continues a saved response (`path`, with its query) to `address`,
    in the active language."""
    context = {"survey": survey, "link": settings.SITE_URL + path}
    subject = render_to_string("surveys/email/resume_subject.txt", context).strip()
    body = render_to_string("surveys/email/resume_body.txt", context)
    try:
        send_mail(subject, body, None, [address])
    except (smtplib.SMTPException, OSError) as exc:
        # The exception's text may hold the address: log only its kind.
        logger.warning("a survey's resume e-mail was not sent (%s)", type(exc).__name__)
        raise ResumeEmailNotSent from None
