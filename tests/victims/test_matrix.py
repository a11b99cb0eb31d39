"""Nobody outside the unit reads a case: every victims URL and API endpoint, every role.

The endpoints are taken from the URLconf, so a new victims URL is covered the day it is added.
"""

import uuid
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from curim.accounts.models import User
from curim.accounts.roles import Role
from tests.factories import user_with_role
from tests.victims.clients import case_with_everything, member, verified_client
from victims.models import AccessLog, BreakGlass, Case, SupportSession
from victims.services.intake import intake_request_submit
from victims.services.privacy import break_glass_open

PUBLIC = {"victims:help", "victims:support_request", "victims:support_request_sent"}
SUPERVISOR_ONLY = {
    "victims:case_assign",
    "victims:assignment_end",
    "victims:break_glass",
    "victims:break_glass_review",
    "victims:dashboard",
    "victims:audit",
    "victims:person_export",
    "victims:person_erase",
    "victims:service_new",
    "victims:service_edit",
}
OUTSIDERS = [
    Role.CITIZEN,
    Role.MODERATOR,
    Role.COUNCIL_MEMBER,
    Role.COUNCIL_SECRETARY,
    Role.ANALYST,
    Role.ADMIN,
    "superuser",
]


def _names(patterns: list[Any], namespace: str = "") -> list[tuple[str, list[str]]]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}{entry.name}"
            if name.startswith("victims:") or name.startswith("api:vsu_"):
                found.append((name, list(entry.pattern.converters)))
    return found


ENDPOINTS = [(n, kw) for n, kw in _names(get_resolver().url_patterns) if n not in PUBLIC]


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    staff = member(Role.VSU_STAFF)
    supervisor = member(Role.VSU_SUPERVISOR)
    case = case_with_everything(staff)
    intake = intake_request_submit(
        name="Maria", phone="+30 690 000 0000", email="", channel="phone"
    )
    glass_case = case_with_everything(staff)
    Case.objects.filter(pk=glass_case.pk).update(restricted=True)
    glass = break_glass_open(
        case=glass_case, user=supervisor, reason="Worker on leave, urgent call"
    )
    assert case.person is not None
    kwargs = {
        "case_id": case.pk,
        "worker_id": staff.public_id,
        "consent_id": case.consents.first().pk,
        "referral_id": case.referrals.first().pk,
        "document_id": case.documents.first().pk,
        "request_id": intake.pk,
        "service_id": case.referrals.first().service_id,
        "glass_id": glass.pk,
        "person_id": case.person.pk,
    }
    glass_kwargs = {
        **kwargs,
        "case_id": glass_case.pk,
        "consent_id": glass_case.consents.first().pk,
        "referral_id": glass_case.referrals.first().pk,
        "document_id": glass_case.documents.first().pk,
    }
    return {
        "staff": staff,
        "supervisor": supervisor,
        "case": case,
        "kwargs": kwargs,
        "glass_case": glass_case,
        "glass_kwargs": glass_kwargs,
    }


def _path(name: str, converters: list[str], kwargs: dict[str, Any]) -> str:
    return reverse(name, kwargs={k: kwargs[k] for k in converters})


def _outsider(role: Role | str) -> User:
    if role == "superuser":
        return User.objects.create_superuser(f"root-{uuid.uuid4().hex[:6]}@example.org", "x" * 12)
    return user_with_role(Role(role))


def test_every_victims_endpoint_is_in_the_matrix() -> None:
    assert len(ENDPOINTS) >= 25
    names = {n for n, _ in ENDPOINTS}
    assert {"victims:case", "victims:document", "api:vsu_case_detail"} <= names


@pytest.mark.parametrize("role", OUTSIDERS, ids=str)
def test_nobody_outside_the_unit_reads_or_changes_anything(
    world: dict[str, Any], role: Role | str
) -> None:
    # Even with a second factor passed, a role outside the unit opens nothing.
    client = verified_client(_outsider(role))
    before = (Case.objects.count(), SupportSession.objects.count(), BreakGlass.objects.count())
    secrets = ["Eleni", "Papadopoulou", world["case"].reference, "assault"]
    for name, converters in ENDPOINTS:
        path = _path(name, converters, world["kwargs"])
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            # A POST to the API meets DRF's CSRF check (403) before the role check (404).
            allowed = (403, 404, 405) if name.startswith("api:") else (404, 405)
            assert response.status_code in allowed, (
                f"{role} {method} {name}: {response.status_code}"
            )
            body = response.content.decode(errors="replace")
            assert not any(s in body for s in secrets), f"{role} {method} {name} leaked"
    after = (Case.objects.count(), SupportSession.objects.count(), BreakGlass.objects.count())
    assert after == before


# The pages of a case that only read it (the break-glass page opens access); every other page
# or endpoint of a case changes it.
READS_A_CASE = {"victims:case", "victims:document", "api:vsu_case_detail", "victims:break_glass"}


def _case_state(case: Case) -> tuple[Any, ...]:
    case = Case.objects.select_related("person").get(pk=case.pk)
    assert case.person is not None
    return (
        case.status,
        case.risk_level,
        case.summary,
        case.person.full_name,
        case.sessions.count(),
        case.documents.count(),
        list(case.consents.filter(withdrawn_at__isnull=True).values_list("pk", flat=True)),
        list(case.referrals.values_list("pk", "status")),
        list(case.assignments.filter(ended_at__isnull=True).values_list("worker", flat=True)),
    )


def test_break_glass_access_reads_a_restricted_case_and_changes_nothing(
    world: dict[str, Any],
) -> None:
    # Break-glass access is for reading, for a while: a supervisor who opened the glass must
    # not edit the person, close the case, withdraw consents or end the workers' assignments
    # (after which nobody could ever be assigned again).
    client = verified_client(world["supervisor"])
    case = world["glass_case"]
    before = _case_state(case)
    changes = [(n, c) for n, c in ENDPOINTS if "case_id" in c and n not in READS_A_CASE]
    assert len(changes) >= 12
    for name, converters in ENDPOINTS:
        if "case_id" not in converters:
            continue
        path = _path(name, converters, world["glass_kwargs"])
        if name in READS_A_CASE:
            # The break-glass page of an open glass sends the reader to the case.
            assert client.get(path).status_code in (200, 302), name
            continue
        for method, data in (("get", {}), ("post", {"status": "closed", "notes": "x"})):
            response = getattr(client, method)(path, data)
            assert response.status_code in (404, 405), f"{method} {name}: {response.status_code}"
    assert _case_state(case) == before
    # Its page offers no change; the same supervisor's page of a case they may change does.
    for shown, kwargs in ((False, world["glass_kwargs"]), (True, world["kwargs"])):
        page = client.get(reverse("victims:case", args=[kwargs["case_id"]])).content.decode()
        assert ("through break-glass access" in page) is not shown
        for name, converters in changes:
            if name.startswith("api:") or name == "victims:case_reopen":
                continue  # the API has no links; a closed case's page offers reopening
            assert (_path(name, converters, kwargs) in page) is shown, (name, shown)


def test_anonymous_visitors_are_sent_to_log_in(world: dict[str, Any]) -> None:
    client = Client()
    for name, converters in ENDPOINTS:
        path = _path(name, converters, world["kwargs"])
        response = client.get(path)
        if name.startswith("api:"):
            assert response.status_code in (401, 403), name
        else:
            assert response.status_code in (302, 405), name
            if response.status_code == 302:
                assert "/accounts/login/" in response["Location"], name


def test_a_member_without_a_second_factor_is_sent_to_enrol(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["staff"])
    for name, converters in ENDPOINTS:
        if name in SUPERVISOR_ONLY:
            continue
        path = _path(name, converters, world["kwargs"])
        response = client.get(path)
        if name.startswith("api:"):
            assert response.status_code == 403, name
        elif response.status_code != 405:
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("accounts:twofactor_setup")), name
            assert "no-store" in response["Cache-Control"], name


def test_case_workers_do_not_open_supervisor_pages(world: dict[str, Any]) -> None:
    client = verified_client(world["staff"])
    for name, converters in ENDPOINTS:
        if name not in SUPERVISOR_ONLY:
            continue
        path = _path(name, converters, world["kwargs"])
        for method in ("get", "post"):
            assert getattr(client, method)(path).status_code in (403, 404, 405), f"{method} {name}"


def test_a_case_worker_not_on_the_case_gets_404(world: dict[str, Any]) -> None:
    client = verified_client(member(Role.VSU_STAFF))
    case_scoped = [(n, c) for n, c in ENDPOINTS if "case_id" in c and n not in SUPERVISOR_ONLY]
    assert len(case_scoped) >= 10
    for name, converters in case_scoped:
        path = _path(name, converters, world["kwargs"])
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            allowed = (403, 404, 405) if name.startswith("api:") else (404, 405)
            assert response.status_code in allowed, f"{method} {name}"


def test_every_unit_page_opens_for_the_supervisor_without_caching(world: dict[str, Any]) -> None:
    client = verified_client(world["supervisor"])
    for name, converters in ENDPOINTS:
        if name == "victims:break_glass_review":
            continue  # POST only
        path = _path(name, converters, world["kwargs"])
        response = client.get(path)
        assert response.status_code in (200, 302, 405), f"{name}: {response.status_code}"
        if response.status_code != 405:
            assert "no-store" in response["Cache-Control"], name


def test_the_django_admin_holds_no_victims_model(world: dict[str, Any]) -> None:
    assert not [m for m in admin.site._registry if m._meta.app_label == "victims"]
    root = User.objects.create_superuser("root@example.org", "x" * 12)
    client = Client()
    verified_client(root, client)
    assert client.get("/admin/victims/").status_code == 404
    assert client.get("/admin/victims/case/").status_code == 404


def test_outsider_attempts_leave_the_access_log_untouched_but_members_reads_do_not(
    world: dict[str, Any],
) -> None:
    before = AccessLog.objects.count()
    verified_client(user_with_role(Role.ADMIN)).get(
        reverse("victims:case", args=[world["case"].pk])
    )
    assert AccessLog.objects.count() == before
    verified_client(world["staff"]).get(reverse("victims:case", args=[world["case"].pk]))
    assert (
        AccessLog.objects.filter(action=AccessLog.Action.VIEW, case_id=world["case"].pk).count()
        == 1
    )


def test_an_admin_cannot_take_over_or_join_the_unit(world: dict[str, Any]) -> None:
    admin_user = user_with_role(Role.ADMIN)
    client = Client()
    verified_client(admin_user, client)
    supervisor = world["supervisor"]
    change = reverse("admin:accounts_user_change", args=[supervisor.pk])
    password = reverse("admin:auth_user_password_change", args=[supervisor.pk])
    # At most a read-only page, with no way to change the account or its password.
    page = client.get(change)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert client.get(password).status_code == 403
    assert client.post(change, {"email": "taken@example.org"}).status_code == 403
    # The unit's roles are not on offer, not even for the admin's own account.
    own = client.get(reverse("admin:accounts_user_change", args=[admin_user.pk]))
    choices = [label for _, label in own.context["adminform"].form.fields["groups"].choices]
    assert "vsu_supervisor" not in choices
    assert "vsu_staff" not in choices
