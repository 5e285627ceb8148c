"""A record's public change log: its published versions, newest first, in the reader's words.

`deals.history.published_versions` (shared with the API's `/history/`) says which versions
readers saw and what changed in each: own fields, child rows (a deal's parties, steps and
meetings, a meeting's attendance, a project's participants), source links, and withdrawals
with a public note. This page puts that in the reader's language: field labels, values
formatted as the record's page shows them, child rows in a sentence. A related record that is
not public now (a draft company among a deal's parties, a draft source) never shows; editors'
names and reasons never do.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import DetailView
from django_countries.fields import Country

from .. import formatting
from ..history import (
    ADDED,
    CHANGED,
    PUBLISHED,
    REMOVED,
    REPUBLISHED,
    WITHDRAWN,
    PublishedVersion,
    RowChange,
    published_versions,
)
from ..models import (
    Attendance,
    Company,
    Deal,
    DealEvent,
    DealMeeting,
    Meeting,
    Person,
    Project,
    Publication,
    Source,
)

#: A change log lists at most this many entries, the newest.
ENTRY_LIMIT = 200

#: Own fields the public pages never show (search terms, identity, a derived conversion that
#: the value line already covers).
HIDDEN = frozenset({"slug", "aliases", "usd_amount", "usd_rate"})

#: Fields shown together as one figure, as the record's page shows them; a change to any of
#: them changes the line.
FIGURES = {
    "money": ("amount", "currency", "disclosure", "amount_qualifier"),
    "quantity": ("quantity", "quantity_unit", "quantity_qualifier"),
    "gpu_count": ("gpu_count", "gpu_count_qualifier"),
    "starts_at": ("starts_at", "time_known", "timezone"),
    "ends_at": ("ends_at",),
    "start_date": ("start_date", "start_precision"),
    "target_date": ("target_date", "target_precision"),
}
FIGURE_LABELS = {
    "money": gettext_lazy("Value"),
    "quantity": gettext_lazy("Quantity"),
    "gpu_count": gettext_lazy("GPUs"),
    "starts_at": gettext_lazy("Starts"),
    "ends_at": gettext_lazy("Ends"),
    "start_date": gettext_lazy("Start date"),
    "target_date": gettext_lazy("Target date"),
}
FIGURE_OF = {name: figure for figure, names in FIGURES.items() for name in names}

#: Related records a change may name; loaded in one query each, published ones only.
RELATED = (Company, Person, Meeting, Deal, Project, Source)
#: A child row's reference to another record: attribute and model.
CHILD_REFS = (
    ("company_id", Company),
    ("person_id", Person),
    ("meeting_id", Meeting),
    ("deal_id", Deal),
)


def in_reader_language(english: str, korean: str) -> str:
    """One of a pair of texts in the reader's language, falling back to the other."""
    if (get_language() or "en").startswith("ko"):
        return korean or english
    return english or korean


@dataclass(frozen=True)
class Line:
    """One change as the reader sees it: a label with old → new, or a sentence."""

    label: str = ""
    old: str = ""
    new: str = ""
    text: str = ""


@dataclass(frozen=True)
class Entry:
    version: PublishedVersion
    title: str
    when: str
    lines: list[Line]
    note: str = ""


class Names:
    """The public records the versions point at, by id, one query per model."""

    def __init__(self, record, versions: list[PublishedVersion]) -> None:
        wanted: dict = {model: set() for model in RELATED}
        model = type(record)
        for version in versions:
            for change in version.changes:
                target = getattr(model._meta.get_field(change.field), "related_model", None)
                if target in wanted:
                    wanted[target].update((change.old, change.new))
            for change in version.rows:
                if change.kind == "sources":
                    wanted[Source].update((change.old, change.new))
                    continue
                for attr, target in CHILD_REFS:
                    wanted[target].update(
                        getattr(r, attr)
                        for r in (change.old, change.new)
                        if r is not None and hasattr(r, attr)
                    )
        self.by_id = {}
        for target, ids in wanted.items():
            ids.discard(None)
            if ids:
                for found in target.objects.published().filter(pk__in=ids):
                    self.by_id[target, found.pk] = found

    def get(self, model, pk):
        return self.by_id.get((model, pk))


def _figure_text(figure: str, row, record) -> str:
    if figure == "money":
        return formatting.format_value(
            amount=row.amount,
            currency=row.currency,
            disclosure=row.disclosure,
            qualifier=row.amount_qualifier,
        )
    if figure == "quantity":
        return formatting.format_quantity(row.quantity, row.quantity_unit, row.quantity_qualifier)
    if figure == "gpu_count":
        return formatting.format_quantity(row.gpu_count, "gpus", row.gpu_count_qualifier)
    if figure in ("starts_at", "ends_at"):
        return formatting.format_datetime(getattr(row, figure), record.local_tz, row.time_known)
    precision = getattr(row, figure.replace("_date", "_precision"))
    return formatting.format_date(getattr(row, figure), precision)


def _value_text(model_field, value, names: Names) -> str:
    """A value as the record's page would show it; empty when it is not public."""
    if value is None or value == "":
        return ""
    if model_field.is_relation:
        related = names.get(model_field.related_model, value)
        return str(related) if related is not None else ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.name == "country":
        return str(Country(value).name)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    kind = model_field.get_internal_type()
    if kind == "DateField":
        return formatting.format_date(value)
    if kind in ("DecimalField", "PositiveBigIntegerField", "IntegerField"):
        return formatting.format_number(value)
    return str(value)


def field_lines(version: PublishedVersion, record, names: Names) -> list[Line]:
    lines, figures_done = [], set()
    model = type(record)
    for change in version.changes:
        if change.field in HIDDEN:
            continue
        figure = FIGURE_OF.get(change.field)
        if figure:
            if figure in figures_done:
                continue
            figures_done.add(figure)
            label = _("Budget") if figure == "money" and model is Project else FIGURE_LABELS[figure]
            old = _figure_text(figure, version.before, record)
            new = _figure_text(figure, version.after, record)
        else:
            model_field = model._meta.get_field(change.field)
            label = model_field.verbose_name
            old = _value_text(model_field, change.old, names)
            new = _value_text(model_field, change.new, names)
        if old != new:
            lines.append(Line(label=str(label), old=old or "—", new=new or "—"))
    return lines


def _choice(model, name: str, row) -> str:
    return str(dict(model._meta.get_field(name).flatchoices).get(getattr(row, name), ""))


def _step(row) -> str:
    return (
        f"{formatting.format_date(row.date, row.date_precision)}, "
        f"{_choice(DealEvent, 'status', row)}"
    )


def row_line(change: RowChange, record, names: Names) -> Line | None:
    """A sentence for an added, removed or changed child row or source link; None when what
    it names is not public."""
    kind, action, old, new = change.kind, change.action, change.old, change.new
    row = new if new is not None else old
    if kind == "sources":
        source = names.get(Source, row)
        if source is None:
            return None
        if action == ADDED:
            return Line(text=_("Source added: %(source)s") % {"source": source})
        return Line(text=_("Source removed: %(source)s") % {"source": source})
    if kind is DealEvent:
        if action == ADDED:
            return Line(text=_("Step added: %(step)s") % {"step": _step(new)})
        if action == REMOVED:
            return Line(text=_("Step removed: %(step)s") % {"step": _step(old)})
        if _step(old) == _step(new):
            return None  # its note or source changed; the deal's page shows those
        return Line(label=_("Step"), old=_step(old), new=_step(new))
    if kind is DealMeeting:
        other = (
            names.get(Deal, row.deal_id)
            if isinstance(record, Meeting)
            else names.get(Meeting, row.meeting_id)
        )
        role = "role"
    else:  # parties of a deal or project, attendance of a meeting
        other = (
            names.get(Person, row.person_id)
            if kind is Attendance
            else names.get(Company, row.company_id)
        )
        role = "status" if kind is Attendance else "role"
    if other is None:
        return None
    if action == ADDED:
        return Line(
            text=_("%(name)s added (%(role)s)") % {"name": other, "role": _choice(kind, role, new)}
        )
    if action == REMOVED:
        return Line(
            text=_("%(name)s removed (was %(role)s)")
            % {"name": other, "role": _choice(kind, role, old)}
        )
    if _choice(kind, role, old) == _choice(kind, role, new):
        return None
    return Line(label=str(other), old=_choice(kind, role, old), new=_choice(kind, role, new))


def entries_for(record, versions: list[PublishedVersion]) -> list[Entry]:
    """The versions as the reader's lines, in the active language."""
    versions = versions[:ENTRY_LIMIT]
    names = Names(record, versions)
    tz = timezone.get_current_timezone()
    titles = {
        PUBLISHED: _("First published"),
        CHANGED: _("Updated"),
        REPUBLISHED: _("Published again"),
        WITHDRAWN: _("Withdrawn"),
    }
    entries = []
    for version in versions:
        lines = []
        if version.event in (CHANGED, REPUBLISHED):
            lines = field_lines(version, record, names)
            lines += [
                line
                for change in version.rows
                if (line := row_line(change, record, names)) is not None
            ]
            if version.event == CHANGED and not lines:
                continue  # only something readers never see changed
        note = in_reader_language(version.note, version.note_ko)
        entries.append(
            Entry(
                version,
                titles[version.event],
                formatting.format_datetime(version.date, tz),
                lines,
                note,
            )
        )
    return entries


class ChangeLogView(DetailView):
    """`<record>/changes/`: the published versions of a public record, newest first.

    A published record has one; so has a withdrawn record whose withdrawal came with a public
    note, which the page shows. Drafts, records in review and silent withdrawals: not found.
    """

    template_name = "deals/changes.html"
    context_object_name = "record"
    #: The list each record's breadcrumb points back to.
    list_urls = {
        Deal: ("deals:deal_list", gettext_lazy("Deals")),
        Company: ("deals:company_list", gettext_lazy("Companies")),
        Meeting: ("deals:meeting_list", gettext_lazy("Meetings")),
        Project: ("deals:project_list", gettext_lazy("Projects")),
        Person: ("deals:person_list", gettext_lazy("People")),
    }

    def get_queryset(self):
        noted = ~(Q(withdrawal_note="") & Q(withdrawal_note_ko=""))
        return self.model.objects.filter(
            Q(publication=Publication.PUBLISHED) | (Q(publication=Publication.UNPUBLISHED) & noted)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        list_url, list_label = self.list_urls[self.model]
        context.update(
            entries=entries_for(record, published_versions(record)),
            withdrawal_note=""
            if record.is_published
            else in_reader_language(record.withdrawal_note, record.withdrawal_note_ko),
            list_url=list_url,
            list_label=list_label,
        )
        return context
