"""Database helpers shared by the apps' services."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def sqlite_real_variable_limit() -> Iterator[None]:
    """Let the bulk inserts inside the block use SQLite's real variable limit.

    Django 5.2 assumes SQLite's old limit of 999 variables per statement and splits a
    bulk insert into statements of 999 // columns rows (66 sale events, 499 accounts);
    SQLite allows 32,766 since 3.32 (250,000 in Debian's build), and Django 6 asks the
    connection for it too. The figure is raised on this connection for the block only
    and put back after it, so no other query of the process runs with a figure it did
    not ask for. Other databases are left as they are.
    """
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    features = connection.features
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    own = vars(features)
    had_own, previous = "max_query_params" in own, features.max_query_params
    if limit > previous:
        features.max_query_params = limit
    try:
        yield
    finally:
        if had_own:
            features.max_query_params = previous
        else:
            # Back to the class's figure, as Django set it.
            own.pop("max_query_params", None)
