"""Only the owner of the access log may re-encrypt its reasons (or empty it).

Before, any session could `SET LOCAL curim.reencrypting = 'on'` and then rewrite the encrypted
`reason` of every row: the application's own credentials were enough. Now the trigger also
asks that the current role be the table's owner or a member of it. The application connects
in production as a role that is not (`manage.py database_app_role`), so the setting gives it
nothing; `encryption_rotate` and the migrations run as the owner. TRUNCATE, which no row
trigger sees, is refused to everyone else by a statement trigger.
"""

from django.db import migrations

OWNER_ONLY = """
CREATE OR REPLACE FUNCTION victims_accesslog_immutable() RETURNS trigger
    LANGUAGE plpgsql
    -- Resolve every name in pg_catalog: a caller's search_path cannot slip in a function of
    -- its own called pg_has_role or current_setting.
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    by_owner boolean := pg_has_role(
        (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER');
BEGIN
    IF TG_OP = 'TRUNCATE' AND by_owner THEN
        RETURN NULL;  -- the test runner empties tables between tests, as the owner
    END IF;
    -- Key rotation, run as the owner, may re-encrypt the reason and change nothing else.
    IF TG_OP = 'UPDATE' AND by_owner AND current_setting('curim.reencrypting', true) = 'on'
       AND (to_jsonb(NEW) - 'reason') = (to_jsonb(OLD) - 'reason') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'access log entries are never changed or deleted'
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER victims_accesslog_no_truncate
    BEFORE TRUNCATE ON victims_accesslog
    FOR EACH STATEMENT EXECUTE FUNCTION victims_accesslog_immutable();
"""

ANY_SESSION = """
DROP TRIGGER IF EXISTS victims_accesslog_no_truncate ON victims_accesslog;
CREATE OR REPLACE FUNCTION victims_accesslog_immutable() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('curim.reencrypting', true) = 'on'
       AND (to_jsonb(NEW) - 'reason') = (to_jsonb(OLD) - 'reason') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'access log entries are never changed or deleted'
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("victims", "0004_text_limits")]

    operations = [migrations.RunSQL(OWNER_ONLY, ANY_SESSION)]
