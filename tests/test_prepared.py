"""deals/prepared.py: a model's columns read by a statement become the instances `only()`
would give, whether they come as columns or inside JSON."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from deals.models import Deal, Meeting, Publication
from deals.prepared import Columns
from tests import factories

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"
FIELDS = ("slug", "title_ko", "quantity", "amount", "announced_on", "usd_rate", "updated_at")


@pytest.fixture
def deal():
    return factories.DealFactory(
        publication=Publication.PUBLISHED, title_ko="따옴표\" 🚀\n줄바꿈",
        quantity=Decimal("260000.01"), amount=Decimal("123456789012345678.99"), currency="USD",
        disclosure="disclosed",
        announced_on=dt.date(2025, 10, 31),
    )


def test_columns_come_in_the_models_order_with_the_key():
    columns = Columns(Deal, reversed(FIELDS), "d")
    assert columns.attnames[0] == "id" and "usd_rate_id" in columns.attnames
    order = [f.attname for f in Deal._meta.concrete_fields]
    assert columns.attnames == sorted(columns.attnames, key=order.index)
    assert columns.select().startswith("d.id, d.")


@pytest.mark.skipif(not ON_POSTGRESQL, reason="prepared statements are PostgreSQL's; SQLite's "
                    "raw rows hold text for dates and decimals, which its ORM converts")
def test_an_instance_from_columns_is_what_only_gives(deal):
    columns = Columns(Deal, FIELDS, "d")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns.select()} FROM {columns.table} d WHERE d.id = %s",
                       [deal.pk])
        row = cursor.fetchone()
    loaded = columns.take("default", iter(row))
    expected = Deal.objects.only(*FIELDS).get(pk=deal.pk)
    assert loaded.get_deferred_fields() == expected.get_deferred_fields()
    assert {n: getattr(loaded, n) for n in columns.attnames} == {
        n: getattr(expected, n) for n in columns.attnames
    }
    assert columns.take("default", iter([None] * len(row)), nullable=True) is None


@pytest.mark.skipif(not ON_POSTGRESQL, reason="JSON arrays are built by PostgreSQL")
def test_json_keeps_decimals_dates_and_times_exact(deal):
    meeting = factories.MeetingFactory(
        starts_at=dt.datetime(2025, 10, 29, 23, 30, 15, 123456, tzinfo=dt.UTC)
    )
    for model, pk, names in ((Deal, deal.pk, FIELDS), (Meeting, meeting.pk, ("starts_at",))):
        columns = Columns(model, names, "x")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns.json()} FROM {columns.table} x WHERE x.id = %s",
                           [pk])
            (values,) = cursor.fetchone()
        loaded = columns.from_json("default", values)
        if model is Deal:  # as a JSON number, this amount would have been rounded as a float
            assert loaded.amount == Decimal("123456789012345678.99")
        expected = model.objects.only(*names).get(pk=pk)
        assert {n: getattr(loaded, n) for n in columns.attnames} == {
            n: getattr(expected, n) for n in columns.attnames
        }
    assert loaded.starts_at.utcoffset() == dt.timedelta(0)
