"""A deal's page read in one prepared statement: the deal and everything its page shows.

`Deal.objects.for_detail()` describes what the page (templates/deals/deal_detail.html) reads:
the deal with its project and dollar rate, its public parties with their companies, its
timeline with each step's source, its public meetings and its public sources. Through the ORM
that was five queries, each compiled from its tree on every request, which cost about half the
page's Python time. On PostgreSQL the same records are read here by one statement prepared once
per connection (deals/prepared.py), the related rows as JSON arrays.

The records are model instances with the columns `for_detail()` loads, no more and no fewer,
joined to each other as the ORM's prefetching joins them, so the page, its template tags and
its tests read them as they read any. tests/test_detail_rows.py checks that both ways give
the same records and byte-identical pages.

Without prepared statements (SQLite, or `PREPARED_STATEMENTS` off) the deal is read through
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
    Project,
    Publication,
    Source,
)
from .models.deals import DETAIL_FIELDS, EVENT_FIELDS, MEETING_FIELDS, PARTY_FIELDS, SOURCE_FIELDS
from .prepared import Columns


def published_deal_for_page(slug: str) -> Deal | None:
    """The published deal with this slug, loaded as `Deal.objects.published().for_detail()`
    loads it, or None."""
    database = router.db_for_read(Deal)
    connection = connections[database]
    if not prepared.available(connection):
        return Deal.objects.using(database).published().for_detail().filter(slug=slug).first()
    statement = _statement()
    rows = prepared.execute(connection, statement.prepared, {"slug": slug})
    return statement.load(database, rows[0]) if rows else None


def _own(names) -> list[str]:
    """The names of a model's own fields among `only()`-style names."""
    return [n for n in names if "__" not in n]


def _related(names, relation: str) -> list[str]:
    """The fields of `relation` among `only()`-style names."""
    return [n.split("__", 1)[1] for n in names if n.startswith(relation + "__")]


class _Statement:
    """The statement, and how each part of its row becomes instances."""

    def __init__(self) -> None:
        deal_meta = Deal._meta
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

        published = "'" + Publication.PUBLISHED + "'"
        col = lambda model, name: model._meta.get_field(name).column  # noqa: E731
        sources = deal_meta.get_field("sources")
        # Each list in the order its prefetch in `for_detail()` gives: parties by role, steps
        # by date, meetings as DealMeeting's Meta orders them, sources as Source's does.
        parties = f"""(
    SELECT json_agg(json_build_array({self.party.json()}, {self.company.json()})
                    ORDER BY p.{col(DealParty, "role")}, p.id)
    FROM {self.party.table} p JOIN {self.company.table} c ON c.id = p.{col(DealParty, "company")}
    WHERE p.{col(DealParty, "deal")} = d.id AND c.{col(Company, "publication")} = {published})"""
        events = f"""(
    SELECT json_agg(json_build_array({self.event.json()}, {self.event_source.json_or_null()})
                    ORDER BY e.{col(DealEvent, "date")}, e.id)
    FROM {self.event.table} e
    LEFT JOIN {self.event_source.table} es ON es.id = e.{col(DealEvent, "source")}
    WHERE e.{col(DealEvent, "deal")} = d.id)"""
        links = f"""(
    SELECT json_agg(json_build_array({self.link.json()}, {self.meeting.json()})
                    ORDER BY m.{col(Meeting, "starts_at")}, l.id)
    FROM {self.link.table} l JOIN {self.meeting.table} m ON m.id = l.{col(DealMeeting, "meeting")}
    WHERE l.{col(DealMeeting, "deal")} = d.id AND m.{col(Meeting, "publication")} = {published})"""
        public_sources = f"""(
    SELECT json_agg({self.source.json()} ORDER BY s.{col(Source, "published_on")} DESC,
                    s.{col(Source, "publisher")}, s.id)
    FROM {sources.remote_field.through._meta.db_table} ds
    JOIN {self.source.table} s ON s.id = ds.{sources.m2m_reverse_name()}
    WHERE ds.{sources.m2m_column_name()} = d.id AND s.{col(Source, "publication")} = {published})"""
        self.prepared = prepared.Prepared(
            name="dealtracker_deal_page",
            params=("slug",),
            sql=f"""PREPARE dealtracker_deal_page (text) AS
SELECT {self.deal.select()}, {self.project.select()}, {self.rate.select()},
       {parties}, {events}, {links}, {public_sources}
FROM {self.deal.table} d
LEFT JOIN {self.project.table} pr ON pr.id = d.{col(Deal, "project")}
LEFT JOIN {self.rate.table} r ON r.id = d.{col(Deal, "usd_rate")}
WHERE d.{col(Deal, "slug")} = $1 AND d.{col(Deal, "publication")} = {published}""",
        )

    def load(self, database: str, row: tuple) -> Deal:
        values = iter(row)
        deal = self.deal.take(database, values)
        cache = deal._state.fields_cache
        cache["project"] = self.project.take(database, values, nullable=True)
        cache["usd_rate"] = self.rate.take(database, values, nullable=True)
        parties, events, links, sources = values

        def joined(columns, values, relation, related_columns, related_values):
            """A row of the deal's with the record it points to (None for a JSON null), both
            joined to it as prefetching joins them."""
            instance = columns.from_json(database, values)
            instance._state.fields_cache.update({
                "deal": deal,
                relation: related_columns.from_json(database, related_values)
                if related_values is not None else None,
            })
            return instance

        deal.public_parties = [
            joined(self.party, p, "company", self.company, c) for p, c in parties or ()
        ]
        deal.timeline = [
            joined(self.event, e, "source", self.event_source, s) for e, s in events or ()
        ]
        deal.public_meeting_links = [
            joined(self.link, link, "meeting", self.meeting, m) for link, m in links or ()
        ]
        deal.public_sources = [self.source.from_json(database, v) for v in sources or ()]
        return deal


@functools.cache
def _statement() -> _Statement:
    return _Statement()
