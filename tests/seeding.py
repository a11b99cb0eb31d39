"""The rows the data migrations seed (roles, the report taxonomy, grants, consent texts), and
seeding them again into an emptied database.

The migrations are read, not listed: every RunPython operation of this project's apps, in the
order of the migration plan. A new seeding migration is therefore never forgotten; any data
migration must in turn be safe to run again on an empty database (a backfill over no rows is).
"""

from collections.abc import Callable
from functools import cache
from typing import Any

from django.apps import apps as django_apps
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

DataMigration = tuple[str, Callable[[Any, Any], None]]


def _ours(app_label: str) -> bool:
    return "site-packages" not in django_apps.get_app_config(app_label).path


@cache
def data_migrations() -> list[DataMigration]:
    """("app_label.migration", its forwards function) for every RunPython of ours, in order."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    plan: list[tuple[str, str]] = []
    for leaf in sorted(graph.leaf_nodes()):
        plan += [node for node in graph.forwards_plan(leaf) if node not in plan]
    found = []
    for app_label, name in plan:
        if not _ours(app_label):
            continue
        for operation in graph.nodes[app_label, name].operations:
            if isinstance(operation, RunPython) and operation.code is not RunPython.noop:
                found.append((f"{app_label}.{name}", operation.code))
    return found


def seeded_rows_restore() -> None:
    """Run the data migrations again, as after a flush (post_migrate makes only permissions)."""
    for _name, forwards in data_migrations():
        forwards(django_apps, None)
