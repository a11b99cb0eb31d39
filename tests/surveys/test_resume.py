"""Finding 15: the resume link of a saved survey is a real link, with a copy button, and can be
e-mailed to oneself; the address is used for that one e-mail and kept nowhere."""

import logging
import smtplib
from collections.abc import Sequence
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import Client

from surveys.models import Survey
from surveys.services.responses import invitations_issue
from surveys.services.resume import RESUME_EMAILS_PER_RESPONSE_PER_DAY

PARTIAL = {"group": "resident", "district": "piraeus-1", "safe_day": "2", "action": "save"}
ADDRESS = "someone.unusual@example.org"


@pytest.fixture
def open_wave(wave: Survey, piraeus: None) -> Survey:
    wave.status = Survey.Status.OPEN
    wave.save()
    cache.clear()  # the rate limits' windows
    return wave


def saved_page(client: Client, survey: Survey, **extra: str) -> str:
    saved = client.post(f"/surveys/{survey.code}/", {**PARTIAL, **extra})
    assert saved.status_code == 302
    location: str = saved["Location"]
    assert location.startswith(f"/surveys/{survey.code}/saved/?")
    return location


@pytest.mark.django_db
def test_the_saved_page_shows_the_link_to_copy_and_a_form_to_e_mail_it(
    client: Client, open_wave: Survey
) -> None:
    page = client.get(saved_page(client, open_wave))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<a class="govuk-link govuk-!-text-break-word" id="resume-link" href="http' in html
    # The copy button is hidden until its script finds a clipboard; its status is announced.
    assert 'data-copy-link="resume-link"' in html
    assert 'role="status" aria-live="polite"' in html
    assert "/static/js/copy-link.js" in html
    assert 'type="email"' in html
    assert "do not keep it" in html  # the page says the address is not stored


@pytest.mark.django_db
def test_the_link_is_e_mailed_and_the_address_is_kept_nowhere(
    client: Client, open_wave: Survey
) -> None:
    location = saved_page(client, open_wave)
    key = location.split("resume=")[1]
    sent = client.post(location, {"email": ADDRESS})
    assert sent.status_code == 302
    assert sent["Location"] == location
    (message,) = mail.outbox
    assert message.to == [ADDRESS]
    assert f"/surveys/{open_wave.code}/?resume={key}" in message.body
    assert "Baseline" in message.subject
    follow = client.get(location).content.decode()
    assert "We did not keep the address" in follow
    assert ADDRESS not in follow
    # Not in any column of any table of the database.
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            text_columns = [
                f.column
                for f in model._meta.concrete_fields
                if f.get_internal_type() in ("CharField", "TextField", "EmailField", "JSONField")
            ]
            for column in text_columns:
                cursor.execute(
                    f'SELECT 1 FROM "{table}" WHERE "{column}"::text LIKE %s LIMIT 1',  # noqa: S608
                    [f"%{ADDRESS}%"],
                )
                assert cursor.fetchone() is None, (table, column)
    # Nor in the session or the messages cookie.
    assert ADDRESS not in str(client.session.items())
    assert all(ADDRESS not in morsel.value for morsel in client.cookies.values())


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["", "not-an-address", "a@b@example.org"])
def test_a_bad_address_is_a_field_error(client: Client, open_wave: Survey, address: str) -> None:
    location = saved_page(client, open_wave)
    answer = client.post(location, {"email": address})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert 'class="govuk-error-message"' in html
    assert '<a href="#id_email">' in html  # the error summary leads to the field
    assert mail.outbox == []


@pytest.mark.django_db
def test_e_mails_are_rate_limited_per_address(
    client: Client, open_wave: Survey, settings: Any
) -> None:
    settings.SURVEY_RESUME_EMAILS_PER_HOUR = 2
    location = saved_page(client, open_wave)
    for _ in range(2):
        assert client.post(location, {"email": ADDRESS}).status_code == 302
    refused = client.post(location, {"email": ADDRESS})
    assert refused.status_code == 429
    assert "Too many e-mails" in refused.content.decode()
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_e_mails_of_one_saved_response_are_limited_whatever_the_address(
    client: Client, open_wave: Survey, settings: Any
) -> None:
    # A saved response is no way to send mail to strangers: changing client address (or a pool
    # of them) does not lift the limit of the response itself.
    settings.SURVEY_RESUME_EMAILS_PER_HOUR = 100
    location = saved_page(client, open_wave)
    sent = [
        client.post(location, {"email": ADDRESS}, REMOTE_ADDR=f"192.0.2.{n}").status_code
        for n in range(1, 6)
    ]
    assert sent == [302] * RESUME_EMAILS_PER_RESPONSE_PER_DAY + [429] * (
        5 - RESUME_EMAILS_PER_RESPONSE_PER_DAY
    )
    assert len(mail.outbox) == RESUME_EMAILS_PER_RESPONSE_PER_DAY


@pytest.mark.django_db
def test_with_the_cache_down_no_e_mail_is_sent(
    client: Client, open_wave: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = saved_page(client, open_wave)

    class Down:
        def add(self, *args: object, **kwargs: object) -> bool:
            raise ConnectionError("Redis is down")

    monkeypatch.setattr("curim.core.ratelimit.cache", Down())
    assert client.post(location, {"email": ADDRESS}).status_code == 429
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_refused_address_is_a_field_error_and_the_address_reaches_no_log(
    client: Client, open_wave: Survey, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.EMAIL_BACKEND = "tests.surveys.test_resume.RefusingBackend"
    location = saved_page(client, open_wave)
    with caplog.at_level(logging.DEBUG):
        refused = client.post(location, {"email": ADDRESS})
    assert refused.status_code == 503
    assert "could not be sent" in refused.content.decode()
    assert ADDRESS not in caplog.text


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses the recipient, naming it, as SMTP servers do."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        recipients = {r: (550, b"no such user") for m in email_messages for r in m.to}
        raise smtplib.SMTPRecipientsRefused(recipients)


@pytest.mark.django_db
def test_the_e_mail_s_subject_is_plain_text(client: Client, open_wave: Survey) -> None:
    open_wave.title_en = "Safety & you"
    open_wave.save()
    client.post(saved_page(client, open_wave), {"email": ADDRESS})
    assert mail.outbox[0].subject == "Your saved answers: Safety & you"


@pytest.mark.django_db
def test_a_wrong_or_used_key_leads_back_to_the_survey(client: Client, open_wave: Survey) -> None:
    location = saved_page(client, open_wave)
    for wrong in (f"/surveys/{open_wave.code}/saved/", location + "x"):
        assert client.get(wrong)["Location"] == f"/surveys/{open_wave.code}/"
        assert client.post(wrong, {"email": ADDRESS}).status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
def test_on_a_wave_by_invitation_the_link_carries_the_token(
    client: Client, open_wave: Survey
) -> None:
    open_wave.uses_invitations = True
    open_wave.save()
    (token,) = invitations_issue(survey=open_wave, count=1)
    location = saved_page(client, open_wave, token=token)
    assert f"token={token}" in location
    html = client.get(location).content.decode()
    assert f"token={token}" in html
    assert client.post(location, {"email": ADDRESS}).status_code == 302
    assert f"token={token}" in mail.outbox[0].body
    # Without the token the saved page is not shown.
    no_token = location.replace(f"&token={token}", "")
    assert client.get(no_token).status_code == 302
