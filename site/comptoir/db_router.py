"""Reads on a read replica, writes on the primary (DATABASE_REPLICA_URL).

A read inside a transaction stays on the primary: a service reads what it is about
to change (and locks it) where it writes, and sees its own writes. A read outside
any transaction may lag the primary by the replica's delay, so a page shown right
after a form may not show it yet for that long (README, "Deploying").
"""

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_DB_ALIAS = "replica"


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The same rows on both sides: an object read on the replica may be
        # related to one written on the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's schema through replication.
        return db == DEFAULT_DB_ALIAS
