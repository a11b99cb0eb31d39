"""The per-request user lookup brings the account's roles in the same query, and each request
sees the roles and the account as they are then (curim.accounts.backends)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from curim.accounts.backends import AccountBackend
from curim.accounts.roles import Role, user_roles
from curim.accounts.services import user_roles_set
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_the_user_and_its_roles_are_one_query() -> None:
    user = user_with_role(Role.MODERATOR)
    user_roles_set(user=user, roles={Role.MODERATOR, Role.ANALYST})
    with CaptureQueriesContext(connection) as queries:
        loaded = AccountBackend().get_user(user.pk)
        assert loaded is not None
        assert user_roles(loaded) == {Role.MODERATOR, Role.ANALYST}
    assert len(queries) == 1


def test_an_account_without_roles_has_none_and_an_unknown_one_is_nobody() -> None:
    user = user_with_role(Role.MODERATOR)
    user_roles_set(user=user, roles=set())
    loaded = AccountBackend().get_user(user.pk)
    assert loaded is not None
    assert user_roles(loaded) == frozenset()
    user.delete()
    assert AccountBackend().get_user(user.pk) is None


def test_a_deactivated_account_is_signed_out_on_its_next_request(client: Client) -> None:
    user = user_with_role(Role.MODERATOR)
    client.force_login(user)
    assert client.get("/moderation/").status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/moderation/").status_code == 302


def test_a_role_taken_away_counts_from_the_next_request(client: Client) -> None:
    user = user_with_role(Role.MODERATOR)
    client.force_login(user)
    assert client.get("/moderation/").status_code == 200
    user_roles_set(user=user, roles={Role.CITIZEN})
    assert client.get("/moderation/").status_code in (403, 404)
