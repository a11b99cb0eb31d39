"""Fixtures for the Victim Support Unit: documents in a folder of each test's own, and the
people of the unit."""

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.accounts.models import User
from tests.victims.factories import LONG_AGO, case_create, supervisor_create, worker_create
from victims.models import Case


@pytest.fixture(autouse=True)
def _documents_in_tmp(settings: SettingsWrapper, tmp_path: Path) -> None:
    settings.VSU_DOCUMENT_ROOT = tmp_path / "vsu"


@pytest.fixture(autouse=True)
def _fast_passwords(settings: SettingsWrapper) -> None:
    # Each test makes several users; nobody here logs in, so the slow hasher buys nothing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def document_root(settings: SettingsWrapper) -> Path:
    return Path(settings.VSU_DOCUMENT_ROOT)


@pytest.fixture
def supervisor(db: None) -> User:
    return supervisor_create(email="supervisor@example.org")


@pytest.fixture
def worker(db: None) -> User:
    return worker_create(email="worker@example.org")


@pytest.fixture
def case(worker: User) -> Case:
    return case_create(by=worker, intake_date=LONG_AGO)
