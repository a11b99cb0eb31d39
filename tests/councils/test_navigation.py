"""The navigation links the council's own pages (meetings, the dashboard) to members who sit on
a council today with a council role: a role without a seat, or a seat that has ended, would
lead to pages that show nothing, or a 404."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from councils.models import Position
from curim.accounts.roles import Role
from tests.councils.factories import council_create, member_create
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

MEETINGS = reverse("councils:manage_meetings")
DASHBOARD = reverse("councils:dashboard")


def _links(user: object) -> set[str]:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get(reverse("councils:home"))
    return {item["url"] for item in response.context["nav_items"]}


@pytest.mark.parametrize("role", [Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY])
def test_a_council_role_without_a_seat_is_not_linked_to_the_council_s_pages(role: Role) -> None:
    links = _links(user_with_role(role))
    assert MEETINGS not in links
    assert DASHBOARD not in links
    assert reverse("councils:home") in links  # the public pages, as for everybody


def test_a_seat_that_has_ended_is_not_linked_either() -> None:
    council = council_create()
    person = member_create(council, ends_on=date(2021, 12, 31)).person
    links = _links(person)
    assert MEETINGS not in links
    assert DASHBOARD not in links


@pytest.mark.parametrize(
    ("role", "position"),
    [(Role.COUNCIL_MEMBER, Position.MEMBER), (Role.COUNCIL_SECRETARY, Position.SECRETARY)],
)
def test_a_member_or_secretary_sitting_today_is_linked_to_meetings_and_dashboard(
    role: Role, position: str
) -> None:
    person = member_create(council_create(), role=role, position=position).person
    links = _links(person)
    assert {MEETINGS, DASHBOARD} <= links
    client = Client()
    client.force_login(person)
    assert client.get(MEETINGS).status_code == 200


def test_an_analyst_keeps_the_dashboard_without_a_seat() -> None:
    links = _links(user_with_role(Role.ANALYST))
    assert DASHBOARD in links
    assert MEETINGS not in links
