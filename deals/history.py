"""Reading the past: what was published at a moment, and the published versions of a record.

Both read simple_history's tables (`Model.history`, the historical rows of child rows such as
deal parties, and the historical m2m rows of `sources`), never the live tables, so a record
deleted since, or a party removed since, still shows as it was.

- `published_as_of(model, at)` and `snapshot(rows, at=...)`: the records that were published at
  `at`, as model instances whose relations (parties, events, meetings, attendance, sources,
  parent, company, project) are those of that moment, related records only where they were
  published then. The API's `?as_of=` serves these through its ordinary serializers.
- `published_versions(record)`: the record's published versions, newest first, each with
  the public fields that changed since the published version before it. The API's
  `/history/` endpoint and the public change-log page share it.

Every function here costs a fixed number of queries, whatever the number of rows or versions.

Writing it: `history_note(user=..., reason=...)` gives every history row written within it
a user and a reason (an import names its file; an API write the client's `change_reason`).
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.dispatch import receiver
from django_countries.fields import Country
from simple_history.signals import pre_create_historical_record

from .editorial import FieldChange
from .models import (
    Attendance,
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
    Publication,
    Source,
)

# --- Notes on what is written ------------------------------------------------------------------

_history_note: contextvars.ContextVar[tuple | None] = contextvars.ContextVar(
    "deals_history_note", default=None
)


@contextmanager
def history_note(*, user, reason: str):
    """Within the block, every history row written gets this user and reason unless it has its
    own: an import's rows, their parties, the sources it creates, the derived-field saves; an
    API write's record and its parties, timeline and links."""
    token = _history_note.set((user, reason))
    try:
        yield
    finally:
        _history_note.reset(token)


@receiver(pre_create_historical_record, dispatch_uid="deals.history.history_note")
def _add_history_note(sender, history_instance, **kwargs):
    note = _history_note.get()
    if note is None:
        return
    user, reason = note
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = reason
    if history_instance.history_user_id is None and getattr(user, "is_authenticated", False):
        history_instance.history_user = user


# --- The latest historical row of each record ---------------------------------------------


def latest_rows(model: type[models.Model], at: dt.datetime):
    """Each record's latest historical row at `at`, deletions included.

    Like simple_history's `latest_of_each()`, but rows written in the same instant are told
    apart by `history_id`, so a record never comes back twice.
    """
    history = model.history.model._default_manager.filter(history_date__lte=at)
    later = history.filter(
        Q(id=OuterRef("id"))
        & (
            Q(history_date__gt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id"))
        )
    )
    return history.filter(~Exists(later))


def published_as_of(model: type[models.Model], at: dt.datetime):
    """Historical rows of the records that were published at `at` (absent if deleted by then)."""
    return (
        latest_rows(model, at).exclude(history_type="-").filter(publication=Publication.PUBLISHED)
    )


# --- Records as they were ------------------------------------------------------------------


@dataclass(frozen=True)
class Children:
    """Child rows a serializer reads as `record.<attr>.all()`, with the records they point to."""

    attr: str
    model: type[models.Model]
    parent_fk: str
    refs: tuple[str, ...]
    order: object  # key function over the loaded child row


def _by_role(row):
    return (row.role, row.id)


def _meeting_time(row):
    meeting = row.meeting
    starts = meeting.starts_at if meeting is not None else None
    return (starts is None, starts or dt.datetime.min.replace(tzinfo=dt.UTC), row.id)


#: What an API record shows from its relations: its own foreign keys, its child rows, and
#: whether it has historical `sources`.
RELATIONS: dict[type[models.Model], dict] = {
    Deal: {
        "refs": ("project", "usd_rate"),
        "children": (
            Children("parties", DealParty, "deal", ("company",), _by_role),
            Children("events", DealEvent, "deal", ("source",), lambda r: (r.date, r.id)),
            Children("meeting_links", DealMeeting, "deal", ("meeting",), _meeting_time),
        ),
        "sources": True,
    },
    Company: {"refs": ("parent",), "children": (), "sources": True},
    Person: {"refs": ("company",), "children": (), "sources": False},
    Meeting: {
        "refs": ("parent",),
        "children": (
            Children("attendance", Attendance, "meeting", ("person",), lambda r: (r.status, r.id)),
        ),
        "sources": True,
    },
    Project: {
        "refs": ("usd_rate",),
        "children": (Children("parties", ProjectParty, "project", ("company",), _by_role),),
        "sources": True,
    },
    Source: {"refs": (), "children": (), "sources": False},
    ExchangeRate: {"refs": ("source",), "children": (), "sources": False},
}


def _cached(model: type[models.Model], rows: list):
    """A queryset that holds `rows` already, as prefetch_related leaves one."""
    queryset = model._base_manager.none()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    return queryset


def _set_ref(obj: models.Model, name: str, value) -> None:
    # Through the field's cache, not the descriptor: a required foreign key may point to a
    # record that did not exist (or was not public) then, and is shown as nothing.
    obj._meta.get_field(name).set_cached_value(obj, value)


def _sources_history(model: type[models.Model]) -> type[models.Model]:
    """The historical m2m model of `sources`: one row per source per historical row."""
    return apps.get_model(model._meta.app_label, f"{model.history.model.__name__}_sources")


def _related_model(model, name):
    return model._meta.get_field(name).related_model


def snapshot(rows, *, at: dt.datetime) -> list[models.Model]:
    """The historical rows as model instances, with their relations as they were at `at`.

    A related record appears only if it was published at `at`; otherwise it is None (a foreign
    key) or the child row is dropped (a party whose company was a draft then). Queries: one per
    child model, one for the sources links, and one per related model, whatever `len(rows)`.
    """
    rows = list(rows)
    if not rows:
        return []
    model = rows[0].instance_type
    spec = RELATIONS[model]
    records = [row.instance for row in rows]
    ids = [record.id for record in records]

    wanted: dict[type[models.Model], set[int]] = defaultdict(set)
    for name in spec["refs"]:
        target = _related_model(model, name)
        attname = model._meta.get_field(name).attname
        wanted[target].update(v for r in records if (v := getattr(r, attname)) is not None)

    children: dict[str, dict[int, list]] = {}
    for child in spec["children"]:
        per_parent: dict[int, list] = defaultdict(list)
        found = (
            latest_rows(child.model, at)
            .exclude(history_type="-")
            .filter(**{f"{child.parent_fk}_id__in": ids})
        )
        for old in found:
            row = old.instance
            per_parent[getattr(row, f"{child.parent_fk}_id")].append(row)
            for name in child.refs:
                target = _related_model(child.model, name)
                value = getattr(row, child.model._meta.get_field(name).attname)
                if value is not None:
                    wanted[target].add(value)
        children[child.attr] = per_parent

    source_ids: dict[int, list[int]] = defaultdict(list)
    if spec["sources"]:
        through = _sources_history(model)
        links = through._default_manager.filter(
            history_id__in=[row.history_id for row in rows]
        ).values_list("history_id", "source_id")
        record_of = {row.history_id: row.id for row in rows}
        for history_id, source_id in links:
            source_ids[record_of[history_id]].append(source_id)
            wanted[Source].add(source_id)

    loaded: dict[type[models.Model], dict[int, models.Model]] = {}
    for target, target_ids in wanted.items():
        found = published_as_of(target, at).filter(id__in=target_ids)
        loaded[target] = {old.id: old.instance for old in found}

    def ref(target, pk):
        return loaded.get(target, {}).get(pk) if pk is not None else None

    for record in records:
        for name in spec["refs"]:
            target = _related_model(model, name)
            _set_ref(record, name, ref(target, getattr(record, f"{name}_id")))
        cache = {}
        for child in spec["children"]:
            kept = []
            for row in children[child.attr].get(record.id, []):
                _set_ref(row, child.parent_fk, record)
                complete = True
                for name in child.refs:
                    related = ref(_related_model(child.model, name), getattr(row, f"{name}_id"))
                    _set_ref(row, name, related)
                    complete &= related is not None or child.model._meta.get_field(name).null
                if complete:
                    kept.append(row)
            cache[child.attr] = _cached(child.model, sorted(kept, key=child.order))
        if spec["sources"]:
            sources = [s for pk in source_ids.get(record.id, []) if (s := ref(Source, pk))]
            sources.sort(key=lambda s: (s.published_on is None, _negated(s.published_on), s.id))
            cache["sources"] = _cached(Source, sources)
        record._prefetched_objects_cache = cache
    return records


def _negated(day: dt.date | None) -> int:
    """Newest first: sources sort by date descending, as the live API's prefetch does."""
    return -day.toordinal() if day else 0


# --- Published versions with what changed -------------------------------------------------

#: Fields a published version never reports: identity, workflow and bookkeeping.
NOT_PUBLIC = frozenset(
    {
        "id",
        "version",
        "created_at",
        "updated_at",
        "publication",
        "published_at",
        "withdrawal_note",
        "withdrawal_note_ko",
    }
)

#: What happened in a version (`PublishedVersion.event`).
PUBLISHED = "published"
REPUBLISHED = "republished"
CHANGED = "changed"
WITHDRAWN = "withdrawn"

#: What happened to a child row or a source link (`RowChange.action`).
ADDED = "added"
REMOVED = "removed"
# A row that is there before and after with other values is CHANGED, as above.


@dataclass(frozen=True)
class RowSpec:
    """Child rows whose changes a version reports: a row is the same row before and after when
    its `key` is the same (services replace parties and events wholesale, so ids are not), and
    changed when one of its `values` differs."""

    model: type[models.Model]
    parent_fk: str
    key: tuple[str, ...]
    values: tuple[str, ...]


ROW_SPECS: dict[type[models.Model], tuple[RowSpec, ...]] = {
    Deal: (
        RowSpec(DealParty, "deal", ("company_id", "role"), ("note", "note_ko")),
        RowSpec(
            DealEvent,
            "deal",
            ("date", "status"),
            ("date_precision", "note", "note_ko", "source_id"),
        ),
        RowSpec(DealMeeting, "deal", ("meeting_id",), ("role",)),
    ),
    Meeting: (
        RowSpec(Attendance, "meeting", ("person_id",), ("status", "note", "note_ko", "source_id")),
        RowSpec(DealMeeting, "meeting", ("deal_id",), ("role",)),
    ),
    Project: (RowSpec(ProjectParty, "project", ("company_id", "role"), ("note", "note_ko")),),
}


@dataclass(frozen=True)
class RowChange:
    """A child row added, removed or changed, or a source link added or removed.

    `kind` is the child model (DealParty, DealEvent, ...) or "sources"; `old` and `new` are
    historical child rows (None on the side where the row is absent), or source ids.
    """

    kind: object
    action: str
    old: object
    new: object


@dataclass(frozen=True)
class PublishedVersion:
    """One version readers saw (or the public withdrawal of the record).

    `version` is the record's version number and `date` the moment the version was complete
    (its last write, child rows included): `?as_of=` that moment shows it. `event` is
    PUBLISHED (the first), REPUBLISHED (after a withdrawal), CHANGED, or WITHDRAWN (with the
    public `note`). `before` and `after` are the historical rows of the previous published
    version and of this one (`before` is None for the first); `changes` are the public fields
    that differ between them, with raw values (a foreign key as its id), and `rows` the child
    rows and source links that differ.
    """

    version: int
    date: dt.datetime
    event: str
    after: object
    before: object = None
    changes: list[FieldChange] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)
    note: str = ""
    note_ko: str = ""
    history_id: int = 0  # for editors' tools; the public API and pages do not show it

    @property
    def first(self) -> bool:
        return self.before is None and self.event == PUBLISHED


def public_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields a reader sees that a version can change, in model order."""
    return [
        f for f in model._meta.concrete_fields if f.name not in NOT_PUBLIC and not f.primary_key
    ]


def _plain(value):
    if isinstance(value, Country):
        return value.code or ""
    return value


def _field_changes(model, before, after) -> list[FieldChange]:
    changes = []
    for f in public_fields(model):
        old, new = _plain(getattr(before, f.attname)), _plain(getattr(after, f.attname))
        if old != new:
            changes.append(FieldChange(field=f.name, label=f.verbose_name, old=old, new=new))
    return changes


def _rows_at(history: list, spec: RowSpec, end: dt.datetime | None) -> dict[tuple, object]:
    """The child rows as they stood before `end` (all of them when None), by natural key."""
    latest: dict[int, object] = {}
    for row in history:
        if end is not None and row.history_date >= end:
            break
        latest[row.id] = row
    return {
        tuple(getattr(row, name) for name in spec.key): row
        for row in latest.values()
        if row.history_type != "-"
    }


def _row_changes(kind, old: dict, new: dict, values: tuple[str, ...]) -> list[RowChange]:
    changes = [RowChange(kind, REMOVED, old[key], None) for key in old if key not in new]
    for key, row in new.items():
        if key not in old:
            changes.append(RowChange(kind, ADDED, None, row))
        elif any(getattr(old[key], n) != getattr(row, n) for n in values):
            changes.append(RowChange(kind, CHANGED, old[key], row))
    return changes


def published_versions(record: models.Model) -> list[PublishedVersion]:
    """The record's versions that readers saw, newest first, with what changed in each.

    A version is a `version` number: its state is the last historical row written under it,
    with the child rows as they stood until the next version began. Versions that were never
    published (drafts, review) are left out, and so are published saves that changed nothing
    (a save of the same values). A withdrawal with a public note is listed as WITHDRAWN; a
    silent one is not listed. Changes are measured against the previous published version, so
    what an editor did in between, in drafts, shows only as its published result.

    Queries: the record's history, its source links, and one per kind of child row.
    """
    model = type(record)
    history = list(
        model.history.filter(id=record.pk)
        .exclude(history_type="-")
        .order_by("history_date", "history_id")
    )
    groups: dict[int, list] = {}
    for row in history:
        groups.setdefault(row.version, []).append(row)
    ordered = sorted(groups.values(), key=lambda rows: (rows[0].history_date, rows[0].history_id))
    specs = ROW_SPECS.get(model, ())
    children = {
        spec: list(
            spec.model.history.filter(**{f"{spec.parent_fk}_id": record.pk}).order_by(
                "history_date", "history_id"
            )
        )
        for spec in specs
    }
    has_sources = RELATIONS.get(model, {}).get("sources", False)
    sources_of: dict[int, set[int]] = defaultdict(set)
    if has_sources and ordered:
        through = _sources_history(model)
        last_ids = [rows[-1].history_id for rows in ordered]
        for history_id, source_id in through._default_manager.filter(
            history_id__in=last_ids
        ).values_list("history_id", "source_id"):
            sources_of[history_id].add(source_id)

    versions: list[PublishedVersion] = []
    shown = None  # the last published version: (row, child rows, sources)
    public_now = False
    for index, rows in enumerate(ordered):
        after = rows[-1]
        end = ordered[index + 1][0].history_date if index + 1 < len(ordered) else None
        date = max(
            [after.history_date]
            + [
                row.history_date
                for spec in specs
                for row in children[spec]
                if row.history_date >= rows[0].history_date
                and (end is None or row.history_date < end)
            ]
        )
        if after.publication != Publication.PUBLISHED:
            if (
                public_now
                and after.publication == Publication.UNPUBLISHED
                and (after.withdrawal_note or after.withdrawal_note_ko)
            ):
                versions.append(
                    PublishedVersion(
                        version=after.version,
                        date=date,
                        event=WITHDRAWN,
                        after=after,
                        before=shown[0],
                        note=after.withdrawal_note,
                        note_ko=after.withdrawal_note_ko,
                        history_id=after.history_id,
                    )
                )
            public_now = False
            continue
        state = (
            after,
            {spec: _rows_at(children[spec], spec, end) for spec in specs},
            sources_of.get(after.history_id, set()),
        )
        if shown is None:
            versions.append(
                PublishedVersion(
                    version=after.version,
                    date=date,
                    event=PUBLISHED,
                    after=after,
                    history_id=after.history_id,
                )
            )
        else:
            before, old_children, old_sources = shown
            changes = _field_changes(model, before, after)
            row_changes = [
                change
                for spec in specs
                for change in _row_changes(
                    spec.model, old_children[spec], state[1][spec], spec.values
                )
            ]
            row_changes += [
                RowChange("sources", REMOVED, pk, None) for pk in sorted(old_sources - state[2])
            ]
            row_changes += [
                RowChange("sources", ADDED, None, pk) for pk in sorted(state[2] - old_sources)
            ]
            event = CHANGED if public_now else REPUBLISHED
            if changes or row_changes or event == REPUBLISHED:
                versions.append(
                    PublishedVersion(
                        version=after.version,
                        date=date,
                        event=event,
                        after=after,
                        before=before,
                        changes=changes,
                        rows=row_changes,
                        history_id=after.history_id,
                    )
                )
        shown = state
        public_now = True
    versions.reverse()
    return versions
