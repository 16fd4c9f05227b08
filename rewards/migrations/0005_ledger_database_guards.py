"""PostgreSQL guards of the money rows, beyond the append-only trigger of 0003.

- Balance: a deferred constraint trigger checks, when the transaction commits, that
  the entries of every ledger transaction an INSERT touched sum to zero. A one-sided
  entry, or one added to an old transaction, makes the COMMIT fail.
- TRUNCATE of the ledger, periods and payouts is refused (it fires no row trigger),
  also when it comes from a TRUNCATE … CASCADE of another table. A session that
  sets `comptoir.allow_truncate` to `on` may truncate: the test settings do, since
  Django empties test databases with TRUNCATE between transactional tests.
- Payouts: the member, method, amount, request key, voucher code and request date
  never change, and no payout is deleted; the workflow columns (status, decision,
  batch, bank details that erasure blanks) still move.
- Periods: the month, close time, programme, hold and every total never change,
  and no period is deleted; `released_at` is set once, `closed_by` may only be
  cleared (the closer's account deleted).

SQLite has none of these; the models and services are its protection.
"""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION rewards_transaction_balanced() RETURNS trigger AS $$
DECLARE
    total bigint;
BEGIN
    SELECT coalesce(sum(amount_cents), 0) INTO total
        FROM rewards_entry WHERE transaction_id = NEW.transaction_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'Ledger transaction % does not balance: its entries sum to % cents',
            NEW.transaction_id, total USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rewards_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('comptoir.allow_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The rewards ledger is append-only: TRUNCATE on % refused',
        TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rewards_payout_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Payouts are kept: DELETE on % refused',
            TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END IF;
    IF (NEW.id, NEW.member_id, NEW.method, NEW.amount_cents, NEW.request_key,
            NEW.voucher_code, NEW.created_at)
        IS DISTINCT FROM (OLD.id, OLD.member_id, OLD.method, OLD.amount_cents,
            OLD.request_key, OLD.voucher_code, OLD.created_at) THEN
        RAISE EXCEPTION 'A payout''s member, method, amount, request key, voucher code and date cannot change'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rewards_period_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Closed months are kept: DELETE on % refused',
            TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END IF;
    IF (NEW.id, NEW.month, NEW.closed_at, NEW.programme_id, NEW.hold_days,
            NEW.net_cents, NEW.late_net_cents, NEW.originators_cents,
            NEW.reviewers_cents, NEW.carried_cents, NEW.lines)
        IS DISTINCT FROM (OLD.id, OLD.month, OLD.closed_at, OLD.programme_id,
            OLD.hold_days, OLD.net_cents, OLD.late_net_cents, OLD.originators_cents,
            OLD.reviewers_cents, OLD.carried_cents, OLD.lines)
        OR (OLD.released_at IS NOT NULL
            AND NEW.released_at IS DISTINCT FROM OLD.released_at)
        OR (NEW.closed_by_id IS DISTINCT FROM OLD.closed_by_id
            AND NEW.closed_by_id IS NOT NULL) THEN
        RAISE EXCEPTION 'A closed month''s totals, dates and programme cannot change'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

TRUNCATE_REFUSED = [
    "rewards_account",
    "rewards_ledgertransaction",
    "rewards_entry",
    "rewards_carryforward",
    "rewards_period",
    "rewards_payout",
    "rewards_payoutbatch",
]

TRIGGERS = [
    "CREATE CONSTRAINT TRIGGER rewards_entry_balanced AFTER INSERT ON rewards_entry"
    " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
    " EXECUTE FUNCTION rewards_transaction_balanced()",
    "CREATE TRIGGER rewards_payout_guard BEFORE UPDATE OR DELETE ON rewards_payout"
    " FOR EACH ROW EXECUTE FUNCTION rewards_payout_guard()",
    "CREATE TRIGGER rewards_period_guard BEFORE UPDATE OR DELETE ON rewards_period"
    " FOR EACH ROW EXECUTE FUNCTION rewards_period_guard()",
    *(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION rewards_refuse_truncate()"
        for table in TRUNCATE_REFUSED
    ),
]


def guards_add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # No parameters: the % in the messages are plpgsql placeholders.
    schema_editor.execute(FUNCTIONS, params=None)
    for statement in TRIGGERS:
        schema_editor.execute(statement)


def guards_remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TRUNCATE_REFUSED:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    schema_editor.execute("DROP TRIGGER IF EXISTS rewards_period_guard ON rewards_period")
    schema_editor.execute("DROP TRIGGER IF EXISTS rewards_payout_guard ON rewards_payout")
    schema_editor.execute("DROP TRIGGER IF EXISTS rewards_entry_balanced ON rewards_entry")
    for function in (
        "rewards_period_guard",
        "rewards_payout_guard",
        "rewards_refuse_truncate",
        "rewards_transaction_balanced",
    ):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()")


class Migration(migrations.Migration):
    dependencies = [("rewards", "0004_add_rewards_managers_group")]

    operations = [migrations.RunPython(guards_add, guards_remove)]
