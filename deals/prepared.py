"""Statements that PostgreSQL prepares once per connection and then runs by name.

Django plans nothing ahead: every query is compiled from the ORM's tree again, and PostgreSQL
plans it again. For the two hottest reads, the API's deals written as JSON (deals/api/pg_json.py)
and the rows of the site's deal tables (deals/table_rows.py), the SQL is fixed but for a few
parameters, so it is sent once per connection as a named `PREPARE` and each request runs
`EXECUTE name (...)`: no compiling in Python, no planning in PostgreSQL.

Only on PostgreSQL, and only with `PREPARED_STATEMENTS` on (the default). A `PREPARE` belongs
to the server session, so connection poolers in transaction mode (PgBouncer before 1.21 for
SQL-level statements) lose them; docs/deploy.md says to turn the setting off behind one. The
callers then read through the ORM, with the same result.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Prepared:
    """A statement's name, its parameters' names in `$n` order, and its `PREPARE` text."""

    name: str
    params: tuple[str, ...]
    sql: str


def available(connection) -> bool:
    """Whether statements are prepared on `connection`: PostgreSQL, with the setting on."""
    return settings.PREPARED_STATEMENTS and connection.vendor == "postgresql"


def execute(connection, prepared: Prepared, values: dict) -> list[tuple]:
    """Run `prepared` on `connection` with `values` (by parameter name), preparing it first if
    this connection has not yet; its rows."""
    with connection.cursor() as cursor:
        raw = connection.connection
        done = getattr(raw, "dealtracker_prepared", None)
        if done is None:
            done = raw.dealtracker_prepared = set()
        if prepared.name not in done:
            # Connection set-up, like Django's own time zone statement, so not counted as a
            # query of the request. A PREPARE lasts as long as the connection, even past a
            # rolled-back transaction; a new connection has no `dealtracker_prepared`.
            raw.execute(prepared.sql)
            done.add(prepared.name)
        placeholders = ", ".join(["%s"] * len(prepared.params))
        cursor.execute(
            f"EXECUTE {prepared.name} ({placeholders})", [values[p] for p in prepared.params]
        )
        return cursor.fetchall()
