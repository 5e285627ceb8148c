"""Record pages read in one prepared statement each: a deal and a company, with what their
pages show.

`Deal.objects.for_detail()` describes what a deal's page (templates/deals/deal_detail.html)
reads: the deal with its project and dollar rate, its public parties with their companies, its
timeline with each step's source, its public meetings and its public sources. Through the ORM
that was five queries, each compiled from its tree on every request, which cost about half the
page's Python time. `Company.objects.for_detail()` is four (the company with its parent, its
public subsidiaries, projects and sources). On PostgreSQL the same records are read here by one
statement each, prepared once per connection (deals/prepared.py), the related rows as JSON
arrays.

The records are model instances with the columns `for_detail()` loads, no more and no fewer,
joined to each other as the ORM's prefetching joins them, so the page, its template tags and
its tests read them as they read any. tests/test_detail_rows.py checks that both ways give
the same records and byte-identical pages.

Without prepared statements (SQLite, or `PREPARED_STATEMENTS` off) the records are read through
`for_detail()`.
"""

from __future__ import annotations

import functools

from django.db import connections, router

from . import prepared
from .models import (
    Company,
    Deal,
    DealEvent,
    DealMeeting,
    DealParty,
    ExchangeRate,
    Meeting,
    Person,
    Project,
    ProjectParty,
    Source,
)
from .models.deals import DETAIL_FIELDS, EVENT_FIELDS, MEETING_FIELDS, PARTY_FIELDS, SOURCE_FIELDS
from .prepared import Columns, column, published


def published_deal_for_page(slug: str) -> Deal | None:
    """The published deal with this slug, loaded as `Deal.objects.published().for_detail()`
    loads it, or None."""
    return _read(Deal, _deal_statement, slug)


def published_company_for_page(slug: str) -> Company | None:
    """The published company with this slug, loaded as
    `Company.objects.published().for_detail()` loads it, or None."""
    return _read(Company, _company_statement, slug)


#: What a company page shows of each of its people (a link with the job title).
PERSON_FIELDS = ("slug", "name", "name_ko", "title", "title_ko")


def company_page_lists(
    company: Company,
    lists: list[tuple[tuple[str, ...], tuple[str, ...]] | None],
    *,
    deals: int,
    people: int,
) -> tuple[list[list[int]], list[Person]]:
    """A company page's lists, read together: for each of `lists`, the ids of the `deals` most
    recent published deals in which the company has one of the roles and none of the excluded
    ones ((roles, excluded)), in Deal's order, or nothing for a list given as None (one the
    totals say is empty: for the busiest company, looking for a role it never has would walk
    the whole date index); and its first `people` published people, in Person's order.

    On PostgreSQL one statement, its subqueries planned for this company's own figures (it is
    not prepared: a plan made once for a company in a tenth of all deals would serve one in
    three badly); elsewhere, or with `PREPARED_STATEMENTS` off, one ORM query a list.
    tests/test_detail_rows.py checks both ways give the same lists."""
    database = router.db_for_read(Deal)
    connection = connections[database]
    if not prepared.available(connection):
        return _company_page_lists_orm(database, company, lists, deals=deals, people=people)
    statement = _company_lists_statement()
    parts, params = [], []
    for wanted in lists:
        if wanted is None:
            continue
        roles, excluded = wanted
        parts.append(statement.recent_excluding if excluded else statement.recent)
        params += [company.pk, list(roles)] + ([company.pk, list(excluded)] if excluded else [])
        params.append(deals)
    parts.append(statement.people)
    params += [company.pk, people]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = list(cursor.fetchone())
    people_values = row.pop()
    found = iter(row)
    id_lists = [[] if wanted is None else list(next(found) or ()) for wanted in lists]
    person = statement.person
    return id_lists, [person.from_json(database, values) for values in people_values or ()]


def _company_page_lists_orm(database, company, lists, *, deals: int, people: int):
    published_deals = Deal.objects.using(database).published()
    parties = DealParty.objects.using(database).filter(company=company)
    id_lists = []
    for wanted in lists:
        if wanted is None:
            id_lists.append([])
            continue
        roles, excluded = wanted
        queryset = published_deals.filter(pk__in=parties.filter(role__in=roles).values("deal_id"))
        if excluded:
            queryset = queryset.exclude(pk__in=parties.filter(role__in=excluded).values("deal_id"))
        id_lists.append(list(queryset.values_list("id", flat=True)[:deals]))
    found = list(
        Person.objects.using(database)
        .published()
        .filter(company=company)
        .only(*PERSON_FIELDS)[:people]
    )
    return id_lists, found


def _meta_order(model, alias: str) -> str:
    """The model's Meta ordering as an ORDER BY list on `alias`, as the ORM writes it (a
    descending field without NULLS LAST: PostgreSQL puts missing values first)."""
    return ", ".join(
        f"{alias}.{column(model, name.lstrip('-'))}{' DESC' if name.startswith('-') else ''}"
        for name in model._meta.ordering
    )


class _CompanyListsStatement:
    """The parts of `company_page_lists`'s statement, in the orders of Deal's and Person's
    Meta (`-announced_on, -id`; `name, id`), as the ORM writes them."""

    def __init__(self) -> None:
        deal, party = Deal._meta.db_table, DealParty._meta.db_table
        order = _meta_order(Deal, "d")
        with_role = (
            f"SELECT p.{column(DealParty, 'deal')} FROM {party} p "
            f"WHERE p.{column(DealParty, 'company')} = %s AND p.{column(DealParty, 'role')} "
            "= ANY(%s)"
        )
        head = f"ARRAY(SELECT d.id FROM {deal} d WHERE {published('d')} AND d.id IN ({with_role})"
        tail = f" ORDER BY {order} LIMIT %s)"
        self.recent = head + tail
        self.recent_excluding = head + f" AND NOT (d.id IN ({with_role}))" + tail
        self.person = Columns(Person, PERSON_FIELDS, "pe")
        person_order = _meta_order(Person, "pe")
        self.people = f"""(
    SELECT json_agg({self.person.json()} ORDER BY {person_order})
    FROM (SELECT {self.person.select()} FROM {self.person.table} pe
          WHERE pe.{column(Person, "company")} = %s AND {published("pe")}
          ORDER BY {person_order} LIMIT %s) pe)"""


@functools.cache
def _company_lists_statement() -> _CompanyListsStatement:
    return _CompanyListsStatement()


def _read(model, statement, slug: str):
    database = router.db_for_read(model)
    connection = connections[database]
    if not prepared.available(connection):
        return model.objects.using(database).published().for_detail().filter(slug=slug).first()
    statement = statement()
    rows = prepared.execute(connection, statement.prepared, {"slug": slug})
    return statement.load(database, rows[0]) if rows else None


def _own(names) -> list[str]:
    """The names of a model's own fields among `only()`-style names."""
    return [n for n in names if "__" not in n]


def _related(names, relation: str) -> list[str]:
    """The fields of `relation` among `only()`-style names."""
    return [n.split("__", 1)[1] for n in names if n.startswith(relation + "__")]


def _every(model) -> list[str]:
    """All of a model's columns, as a query without `only()` loads them."""
    return [f.name for f in model._meta.concrete_fields]


def _public_sources(source: Columns, owner_model, owner_alias: str) -> str:
    """The owner's published sources as a JSON array, in Source's order (newest first)."""
    sources = owner_model._meta.get_field("sources")
    return f"""(
    SELECT json_agg({source.json()} ORDER BY {source.alias}.{column(Source, "published_on")} DESC,
                    {source.alias}.{column(Source, "publisher")}, {source.alias}.id)
    FROM {sources.remote_field.through._meta.db_table} o
    JOIN {source.table} {source.alias} ON {source.alias}.id = o.{sources.m2m_reverse_name()}
    WHERE o.{sources.m2m_column_name()} = {owner_alias}.id
      AND {published(source.alias)})"""


def _joined(database, owner, owner_name, columns, values, relation, related, related_values):
    """A row of the owner's with the record it points to (None for a JSON null), both joined
    to the owner as prefetching joins them."""
    instance = columns.from_json(database, values)
    instance._state.fields_cache.update(
        {
            owner_name: owner,
            relation: related.from_json(database, related_values)
            if related_values is not None
            else None,
        }
    )
    return instance


class _DealStatement:
    """The deal page's statement, and how each part of its row becomes instances."""

    def __init__(self) -> None:
        self.deal = Columns(Deal, _own(DETAIL_FIELDS), "d")
        self.project = Columns(Project, _related(DETAIL_FIELDS, "project"), "pr")
        self.rate = Columns(ExchangeRate, _related(DETAIL_FIELDS, "usd_rate"), "r")
        self.party = Columns(DealParty, _own(PARTY_FIELDS), "p")
        self.company = Columns(Company, _related(PARTY_FIELDS, "company"), "c")
        self.event = Columns(DealEvent, EVENT_FIELDS, "e")
        self.event_source = Columns(Source, SOURCE_FIELDS, "es")
        self.link = Columns(DealMeeting, ("deal", "meeting", "role"), "l")
        self.meeting = Columns(Meeting, MEETING_FIELDS, "m")
        self.source = Columns(Source, SOURCE_FIELDS, "s")

        # Each list in the order its prefetch in `for_detail()` gives: parties by role, steps
        # by date, meetings as DealMeeting's Meta orders them, sources as Source's does.
        parties = f"""(
    SELECT json_agg(json_build_array({self.party.json()}, {self.company.json()})
                    ORDER BY p.{column(DealParty, "role")}, p.id)
    FROM {self.party.table} p JOIN {self.company.table} c ON c.id = p.{column(DealParty, "company")}
    WHERE p.{column(DealParty, "deal")} = d.id AND {published("c")})"""
        events = f"""(
    SELECT json_agg(json_build_array({self.event.json()}, {self.event_source.json_or_null()})
                    ORDER BY e.{column(DealEvent, "date")}, e.id)
    FROM {self.event.table} e
    LEFT JOIN {self.event_source.table} es ON es.id = e.{column(DealEvent, "source")}
    WHERE e.{column(DealEvent, "deal")} = d.id)"""
        links = f"""(
    SELECT json_agg(json_build_array({self.link.json()}, {self.meeting.json()})
                    ORDER BY m.{column(Meeting, "starts_at")}, l.id)
    FROM {self.link.table} l
    JOIN {self.meeting.table} m ON m.id = l.{column(DealMeeting, "meeting")}
    WHERE l.{column(DealMeeting, "deal")} = d.id AND {published("m")})"""
        self.prepared = prepared.Prepared(
            name="dealtracker_deal_page",
            params=("slug",),
            sql=f"""PREPARE dealtracker_deal_page (text) AS
SELECT {self.deal.select()}, {self.project.select()}, {self.rate.select()},
       {parties}, {events}, {links}, {_public_sources(self.source, Deal, "d")}
FROM {self.deal.table} d
LEFT JOIN {self.project.table} pr ON pr.id = d.{column(Deal, "project")}
LEFT JOIN {self.rate.table} r ON r.id = d.{column(Deal, "usd_rate")}
WHERE d.{column(Deal, "slug")} = $1 AND {published("d")}""",
        )

    def load(self, database: str, row: tuple) -> Deal:
        values = iter(row)
        deal = self.deal.take(database, values)
        cache = deal._state.fields_cache
        cache["project"] = self.project.take(database, values, nullable=True)
        cache["usd_rate"] = self.rate.take(database, values, nullable=True)
        parties, events, links, sources = values
        join = functools.partial(_joined, database, deal, "deal")
        deal.public_parties = [
            join(self.party, p, "company", self.company, c) for p, c in parties or ()
        ]
        deal.timeline = [
            join(self.event, e, "source", self.event_source, s) for e, s in events or ()
        ]
        deal.public_meeting_links = [
            join(self.link, link, "meeting", self.meeting, m) for link, m in links or ()
        ]
        deal.public_sources = [self.source.from_json(database, v) for v in sources or ()]
        return deal


class _CompanyStatement:
    """The company page's statement, and how each part of its row becomes instances. Every
    column, as `Company.objects.for_detail()` reads every column."""

    def __init__(self) -> None:
        self.company = Columns(Company, _every(Company), "c")
        self.parent = Columns(Company, _every(Company), "pa")
        self.subsidiary = Columns(Company, _every(Company), "sub")
        self.party = Columns(ProjectParty, _every(ProjectParty), "pp")
        self.project = Columns(Project, _every(Project), "p")
        self.source = Columns(Source, _every(Source), "s")

        # In the orders of `for_detail()`: subsidiaries as Company's Meta orders them,
        # projects by name, sources as Source's Meta does.
        subsidiaries = f"""(
    SELECT json_agg({self.subsidiary.json()} ORDER BY sub.{column(Company, "name")}, sub.id)
    FROM {self.subsidiary.table} sub
    WHERE sub.{column(Company, "parent")} = c.id
      AND {published("sub")})"""
        projects = f"""(
    SELECT json_agg(json_build_array({self.party.json()}, {self.project.json()})
                    ORDER BY p.{column(Project, "name")}, pp.id)
    FROM {self.party.table} pp
    JOIN {self.project.table} p ON p.id = pp.{column(ProjectParty, "project")}
    WHERE pp.{column(ProjectParty, "company")} = c.id
      AND {published("p")})"""
        self.prepared = prepared.Prepared(
            name="dealtracker_company_page",
            params=("slug",),
            sql=f"""PREPARE dealtracker_company_page (text) AS
SELECT {self.company.select()}, {self.parent.select()},
       {subsidiaries}, {projects}, {_public_sources(self.source, Company, "c")}
FROM {self.company.table} c
LEFT JOIN {self.parent.table} pa ON pa.id = c.{column(Company, "parent")}
WHERE c.{column(Company, "slug")} = $1 AND {published("c")}""",
        )

    def load(self, database: str, row: tuple) -> Company:
        values = iter(row)
        company = self.company.take(database, values)
        company._state.fields_cache["parent"] = self.parent.take(database, values, nullable=True)
        subsidiaries, projects, sources = values
        company.public_subsidiaries = []
        for values in subsidiaries or ():
            subsidiary = self.subsidiary.from_json(database, values)
            subsidiary._state.fields_cache["parent"] = company
            company.public_subsidiaries.append(subsidiary)
        join = functools.partial(_joined, database, company, "company")
        company.public_project_parties = [
            join(self.party, party, "project", self.project, p) for party, p in projects or ()
        ]
        company.public_sources = [self.source.from_json(database, v) for v in sources or ()]
        return company


@functools.cache
def _deal_statement() -> _DealStatement:
    return _DealStatement()


@functools.cache
def _company_statement() -> _CompanyStatement:
    return _CompanyStatement()
