"""Date-times read from PostgreSQL by psycopg's C loader, as Django would read them.

Django's psycopg 3 backend registers its own loader for `timestamptz` on every connection
(`django.db.backends.postgresql.psycopg_any.BaseTzLoader`). It derives from psycopg's
pure-Python loader, since psycopg's C one cannot be subclassed, so even with `psycopg[binary]`
every date-time is parsed in Python: about 9 µs a value on this machine against 0.5 µs in C
(Django ticket #36960, psycopg issue #1273). The API's page of 50 deals reads about a hundred
of them, the deal list fifty.

`CTimestamptzLoader` gives the same values through the C loader. Django's loader parses the
text in the session's time zone and then sets the tzinfo to the connection's
(`.replace(tzinfo=connection.timezone)`); when both are UTC, which is how Django sets up a
connection with `USE_TZ` and no database `TIME_ZONE`, the C loader's value is the same
datetime with the same tzinfo (`datetime.UTC`). Anywhere else (another session or database
time zone, no C implementation) Django's loader is left in place, or used for that query.
tests/test_db_loaders.py compares the two on ordinary, fractional, historical-offset and
out-of-range values.
"""

from __future__ import annotations

import datetime as dt
import functools

from django.db.backends.signals import connection_created
from psycopg import adapters
from psycopg.abc import AdaptContext
from psycopg.adapt import Loader
from psycopg.types.datetime import TimestamptzLoader


def _optimised():
    """psycopg's C loader for timestamptz, or None without the C implementation (or if the
    private look-up psycopg offers for it has gone)."""
    try:
        found = adapters._get_optimised(TimestamptzLoader)
    except Exception:  # noqa: BLE001 - a private API: without it, Django's loader stays
        return None
    return None if found is TimestamptzLoader else found


_OPTIMISED = _optimised()


class CTimestamptzLoader(Loader):
    """Django's timestamptz loader for a UTC connection, parsing in C."""

    #: What Django's `create_cursor` compares with the connection's time zone before
    #: registering its own loader on a cursor again.
    timezone = dt.UTC

    def __init__(self, oid: int, context: AdaptContext | None = None) -> None:
        super().__init__(oid, context)
        # Per query, as psycopg's loaders read the session's time zone per query: a session
        # switched to another zone since (SET TIME ZONE) gets Django's loader.
        connection = self.connection
        zone = connection.info.parameter_status("TimeZone") if connection else None
        if zone == "UTC":
            self._load = _OPTIMISED(oid, context).load
        else:
            self._load = _django_loader_class()(oid, context).load

    def load(self, data):
        return self._load(data)


@functools.cache
def _django_loader_class():
    """Django's loader as it registers it for a UTC connection (`register_tzloader`)."""
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader

    return type("UTCTzLoader", (BaseTzLoader,), {"timezone": dt.UTC})


def use_c_loader(sender, connection, **kwargs) -> None:
    """On each new PostgreSQL connection in UTC, date-times go through `CTimestamptzLoader`."""
    if connection.vendor != "postgresql" or _OPTIMISED is None:
        return
    if connection.timezone is not dt.UTC:  # USE_TZ off, or a database TIME_ZONE
        return
    raw = connection.connection
    if raw is None or not hasattr(raw, "adapters"):  # psycopg2
        return
    if raw.info.parameter_status("TimeZone") != "UTC":
        return
    raw.adapters.register_loader("timestamptz", CTimestamptzLoader)


def connect() -> None:
    connection_created.connect(use_c_loader, dispatch_uid="dealtracker-c-timestamptz")
