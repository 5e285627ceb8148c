"""Editorial writes: the review workflow, version-checked saves, revert, restore and merging.

Like deals.services, every function here is typed, keyword-only and one transaction: a refused
write leaves the database exactly as it was, and every change lands in the history with who
made it and why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services
from .models import (
    Attendance,
    Company,
    Deal,
    DealEvent,
    DealMeeting,
    DealParty,
    Meeting,
    PartyRole,
    Person,
    Project,
    ProjectParty,
    Publication,
)
from .models.base import Record

PUBLISH_PERMISSION = "deals.publish"

#: Child rows that belong to a record and are restored with it: (model, foreign key name).
CHILDREN: dict[type[models.Model], list[tuple[type[models.Model], str]]] = {
    Deal: [(DealParty, "deal"), (DealEvent, "deal"), (DealMeeting, "deal")],
    Meeting: [(Attendance, "meeting"), (DealMeeting, "meeting")],
    Project: [(ProjectParty, "project")],
}


def _save(record: models.Model, reason: str = "", by=None) -> None:
    """Save, with who made the change and why, for the history beside this version.

    simple-history finds the user of a web request by itself; a service, a command or a test
    calls these functions outside one, and then only `by` says who it was.
    """
    if reason:
        record._change_reason = reason
    if by is not None:
        record._history_user = by
    record.save()


# --- No lost edits --------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: object
    new: object


class EditConflict(Exception):
    """Someone saved the record after the version this edit started from."""

    def __init__(self, *, record: Record, expected: int, current: int, changes: list[FieldChange]):
        self.record = record
        self.expected = expected
        self.current = current
        self.changes = changes
        super().__init__(self.message)

    @property
    def message(self) -> str:
        changed = ", ".join(str(c.label) for c in self.changes) or _("its relations")
        return _(
            "Someone else saved this record while you were editing it (your version "
            "%(expected)d, now %(current)d). Changed meanwhile: %(changed)s. Nothing of yours "
            "was saved; reload the page to see their changes, then make yours again."
        ) % {"expected": self.expected, "current": self.current, "changed": changed}


def version_changes(*, record: Record, since_version: int) -> list[FieldChange]:
    """The fields that differ between the snapshot at `since_version` and the latest one."""
    history = record.history.order_by("-history_date", "-history_id")
    latest = history.first()
    old = history.filter(version=since_version).first()
    if latest is None or old is None:
        return []
    delta = latest.diff_against(old, excluded_fields=["version", "updated_at"])
    fields = {f.name: f for f in type(record)._meta.get_fields()}
    related = _related_slugs(fields, delta.changes)

    def shown(field, value):
        if not _is_foreign_key(field) or value is None:
            return value
        return related.get((field.related_model, value), value)

    return [
        FieldChange(
            field=change.field,
            label=field.verbose_name if field is not None else change.field,
            old=shown(field, change.old),
            new=shown(field, change.new),
        )
        for change in delta.changes
        for field in [fields.get(change.field)]
    ]


def _is_foreign_key(field) -> bool:
    """A foreign key to a record with a slug (every record's foreign keys today)."""
    return (
        field is not None
        and (field.many_to_one or field.one_to_one) is True
        and any(f.name == "slug" for f in field.related_model._meta.concrete_fields)
    )


def _related_slugs(fields: dict, changes) -> dict[tuple[type, int], str]:
    """The slugs of the records a changed foreign key pointed at, before and after (drafts
    too), one query per related model: "project: apec-2025 → stargate", not "3 → 7"."""
    wanted: dict[type, set[int]] = {}
    for change in changes:
        field = fields.get(change.field)
        if _is_foreign_key(field):
            wanted.setdefault(field.related_model, set()).update(
                value for value in (change.old, change.new) if value is not None
            )
    return {
        (model, pk): slug
        for model, ids in wanted.items()
        for pk, slug in model._base_manager.filter(pk__in=ids).values_list("pk", "slug")
    }


def record_lock(*, record: Record, expected_version: int | None) -> int:
    """Lock the record's row for this transaction and check nobody saved it meanwhile.

    Returns the version now stored. The lock makes a second, concurrent save wait until the
    first commits, and then see the new version and be refused.
    """
    current = (
        type(record)
        .objects.select_for_update()
        .filter(pk=record.pk)
        .values_list("version", flat=True)
        .first()
    )
    if current is None:
        raise ValidationError(_("This record no longer exists; someone deleted it."))
    if expected_version is not None and current != expected_version:
        raise EditConflict(
            record=record,
            expected=expected_version,
            current=current,
            changes=version_changes(record=record, since_version=expected_version),
        )
    return current


def record_next_version(*, record: Record, expected_version: int | None = None) -> None:
    """Before saving an existing record: check its version and move it on by one."""
    if record.pk is None:
        record.version = 1
        return
    record.version = record_lock(record=record, expected_version=expected_version) + 1


@transaction.atomic
def record_save_checked(
    *, record: Record, expected_version: int | None, reason: str = "", by=None
) -> Record:
    """Save a record's own fields, refusing when it changed since `expected_version`."""
    record_next_version(record=record, expected_version=expected_version)
    if record.is_published and not record.published_at:
        record.published_at = timezone.now()
    record.full_clean()
    _save(record, reason, by)
    return record


# --- Workflow -------------------------------------------------------------------------------


def _require_desk(by) -> None:
    if by is not None and not by.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied(_("Only desk editors may publish, unpublish or revert."))


def publish_problems(*, record: Record) -> list[str]:
    """Why the record cannot be published yet, in plain words; empty when it is ready."""
    if not isinstance(record, Deal):
        return []
    problems = services.deal_publish_problems(deal=record)
    if not record.sources.exists():
        problems.append(_("A deal needs at least one source."))
    unsourced = record.events.filter(source__isnull=True).count()
    if unsourced:
        problems.append(
            _("%(count)d event(s) in the timeline have no source.") % {"count": unsourced}
        )
    if not record.events.exists():
        problems.append(_("A deal needs at least one event in its timeline."))
    return problems


def _transition(*, record: Record, to: str, by, reason: str, **fields) -> Record:
    record_next_version(record=record, expected_version=fields.pop("expected_version", None))
    record.publication = to
    for name, value in fields.items():
        setattr(record, name, value)
    record.full_clean()
    _save(record, reason, by)
    return record


@transaction.atomic
def record_submit(*, record: Record, by=None, expected_version: int | None = None) -> Record:
    """An editor hands a draft (or a withdrawn record) to the desk for review."""
    opts = record._meta
    if by is not None and not by.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
        raise PermissionDenied(_("Only editors may submit records for review."))
    if record.publication not in (Publication.DRAFT, Publication.UNPUBLISHED):
        raise ValidationError(
            {"publication": _("Only a draft or an unpublished record can be submitted.")}
        )
    return _transition(
        record=record,
        to=Publication.IN_REVIEW,
        by=by,
        reason=_("Submitted for review"),
        expected_version=expected_version,
    )


@transaction.atomic
def record_send_back(*, record: Record, by=None, note: str = "") -> Record:
    """A desk editor returns a record in review to its editor as a draft."""
    _require_desk(by)
    if record.publication != Publication.IN_REVIEW:
        raise ValidationError({"publication": _("Only a record in review can be sent back.")})
    reason = _("Sent back to draft") + (f": {note}" if note else "")
    return _transition(record=record, to=Publication.DRAFT, by=by, reason=reason)


@transaction.atomic
def record_publish(
    *,
    record: Record,
    by=None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Record:
    """A desk editor publishes a record; a deal must first pass every publish check."""
    _require_desk(by)
    problems = publish_problems(record=record)
    if problems:
        raise ValidationError({"publication": problems})
    return _transition(
        record=record,
        to=Publication.PUBLISHED,
        by=by,
        reason=_("Published"),
        published_at=record.published_at or at or timezone.now(),
        withdrawal_note="",
        withdrawal_note_ko="",
        expected_version=expected_version,
    )


@transaction.atomic
def record_unpublish(
    *,
    record: Record,
    by=None,
    note: str = "",
    note_ko: str = "",
    expected_version: int | None = None,
) -> Record:
    """Withdraw a published record: with a public note, or silently (for a mistake)."""
    _require_desk(by)
    if record.publication != Publication.PUBLISHED:
        raise ValidationError({"publication": _("Only a published record can be unpublished.")})
    reason = _("Withdrawn with a public note") if (note or note_ko) else _("Withdrawn silently")
    return _transition(
        record=record,
        to=Publication.UNPUBLISHED,
        by=by,
        reason=reason,
        withdrawal_note=note,
        withdrawal_note_ko=note_ko,
        expected_version=expected_version,
    )


# --- Revert and restore ---------------------------------------------------------------------

#: Fields a revert leaves alone: identity, workflow state and bookkeeping.
NOT_REVERTED = {
    "id",
    "slug",
    "publication",
    "published_at",
    "withdrawal_note",
    "withdrawal_note_ko",
    "version",
    "created_at",
    "updated_at",
}


def _snapshot_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f for f in model._meta.concrete_fields if f.name not in NOT_REVERTED and not f.primary_key
    ]


def _restore_children(*, record: models.Model, at: dt.datetime) -> None:
    """Make the record's child rows what they were at `at`, from their own history."""
    for child_model, fk in CHILDREN.get(type(record), []):
        child_model.objects.filter(**{fk: record}).delete()
        snapshot = child_model.history.as_of(at).filter(**{f"{fk}_id": record.pk})
        for old in snapshot:
            row = child_model(
                **{
                    f.attname: getattr(old, f.attname)
                    for f in child_model._meta.concrete_fields
                    if not f.primary_key and f.name not in ("created_at", "updated_at")
                }
            )
            row.full_clean(validate_unique=False, validate_constraints=False)
            row.save()


@transaction.atomic
def record_revert(*, record: Record, history_id: int, by=None, reason: str = "") -> Record:
    """Bring a record's fields, child rows and source links back to an earlier version.

    The revert is itself a new version in the history; nothing earlier is lost. The
    publication state is left as it is: reverting content does not publish or withdraw.
    """
    _require_desk(by)
    old = record.history.filter(history_id=history_id).first()
    if old is None:
        raise ValidationError(_("There is no such version of this record."))
    # A version is written in several rows: the record, then its child rows and source links
    # (the admin and the services save them after it), then derived fields. Whichever of its
    # rows the editor chose, the relations come back as the version had them when complete:
    # the source links of its last row, the child rows just before the next version began.
    rows = record.history.order_by("history_date", "history_id")
    complete = rows.filter(version=old.version, history_date__gte=old.history_date).last()
    following = (
        rows.filter(history_date__gt=complete.history_date).exclude(version=old.version).first()
    )
    complete_at = (
        following.history_date - dt.timedelta(microseconds=1) if following else timezone.now()
    )
    record_next_version(record=record, expected_version=None)
    for field in _snapshot_fields(type(record)):
        setattr(record, field.attname, getattr(old, field.attname))
    record.full_clean(validate_constraints=False)
    version_label = old.version
    _save(record, reason or _("Reverted to version %(version)s") % {"version": version_label}, by)
    _restore_children(record=record, at=complete_at)
    if hasattr(complete, "sources"):
        record.sources.set([row.source_id for row in complete.sources.all()])
    if isinstance(record, Deal):
        services.deal_refresh_derived(deal=record)
    return record


@transaction.atomic
def record_restore(*, model: type[Record], history_id: int, by=None) -> Record:
    """Bring back a deleted record, with the child rows it had when it was deleted."""
    _require_desk(by)
    deletion = model.history.filter(history_id=history_id, history_type="-").first()
    if deletion is None:
        raise ValidationError(_("There is no such deleted record."))
    if model.objects.filter(pk=deletion.id).exists():
        raise ValidationError(_("This record exists already; there is nothing to restore."))
    if model.objects.filter(slug=deletion.slug).exists():
        raise ValidationError(
            _("Another record now uses the slug “%(slug)s”; rename it first.")
            % {"slug": deletion.slug}
        )
    record = deletion.instance
    record.version = deletion.version + 1
    record._change_reason = _("Restored after deletion")
    if by is not None:
        record._history_user = by
    record.save(force_insert=True)
    # Deleting cascades to the child rows and source links before the record itself goes, so
    # its deletion row has none: take them from just before the cascade began, and the links
    # from the row before the deletion.
    before = (
        model.history.filter(
            id=deletion.id, history_date__lt=deletion.history_date, history_type__in=("+", "~")
        )
        .order_by("-history_date")
        .first()
    )
    began = deletion.history_date
    for child_model, fk in CHILDREN.get(model, []):
        removed = child_model.history.filter(
            **{f"{fk}_id": deletion.id}, history_type="-", history_date__lte=began
        )
        if before is not None:
            removed = removed.filter(history_date__gt=before.history_date)
        first = removed.order_by("history_date").values_list("history_date", flat=True).first()
        began = min(began, first or began)
    _restore_children(record=record, at=began - dt.timedelta(microseconds=1))
    if before is not None and hasattr(before, "sources"):
        record.sources.set([row.source_id for row in before.sources.all()])
    return record


# --- Merging duplicates ---------------------------------------------------------------------


def _delete(record: models.Model, reason: str, by=None) -> None:
    """Delete, with who did it and why in the deletion's history row."""
    record._change_reason = reason
    if by is not None:
        record._history_user = by
    record.delete()


def _add_alias(survivor: Company | Person, duplicate: Company | Person) -> None:
    names = [n for n in (survivor.aliases or "").splitlines() if n.strip()]
    for name in (duplicate.name, duplicate.name_ko, *(duplicate.aliases or "").splitlines()):
        name = name.strip()
        if name and name not in names and name not in (survivor.name, survivor.name_ko):
            names.append(name)
    survivor.aliases = "\n".join(names)


def _descends_from(company: Company, ancestor: Company) -> bool:
    seen = set()
    node = company.parent
    while node is not None and node.pk not in seen:
        if node.pk == ancestor.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


@transaction.atomic
def company_merge(*, survivor: Company, duplicate: Company, by=None) -> Company:
    """Fold a duplicate company into the survivor and delete the duplicate.

    Every deal and project role, person, subsidiary and source link moves to the survivor;
    the duplicate's names become aliases that search still finds. Refused when it would
    merge a company into itself or make a loop of parent companies.
    """
    _require_desk(by)
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A company cannot be merged into itself."))
    if _descends_from(survivor, duplicate):
        raise ValidationError(
            _(
                "%(survivor)s is a subsidiary of %(duplicate)s; merging them would make a loop "
                "of parent companies."
            )
            % {"survivor": survivor, "duplicate": duplicate}
        )
    record_next_version(record=survivor, expected_version=None)
    record_lock(record=duplicate, expected_version=None)
    for party in DealParty.objects.filter(company=duplicate).select_related("deal"):
        same = DealParty.objects.filter(deal_id=party.deal_id, company=survivor)
        if same.filter(role=party.role).exists():
            party.delete()
            continue
        supply = {PartyRole.SUPPLIER, PartyRole.BUYER}
        if party.role in supply and same.filter(role__in=supply).exists():
            raise ValidationError(
                _(
                    "In “%(deal)s” one of the two is the supplier and the other the buyer; "
                    "fix that deal before merging."
                )
                % {"deal": party.deal}
            )
        party.company = survivor
        party.save()
    for party in ProjectParty.objects.filter(company=duplicate):
        if ProjectParty.objects.filter(
            project_id=party.project_id, company=survivor, role=party.role
        ).exists():
            party.delete()
        else:
            party.company = survivor
            party.save()
    for person in Person.objects.filter(company=duplicate):
        person.company = survivor
        person.save()
    for child in Company.objects.filter(parent=duplicate).exclude(pk=survivor.pk):
        child.parent = survivor
        child.save()
    if survivor.parent_id == duplicate.pk:
        survivor.parent = duplicate.parent
    survivor.sources.add(*duplicate.sources.all())
    _add_alias(survivor, duplicate)
    for field in ("website", "description", "description_ko", "name_ko", "name"):
        if not getattr(survivor, field) and getattr(duplicate, field):
            setattr(survivor, field, getattr(duplicate, field))
    survivor.full_clean()
    _save(survivor, _("Merged “%(name)s” into this company") % {"name": duplicate}, by)
    duplicate.sources.clear()
    _delete(duplicate, _("Merged into “%(name)s”") % {"name": survivor}, by)
    return survivor


@transaction.atomic
def person_merge(*, survivor: Person, duplicate: Person, by=None) -> Person:
    """Fold a duplicate person into the survivor: attendance moves, names become aliases."""
    _require_desk(by)
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A person cannot be merged into themselves."))
    record_next_version(record=survivor, expected_version=None)
    for row in Attendance.objects.filter(person=duplicate):
        if Attendance.objects.filter(meeting_id=row.meeting_id, person=survivor).exists():
            row.delete()
        else:
            row.person = survivor
            row.save()
    _add_alias(survivor, duplicate)
    for field in ("title", "title_ko", "name_ko", "name"):
        if not getattr(survivor, field) and getattr(duplicate, field):
            setattr(survivor, field, getattr(duplicate, field))
    if survivor.company_id is None:
        survivor.company_id = duplicate.company_id
    survivor.full_clean()
    _save(survivor, _("Merged “%(name)s” into this person") % {"name": duplicate}, by)
    _delete(duplicate, _("Merged into “%(name)s”") % {"name": survivor}, by)
    return survivor
