"""The rows of the deal tables (deals/table_rows.py): the prepared statement on PostgreSQL and
the ORM elsewhere give the same deals, the same public parties and the same rendered table,
with Korean-only names, draft companies, undisclosed and converted values and awkward text."""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from deals import services
from deals.models import (
    Deal,
    Disclosure,
    PartyRole,
    Publication,
    Qualifier,
    QuantityUnit,
)
from deals.table_rows import deal_table_rows, deal_tables
from deals.templatetags.deals_tags import deal_rows
from tests import factories

pytestmark = pytest.mark.django_db

PUBLISHED = Publication.PUBLISHED
ON_POSTGRESQL = connection.vendor == "postgresql"
AWKWARD = "<b>따옴표\" & 'apostrophe'</b>\t줄\n바꿈 🚀"


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def varied():
    """Published deals unlike each other, and a draft one."""
    factories.ExchangeRateFactory(
        currency="KRW",
        date=dt.date(2025, 10, 1),
        rate=Decimal("1400.000000"),
        publication=PUBLISHED,
    )
    samsung = factories.CompanyFactory(publication=PUBLISHED, name="", name_ko="삼성전자")
    nvidia = factories.CompanyFactory(publication=PUBLISHED, name="Nvidia", name_ko="엔비디아")
    hidden = factories.CompanyFactory(
        publication=Publication.DRAFT, name="Secret Buyer", name_ko="비공개 구매자"
    )
    odd = factories.CompanyFactory(publication=PUBLISHED, name=AWKWARD, name_ko="")
    won = factories.make_deal(
        supplier=nvidia,
        buyer=samsung,
        title="",
        title_ko="원화 계약 (한국어만)",
        product="",
        product_ko="",
        amount=Decimal("3500000000000"),
        currency="KRW",
        disclosure=Disclosure.DISCLOSED,
        quantity=None,
        quantity_unit="",
        events=((dt.date(2025, 10, 31), "signed"),),
    )
    estimated = factories.make_deal(
        supplier=odd,
        buyer=nvidia,
        title=AWKWARD,
        title_ko=AWKWARD,
        product=AWKWARD,
        amount=Decimal("0.01"),
        currency="USD",
        disclosure=Disclosure.ESTIMATED,
        amount_qualifier=Qualifier.ABOUT,
        quantity=Decimal("260000"),
        quantity_unit=QuantityUnit.GPUS,
        quantity_qualifier=Qualifier.MORE_THAN,
    )
    # More parties than a supplier and a buyer: a second supplier, a partner, and a buyer whose
    # company is still a draft (it must not show).
    crowded = factories.make_deal(
        supplier=nvidia,
        buyer=samsung,
        title="Crowded",
        title_ko="여러 당사자",
        events=((dt.date(2025, 9, 1), "rumored"),),
    )
    services.deal_update(
        deal=crowded,
        fields={},
        parts=services.DealParts(
            parties=[
                services.PartySpec(company=nvidia, role=PartyRole.SUPPLIER),
                services.PartySpec(company=odd, role=PartyRole.SUPPLIER),
                services.PartySpec(company=samsung, role=PartyRole.BUYER),
                services.PartySpec(company=hidden, role=PartyRole.BUYER),
                services.PartySpec(
                    company=factories.CompanyFactory(
                        publication=PUBLISHED, name="Korea", name_ko="대한민국 정부"
                    ),
                    role=PartyRole.PARTNER,
                ),
            ]
        ),
    )
    undisclosed = factories.make_deal(
        buyer=hidden, title="Undisclosed", title_ko="비공개 금액", disclosure=Disclosure.UNDISCLOSED
    )
    draft = factories.make_deal(
        supplier=nvidia, buyer=samsung, title="Draft deal", publication=Publication.DRAFT
    )
    return [won, estimated, crowded, undisclosed, draft]


def parties(deal) -> list[tuple]:
    return [
        (
            p.role,
            p.company.slug,
            p.company.name,
            p.company.name_ko,
            str(p.company),
            p.company.get_absolute_url(),
        )
        for p in deal.public_parties
    ]


def test_both_ways_give_the_same_deals_and_public_parties(varied, both_ways):
    ids = [d.pk for d in varied]
    for language in ("en", "ko"):
        with translation.override(language):
            fast, orm = both_ways(deal_table_rows, ids)
            assert [d.pk for d in fast] == [d.pk for d in orm] == ids
            for a, b in zip(fast, orm, strict=True):
                assert parties(a) == parties(b)
                assert a.get_deferred_fields() == b.get_deferred_fields()
                loaded = {f.attname for f in Deal._meta.concrete_fields} - a.get_deferred_fields()
                assert {n: getattr(a, n) for n in loaded} == {n: getattr(b, n) for n in loaded}
                assert (a.usd_rate and a.usd_rate.date) == (b.usd_rate and b.usd_rate.date)
    won, estimated, crowded, undisclosed, draft = fast
    assert won.usd_rate.date == dt.date(2025, 10, 1)  # a won amount has its dollar rate
    assert [p[0] for p in parties(crowded)] == ["buyer", "partner", "supplier", "supplier"]
    assert "비공개 구매자" not in str(parties(crowded)) and not parties(draft)
    assert [p[0] for p in parties(undisclosed)] == ["supplier"]


def test_both_ways_render_the_same_table(varied, both_ways):
    ids = [d.pk for d in varied]
    for language in ("en", "ko"):
        with translation.override(language):
            fast, orm = both_ways(deal_table_rows, ids)
            html = deal_rows(fast)
            assert html == deal_rows(orm)
            assert ("원화 계약 (한국어만)" in html) and ("비공개 구매자" not in html)
            assert "<b>" not in html and "&lt;b&gt;" in html


def test_order_is_the_callers_and_missing_ids_are_left_out(varied):
    won, estimated, crowded, *_ = varied
    ids = [crowded.pk, 10**12, won.pk, estimated.pk, won.pk]
    assert [d.pk for d in deal_table_rows(ids)] == [crowded.pk, won.pk, estimated.pk, won.pk]
    assert deal_table_rows([]) == []


def test_several_tables_are_read_together_each_in_its_order(varied):
    won, estimated, crowded, undisclosed, _draft = varied
    lists = [[crowded.pk, won.pk], [], [10**12, won.pk, undisclosed.pk], [estimated.pk]]
    with CaptureQueriesContext(connection) as captured:
        tables = deal_tables(lists)
    assert [[d.pk for d in rows] for rows in tables] == [
        [crowded.pk, won.pk],
        [],
        [won.pk, undisclosed.pk],
        [estimated.pk],
    ]
    assert tables[0][1] is tables[2][0]  # one read, shared by the tables that show it
    assert len(captured.captured_queries) == (1 if ON_POSTGRESQL else 2)
    assert deal_tables([[], []]) == [[], []]


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the prepared statement is PostgreSQL's")
def test_one_prepared_statement_reads_any_number_of_rows(varied, settings):
    for count in (1, len(varied)):
        with CaptureQueriesContext(connection) as captured:
            rows = deal_table_rows([d.pk for d in varied[:count]])
        assert len(rows) == count
        assert [q["sql"].split(" (")[0] for q in captured.captured_queries] == [
            "EXECUTE dealtracker_deal_table"
        ]
        assert rows[0].public_parties  # read by the statement, not a query of its own
    settings.PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as captured:
        deal_table_rows([d.pk for d in varied])
    assert not any(q["sql"].startswith("EXECUTE") for q in captured.captured_queries)


@pytest.mark.parametrize(
    ("address", "count"),
    [
        ("/deals/", 4),
        ("/ko/deals/", 4),
        ("/deals/?" + urlencode({"q": "원화", "ordering": "-usd_amount"}), 1),
    ],
)
def test_the_deal_list_is_the_same_page_either_way(client, varied, both_ways, address, count):
    fast, orm = both_ways(client.get, address)
    assert fast.status_code == orm.status_code == 200
    assert fast.content == orm.content
    shown = [d.slug for d in fast.context["page_obj"].object_list]
    assert varied[4].slug not in shown and len(shown) == count


def test_a_company_page_lists_its_deals_in_each_role(client, varied, both_ways):
    nvidia = varied[0].parties.get(role=PartyRole.SUPPLIER).company
    address = nvidia.get_absolute_url()
    fast, orm = both_ways(client.get, address)
    assert fast.content == orm.content
    context = fast.context
    # (in the deal list's order, where a missing announcement date sorts by the database's rule)
    assert sorted(d.title_ko for d in context["deals_as_supplier"]) == [
        "여러 당사자",
        "원화 계약 (한국어만)",
    ]
    assert [d.slug for d in context["deals_as_buyer"]] == [varied[1].slug]
