"""Factories for test data: real users with real roles, real polygons."""

from typing import Any

import factory
from django.contrib.auth.models import Group
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.test import Client
from django.utils import timezone

from curim.accounts.models import TOTPDevice, User
from curim.accounts.roles import Role
from curim.accounts.services import user_roles_set
from curim.accounts.totp import totp_secret_generate
from curim.accounts.twofactor import SESSION_DEVICE_KEY, SESSION_USER_KEY
from curim.areas.models import Area
from curim.reports.models import PlaceEvaluation

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.save()
        if extracted:
            user_roles_set(user=self, roles=set(extracted))


def user_create(**fields: Any) -> User:
    user: User = UserFactory(**fields)
    return user


def user_with_role(role: Role, **fields: Any) -> User:
    return user_create(roles=[role], **fields)


def enrolled(user: User) -> TOTPDevice:
    """`user`'s second factor, set up."""
    return TOTPDevice.objects.create(
        user=user, secret=totp_secret_generate(), confirmed_at=timezone.now()
    )


def verified_client(user: User, client: Client | None = None) -> Client:
    """A client (`client`, or a new one) logged in as `user`, its session past the second
    factor (enrolled first if need be), as the unit's pages and the admin ask."""
    device = TOTPDevice.objects.filter(user=user).first() or enrolled(user)
    if device.confirmed_at is None:  # an enrolment begun: finished, or the session is not past
        device.confirmed_at = timezone.now()
        device.save(update_fields=["confirmed_at"])
    client = client or Client()
    client.force_login(user)
    session = client.session
    session[SESSION_USER_KEY] = user.pk
    session[SESSION_DEVICE_KEY] = device.pk
    session.save()
    return client


def square(x: float, y: float, size: float = 0.01) -> MultiPolygon:
    """A square in lon/lat with its south-west corner at (x, y)."""
    ring = ((x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y))
    return MultiPolygon(Polygon(ring), srid=4326)


class AreaFactory(factory.django.DjangoModelFactory[Area]):
    class Meta:
        model = Area

    code = factory.Sequence(lambda n: f"area-{n}")
    level = Area.Level.MUNICIPALITY
    name_en = factory.Sequence(lambda n: f"Area {n}")
    name_el = factory.Sequence(lambda n: f"Περιοχή {n}")
    geometry = factory.LazyFunction(lambda: square(23.60, 37.93, 0.05))


def area_create(**fields: Any) -> Area:
    return AreaFactory(**fields)


def role_group(role: Role) -> Group:
    return Group.objects.get(name=role.value)


def place_evaluation_create(
    area: Area | None, *, feeling: int, time_of_day: str, at_area: Area | None = None
) -> PlaceEvaluation:
    """A rating of how safe a place feels, at the inside point of `at_area` (by default its
    own `area`), its other five scores middling (3)."""
    where = at_area or area
    assert where is not None
    centre = where.geometry.point_on_surface
    return PlaceEvaluation.objects.create(
        location=centre,
        public_location=centre,
        area=area,
        time_of_day=time_of_day,
        feeling=feeling,
        lighting=3,
        visibility=3,
        people=3,
        security=3,
        walk_path=3,
    )
