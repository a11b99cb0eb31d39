"""The analyst's page that imports an official incident file: check (nothing kept), import
(every row or none), errors by row and column; nobody else opens it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.analytics.models import IncidentImport, IncidentSource, OfficialIncident
from curim.analytics.services.category_mapping import category_mappings_set
from curim.reports.models import Category
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

URL = "/analytics/incidents/import/"
GOOD = (
    "id,x,y,crs,occurred_at,category\n"
    "P-1,23.6465,37.9425,EPSG:4326,2026-03-01T10:00,ΚΛΟΠΗ\n"
    "P-2,468900.0,4199300.0,EPSG:2100,2026-03-02T22:30,ΚΛΟΠΗ\n"
)


@pytest.fixture
def source(piraeus: None) -> IncidentSource:
    source = IncidentSource.objects.create(slug="police", name_en="Police", name_el="Αστυνομία")
    category_mappings_set(source=source, mappings={"ΚΛΟΠΗ": Category.objects.get(slug="theft")})
    return source


@pytest.fixture
def analyst_client(client: Client) -> Client:
    client.force_login(user_with_role(Role.ANALYST, email="analyst@example.org"))
    return client


def _post(client: Client, source: IncidentSource, text: str, action: str) -> object:
    upload = SimpleUploadedFile("police.csv", text.encode(), content_type="text/csv")
    return client.post(URL, {"source": source.pk, "file": upload, "action": action})


def test_the_address_is_the_one_documented() -> None:
    assert reverse("analytics:incidents_import") == URL


def test_checking_keeps_nothing_and_says_what_the_import_would_do(
    analyst_client: Client, source: IncidentSource
) -> None:
    response = _post(analyst_client, source, GOOD, "check")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "nothing is stored yet" in response.content.decode()  # type: ignore[attr-defined]
    assert OfficialIncident.objects.count() == 0
    assert IncidentImport.objects.count() == 0


def test_importing_stores_every_row_logs_it_and_a_second_time_changes_nothing(
    analyst_client: Client, source: IncidentSource
) -> None:
    response = _post(analyst_client, source, GOOD, "import")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert OfficialIncident.objects.count() == 2
    log = IncidentImport.objects.get()
    assert (log.created_count, log.imported_by.email) == (2, "analyst@example.org")
    _post(analyst_client, source, GOOD, "import")
    assert OfficialIncident.objects.count() == 2
    assert IncidentImport.objects.latest("imported_at").unchanged_count == 2
    page = analyst_client.get(URL).content.decode()
    assert "police.csv" in page  # the log of recent imports


def test_a_bad_row_is_named_with_its_column_and_nothing_is_stored(
    analyst_client: Client, source: IncidentSource
) -> None:
    bad = GOOD + "P-3,23.6465,37.9425,EPSG:4326,2026-03-02T22:30,ΑΓΝΩΣΤΟ\n"
    response = _post(analyst_client, source, bad, "import")
    assert response.status_code == 400  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "ΑΓΝΩΣΤΟ" in page
    assert "<code>category</code>" in page
    assert OfficialIncident.objects.count() == 0
    assert IncidentImport.objects.count() == 0


def test_no_file_or_no_source_is_a_clear_error(
    analyst_client: Client, source: IncidentSource
) -> None:
    response = analyst_client.post(URL, {"source": source.pk, "action": "import"})
    assert response.status_code == 400
    assert "Choose a file." in response.content.decode()
    response = analyst_client.post(URL, {"action": "import"})
    assert response.status_code == 400
    assert "Choose the source of the file." in response.content.decode()


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.COUNCIL_MEMBER, Role.MODERATOR])
def test_nobody_else_opens_it(client: Client, role: Role, source: IncidentSource) -> None:
    user: User = user_with_role(role, email=f"{role}@example.org")
    client.force_login(user)
    assert client.get(URL).status_code == 404
    assert _post(client, source, GOOD, "import").status_code == 404  # type: ignore[attr-defined]
    assert OfficialIncident.objects.count() == 0
