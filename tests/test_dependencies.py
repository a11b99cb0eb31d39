"""Dependencies point one way: nothing outside `victims` imports it, except the anonymised
statistics selector; `curim` imports none of the four apps."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE_VICTIMS = ["curim", "councils", "surveys", "interventions"]


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
    return found


@pytest.mark.parametrize("package", OUTSIDE_VICTIMS)
def test_only_the_statistics_selector_of_victims_is_imported_elsewhere(package: str) -> None:
    for path in (ROOT / package).rglob("*.py"):
        for module, names in _imports(path):
            if module == "victims" or module.startswith("victims."):
                assert module == "victims.selectors", f"{path}: imports {module}"
                assert names == ["victim_support_statistics"], f"{path}: imports {names}"


def test_the_core_imports_none_of_the_apps() -> None:
    for path in (ROOT / "curim").rglob("*.py"):
        for module, _names in _imports(path):
            top = module.split(".")[0]
            assert top not in {"councils", "surveys", "victims", "interventions"}, (
                f"{path}: {module}"
            )
