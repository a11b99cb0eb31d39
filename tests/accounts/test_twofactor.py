"""Two-factor authentication: enrolling, verifying, the checks pages use, and the admin reset."""

import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from knox.models import AuthToken
from rest_framework.response import Response
from rest_framework.views import APIView

from curim.accounts.models import TOTPDevice, User
from curim.accounts.roles import Role
from curim.accounts.totp import totp_code, totp_secret_generate, totp_step
from curim.accounts.twofactor import (
    TwoFactorVerified,
    twofactor_required,
    twofactor_session_mark,
    twofactor_verify,
)
from tests.factories import PASSWORD, user_with_role, verified_client
from tests.plaintext import fernet_decrypt, plaintext_found

pytestmark = pytest.mark.django_db

# Mid-step, so that a code computed here is the one the server computes.
NOW = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)
SETUP = "/accounts/2fa/setup/"
VERIFY = "/accounts/2fa/verify/"


@pytest.fixture(autouse=True)
def _frozen_time() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def vsu_user(db: None) -> User:
    return user_with_role(Role.VSU_STAFF, email="vsu@example.org")


def _code(secret: str, offset: int = 0) -> str:
    return totp_code(secret, step=totp_step(NOW) + offset)


def _device(user: User, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(
        user=user, secret=totp_secret_generate(), confirmed_at=NOW if confirmed else None
    )


def _logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _verified(user: User) -> Client:
    client = _logged_in(user)
    device = _device(user)
    assert client.post(VERIFY, {"code": _code(device.secret)}).status_code == 302
    return client


# --- enrolling and verifying pages ---------------------------------------------------------


def test_the_setup_page_shows_a_secret_and_a_right_code_enrols(vsu_user: User) -> None:
    client = _logged_in(vsu_user)
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "<svg" in page.content.decode()
    match = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.content.decode())
    assert match is not None
    secret = match.group(1)
    assert client.get(SETUP).content.decode().count(secret) == 1  # a reload keeps the secret

    response = client.post(SETUP, {"code": _code(secret)[:3] + " " + _code(secret)[3:]})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    assert TOTPDevice.objects.get(user=vsu_user).confirmed_at is not None
    assert client.session["twofactor_user"] == vsu_user.pk
    assert "Two-factor authentication is on." in client.get("/accounts/profile/").content.decode()


def test_a_wrong_code_answers_400_and_does_not_enrol(vsu_user: User) -> None:
    client = _logged_in(vsu_user)
    client.get(SETUP)
    secret = TOTPDevice.objects.get(user=vsu_user).secret

    wrong = f"{(int(_code(secret)) + 1) % 1_000_000:06d}"
    response = client.post(SETUP, {"code": wrong})

    assert response.status_code == 400
    assert "This code is not correct or was already used" in response.content.decode()
    assert TOTPDevice.objects.get(user=vsu_user).confirmed_at is None
    assert "twofactor_user" not in client.session


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef", "12 34 5"])
def test_a_code_must_be_six_digits(vsu_user: User, code: str) -> None:
    client = _logged_in(vsu_user)
    _device(vsu_user)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 400
    assert "Enter the 6 digits your authenticator app shows." in response.content.decode()


def test_an_enrolled_secret_is_never_shown_again(vsu_user: User) -> None:
    client = _logged_in(vsu_user)
    device = _device(vsu_user)
    response = client.get(SETUP + "?next=/somewhere/")
    assert response.status_code == 302
    assert response["Location"] == VERIFY + "?next=%2Fsomewhere%2F"
    assert device.secret not in client.get(response["Location"]).content.decode()


def test_verifying_marks_the_session_and_follows_next(vsu_user: User) -> None:
    client = _logged_in(vsu_user)
    device = _device(vsu_user)
    response = client.post(VERIFY + "?next=/reports/map/", {"code": _code(device.secret)})
    assert response.status_code == 302
    assert response["Location"] == "/reports/map/"
    assert client.session["twofactor_user"] == vsu_user.pk


def test_a_wrong_code_on_the_verify_page_answers_400(vsu_user: User) -> None:
    client = _logged_in(vsu_user)
    device = _device(vsu_user)
    response = client.post(VERIFY, {"code": _code(device.secret, offset=5)})
    assert response.status_code == 400
    assert "This code is not correct or was already used" in response.content.decode()
    assert "twofactor_user" not in client.session


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:1"])
def test_a_next_to_another_site_is_ignored(vsu_user: User, target: str) -> None:
    client = _logged_in(vsu_user)
    device = _device(vsu_user)
    response = client.post(VERIFY, {"code": _code(device.secret), "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"


def test_the_verify_page_sends_a_user_without_a_device_to_setup(vsu_user: User) -> None:
    response = _logged_in(vsu_user).get(VERIFY + "?next=/x/")
    assert response.status_code == 302
    assert response["Location"] == SETUP + "?next=%2Fx%2F"


def test_the_profile_says_whether_two_factor_is_on(vsu_user: User) -> None:
    client = _logged_in(vsu_user)
    page = client.get("/accounts/profile/").content.decode()
    assert SETUP in page
    _device(vsu_user)
    page = client.get("/accounts/profile/").content.decode()
    assert SETUP not in page
    assert re.search(r"Two-factor authentication</dt>\s*<dd[^>]*>On</dd>", page), page


# --- the verification service ---------------------------------------------------------------


def test_a_code_cannot_be_replayed(vsu_user: User) -> None:
    device = _device(vsu_user)
    assert twofactor_verify(user=vsu_user, code=_code(device.secret))
    assert not twofactor_verify(user=vsu_user, code=_code(device.secret))


def test_an_older_code_is_refused_once_a_newer_one_was_used(vsu_user: User) -> None:
    device = _device(vsu_user)
    assert twofactor_verify(user=vsu_user, code=_code(device.secret))
    assert not twofactor_verify(user=vsu_user, code=_code(device.secret, offset=-1))


@pytest.mark.parametrize(("offset", "accepted"), [(-2, False), (-1, True), (1, True), (2, False)])
def test_codes_one_step_away_are_accepted_and_two_are_not(
    vsu_user: User, offset: int, accepted: bool
) -> None:
    device = _device(vsu_user)
    assert twofactor_verify(user=vsu_user, code=_code(device.secret, offset=offset)) is accepted


def test_the_first_right_code_confirms_the_device(vsu_user: User) -> None:
    device = _device(vsu_user, confirmed=False)
    assert twofactor_verify(user=vsu_user, code=_code(device.secret))
    device.refresh_from_db()
    assert device.confirmed_at == NOW
    assert device.last_step == totp_step(NOW)


def test_a_user_without_a_device_is_refused(vsu_user: User) -> None:
    assert not twofactor_verify(user=vsu_user, code="123456")


def test_after_five_wrong_codes_even_the_right_one_is_refused(vsu_user: User) -> None:
    client = _logged_in(vsu_user)
    device = _device(vsu_user)
    wrong = _code(device.secret, offset=9)
    for _ in range(5):
        assert client.post(VERIFY, {"code": wrong}).status_code == 400

    response = client.post(VERIFY, {"code": _code(device.secret)})

    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()
    assert "twofactor_user" not in client.session
    with time_machine.travel(NOW + timedelta(minutes=15), tick=False):
        assert twofactor_verify(
            user=vsu_user, code=totp_code(device.secret, step=totp_step(NOW) + 30)
        )


def test_the_limit_is_per_user(vsu_user: User) -> None:
    other = user_with_role(Role.VSU_STAFF)
    other_device = _device(other)
    _device(vsu_user)
    for _ in range(5):
        twofactor_verify(user=vsu_user, code="000000")
    assert twofactor_verify(user=other, code=_code(other_device.secret))


@pytest.fixture(params=["refused", "hung"])
def cache_unreachable(request: pytest.FixtureRequest, settings: Any) -> Iterator[str]:
    """The cache (Redis) at a dead port, or at a server that accepts and never answers."""
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(16)  # connections queue in the backlog; nothing ever reads them
        port = 1 if request.param == "refused" else hung.getsockname()[1]
        settings.CACHES = {
            "default": {
                **settings.CACHES["default"],
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
        yield request.param


def test_with_the_cache_unreachable_the_sixth_code_is_refused_even_if_right(
    vsu_user: User, cache_unreachable: str
) -> None:
    device = _device(vsu_user)
    wrong = _code(device.secret, offset=9)
    for _ in range(8):
        assert not twofactor_verify(user=vsu_user, code=wrong)

    assert not twofactor_verify(user=vsu_user, code=_code(device.secret))

    device.refresh_from_db()
    assert (device.failures, device.failures_since) == (5, NOW)
    assert device.last_step is None


def test_the_limit_lifts_when_its_window_ends_even_with_the_cache_unreachable(
    vsu_user: User, cache_unreachable: str
) -> None:
    device = _device(vsu_user)
    for _ in range(5):
        twofactor_verify(user=vsu_user, code="000000")
    later = NOW + timedelta(minutes=14, seconds=59)
    with time_machine.travel(later, tick=False):
        assert not twofactor_verify(
            user=vsu_user, code=totp_code(device.secret, step=totp_step(later))
        )
    end = NOW + timedelta(minutes=15)
    with time_machine.travel(end, tick=False):
        assert twofactor_verify(user=vsu_user, code=totp_code(device.secret, step=totp_step(end)))
    device.refresh_from_db()
    assert (device.failures, device.failures_since) == (0, None)


def test_a_right_code_before_the_limit_clears_the_count(vsu_user: User) -> None:
    device = _device(vsu_user)
    for _ in range(4):
        assert not twofactor_verify(user=vsu_user, code="000000")
    assert twofactor_verify(user=vsu_user, code=_code(device.secret, offset=-1))
    for _ in range(4):
        assert not twofactor_verify(user=vsu_user, code="000000")
    assert twofactor_verify(user=vsu_user, code=_code(device.secret))


def test_the_failures_window_opens_with_the_first_wrong_code(vsu_user: User) -> None:
    device = _device(vsu_user)
    twofactor_verify(user=vsu_user, code="000000")
    # Four more, 16 minutes later: the first one's window is over, so the count starts again.
    later = NOW + timedelta(minutes=16)
    with time_machine.travel(later, tick=False):
        for _ in range(4):
            twofactor_verify(user=vsu_user, code="000000")
        assert twofactor_verify(user=vsu_user, code=totp_code(device.secret, step=totp_step(later)))


def test_the_stored_secret_is_encrypted(vsu_user: User) -> None:
    from django.db import connection

    device = _device(vsu_user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice WHERE id = %s", [device.pk])
        stored = cursor.fetchone()[0]
    assert not plaintext_found(device.secret, [stored])
    assert fernet_decrypt(stored) == device.secret.encode()


# --- the decorator --------------------------------------------------------------------------


@twofactor_required
def _case_page(request: HttpRequest, case: str) -> HttpResponse:
    return HttpResponse(f"case {case}")


def _request(user: User | None) -> HttpRequest:
    request = RequestFactory().get("/cases/7/?tab=notes")
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    request.user = user or AnonymousUser()
    return request


def test_the_decorator_sends_anonymous_visitors_to_log_in() -> None:
    response = _case_page(_request(None), case="7")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/cases/7/%3Ftab%3Dnotes"


def test_the_decorator_sends_users_without_a_device_to_set_up(vsu_user: User) -> None:
    _device(vsu_user, confirmed=False)  # started, never confirmed
    response = _case_page(_request(vsu_user), case="7")
    assert response.status_code == 302
    assert response["Location"] == SETUP + "?next=%2Fcases%2F7%2F%3Ftab%3Dnotes"


def test_the_decorator_asks_enrolled_users_for_a_code(vsu_user: User) -> None:
    _device(vsu_user)
    response = _case_page(_request(vsu_user), case="7")
    assert response.status_code == 302
    assert response["Location"] == VERIFY + "?next=%2Fcases%2F7%2F%3Ftab%3Dnotes"


def test_the_decorator_lets_a_verified_session_through(vsu_user: User) -> None:
    _device(vsu_user)
    request = _request(vsu_user)
    twofactor_session_mark(request)
    assert _case_page(request, case="7").content == b"case 7"


def test_the_decorator_does_not_check_roles(citizen: User) -> None:
    _device(citizen)
    request = _request(citizen)
    twofactor_session_mark(request)
    assert _case_page(request, case="7").status_code == 200


def test_a_reset_ends_sessions_verified_with_the_old_device(vsu_user: User) -> None:
    device = _device(vsu_user)
    request = _request(vsu_user)
    twofactor_session_mark(request)
    device.delete()
    _device(vsu_user)  # enrolled again, elsewhere
    assert _case_page(request, case="7").status_code == 302


# --- the API permission ---------------------------------------------------------------------


class _CaseApi(APIView):
    permission_classes = [TwoFactorVerified]

    def get(self, request: Any) -> Response:
        return Response({"ok": True})


def test_the_api_permission_accepts_a_verified_session(vsu_user: User) -> None:
    _device(vsu_user)
    request = _request(vsu_user)
    twofactor_session_mark(request)
    assert _CaseApi.as_view()(request).status_code == 200


def test_the_api_permission_refuses_an_unverified_session(vsu_user: User) -> None:
    _device(vsu_user)
    assert _CaseApi.as_view()(_request(vsu_user)).status_code == 403


def test_the_api_permission_refuses_a_token_even_beside_a_verified_session(
    vsu_user: User,
) -> None:
    _device(vsu_user)
    _, token = AuthToken.objects.create(vsu_user)
    request = _request(vsu_user)
    twofactor_session_mark(request)
    request.META["HTTP_AUTHORIZATION"] = f"Token {token}"

    response = _CaseApi.as_view()(request)

    assert response.status_code == 403
    assert "API tokens are not accepted" in str(response.data["detail"])


# --- the admin ------------------------------------------------------------------------------


def test_an_admin_resets_two_factor_and_the_user_enrols_again(
    admin_user: User, vsu_user: User
) -> None:
    device = _device(vsu_user)
    # A unit member's account is a superuser's to change: a plain admin may not reset it.
    verified_client(admin_user).post(
        "/admin/accounts/user/",
        {"action": "twofactor_reset_action", "_selected_action": [vsu_user.pk]},
    )
    assert TOTPDevice.objects.filter(user=vsu_user).exists()
    superuser = User.objects.create_superuser("root@example.org", "x" * 12)
    client = verified_client(superuser)
    listing = client.get("/admin/accounts/user/").content.decode()
    assert "two-factor authentication" in listing.lower()
    assert (
        device.secret
        not in client.get(f"/admin/accounts/user/{vsu_user.pk}/change/").content.decode()
    )

    response = client.post(
        "/admin/accounts/user/",
        {"action": "twofactor_reset_action", "_selected_action": [vsu_user.pk]},
        follow=True,
    )

    assert "Two-factor authentication was reset for 1 user" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=vsu_user).exists()
    setup = _logged_in(vsu_user).get(SETUP)
    assert setup.status_code == 200
    assert device.secret not in setup.content.decode()


def test_the_device_has_no_admin_page(admin_user: User) -> None:
    assert verified_client(admin_user).get("/admin/accounts/totpdevice/").status_code == 404


@pytest.mark.parametrize("superuser", [False, True], ids=["admin", "superuser"])
def test_a_password_alone_does_not_open_the_admin(superuser: bool) -> None:
    # The admin grants roles and resets passwords and second factors: with a stolen password
    # alone, one would give oneself the unit's role and enrol one's own phone.
    if superuser:
        user = User.objects.create_superuser("root@example.org", PASSWORD)
    else:
        user = user_with_role(Role.ADMIN, email="admin@example.org")
    client = Client()
    assert (
        client.post("/admin/login/", {"username": user.email, "password": PASSWORD}).status_code
        == 302
    )
    for path in ("/admin/", "/admin/accounts/user/", f"/admin/accounts/user/{user.pk}/change/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"{SETUP}?{urlencode({'next': path})}"
    vsu = Group.objects.get(name=Role.VSU_SUPERVISOR.value)
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {"email": user.email, "is_active": "on", "is_staff": "on", "groups": [vsu.pk]},
    )
    assert response["Location"].startswith(SETUP)
    assert not user.groups.filter(pk=vsu.pk).exists()

    device = _device(user)  # enrolled, but this session has not passed it yet
    response = client.get("/admin/accounts/user/")
    assert response["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": _code(device.secret)}).status_code == 302
    assert client.get("/admin/accounts/user/").status_code == 200


def test_a_deactivated_unit_member_stays_a_superuser_s_to_change(admin_user: User) -> None:
    # A deactivated account holds no roles in force, but is one tick away from all of them.
    member = user_with_role(Role.VSU_STAFF, email="staff@example.org", is_active=False)
    device = _device(member)
    client = verified_client(admin_user)
    assert client.get(f"/admin/accounts/user/{member.pk}/password/").status_code == 403
    client.post(
        f"/admin/accounts/user/{member.pk}/password/",
        {
            "password1": "a new one chosen by the admin",
            "password2": "a new one chosen by the admin",
        },
    )
    client.post(
        "/admin/accounts/user/",
        {"action": "twofactor_reset_action", "_selected_action": [member.pk]},
    )
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert client.get(f"/admin/accounts/user/{member.pk}/delete/").status_code == 403


def test_an_unverified_session_logs_out_of_the_admin(admin_user: User) -> None:
    # Logging out needs no second factor (a device reset meanwhile must not trap the session).
    client = _logged_in(admin_user)
    response = client.post("/admin/logout/")
    assert not response.get("Location", "").startswith(("/accounts/2fa/", "/admin/login/"))
    assert "_auth_user_id" not in client.session


def test_the_admin_s_password_change_is_the_platform_s(admin_user: User) -> None:
    # Its old password is counted by the login lockout; the admin's own form does not count.
    client = verified_client(admin_user)
    response = client.get("/admin/password_change/")
    assert response["Location"] == "/accounts/password/change/"
    own = client.get(f"/admin/accounts/user/{admin_user.pk}/password/")
    assert own["Location"] == "/accounts/password/change/"
    chosen = "a new one, without the old"
    client.post(
        f"/admin/accounts/user/{admin_user.pk}/password/",
        {"password1": chosen, "password2": chosen},
    )
    admin_user.refresh_from_db()
    assert admin_user.check_password(PASSWORD)


def test_an_operator_removes_a_lost_second_factor_on_the_server() -> None:
    root = User.objects.create_superuser("root@example.org", PASSWORD)
    _device(root)
    out = StringIO()
    call_command("twofactor_reset", "ROOT@example.org", stdout=out)
    assert "root@example.org" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=root).exists()
    with pytest.raises(CommandError):
        call_command("twofactor_reset", "root@example.org")
    with pytest.raises(CommandError):
        call_command("twofactor_reset", "nobody@example.org")
