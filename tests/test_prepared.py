"""deals/prepared.py: a model's columns read by a statement become the instances `only()`
would give, whether they come as columns or inside JSON."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from deals.models import Company, Deal, Meeting, Person, Publication
from deals.prepared import Columns, Prepared, _whole_numbers, execute
from tests import factories

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"
FIELDS = ("slug", "title_ko", "quantity", "amount", "announced_on", "usd_rate", "updated_at")


@pytest.fixture
def deal():
    return factories.DealFactory(
        publication=Publication.PUBLISHED,
        title_ko='따옴표" 🚀\n줄바꿈',
        quantity=Decimal("260000.01"),
        amount=Decimal("123456789012345678.99"),
        currency="USD",
        disclosure="disclosed",
        announced_on=dt.date(2025, 10, 31),
    )


def test_columns_come_in_the_models_order_with_the_key():
    columns = Columns(Deal, reversed(FIELDS), "d")
    assert columns.attnames[0] == "id" and "usd_rate_id" in columns.attnames
    order = [f.attname for f in Deal._meta.concrete_fields]
    assert columns.attnames == sorted(columns.attnames, key=order.index)
    assert columns.select().startswith("d.id, d.")


@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="prepared statements are PostgreSQL's; SQLite's "
    "raw rows hold text for dates and decimals, which its ORM converts",
)
def test_an_instance_from_columns_is_what_only_gives(deal):
    columns = Columns(Deal, FIELDS, "d")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns.select()} FROM {columns.table} d WHERE d.id = %s", [deal.pk]
        )
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
            cursor.execute(f"SELECT {columns.json()} FROM {columns.table} x WHERE x.id = %s", [pk])
            (values,) = cursor.fetchone()
        loaded = columns.from_json("default", values)
        if model is Deal:  # as a JSON number, this amount would have been rounded as a float
            assert loaded.amount == Decimal("123456789012345678.99")
        expected = model.objects.only(*names).get(pk=pk)
        assert {n: getattr(loaded, n) for n in columns.attnames} == {
            n: getattr(expected, n) for n in columns.attnames
        }
    assert loaded.starts_at.utcoffset() == dt.timedelta(0)


def _every_field(model):
    return [f.name for f in model._meta.concrete_fields]


@pytest.mark.parametrize(
    ("model", "names"),
    [
        (Company, ("slug", "name", "name_ko", "country")),
        (Company, None),  # every field
        (Person, ("slug", "name", "name_ko", "title", "title_ko")),
        (Deal, FIELDS),
    ],
)
def test_an_instance_made_directly_is_what_from_db_makes(model, names, deal):
    """`Columns.instance` skips `from_db`'s padding and `__init__`: the instance must hold the
    same loaded and deferred fields, the same state, and a country cleaned by its descriptor."""
    company = factories.CompanyFactory(
        name="Samsung <Electronics>", name_ko="삼성전자", country="kr"
    )
    person = factories.PersonFactory(company=company, name_ko="이재용", title_ko="회장")
    record = {Company: company, Person: person, Deal: deal}[model]
    columns = Columns(model, names or _every_field(model), "x")
    values = [getattr(record, attname) for attname in columns.attnames]
    made = columns.instance("default", values)
    expected = model.from_db("default", columns.attnames, values)
    assert type(made) is model
    # Types too: a Country is equal to its code, but the descriptor stores the code.
    assert {k: (type(v), v) for k, v in vars(made).items() if k != "_state"} == {
        k: (type(v), v) for k, v in vars(expected).items() if k != "_state"
    }
    assert (made._state.db, made._state.adding) == ("default", False)
    assert made.get_deferred_fields() == expected.get_deferred_fields()
    assert made.pk == record.pk and made == record
    if model is Company:
        assert made.country.code == "KR" and made.name_ko == "삼성전자"
    if names and model is not Deal:
        # A field left out is deferred, and loads from the database when read.
        assert "created_at" in made.get_deferred_fields()
        assert made.created_at == record.created_at


def test_an_instance_goes_through_from_db_when_its_signals_are_listened_to(deal):
    from django.db.models.signals import post_init

    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance.pk)

    columns = Columns(Deal, FIELDS, "d")
    values = [getattr(deal, attname) for attname in columns.attnames]
    # Made once before the receiver is connected, so that the signal has noted that Deal
    # has no receivers: connecting one must make the next instance go through from_db.
    columns.instance("default", values)
    post_init.connect(listener, sender=Deal)
    try:
        made = columns.instance("default", values)
    finally:
        post_init.disconnect(listener, sender=Deal)
    assert seen == [deal.pk] and made.slug == deal.slug
    columns.instance("default", values)
    assert seen == [deal.pk]  # not called once the receiver is gone


def statement(name: str, param: str, sql_type: str, select: str) -> Prepared:
    """A test statement of one parameter, as deals/ builds its own."""
    return Prepared(name, (param,), f"PREPARE {name} ({sql_type}) AS {select}")


@pytest.mark.skipif(not ON_POSTGRESQL, reason="prepared statements are PostgreSQL's")
def test_text_can_come_as_the_bytes_sent_for_that_statement_only(deal):
    statement_ = statement(
        "dealtracker_test_text_bytes",
        "id",
        "bigint",
        "SELECT d.title_ko, d.announced_on, d.quantity, d.id FROM deals_deal d WHERE d.id = $1",
    )
    ((title, day, quantity, pk),) = execute(
        connection, statement_, {"id": deal.pk}, text_as_bytes=True
    )
    assert title == '따옴표" 🚀\n줄바꿈'.encode() and type(title) is bytes
    assert (day, quantity, pk) == (dt.date(2025, 10, 31), Decimal("260000.01"), deal.pk)
    # The connection's other statements still read text as str.
    ((again, _day, _quantity, _pk),) = execute(connection, statement_, {"id": deal.pk})
    assert again == '따옴표" 🚀\n줄바꿈'
    assert Deal.objects.values_list("title_ko", flat=True).get(pk=deal.pk) == again


def test_a_row_of_the_wrong_length_is_refused(deal):
    columns = Columns(Deal, FIELDS, "d")
    values = [getattr(deal, attname) for attname in columns.attnames]
    for wrong in (values[:-1], [*values, "extra"]):
        with pytest.raises(ValueError, match="columns"):
            columns.instance("default", wrong)
        with pytest.raises(ValueError, match="columns"):
            columns.from_json("default", wrong)


@pytest.mark.skipif(not ON_POSTGRESQL, reason="prepared statements are PostgreSQL's")
def test_ids_go_to_a_statement_as_array_text(deal):
    ids = statement(
        "dealtracker_test_ids",
        "ids",
        "bigint[]",
        "SELECT cardinality($1), (SELECT array_agg(d.slug) FROM deals_deal d WHERE d.id = ANY($1))",
    )
    big = 2**63 - 1
    assert execute(connection, ids, {"ids": [deal.pk, -1, big]}) == [(3, [deal.slug])]
    assert execute(connection, ids, {"ids": []}) == [(0, None)]
    assert _whole_numbers([1, -2, big]) == "{1,-2,9223372036854775807}"
    # Anything but a list of whole numbers goes to psycopg as it is.
    for other in (["삼성", "co-1"], [True, 2], [1.5], (1, 2), "{1}", None):
        assert _whole_numbers(other) is other
