"""The access log refuses UPDATE and DELETE; case references come from their own sequence."""

from django.db import migrations

IMMUTABLE = """
CREATE FUNCTION victims_accesslog_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Key rotation may re-encrypt the reason, and change nothing else.
    IF TG_OP = 'UPDATE' AND current_setting('curim.reencrypting', true) = 'on'
       AND (to_jsonb(NEW) - 'reason') = (to_jsonb(OLD) - 'reason') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'access log entries are never changed or deleted'
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER victims_accesslog_immutable
    BEFORE UPDATE OR DELETE ON victims_accesslog
    FOR EACH ROW EXECUTE FUNCTION victims_accesslog_immutable();
CREATE SEQUENCE victims_case_reference_seq;
"""

DROP = """
DROP TRIGGER IF EXISTS victims_accesslog_immutable ON victims_accesslog;
DROP FUNCTION IF EXISTS victims_accesslog_immutable();
DROP SEQUENCE IF EXISTS victims_case_reference_seq;
"""


class Migration(migrations.Migration):
    dependencies = [("victims", "0001_initial")]

    operations = [migrations.RunSQL(IMMUTABLE, DROP)]
