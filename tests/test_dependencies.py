"""Dependencies point one way: every pair of packages has a declared direction, and no import
goes against it. docs/architecture.md draws exactly the table below.

The project package's own modules (`curim/settings.py`, `urls.py`, `navigation.py`, ...) wire
the apps together and may import any of them; the apps may take only the Celery app from it.
"""

import ast
import importlib.metadata
import itertools
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CORE = "curim.core"
ACCOUNTS = "curim.accounts"
AREAS = "curim.areas"
REPORTS = "curim.reports"
SURVEYS = "surveys"
VICTIMS = "victims"
COUNCILS = "councils"
INTERVENTIONS = "interventions"
ANALYTICS = "curim.analytics"
PACKAGES = [CORE, ACCOUNTS, AREAS, REPORTS, ANALYTICS, SURVEYS, VICTIMS, COUNCILS, INTERVENTIONS]
CURIM = {CORE, ACCOUNTS, AREAS, REPORTS}

# What each package may import. Every other pair is forbidden.
MAY_IMPORT: dict[str, set[str]] = {
    CORE: set(),
    ACCOUNTS: {CORE},
    AREAS: {CORE},
    REPORTS: {CORE, ACCOUNTS, AREAS},
    ANALYTICS: CURIM | {SURVEYS},
    SURVEYS: CURIM,
    VICTIMS: CURIM,
    INTERVENTIONS: CURIM | {ANALYTICS, SURVEYS},
    # Only through their selectors.py (and victims' statistics alone): see the tests below.
    COUNCILS: CURIM | {ANALYTICS, SURVEYS, VICTIMS, INTERVENTIONS},
}
# The arrows drawn in docs/architecture.md; a package may import whatever its arrows lead to,
# directly or not, which must be exactly MAY_IMPORT.
ARROWS: dict[str, set[str]] = {
    CORE: set(),
    ACCOUNTS: {CORE},
    AREAS: {CORE},
    REPORTS: {ACCOUNTS, AREAS},
    ANALYTICS: {SURVEYS},
    SURVEYS: {REPORTS},
    VICTIMS: {REPORTS},
    INTERVENTIONS: {ANALYTICS},
    COUNCILS: {SURVEYS, VICTIMS, INTERVENTIONS},
}
# Modules of the project package that an app may import.
PROJECT_MODULES_FOR_APPS = {"curim.celery"}


def _package_of(module: str) -> str | None:
    for package in PACKAGES:
        if module == package or module.startswith(package + "."):
            return package
    return None


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """Absolute imports of one file, with the names taken (`from x import a, b`)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
    return found


def _files(package: str) -> list[Path]:
    return sorted((ROOT / package.replace(".", "/")).rglob("*.py"))


def _imported_packages(path: Path) -> set[str]:
    """The packages a file imports, `from curim import reports` included."""
    packages = set()
    for module, names in _imports(path):
        for target in [module, *(f"{module}.{name}" for name in names)]:
            package = _package_of(target)
            if package:
                packages.add(package)
    return packages


def test_the_table_is_what_the_picture_draws() -> None:
    def reachable(package: str) -> set[str]:
        found: set[str] = set()
        for target in ARROWS[package]:
            found |= {target} | reachable(target)
        return found

    assert {package: reachable(package) for package in PACKAGES} == MAY_IMPORT


def test_every_pair_has_at_most_one_direction() -> None:
    for one, other in itertools.combinations(PACKAGES, 2):
        assert not (other in MAY_IMPORT[one] and one in MAY_IMPORT[other]), (one, other)


def test_every_app_is_in_the_table() -> None:
    apps = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in ROOT.glob("**/apps.py")
        # Not the virtualenv, nor mutmut's copy of the project (`make mutants`).
        if ".venv" not in path.parts and path.relative_to(ROOT).parts[0] != "mutants"
    }
    assert apps == set(PACKAGES)


FORBIDDEN = [
    (importer, imported)
    for importer, imported in itertools.permutations(PACKAGES, 2)
    if imported not in MAY_IMPORT[importer]
]


@pytest.mark.parametrize(
    ("importer", "imported"), FORBIDDEN, ids=[f"{a}-imports-{b}" for a, b in FORBIDDEN]
)
def test_no_import_goes_against_the_declared_direction(importer: str, imported: str) -> None:
    offending = [
        str(path.relative_to(ROOT))
        for path in _files(importer)
        if imported in _imported_packages(path)
    ]
    assert not offending, f"{importer} may not import {imported}: {offending}"


@pytest.mark.parametrize("package", PACKAGES)
def test_apps_take_only_the_celery_app_from_the_project_package(package: str) -> None:
    for path in _files(package):
        for module, names in _imports(path):
            targets = (
                [module, *(f"{module}.{name}" for name in names)] if module == "curim" else [module]
            )
            for target in targets:
                if target.startswith("curim.") and _package_of(target) is None:
                    assert target in PROJECT_MODULES_FOR_APPS, f"{path}: imports {target}"


@pytest.mark.parametrize("package", [p for p in PACKAGES if p != VICTIMS])
def test_only_the_statistics_selectors_of_victims_are_imported_elsewhere(package: str) -> None:
    for path in _files(package):
        for module, names in _imports(path):
            if module == "victims" or module.startswith("victims."):
                assert module == "victims.selectors", f"{path}: imports {module}"
                assert set(names) <= {
                    "victim_support_latest_year",
                    "victim_support_statistics",
                }, f"{path}: imports {names}"


def test_analytics_reads_the_survey_only_through_its_selectors() -> None:
    for path in _files(ANALYTICS):
        for module, _names in _imports(path):
            if _package_of(module) == SURVEYS:
                assert module == "surveys.selectors", f"{path}: imports {module}"


def test_councils_reads_the_other_apps_only_through_their_selectors() -> None:
    for path in _files(COUNCILS):
        for module, _names in _imports(path):
            if _package_of(module) in {SURVEYS, VICTIMS, INTERVENTIONS}:
                assert module.endswith(".selectors"), f"{path}: imports {module}"


def test_councils_reads_the_analytics_only_through_its_selectors() -> None:
    """The dashboard's panels read the latest council runs through one selector module
    (curim/analytics/selectors/panels.py), never the models, services or computations."""
    for path in _files(COUNCILS):
        for module, names in _imports(path):
            if _package_of(module) == ANALYTICS:
                taken = [f"{module}.{name}" for name in names] if names else [module]
                for target in taken:
                    assert target.startswith("curim.analytics.selectors."), (
                        f"{path}: imports {target}"
                    )


# --- What production installs ------------------------------------------------------------------

PRODUCTION_CODE = ["curim", "surveys", "victims", "councils", "interventions", "manage.py"]


def _third_party_imports() -> dict[str, set[Path]]:
    """Top-level modules imported by the code the platform runs (not tests, bench or scripts)
    that are neither the standard library's nor ours, with the files importing them."""
    ours = {"curim", "surveys", "victims", "councils", "interventions"}
    found: dict[str, set[Path]] = {}
    for name in PRODUCTION_CODE:
        root = ROOT / name
        files = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for path in files:
            for node in ast.walk(ast.parse(path.read_text())):
                modules = []
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                for module in modules:
                    top = module.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in ours:
                        found.setdefault(top, set()).add(path.relative_to(ROOT))
    return found


def _locked(requirements: Path) -> set[str]:
    names = set()
    for line in requirements.read_text().splitlines():
        if line and not line.startswith((" ", "#", "-")):
            names.add(re.split(r"[=\[;<> ]", line, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def test_every_library_the_platform_imports_is_installed_in_production() -> None:
    """requirements/base.txt (what the Docker image installs) holds the distribution of every
    third-party module production code imports: a module only in requirements/dev.txt works
    in tests and fails in production."""
    locked = _locked(ROOT / "requirements" / "base.txt")
    distributions = importlib.metadata.packages_distributions()
    missing = {}
    for module, files in _third_party_imports().items():
        names = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        if not names & locked:
            missing[module] = sorted(str(f) for f in files)[:3]
    assert missing == {}
