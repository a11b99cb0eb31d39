"""Creates or updates the database role the application should connect as in production.

Run it as the role that owns the tables (the one that runs the migrations), after every
`migrate`. The application role may read and write the application's tables and use their
sequences, and nothing more: it owns nothing, so it can neither drop nor disable a trigger,
nor satisfy the access log's owner check; and on append-only tables (models that say
`append_only = True`, the unit's access log) it may only INSERT and SELECT.

    APP_DATABASE_PASSWORD=... manage.py database_app_role curim_app
    manage.py database_app_role --from-env     # name and password from $APP_DATABASE_URL

The password, if any, comes from the environment so that it shows in no process list.
`--from-env` is what `make run` uses; it does nothing when APP_DATABASE_URL is not set.
"""

import os
import re
from typing import Any
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
PASSWORD_VARIABLE = "APP_DATABASE_PASSWORD"  # noqa: S105  where to find it, not the password
URL_VARIABLE = "APP_DATABASE_URL"

# Tables, views and sequences of the current schema owned by the current role, leaving out
# those of extensions (PostGIS's spatial_ref_sys is not the application's to write).
OWNED = """
SELECT c.relname, c.relkind
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema()
  AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
  AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  )
ORDER BY c.relname
"""


class Command(BaseCommand):
    help = (
        "Create or update the database role the running application connects as: it owns "
        "nothing, reads and writes the application's tables, and may only add to and read "
        f"append-only ones. Its password comes from ${PASSWORD_VARIABLE} when set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "role", nargs="?", help="name of the application's role, e.g. curim_app"
        )
        parser.add_argument(
            "--from-env",
            action="store_true",
            help=f"take the role and its password from ${URL_VARIABLE} (nothing to do if unset)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        role: str | None = options["role"]
        password = os.environ.get(PASSWORD_VARIABLE) or None
        if options["from_env"]:
            url = os.environ.get(URL_VARIABLE, "")
            if not url:
                self.stdout.write(f"{URL_VARIABLE} is not set: the application uses DATABASE_URL.")
                return
            parts = urlsplit(url)
            role = unquote(parts.username or "")
            password = unquote(parts.password) if parts.password else None
        if not role or not ROLE_NAME.fullmatch(role):
            raise CommandError("A role name is lower-case letters, digits and _ (at most 63).")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_schema(), current_database()")
            owner, schema, database = cursor.fetchone()
            if role == owner:
                raise CommandError("Run this as the owner of the tables, for another role.")
            cursor.execute(
                "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls "
                "OR rolreplication FROM pg_roles WHERE rolname = %s",
                [role],
            )
            found = cursor.fetchone()
            quoted = connection.ops.quote_name(role)
            if found is None:
                cursor.execute(
                    f"CREATE ROLE {quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                    "NOREPLICATION NOBYPASSRLS"
                )
                self.stdout.write(f"Created the role {role}.")
            elif found[0]:
                raise CommandError(
                    f"{role} may create roles or databases, bypass row security or is a "
                    "superuser: the application's role must be a plain one."
                )
            cursor.execute("SELECT pg_has_role(%s, current_user, 'MEMBER')", [role])
            if cursor.fetchone()[0]:
                # A member of the owner passes the access log's owner check.
                raise CommandError(f"{role} is a member of {owner}, which owns the tables.")
            if password is not None:
                cursor.execute(f"ALTER ROLE {quoted} PASSWORD %s", [password])
            self._grant(cursor, role=quoted, schema=schema, database=database)
        self.stdout.write(f"{role} may now use the tables of {owner} in {database}.{schema}.")

    def _grant(self, cursor: Any, *, role: str, schema: str, database: str) -> None:
        quote = connection.ops.quote_name
        cursor.execute(f"GRANT CONNECT ON DATABASE {quote(database)} TO {role}")
        cursor.execute(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {role}")
        cursor.execute(f"REVOKE CREATE ON SCHEMA {quote(schema)} FROM {role}")
        append_only = {
            model._meta.db_table
            for model in apps.get_models()
            if getattr(model, "append_only", False)
        }
        cursor.execute(OWNED)
        for name, kind in cursor.fetchall():
            # All privileges revoked first, so that running it again leaves exactly these.
            relation = f"{quote(schema)}.{quote(name)}"
            sequence = "SEQUENCE " if kind == "S" else ""
            cursor.execute(f"REVOKE ALL ON {sequence}{relation} FROM {role}")
            if kind == "S":
                cursor.execute(f"GRANT USAGE, SELECT ON SEQUENCE {relation} TO {role}")
            elif kind in ("v", "m"):
                cursor.execute(f"GRANT SELECT ON {relation} TO {role}")
            elif name in append_only:
                cursor.execute(f"GRANT SELECT, INSERT ON {relation} TO {role}")
            else:
                cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {relation} TO {role}")
        # Tables a later migration creates get the same, until this runs again after it.
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {quote(schema)} "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}"
        )
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {quote(schema)} "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {role}"
        )
