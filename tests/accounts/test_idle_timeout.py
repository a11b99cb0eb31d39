"""Victim Support Unit sessions end after VSU_IDLE_MINUTES without activity; others do not."""

import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from curim.accounts.models import User
from curim.accounts.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PROFILE = "/accounts/profile/"


def _logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", [Role.VSU_STAFF, Role.VSU_SUPERVISOR])
def test_a_vsu_session_ends_after_sixteen_idle_minutes(role: Role) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = _logged_in(user_with_role(role))
        assert client.get(PROFILE).status_code == 200
        clock.shift(timedelta(minutes=16))
        response = client.get(PROFILE)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={PROFILE}"


def test_a_vsu_session_lives_on_while_used() -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = _logged_in(user_with_role(Role.VSU_STAFF))
        for _ in range(4):
            assert client.get(PROFILE).status_code == 200
            clock.shift(timedelta(minutes=14))
        assert client.get(PROFILE).status_code == 200


def test_the_stored_session_expires_as_soon() -> None:
    client = _logged_in(user_with_role(Role.VSU_STAFF))
    client.get(PROFILE)
    assert client.session.get_expiry_age() == 15 * 60


def test_an_idle_session_is_logged_out_with_a_message() -> None:
    # The session row would expire by itself; here it was made before the role was granted.
    client = _logged_in(user_with_role(Role.VSU_STAFF))
    session = client.session
    session["last_activity"] = int(time.time()) - 16 * 60
    session.save()

    response = client.get(PROFILE, follow=True)

    assert response.redirect_chain[0] == (f"/accounts/login/?next={PROFILE}", 302)
    assert "Your session ended after 15 minutes without activity" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_idle_api_call_answers_401() -> None:
    client = _logged_in(user_with_role(Role.VSU_STAFF))
    session = client.session
    session["last_activity"] = int(time.time()) - 16 * 60
    session.save()

    response = client.get("/api/v1/me/")

    assert response.status_code == 401
    assert "without activity" in response.json()["detail"]


def test_a_citizen_session_is_untouched(citizen: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = _logged_in(citizen)
        assert client.get(PROFILE).status_code == 200
        clock.shift(timedelta(hours=2))
        assert client.get(PROFILE).status_code == 200
        assert "last_activity" not in client.session
