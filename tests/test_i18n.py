"""Every page exists in English and Greek: the Greek catalogue is complete and compiles."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

CATALOGUES = Path(__file__).resolve().parents[1] / "locale" / "el" / "LC_MESSAGES"


# django.po for templates and Python, djangojs.po for the scripts (served by /jsi18n/).
@pytest.mark.parametrize("name", ["django.po", "djangojs.po"])
def test_the_greek_catalogue_has_no_untranslated_or_fuzzy_message(name: str) -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUES / name)],
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


SOURCES = ("curim", "surveys", "victims", "councils", "interventions", "templates", "static/js")
MESSAGE_CALLS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext"}


def _python_files() -> list[Path]:
    root = CATALOGUES.parents[2]
    return [
        path
        for top in SOURCES
        for path in (root / top).rglob("*.py")
        if "migrations" not in path.parts
    ]


def test_no_message_is_marked_inside_an_f_string() -> None:
    # xgettext does not look inside f-strings: a gettext call there never reaches the
    # catalogue, and the page shows English in Greek ("(optional)" did).
    found = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.JoinedStr):
                continue
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Name)
                    and call.func.id in MESSAGE_CALLS
                ):
                    found.append(f"{path}:{call.lineno}")
    assert found == []


def _messages(po: Path) -> set[tuple[str, str]]:
    """(context, message) of every entry of a catalogue but its header."""
    entries = set()
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        fields: dict[str, str] = {}
        name = ""
        for line in lines:
            if line.startswith('"'):
                fields[name] += ast.literal_eval(line)
            else:
                name, _, rest = line.partition(" ")
                fields[name] = ast.literal_eval(rest)
        if fields.get("msgid"):
            entries.add((fields.get("msgctxt", ""), fields["msgid"]))
    return entries


def test_the_catalogues_hold_every_message_of_the_code(tmp_path: Path) -> None:
    # `make messages` run now on a copy of the code would add nothing: no string was left out
    # of the catalogues (and so out of the Greek pages).
    root = CATALOGUES.parents[2]
    for top in (*SOURCES, "locale"):
        shutil.copytree(root / top, tmp_path / top, ignore=shutil.ignore_patterns("*.mo"))
    for name in ("manage.py", ".env"):
        if (root / name).exists():
            shutil.copy(root / name, tmp_path / name)
    for domain in ("django", "djangojs"):
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-d",
                domain,
                "-l",
                "el",
                "--no-obsolete",
            ],
            cwd=tmp_path,
            check=True,
            capture_output=True,
            timeout=300,
        )
        po = f"{domain}.po"
        missing = _messages(tmp_path / "locale/el/LC_MESSAGES" / po) - _messages(CATALOGUES / po)
        assert missing == set(), f"not in {po} (run make messages): {sorted(missing)}"
