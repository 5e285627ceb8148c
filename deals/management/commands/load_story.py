"""Load the demo story (`deals.story`) into the database, idempotently.

Records are matched by slug (a source also by its URL; attendance by meeting and person;
project participants by project, company and role). A record is saved only when something in
it differs from the story, so a second run writes nothing and adds no history. Deals go through
`deals.services.deal_create` / `deal_update`, which derive status, announced date and USD value.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from deals import services, story
from deals.models import (
    Attendance,
    Company,
    Deal,
    ExchangeRate,
    Meeting,
    Person,
    Project,
    ProjectParty,
    Publication,
    Source,
)
from deals.models.base import Money

#: Fields the loader never compares: set by the database, by services or at publication.
UNTRACKED = {"id", "created_at", "updated_at", "published_at"}


class StoryLoader:
    """Writes the story and counts what it created, updated and left alone, per kind."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter] = {}
        self.sources: dict[str, Source] = {}
        self.companies: dict[str, Company] = {}
        self.people: dict[str, Person] = {}
        self.meetings: dict[str, Meeting] = {}
        self.projects: dict[str, Project] = {}

    def count(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    # --- generic upserts ---------------------------------------------------------------------

    @staticmethod
    def _snapshot(obj: models.Model) -> dict[str, Any]:
        return {
            f.attname: getattr(obj, f.attname)
            for f in obj._meta.concrete_fields
            if f.attname not in UNTRACKED
        }

    def _upsert(
        self,
        model: type[models.Model],
        lookup: dict[str, Any],
        values: dict[str, Any],
        sources: list[Source] | None = None,
    ) -> models.Model:
        """Create or update one row; save only when a value or the set of sources differs."""
        obj = model.objects.filter(**lookup).first()
        created = obj is None
        if created:
            obj = model(**lookup)
        before = self._snapshot(obj)
        for name, value in values.items():
            setattr(obj, name, value)
        if isinstance(obj, Money) and hasattr(obj, "start_date"):
            # What record_save will derive, so a stale USD value counts as a change.
            services.money_refresh_usd(record=obj, on=obj.start_date)
        changed = created or self._snapshot(obj) != before
        sources_differ = sources is not None and (
            created or set(obj.sources.values_list("pk", flat=True)) != {s.pk for s in sources}
        )
        if changed and hasattr(obj, "publication"):
            services.record_save(record=obj, sources=sources)
        elif changed:
            obj.full_clean()
            obj.save()
        elif sources_differ:
            obj.sources.set(sources)
        outcome = "created" if created else "updated" if changed or sources_differ else "unchanged"
        self.count(str(model._meta.verbose_name_plural), outcome)
        return obj

    def _published(self, values: dict[str, Any]) -> dict[str, Any]:
        return {**values, "publication": Publication.PUBLISHED}

    def _sources(self, keys: list[str]) -> list[Source]:
        return [self.sources[key] for key in keys]

    # --- the story, in dependency order ------------------------------------------------------

    def load(self) -> dict[str, Counter]:
        for row in story.SOURCES:
            values = {k: v for k, v in row.items() if k not in {"key", "slug"}}
            # The URL is unique too: a report an editor already entered under another slug is
            # completed in place rather than duplicated (which the database would refuse).
            lookup = {"slug": row["slug"]}
            if row["url"] and not Source.objects.filter(**lookup).exists():
                existing = Source.objects.filter(url=row["url"]).first()
                lookup = {"slug": existing.slug} if existing else lookup
            self.sources[row["key"]] = self._upsert(Source, lookup, self._published(values))
        for row in story.COMPANIES:
            values = {k: v for k, v in row.items() if k not in {"slug", "sources", "parent"}}
            parent = row.get("parent")
            values["parent"] = self.companies[parent] if parent else None
            self.companies[row["slug"]] = self._upsert(
                Company,
                {"slug": row["slug"]},
                self._published(values),
                sources=self._sources(row["sources"]),
            )
        for row in story.PEOPLE:
            values = {k: v for k, v in row.items() if k not in {"slug", "company"}}
            values["company"] = self.companies[row["company"]] if row["company"] else None
            self.people[row["slug"]] = self._upsert(
                Person, {"slug": row["slug"]}, self._published(values)
            )
        for row in story.EXCHANGE_RATES:
            values = {k: v for k, v in row.items() if k not in {"slug", "source"}}
            values["source"] = self.sources[row["source"]]
            self._upsert(ExchangeRate, {"slug": row["slug"]}, self._published(values))
        for row in story.MEETINGS:
            self._load_meeting(row)
        for row in story.PROJECTS:
            self._load_project(row)
        for row in story.DEALS:
            self._load_deal(row)
        return self.counts

    def _load_meeting(self, row: dict) -> None:
        values = {
            k: v for k, v in row.items() if k not in {"slug", "sources", "attendance", "parent"}
        }
        parent = row.get("parent")
        values["parent"] = self.meetings[parent] if parent else None
        meeting = self._upsert(
            Meeting,
            {"slug": row["slug"]},
            self._published(values),
            sources=self._sources(row["sources"]),
        )
        self.meetings[row["slug"]] = meeting
        for entry in row["attendance"]:
            self._upsert(
                Attendance,
                {"meeting": meeting, "person": self.people[entry["person"]]},
                {
                    "status": entry["status"],
                    "note": entry.get("note", ""),
                    "note_ko": entry.get("note_ko", ""),
                    "source": self.sources[entry["source"]],
                },
            )

    def _load_project(self, row: dict) -> None:
        values = {k: v for k, v in row.items() if k not in {"slug", "sources", "parties"}}
        project = self._upsert(
            Project,
            {"slug": row["slug"]},
            self._published(values),
            sources=self._sources(row["sources"]),
        )
        self.projects[row["slug"]] = project
        for entry in row["parties"]:
            self._upsert(
                ProjectParty,
                {
                    "project": project,
                    "company": self.companies[entry["company"]],
                    "role": entry["role"],
                },
                {"note": entry.get("note", ""), "note_ko": entry.get("note_ko", "")},
            )

    # --- deals -------------------------------------------------------------------------------

    def _load_deal(self, row: dict) -> None:
        skip = {"key", "parties", "events", "meetings", "sources", "project"}
        fields = {k: v for k, v in row.items() if k not in skip}
        fields["project"] = self.projects[row["project"]] if row["project"] else None
        fields["publication"] = Publication.PUBLISHED
        parts = services.DealParts(
            parties=[
                services.PartySpec(
                    company=self.companies[p["company"]],
                    role=p["role"],
                    note=p.get("note", ""),
                    note_ko=p.get("note_ko", ""),
                )
                for p in row["parties"]
            ],
            events=[
                services.EventSpec(
                    date=e["date"],
                    status=e["status"],
                    note=e.get("note", ""),
                    note_ko=e.get("note_ko", ""),
                    source=self.sources[e["source"]],
                )
                for e in row["events"]
            ],
            meetings=[
                services.MeetingLinkSpec(meeting=self.meetings[m["meeting"]], role=m["role"])
                for m in row["meetings"]
            ],
            sources=self._sources(row["sources"]),
        )
        deal = Deal.objects.filter(slug=row["slug"]).first()
        if deal is None:
            services.deal_create(fields=fields, parts=parts)
            self.count(str(Deal._meta.verbose_name_plural), "created")
            return
        changed_parts = self._changed_parts(deal, parts)
        fields_differ = any(
            getattr(deal, f"{name}_id" if name == "project" else name)
            != (value.pk if name == "project" and value is not None else value)
            for name, value in fields.items()
        )
        if not fields_differ and all(
            getattr(changed_parts, part) is None
            for part in ("parties", "events", "meetings", "sources")
        ):
            self.count(str(Deal._meta.verbose_name_plural), "unchanged")
            return
        services.deal_update(deal=deal, fields=fields, parts=changed_parts)
        self.count(str(Deal._meta.verbose_name_plural), "updated")

    @staticmethod
    def _changed_parts(deal: Deal, parts: services.DealParts) -> services.DealParts:
        """Only the parts that differ from what the deal has; `None` leaves a part alone."""
        parties_now = sorted(deal.parties.values_list("company_id", "role", "note", "note_ko"))
        parties_wanted = sorted((p.company.pk, p.role, p.note, p.note_ko) for p in parts.parties)
        events_now = list(
            deal.events.order_by("date", "id").values_list(
                "date", "status", "date_precision", "note", "note_ko", "source_id"
            )
        )
        events_wanted = [
            (
                e.date,
                e.status,
                e.date_precision,
                e.note,
                e.note_ko,
                e.source.pk if e.source else None,
            )
            for e in sorted(parts.events, key=lambda e: e.date)
        ]
        meetings_now = set(deal.meeting_links.values_list("meeting_id", "role"))
        meetings_wanted = {(m.meeting.pk, m.role) for m in parts.meetings}
        sources_now = set(deal.sources.values_list("pk", flat=True))
        sources_wanted = list(parts.sources)
        return services.DealParts(
            parties=None if parties_now == parties_wanted else parts.parties,
            # Same-day events keep their order of entry, which decides the deal's status.
            events=None if events_now == events_wanted else parts.events,
            meetings=None if meetings_now == meetings_wanted else parts.meetings,
            sources=None if sources_now == {s.pk for s in sources_wanted} else sources_wanted,
        )


class Command(BaseCommand):
    help = (
        "Load the demo story (Nvidia's Korean GPU deals of October 2025) into the database. "
        "Safe to run again: it completes what is missing and changes nothing that matches."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds any deal.",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and Deal.objects.exists():
            self.stdout.write("Deals already exist; the story was not loaded.")
            return
        try:
            with transaction.atomic():
                counts = StoryLoader().load()
        except ValidationError as error:
            # Something already in the database contradicts the story; nothing was written.
            raise CommandError(f"The story was not loaded: {error}") from error
        for kind, counter in counts.items():
            self.stdout.write(
                f"{kind}: {counter['created']} created, {counter['updated']} updated, "
                f"{counter['unchanged']} unchanged"
            )
        total_written = sum(c["created"] + c["updated"] for c in counts.values())
        self.stdout.write(self.style.SUCCESS(f"Story loaded: {total_written} records written."))
