"""The role groups exist, hold exactly the documented permissions, and govern the admin."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from curim.accounts.models import User
from curim.accounts.roles import ROLE_PERMISSIONS, Role, user_roles
from curim.accounts.services import user_roles_set
from tests.factories import user_create, user_with_role, verified_client

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group() -> None:
    names = set(Group.objects.values_list("name", flat=True))
    assert {role.value for role in Role} <= names


@pytest.mark.parametrize("role", list(Role))
def test_each_group_holds_the_documented_permissions(role: Role) -> None:
    group = Group.objects.get(name=role.value)
    held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
    assert held == ROLE_PERMISSIONS[role]


def test_the_architecture_doc_lists_every_role() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text()
    for role in Role:
        assert f"`{role.value}`" in doc


def test_staff_status_follows_the_roles_that_open_the_admin() -> None:
    user = user_with_role(Role.MODERATOR)
    assert not user.is_staff
    user_roles_set(user=user, roles={Role.MODERATOR, Role.ADMIN})
    assert user.is_staff
    user_roles_set(user=user, roles={Role.MODERATOR})
    assert not user.is_staff
    user_roles_set(user=user, roles={Role.ANALYST})
    assert user.is_staff


def test_an_analyst_sees_only_the_survey_models_in_the_admin(client: Client) -> None:
    verified_client(user_with_role(Role.ANALYST), client)
    index = client.get("/admin/").content.decode()
    assert "/admin/surveys/indicator/" in index
    assert "/admin/accounts/user/" not in index
    assert "/admin/reports/report/" not in index
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get("/admin/surveys/indicator/add/").status_code == 200


def test_an_inactive_user_has_no_roles() -> None:
    user = user_with_role(Role.ANALYST, is_active=False)
    assert user_roles(User.objects.get(pk=user.pk)) == frozenset()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ADMIN, 200),
        (Role.ANALYST, 200),
        (Role.CITIZEN, 302),
        (Role.MODERATOR, 302),
        (Role.VSU_SUPERVISOR, 302),
        (Role.COUNCIL_MEMBER, 302),
    ],
)
def test_only_admins_and_analysts_open_the_django_admin(
    client: Client, role: Role, expected: int
) -> None:
    user = user_with_role(role)
    verified_client(user, client)
    assert client.get("/admin/").status_code == expected


def test_a_staff_flag_without_the_admin_role_does_not_open_the_admin(client: Client) -> None:
    user = user_create(is_staff=True)
    verified_client(user, client)
    assert client.get("/admin/").status_code == 302


def test_an_admin_can_create_a_staff_account_in_the_admin(client: Client) -> None:
    verified_client(user_with_role(Role.ADMIN), client)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "Officer@Example.org",
            "usable_password": "true",
            "password1": "a long enough secret 42",
            "password2": "a long enough secret 42",
        },
    )
    assert response.status_code == 302, response.content
    created = User.objects.get(email="officer@example.org")
    assert created.email_confirmed_at is not None
    assert created.is_active


def test_an_admin_cannot_touch_a_superuser(client: Client) -> None:
    root = user_create(email="root@example.org", is_superuser=True, is_staff=True)
    verified_client(user_with_role(Role.ADMIN), client)
    password_page = f"/admin/accounts/user/{root.pk}/password/"
    response = client.post(
        password_page, {"password1": "taken over 12345", "password2": "taken over 12345"}
    )
    assert response.status_code == 403
    assert (
        client.post(f"/admin/accounts/user/{root.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    root.refresh_from_db()
    assert not root.check_password("taken over 12345")


def test_a_superuser_keeps_the_admin_after_editing_their_account(client: Client) -> None:
    root = user_create(email="root@example.org", is_superuser=True, is_staff=True)
    verified_client(root, client)
    response = client.post(
        f"/admin/accounts/user/{root.pk}/change/",
        {
            "email": "root@example.org",
            "display_name": "Root",
            "language": "en",
            "is_active": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content
    assert client.get("/admin/").status_code == 200


def test_the_architecture_doc_shows_each_roles_permissions() -> None:
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text()
    for role in Role:
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{role.value}` |"))
        listed: set[str] = set()
        for token in re.findall(r"`([a-z_]+\.[a-z0-9_{},]+)`", row.split("|")[4]):
            match = re.fullmatch(r"(\w+)\.\{([\w,]+)\}_(\w+)", token)
            if match:
                app, verbs, model = match.groups()
                listed |= {f"{app}.{verb}_{model}" for verb in verbs.split(",")}
            else:
                listed.add(token)
        assert listed == ROLE_PERMISSIONS[role], role
