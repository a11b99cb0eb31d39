"""The indicator dashboard and its CSV: for the council and the survey staff, suppression kept."""

import csv
import io

import pytest
from django.test import Client

from curim.accounts.roles import Role
from surveys.services.refresh import estimates_refresh
from tests.factories import user_with_role
from tests.surveys.generate import build_wave


@pytest.fixture
def refreshed(db: None) -> object:
    wave = build_wave(seed=41, n=400)
    estimates_refresh(survey=wave.survey)
    return wave


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CITIZEN, Role.MODERATOR, Role.VSU_STAFF])
def test_others_get_nothing(client: Client, refreshed: object, role: Role) -> None:
    assert client.get("/surveys/dashboard/").status_code == 302  # to the login page
    client.force_login(user_with_role(role))
    assert client.get("/surveys/dashboard/").status_code == 404
    assert client.get("/surveys/dashboard/indicators.csv").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COUNCIL_MEMBER, Role.ANALYST])
def test_the_dashboard_shows_estimates_and_hides_small_cells(
    client: Client, refreshed: object, role: Role
) -> None:
    client.force_login(user_with_role(role))
    page = client.get("/surveys/dashboard/?indicator=perception").content.decode()
    assert "By district" in page
    assert "fewer than 10 respondents" in page  # the small district and groups
    assert 'id="chart-data"' in page
    assert "chart.umd.min.js" in page


@pytest.mark.django_db
def test_the_csv_holds_every_cell_with_suppressed_ones_blank(
    client: Client, refreshed: object
) -> None:
    client.force_login(user_with_role(Role.ANALYST))
    response = client.get("/surveys/dashboard/indicators.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows
    hidden = [row for row in rows if row["suppressed"] == "yes"]
    assert hidden
    assert all(row["n"] == row["estimate"] == row["ci_low"] == "" for row in hidden)
    shown = [row for row in rows if row["suppressed"] == "no"]
    assert all(int(row["n"]) >= 10 for row in shown)


@pytest.mark.django_db
def test_without_estimates_the_dashboard_says_so(client: Client) -> None:
    client.force_login(user_with_role(Role.ANALYST))
    assert "No estimates yet" in client.get("/surveys/dashboard/").content.decode()
