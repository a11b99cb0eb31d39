"""The survey pages: answering anonymously, saving to continue, invitations, limits, paper entry."""

from typing import Any

import pytest
from django.test import Client

from curim.accounts.models import User
from curim.accounts.roles import Role
from surveys.models import Response, Survey
from surveys.services.responses import invitations_issue
from tests.factories import user_with_role

ANSWERS: dict[str, Any] = {
    "group": "resident",
    "district": "piraeus-1",
    "safe_day": "4",
    "years_here": "12",
    "trust_police": "high",
    "works_in": "piraeus-2",
}


@pytest.fixture
def open_wave(wave: Survey, piraeus: None) -> Survey:
    wave.status = Survey.Status.OPEN
    wave.save()
    return wave


def url(survey: Survey, page: str = "") -> str:
    return f"/surveys/{survey.code}/{page}"


@pytest.mark.django_db
def test_only_open_waves_are_listed_and_answerable(client: Client, wave: Survey) -> None:
    assert wave.title_en not in client.get("/surveys/").content.decode()
    assert client.get(url(wave)).status_code == 404  # a draft
    wave.status = Survey.Status.OPEN
    wave.save()
    assert wave.title_en in client.get("/surveys/").content.decode()
    assert client.get(url(wave)).status_code == 200


@pytest.mark.django_db
def test_a_citizen_answers_and_sends(client: Client, open_wave: Survey) -> None:
    page = client.get(url(open_wave)).content.decode()
    assert "Question safe_day" in page
    response = client.post(url(open_wave), {**ANSWERS, "action": "send"})
    assert response.status_code == 302
    assert response["Location"] == url(open_wave, "thanks/")
    stored = Response.objects.get()
    assert (stored.status, stored.source, stored.area.code) == ("complete", "web", "piraeus-1")
    assert stored.answers.count() == 4


@pytest.mark.django_db
def test_errors_are_shown_next_to_the_questions_and_nothing_is_saved(
    client: Client, open_wave: Survey
) -> None:
    response = client.post(url(open_wave), {**ANSWERS, "safe_day": "9", "action": "send"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a point from 1 to 5." in page
    assert 'value="12"' in page  # what was typed is kept
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_the_error_summary_names_each_question_and_links_to_it(
    client: Client, open_wave: Survey
) -> None:
    wrong = {**ANSWERS, "group": "", "safe_day": "9", "action": "send"}
    page = client.post(url(open_wave), wrong).content.decode()
    # Each link leads to the question's control: the first radio of a group (GOV.UK's summary
    # moves focus there), as {% error_summary %} does for a Django form.
    assert (
        '<a href="#id_group_0">You answer as: Choose resident, shop owner or local employee.</a>'
        in page
    )
    assert '<a href="#id_safe_day_0">Question safe_day: Choose a point from 1 to 5.</a>' in page
    assert 'id="id_safe_day_0"' in page
    assert page.count('class="govuk-error-message"') == 2
    assert "<title>Error: " in page


@pytest.mark.django_db
def test_save_and_continue_later_on_the_same_or_another_device(
    client: Client, open_wave: Survey
) -> None:
    partial = {"group": "resident", "district": "piraeus-1", "safe_day": "2", "action": "save"}
    saved = client.post(url(open_wave), partial)
    assert saved.status_code == 302
    key = saved.cookies[f"survey-{open_wave.code}"].value
    assert key
    assert saved.cookies[f"survey-{open_wave.code}"]["httponly"]
    assert saved["Location"] == url(open_wave, f"saved/?resume={key}")
    confirmation = client.get(saved["Location"]).content.decode()
    # The link for another device: a real link, with its copy button (shown by the script).
    assert f'id="resume-link" href="http://testserver/surveys/{open_wave.code}/?resume={key}"' in (
        confirmation
    )
    assert "Copy the link" in confirmation
    page = client.get(url(open_wave)).content.decode()
    assert 'value="2" checked' in page

    elsewhere = Client()
    assert 'value="2" checked' in elsewhere.get(url(open_wave) + f"?resume={key}").content.decode()
    sent = elsewhere.post(url(open_wave) + f"?resume={key}", {**ANSWERS, "action": "send"})
    assert sent.status_code == 302
    assert Response.objects.get().status == "complete"  # the same response, completed
    assert 'value="2" checked' not in client.get(url(open_wave)).content.decode()


@pytest.mark.django_db
def test_a_wave_by_invitation_needs_an_unused_token(client: Client, open_wave: Survey) -> None:
    open_wave.uses_invitations = True
    open_wave.save()
    (token,) = invitations_issue(survey=open_wave, count=1)
    assert client.get(url(open_wave)).status_code == 403
    assert client.get(url(open_wave) + "?token=wrong").status_code == 403
    assert client.get(url(open_wave) + f"?token={token}").status_code == 200
    sent = client.post(url(open_wave), {**ANSWERS, "token": token, "action": "send"})
    assert sent.status_code == 302
    again = client.post(url(open_wave), {**ANSWERS, "token": token, "action": "send"})
    assert again.status_code == 403
    assert Response.objects.count() == 1


@pytest.mark.django_db
def test_open_waves_are_limited_per_address(
    client: Client, open_wave: Survey, settings: Any
) -> None:
    settings.SURVEY_RESPONSES_PER_HOUR = 2
    for _ in range(2):
        assert client.post(url(open_wave), {**ANSWERS, "action": "send"}).status_code == 302
    assert client.post(url(open_wave), {**ANSWERS, "action": "send"}).status_code == 429
    assert Response.objects.count() == 2


@pytest.mark.django_db
def test_the_honeypot_keeps_nothing(client: Client, open_wave: Survey) -> None:
    bot = client.post(url(open_wave), {**ANSWERS, "action": "send", "website": "spam"})
    assert bot.status_code == 302
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_the_form_speaks_greek(client: Client, open_wave: Survey) -> None:
    page = client.get(url(open_wave), HTTP_ACCEPT_LANGUAGE="el").content.decode()
    assert "Ερώτηση safe_day" in page
    assert "Αποστολή" in page or "Στείλτε" in page


@pytest.mark.django_db
def test_staff_enter_paper_questionnaires(client: Client, open_wave: Survey, citizen: User) -> None:
    assert client.get(url(open_wave, "paper/")).status_code == 302  # to the login page
    client.force_login(citizen)
    assert client.get(url(open_wave, "paper/")).status_code == 404
    analyst = user_with_role(Role.ANALYST)
    client.force_login(analyst)
    open_wave.status = Survey.Status.CLOSED  # paper arrives after the wave closes, too
    open_wave.save()
    assert client.get(url(open_wave, "paper/")).status_code == 200
    saved = client.post(url(open_wave, "paper/"), ANSWERS)
    assert saved.status_code == 302
    stored = Response.objects.get()
    assert (stored.source, stored.entered_by, stored.status) == ("paper", analyst, "complete")
    bad = client.post(url(open_wave, "paper/"), {**ANSWERS, "group": ""})
    assert bad.status_code == 400
    assert Response.objects.count() == 1


@pytest.mark.django_db
def test_control_characters_are_dropped_not_a_500(client: Client, open_wave: Survey) -> None:
    sent = client.post(
        url(open_wave), {**ANSWERS, "comment": "dark\x00 corner\x0b here", "action": "send"}
    )
    assert sent.status_code == 302
    assert Response.objects.get().answers.get(question__code="comment").text == "dark corner here"


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["", "paper/"])
def test_a_surrogate_sent_in_a_form_is_not_a_500(
    client: Client, open_wave: Survey, page: str
) -> None:
    from urllib.parse import urlencode

    if page:
        client.force_login(user_with_role(Role.ANALYST))
    # UTF-8 cannot encode a lone surrogate; a client can still send its bytes (ED A0 80).
    body = urlencode({**ANSWERS, "action": "send"}) + "&comment=dark%ED%A0%80%00corner"
    client.raise_request_exception = False
    sent = client.post(url(open_wave, page), body, content_type="application/x-www-form-urlencoded")
    assert sent.status_code == 302
    text = Response.objects.get().answers.get(question__code="comment").text
    assert text.startswith("dark")
    assert text.endswith("corner")
    text.encode("utf-8")


@pytest.mark.django_db
def test_an_invitation_saved_on_one_device_is_sent_from_another(
    client: Client, open_wave: Survey
) -> None:
    open_wave.uses_invitations = True
    open_wave.save()
    (token,) = invitations_issue(survey=open_wave, count=1)
    partial = {"group": "resident", "district": "piraeus-1", "safe_day": "2", "token": token}
    assert client.post(url(open_wave), {**partial, "action": "save"}).status_code == 302
    phone = Client()
    page = phone.get(url(open_wave) + f"?token={token}").content.decode()
    assert 'value="2" checked' in page  # the saved answers, found through the invitation
    sent = phone.post(url(open_wave), {**ANSWERS, "token": token, "action": "send"})
    assert sent.status_code == 302
    assert Response.objects.get().status == "complete"  # the same response, completed


@pytest.mark.django_db
def test_a_sent_response_cannot_be_sent_again(open_wave: Survey) -> None:
    from django.core.exceptions import ValidationError

    from surveys.answers import Definition, answers_parse
    from surveys.services.responses import response_save

    definition = Definition.load(open_wave)
    partial = {"group": "resident", "district": "piraeus-1", "safe_day": "2"}
    parsed = answers_parse(definition, partial, complete=False, unknown_allowed=False)
    saved, _ = response_save(survey=open_wave, parsed=parsed, complete=False, source="web")
    stale_copy = Response.objects.get(pk=saved.pk)
    whole = answers_parse(definition, ANSWERS, complete=True, unknown_allowed=False)
    response_save(survey=open_wave, parsed=whole, complete=True, source="web", response=saved)
    with pytest.raises(ValidationError, match="already sent"):  # a double click on "Send"
        response_save(
            survey=open_wave, parsed=whole, complete=True, source="web", response=stale_copy
        )
