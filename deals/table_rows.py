"""The rows of the site's deal tables: each deal's columns and its public parties' companies.

The deal list and a company's three lists of deals show the same columns
(templates/deals/_deal_table.html, rendered by `deals_tags.deal_rows`). Read through the ORM,
a page of 25 rows took two queries and about 170 model instances (each deal, its exchange
rate, each party and each party's company), which was two thirds of the deal list page's
Python time. On PostgreSQL they are read here by one statement prepared once per connection
(deals/prepared.py) that returns each deal's columns and its public parties as a JSON array.
The deals are still `Deal` instances, with the same columns loaded as `for_table()` loads, so
formatting reads them as it reads any deal; the parties are `TableParty` objects holding what a
row shows of them.

Without prepared statements (SQLite, or `PREPARED_STATEMENTS` off) the same rows are read by
`Deal.objects.for_table()`. tests/test_table_rows.py checks that both render the same table.

The callers choose the rows first, reading only ids (and the sort field a cursor needs), then
ask for them here by id.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

from django.db import connections, router

from . import prepared
from .models import Company, Deal, DealParty, ExchangeRate
from .models.base import Bilingual, slug_url
from .models.deals import TABLE_FIELDS
from .prepared import Columns, column, published


class TableCompany(Bilingual):
    """A party's company as a deal table shows it: its address name and its names."""

    __slots__ = ("slug", "name", "name_ko")

    def __init__(self, slug: str, name: str, name_ko: str) -> None:
        self.slug, self.name, self.name_ko = slug, name, name_ko

    def __str__(self) -> str:
        return self.localized("name")

    def get_absolute_url(self) -> str:
        return slug_url("deals:company_detail", self.slug)


class TableParty:
    """A public party of a deal in a table: its role and its company."""

    __slots__ = ("role", "company")

    def __init__(self, role: str, company: TableCompany) -> None:
        self.role, self.company = role, company


def deal_table_rows(ids: Iterable[int]) -> list[Deal]:
    """The deals with these ids in this order, each with its public parties in
    `public_parties` (by role, then as entered). An id that is not found (a deal deleted since
    it was chosen) is left out."""
    (rows,) = deal_tables([list(ids)])
    return rows


def deal_tables(id_lists: Sequence[Sequence[int]]) -> list[list[Deal]]:
    """`deal_table_rows` for several tables of one page (a company's deals in each role),
    read together."""
    wanted = sorted({i for ids in id_lists for i in ids})
    if not wanted:
        return [[] for _ids in id_lists]
    database = router.db_for_read(Deal)
    connection = connections[database]
    if prepared.available(connection):
        found = _read(connection, database, wanted)
    else:
        found = Deal.objects.using(database).for_table().in_bulk(wanted)
    return [[found[i] for i in ids if i in found] for ids in id_lists]


def _read(connection, database: str, ids: list[int]) -> dict[int, Deal]:
    statement = _statement()
    found = {}
    for row in prepared.execute(connection, statement.prepared, {"ids": ids}):
        values = iter(row)
        deal = statement.deal.take(database, values)
        deal._state.fields_cache["usd_rate"] = statement.rate.take(database, values, nullable=True)
        (parties,) = values
        deal.public_parties = [
            TableParty(role, TableCompany(slug, name, name_ko))
            for role, slug, name, name_ko in parties or ()
        ]
        found[deal.pk] = deal
    return found


class _Statement:
    """The statement, and the columns its rows hold in order: the deal's, the rate's, then
    the parties' JSON."""

    def __init__(self) -> None:
        self.deal = Columns(Deal, TABLE_FIELDS, "d")
        self.rate = Columns(ExchangeRate, ("date",), "r")
        # The parties `public_parties()` (deals/models/deals.py) gives: a published company in
        # a published deal, by role and then by id.
        parties = f"""(
    SELECT json_agg(json_build_array(
               p.{column(DealParty, "role")}, c.{column(Company, "slug")},
               c.{column(Company, "name")}, c.{column(Company, "name_ko")})
           ORDER BY p.{column(DealParty, "role")}, p.id)
    FROM {DealParty._meta.db_table} p
    JOIN {Company._meta.db_table} c ON c.id = p.{column(DealParty, "company")}
    WHERE p.{column(DealParty, "deal")} = d.id AND {published("c")} AND {published("d")})"""
        self.prepared = prepared.Prepared(
            name="dealtracker_deal_table",
            params=("ids",),
            sql=f"""PREPARE dealtracker_deal_table (bigint[]) AS
SELECT {self.deal.select()}, {self.rate.select()}, {parties}
FROM {self.deal.table} d
LEFT JOIN {self.rate.table} r ON r.id = d.{column(Deal, "usd_rate")}
WHERE d.id = ANY($1)""",
        )


@functools.cache
def _statement() -> _Statement:
    return _Statement()
