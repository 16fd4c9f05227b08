"""PostgreSQL refuses UPDATE and DELETE on the ledger tables, whatever the client.

The models already refuse it; this protects the ledger from raw SQL and other
programs too. SQLite has no such trigger: its test databases are emptied with
DELETE, and the models' guard is the protection there. TRUNCATE (used to empty
test databases) fires no row trigger.
"""

from django.db import migrations

TABLES = [
    "rewards_account",
    "rewards_ledgertransaction",
    "rewards_entry",
    "rewards_carryforward",
]

FUNCTION = """
CREATE OR REPLACE FUNCTION rewards_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The rewards ledger is append-only: % on % refused',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


def trigger_add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # No parameters: the % in the message are plpgsql placeholders, not psycopg ones.
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION rewards_ledger_append_only()"
        )


def trigger_remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS rewards_ledger_append_only()")


class Migration(migrations.Migration):
    dependencies = [("rewards", "0002_add_programme_ledger_payouts")]

    operations = [migrations.RunPython(trigger_add, trigger_remove)]
