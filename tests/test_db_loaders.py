"""dealtracker/db_loaders.py: date-times parsed by psycopg's C loader are the values Django's
own loader gives, and Django's loader is kept wherever they could differ."""

import datetime as dt

import pytest
from django.db import connection

from deals.models import Deal, Publication
from dealtracker import db_loaders
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the loaders are psycopg's, for PostgreSQL"
    ),
]

#: Ordinary, fractional, a historical offset in seconds (local mean time), the ends of what
#: Python can hold, a zone east of UTC.
VALUES = [
    "2025-10-31 09:30:00+09",
    "2025-10-31 00:00:00.000001+00",
    "1900-01-01 00:00:00.5+08:27:52",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    "2024-02-29 23:59:59.25-03:30",
]
#: What Python cannot hold: both loaders refuse them with the same error.
OUT_OF_RANGE = ["infinity", "-infinity", "10000-01-01 00:00:00+00", "0001-01-01 00:00:00+01"]


def django_loader():
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader

    return type("DjangoUTC", (BaseTzLoader,), {"timezone": connection.timezone})


def read(text: str, loader=None):
    """`text` as a timestamptz, read with `loader` (the connection's own when None); the
    value, or the error's type and message."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        if loader is not None:
            cursor.adapters.register_loader("timestamptz", loader)
        try:
            return cursor.execute("SELECT %s::timestamptz", [text]).fetchone()[0]
        except Exception as error:  # noqa: BLE001 - compared between the loaders
            return (type(error).__name__, str(error))


def test_connections_read_date_times_in_c():
    if db_loaders._OPTIMISED is None:
        pytest.fail("psycopg[binary] is a dependency: its C loader should be there")
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(1184, 0)  # timestamptz, text
    assert loader is db_loaders.CTimestamptzLoader
    # Django compares this with its own time zone before registering its loader on a cursor.
    assert loader.timezone is connection.timezone is dt.UTC


@pytest.mark.parametrize("text", VALUES + OUT_OF_RANGE)
def test_the_c_loader_gives_what_djangos_gives(text):
    ours, django = read(text), read(text, django_loader())
    assert ours == django
    if isinstance(ours, dt.datetime):
        assert ours.tzinfo is django.tzinfo is dt.UTC
        assert ours.isoformat() == django.isoformat()
    else:
        assert ours[0] == "DataError"


def test_a_session_in_another_zone_is_read_as_django_reads_it():
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'Asia/Seoul'")
    try:
        read_back = [read(text) for text in VALUES]
        assert read_back == [read(text, django_loader()) for text in VALUES]
        # Django's loader keeps the local wall time and calls it UTC; so does ours, here.
        assert read_back[0] == dt.datetime(2025, 10, 31, 9, 30, tzinfo=dt.UTC)
        # Seoul's 9999-12-31 23:59:59 UTC is in the year 10000.
        assert read_back[4][0] == "DataError"
    finally:
        with connection.connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
    assert read(VALUES[0]) == dt.datetime(2025, 10, 31, 0, 30, tzinfo=dt.UTC)


def test_records_keep_their_times_through_the_orm():
    moment = dt.datetime(2025, 10, 31, 6, 15, 30, 123456, tzinfo=dt.UTC)
    deal = factories.DealFactory(publication=Publication.PUBLISHED, title_ko="엔비디아 공급")
    Deal.objects.filter(pk=deal.pk).update(updated_at=moment)
    (read_back,) = Deal.objects.filter(pk=deal.pk).values_list("updated_at", flat=True)
    assert read_back == moment and read_back.tzinfo is dt.UTC


def test_nothing_is_registered_for_a_connection_in_another_zone(monkeypatch):
    class Raw:
        class info:  # noqa: N801 - psycopg's attribute
            @staticmethod
            def parameter_status(name):
                return "Asia/Seoul"

        class adapters:  # noqa: N801
            registered = []

            @classmethod
            def register_loader(cls, *args):
                cls.registered.append(args)

    class Wrapper:
        vendor = "postgresql"
        timezone = dt.UTC
        connection = Raw

    db_loaders.use_c_loader(sender=None, connection=Wrapper)
    Wrapper.timezone = dt.timezone(dt.timedelta(hours=9))
    Raw.info.parameter_status = staticmethod(lambda name: "UTC")
    db_loaders.use_c_loader(sender=None, connection=Wrapper)
    assert Raw.adapters.registered == []
    Wrapper.timezone = dt.UTC
    db_loaders.use_c_loader(sender=None, connection=Wrapper)
    assert Raw.adapters.registered == [("timestamptz", db_loaders.CTimestamptzLoader)]
