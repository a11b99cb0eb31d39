"""Seeding again after a flush gives back a freshly migrated database (the browser tests rely
on it): no data migration is missed, and none is listed by hand."""

import pytest
from django.core.management import call_command
from django.db import connection

from tests.seeding import data_migrations, seeded_rows_restore


def _rows_per_table() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True):
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608  # our own table names
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db
def test_seeding_after_a_flush_gives_back_every_migrated_row() -> None:
    migrated = _rows_per_table()
    call_command("flush", interactive=False, verbosity=0)  # what browser tests do afterwards
    flushed = _rows_per_table()
    assert {t: n for t, n in flushed.items() if n != migrated[t]}, "the flush emptied nothing"
    seeded_rows_restore()
    reseeded = _rows_per_table()
    assert {t: (n, migrated[t]) for t, n in reseeded.items() if n != migrated[t]} == {}


def test_the_data_migrations_are_found_in_the_order_of_the_plan() -> None:
    names = [name for name, _forwards in data_migrations()]
    assert names.index("accounts.0002_roles") < names.index("reports.0003_role_permissions")
    assert {"reports.0002_taxonomy", "victims.0003_consent_texts"} <= set(names)
    assert not [name for name in names if name.split(".")[0] in {"auth", "axes", "knox"}]
