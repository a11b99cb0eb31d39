"""Writes live in services: no view, API or form module writes to the database itself.

A page or endpoint that saved a model directly would skip what the service guarantees (the
`full_clean()`, the transaction, the audit row, the outbox task). So the modules that handle
requests are read for calls that write: a model or form `.save()`, `.delete()`, a manager's or
queryset's `create`/`update`/`bulk_*`/`get_or_create`/`update_or_create`, and raw SQL through a
cursor. A module found here either moves its write into a service, or, where the call is not a
database write at all, the line is listed in ALLOWED with the reason.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ["curim", "surveys", "victims", "councils", "interventions"]

# Methods that write to the database on a model, form, manager or queryset. `create` and
# `update` are also names of harmless methods (`dict.update`, `hashlib`'s `update`): those few
# lines are listed in ALLOWED rather than guessed at, so a queryset held in a variable
# (`rows.update(...)`) cannot slip through.
WRITES = {
    "save",
    "delete",
    "create",
    "update",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
RAW_SQL = {"cursor", "execute", "executemany", "raw"}

# (module, line text) pairs that look like writes and are not, with the reason.
ALLOWED: dict[tuple[str, str], str] = {
    ("curim/reports/api/reports.py", "digest.update(chunk)"): "hashes the request body",
}


def request_modules() -> list[Path]:
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts:
                continue
            if path.name in {"views.py", "api.py", "forms.py"} or {"views", "api"} & set(
                parts[:-1]
            ):
                found.append(path)
    return sorted(found)


def writes_in(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in WRITES | RAW_SQL:
            continue
        text = lines[node.lineno - 1].strip()
        if (str(path.relative_to(ROOT)), text) not in ALLOWED:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text}")
    return found


def test_the_request_modules_are_found() -> None:
    names = {str(p.relative_to(ROOT)) for p in request_modules()}
    assert {
        "curim/accounts/views.py",
        "curim/reports/api/reports.py",
        "curim/reports/open311/views.py",
        "surveys/views/staff.py",
        "victims/views/cases.py",
        "victims/api.py",
    } <= names


@pytest.mark.parametrize("path", request_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_view_api_or_form_module_writes_to_the_database(path: Path) -> None:
    assert not writes_in(path), "write through a service instead:\n" + "\n".join(writes_in(path))


def test_the_check_sees_each_kind_of_write(tmp_path: Path) -> None:
    sample = tmp_path / "views.py"
    sample.write_text(
        "def view(request, form, report):\n"
        "    report.save()\n"
        "    form.save()\n"
        "    Report.objects.create(x=1)\n"
        "    Report.objects.filter(pk=1).update(x=2)\n"
        "    Report.objects.get_or_create(x=3)\n"
        "    report.photos.all().delete()\n"
        "    rows = Report.objects.filter(pk=1)\n"
        "    rows.update(x=4)\n"
        "    connection.cursor()\n",
        encoding="utf-8",
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = writes_in(sample)
    finally:
        ROOT = saved
    assert len(found) == 8, found


# The council reads citizen reports through the reports app's selectors (and its pure
# statistics) only: its models' choices may be named, never a model queried.
COUNCIL_READS_OF_REPORTS = {
    "curim.reports.selectors": None,  # anything
    "curim.reports.statistics": None,
    "curim.reports.models": {"CategoryGroup"},
    # The API's shared field types (no reads of reports).
    "curim.reports.api.common": {"SafeDateTimeField", "TextChoiceField"},
}


def reports_imports_of(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("curim.reports"):
            module = node.module or ""
            if module not in COUNCIL_READS_OF_REPORTS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: from {module}")
                continue
            allowed = COUNCIL_READS_OF_REPORTS[module]
            names = {alias.name for alias in node.names}
            if allowed is not None and not names <= allowed:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {sorted(names - allowed)}")
        elif isinstance(node, ast.Import) and any(
            a.name.startswith("curim.reports") for a in node.names
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: import curim.reports…")
    return found


def test_the_council_reads_reports_through_their_selectors_only() -> None:
    found = [
        line
        for path in sorted((ROOT / "councils").rglob("*.py"))
        if "migrations" not in path.parts
        for line in reports_imports_of(path)
    ]
    assert not found, "read reports through curim.reports.selectors:\n" + "\n".join(found)


def test_the_reports_check_sees_a_model_import(tmp_path: Path) -> None:
    sample = tmp_path / "figures.py"
    sample.write_text(
        "from curim.reports.models import CategoryGroup, Report\nimport curim.reports.models\n",
        encoding="utf-8",
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = reports_imports_of(sample)
    finally:
        ROOT = saved
    assert len(found) == 2, found
