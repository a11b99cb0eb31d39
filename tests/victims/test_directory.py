"""The directory of services: supervisors add and edit entries through a service that logs."""

import pytest
from django.urls import reverse

from curim.accounts.models import User
from tests.victims.clients import verified_client
from victims.models import AccessLog, Service
from victims.services.directory import service_save

pytestmark = pytest.mark.django_db

ENTRY = {"name_en": "Harbour Shelter", "name_el": "Καταφύγιο Λιμανιού", "kind": "shelter"}


def test_adding_and_editing_a_service_leaves_an_access_log_row_each(supervisor: User) -> None:
    client = verified_client(supervisor)

    added = client.post(reverse("victims:service_new"), {**ENTRY, "is_active": "on"})

    assert added.status_code == 302
    service = Service.objects.get()
    entry = AccessLog.objects.get(action=AccessLog.Action.CREATE)
    assert (entry.user_email, entry.detail) == (supervisor.email, f"service {service.pk} added")

    edited = client.post(
        reverse("victims:service_edit", args=[service.pk]),
        {**ENTRY, "phone": "210 000 0000", "is_active": "on"},
    )

    assert edited.status_code == 302
    assert Service.objects.get().phone == "210 000 0000"
    change = AccessLog.objects.get(action=AccessLog.Action.CHANGE)
    assert change.detail == f"service {service.pk} changed"


def test_only_a_supervisor_saves_the_directory(worker: User) -> None:
    with pytest.raises(PermissionError):
        service_save(by=worker, fields=ENTRY)
    assert not Service.objects.exists()
    assert not AccessLog.objects.exists()
