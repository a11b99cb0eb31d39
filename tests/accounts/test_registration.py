"""Citizens register themselves, confirm by e-mail, reset passwords and delete their account."""

import re
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.http import urlsafe_base64_decode

from curim.accounts.models import User
from curim.accounts.roles import Role, user_roles
from tests.conftest import outbox_run
from tests.factories import PASSWORD, user_create, user_with_role

pytestmark = pytest.mark.django_db
GOOD = {"email": "Maria@Example.org", "display_name": "Maria"}
NEW_PASSWORD = {
    "new_password1": "a very long passphrase",
    "new_password2": "a very long passphrase",
}


def _link(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", str(message.body))
    assert match, message.body
    return match.group(1)


def _registered() -> list[str]:
    """The worker registers the requests (the same work for the request, known address or
    not), then sends the mail; the mail tasks run."""
    assert set(outbox_run()) <= {"accounts.citizen_register"}
    return outbox_run()


def _register_and_get_link(client: Client) -> str:
    client.post("/accounts/register/", GOOD)
    _registered()
    return _link(mail.outbox[-1])


def test_registering_creates_an_inactive_citizen_and_mails_a_link(client: Client) -> None:
    response = client.post("/accounts/register/", GOOD)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/register/done/"
    assert _registered() == ["accounts.confirmation_email_send"]
    user = User.objects.get(email="maria@example.org")
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.groups.get().name == Role.CITIZEN
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maria@example.org"]


def test_the_link_lets_its_owner_choose_a_password_once(client: Client) -> None:
    link = _register_and_get_link(client)
    page = client.get(link)
    assert page.status_code == 200
    response = client.post(link, NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    user = User.objects.get(email="maria@example.org")
    assert user.is_active
    assert user.email_confirmed_at
    assert user.check_password("a very long passphrase")
    assert user_roles(user) == {Role.CITIZEN}
    assert Client().get(link).status_code == 400
    assert Client().post(link, NEW_PASSWORD).status_code == 400


def test_following_the_link_without_posting_activates_nothing(client: Client) -> None:
    # Mail scanners open links; only the form's POST confirms.
    client.get(_register_and_get_link(client))
    assert not User.objects.get(email="maria@example.org").is_active


def test_a_weak_password_on_the_confirmation_page_is_refused(client: Client) -> None:
    link = _register_and_get_link(client)
    response = client.post(link, {"new_password1": "12345", "new_password2": "12345"})
    assert response.status_code == 400
    assert "new_password2" in response.context["form"].errors
    assert not User.objects.get(email="maria@example.org").is_active


def test_a_forged_link_is_refused(client: Client) -> None:
    client.post("/accounts/register/", GOOD)
    _registered()
    user = User.objects.get(email="maria@example.org")
    response = client.post(f"/accounts/confirm/{user.public_id}/abc-123/", NEW_PASSWORD)
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_registering_a_known_address_reveals_nothing_and_warns_its_owner(client: Client) -> None:
    user_with_role(Role.CITIZEN, email="maria@example.org")
    response = client.post("/accounts/register/", GOOD)
    assert response["Location"] == "/accounts/register/done/"
    assert _registered() == ["accounts.registration_repeat_email_send"]
    assert User.objects.filter(email="maria@example.org").count() == 1
    assert "already has one" in str(mail.outbox[0].body)


def test_a_disabled_account_cannot_be_reactivated_by_registering_again(client: Client) -> None:
    staff = user_with_role(Role.VSU_STAFF, email="maria@example.org", is_active=False)
    client.post("/accounts/register/", GOOD)
    assert _registered() == ["accounts.registration_repeat_email_send"]
    forged = f"/accounts/confirm/{staff.public_id}/whatever/"
    assert client.post(forged, NEW_PASSWORD).status_code == 400
    staff.refresh_from_db()
    assert not staff.is_active


def test_repeated_registrations_send_one_mail_per_cooldown(client: Client) -> None:
    for _ in range(5):
        client.post("/accounts/register/", {**GOOD, "display_name": f"Maria {_}"})
    assert _registered() == ["accounts.confirmation_email_send"]


def test_a_known_address_registers_with_the_same_work_as_an_unknown_one(client: Client) -> None:
    # Else the time of the answer would tell whether an address has an account here.
    user_with_role(Role.CITIZEN, email="known@example.org")
    statements = {}
    for address in ("nobody@example.org", "known@example.org"):
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/accounts/register/", {**GOOD, "email": address})
        assert response["Location"] == "/accounts/register/done/"
        statements[address] = [
            re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in queries.captured_queries
        ]
    assert statements["nobody@example.org"] == statements["known@example.org"]
    assert not User.objects.filter(email="nobody@example.org").exists()  # the worker's to make
    assert sorted(_registered()) == [
        "accounts.confirmation_email_send",
        "accounts.registration_repeat_email_send",
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        # 257 characters, a valid address, longer than an account's 254.
        ({"email": "a@" + ".".join(["b" * 60] * 4) + ".example.org"}, "email"),
        ({"email": ""}, "email"),
        ({"display_name": "x" * 81}, "display_name"),
    ],
)
def test_bad_registrations_say_what_is_wrong_and_save_nothing(
    client: Client, change: dict[str, str], field: str
) -> None:
    response = client.post("/accounts/register/", {**GOOD, **change})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not User.objects.exists()


def test_password_reset_mails_a_working_link(client: Client) -> None:
    user = user_create(email="reset@example.org")
    response = client.post("/accounts/password/reset/", {"email": "RESET@example.org"})
    assert response.status_code == 302
    assert outbox_run() == ["accounts.password_reset_address_mail"]
    link = _link(mail.outbox[0])
    uidb64 = link.split("/")[-3]
    assert urlsafe_base64_decode(uidb64).decode() == str(user.public_id)  # not the sequential pk
    page = client.get(link, follow=True)
    assert page.context["validlink"]
    form_url = page.redirect_chain[-1][0]
    done = client.post(
        form_url,
        {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a new long passphrase")


def test_password_reset_for_an_unknown_address_sends_nothing(client: Client) -> None:
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    outbox_run()
    assert mail.outbox == []


def test_a_known_address_asks_for_a_reset_with_the_same_work_as_an_unknown_one(
    client: Client,
) -> None:
    # Else the time of the answer would tell whether an address has an account here.
    user_create(email="known@example.org")
    user_create(email="inactive@example.org", is_active=False)
    statements = {}
    for address in ("nobody@example.org", "known@example.org", "inactive@example.org"):
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/accounts/password/reset/", {"email": address})
        assert response.status_code == 302
        statements[address] = [
            re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in queries.captured_queries
        ]
    assert statements["nobody@example.org"] == statements["known@example.org"]
    assert statements["nobody@example.org"] == statements["inactive@example.org"]
    outbox_run()
    assert [message.to for message in mail.outbox] == [["known@example.org"]]


def test_a_citizen_deletes_their_account_with_their_password(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    wrong = client.post("/accounts/delete/", {"password": "wrong"})
    assert wrong.status_code == 400
    assert User.objects.filter(pk=citizen.pk).exists()
    response = client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=citizen.pk).exists()


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.VSU_STAFF, Role.ADMIN])
def test_staff_accounts_cannot_delete_themselves(client: Client, role: Role) -> None:
    user = user_with_role(role)
    client.force_login(user)
    assert client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 403
    assert User.objects.filter(pk=user.pk).exists()


def test_the_profile_shows_the_roles(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    response = client.get("/accounts/profile/")
    assert response.status_code == 200
    assert "citizen@example.org" in response.content.decode()


def test_logging_in_by_email_ignores_its_case(client: Client, citizen: Any) -> None:
    response = client.post(
        "/accounts/login/", {"username": "CITIZEN@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
