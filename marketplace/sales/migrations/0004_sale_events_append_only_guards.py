"""PostgreSQL keeps sale events append-only whatever the client, and refuses TRUNCATE.

The model already refuses edits and deletes; these triggers protect the events
from raw SQL and other programs too:

- UPDATE of a sale event is refused, except clearing who bought: `customer_ref`
  may become blank and `member_id` NULL (`sale_events_forget_customer`, for
  erasure requests, and the member foreign key's SET NULL). Every other column,
  including any added later, is compared whole, so it cannot change.
- DELETE of a sale event is refused.
- TRUNCATE of the sales tables is refused (it fires no row trigger), also when it
  comes from a TRUNCATE … CASCADE of another table. A session that sets
  `comptoir.allow_truncate` to `on` may truncate: the test settings do, because
  Django empties test databases with TRUNCATE between transactional tests.

SQLite has no such triggers; the model's guard protects it.
"""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION sales_saleevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Sale events are append-only: DELETE on % refused',
            TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END IF;
    IF (to_jsonb(NEW) - 'customer_ref' - 'member_id')
            IS DISTINCT FROM (to_jsonb(OLD) - 'customer_ref' - 'member_id')
        OR (NEW.customer_ref IS DISTINCT FROM OLD.customer_ref
            AND NEW.customer_ref <> '')
        OR (NEW.member_id IS DISTINCT FROM OLD.member_id
            AND NEW.member_id IS NOT NULL) THEN
        RAISE EXCEPTION 'Sale events are append-only: UPDATE on % refused (only clearing customer_ref and member_id is allowed)',
            TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION sales_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('comptoir.allow_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'Sales are append-only: TRUNCATE on % refused',
        TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""

TRUNCATE_REFUSED = ["sales_saleevent", "sales_saleeventconflict"]


def guards_add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # No parameters: the % in the messages are plpgsql placeholders.
    schema_editor.execute(FUNCTIONS, params=None)
    schema_editor.execute(
        "CREATE TRIGGER sales_saleevent_append_only"
        " BEFORE UPDATE OR DELETE ON sales_saleevent"
        " FOR EACH ROW EXECUTE FUNCTION sales_saleevent_append_only()"
    )
    for table in TRUNCATE_REFUSED:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION sales_refuse_truncate()"
        )


def guards_remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TRUNCATE_REFUSED:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS sales_saleevent_append_only ON sales_saleevent"
    )
    schema_editor.execute("DROP FUNCTION IF EXISTS sales_refuse_truncate()")
    schema_editor.execute("DROP FUNCTION IF EXISTS sales_saleevent_append_only()")


class Migration(migrations.Migration):
    dependencies = [("sales", "0003_add_sale_event_conflict")]

    operations = [migrations.RunPython(guards_add, guards_remove)]
