"""Every page exists in English and Greek: the Greek catalogue is complete and compiles."""

import subprocess
from pathlib import Path

import pytest
from django.test import Client

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "el" / "LC_MESSAGES" / "django.po"


def test_the_greek_catalogue_has_no_untranslated_or_fuzzy_message() -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "translated messages." in result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/register/"])
def test_pages_answer_in_the_language_chosen(client: Client, path: str) -> None:
    client.cookies["django_language"] = "el"
    greek = client.get(path).content.decode()
    assert '<html lang="el">' in greek
    assert "Αρχική" in greek
    client.cookies["django_language"] = "en"
    assert "Home" in client.get(path).content.decode()
