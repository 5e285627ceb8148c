"""CSV and spreadsheet import and export of records for the editors' admin
(django-import-export). The files themselves (formats, checks, cell widgets) are in
deals/spreadsheets.py.

One Resource per record. An import only adds: every row becomes a new draft, whatever the file
says about publication. Each row is checked by the model's own validation and the rules in
`deals.services`, and written through those services; all rows go in one transaction, so one
bad row means nothing is written. Every history row an import makes names the editor and says
"Imported from <file>". Exports keep Korean text intact (CSV with a BOM, so Excel reads UTF-8).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Prefetch
from django.utils.text import slugify
from django.utils.translation import gettext
from django_countries.fields import CountryField
from import_export import fields, resources
from import_export.results import RowResult

from . import services
from .history import history_note
from .models import (
    Company,
    DatePrecision,
    Deal,
    DealEvent,
    DealParty,
    DealStatus,
    ExchangeRate,
    Meeting,
    PartyRole,
    Person,
    Project,
    Publication,
    Source,
)
from .spreadsheets import (
    BooleanWidget,
    ChoiceWidget,
    CountryWidget,
    DateTimeWidget,
    DateWidget,
    NumberWidget,
    SlugWidget,
    TextWidget,
    WholeNumberWidget,
    no_such,
    split_list,
    text_of,
)

# --- Resources ------------------------------------------------------------------------------

#: Set by the workflow, never by a file: an imported record is always a new draft.
WORKFLOW_FIELDS = frozenset(
    {"publication", "published_at", "withdrawal_note", "withdrawal_note_ko"}
)


class SourcesField(fields.Field):
    """A record's sources as URLs (or slugs, for a source without a URL), separated by ';'.

    On import a URL names an existing source or makes a new draft one.
    """

    def __init__(self):
        super().__init__(column_name="sources")

    def export(self, instance, **kwargs):
        if instance.pk is None:  # the preview's "before" of a new row
            return ""
        return "; ".join(source.url or source.slug for source in instance.sources.all())


class PartiesField(fields.Field):
    """The slugs of a deal's companies in one role, separated by ';'."""

    def __init__(self, role: str, column_name: str):
        super().__init__(column_name=column_name)
        self.role = role

    def export(self, instance, **kwargs):
        if instance.pk is None:
            return ""
        return "; ".join(
            party.company.slug for party in instance.parties.all() if party.role == self.role
        )


#: One step of a `timeline` cell: a date as precise as it is known, the status, and, in
#: brackets, the step's own source where it has one.
TIMELINE_STEP = re.compile(
    r"^(?P<year>\d{4})(?:-(?:(?P<quarter>[Qq][1-4])|(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?))?"
    r"\s+(?P<status>[^\s\[\]][^\[\]]*?)\s*(?:\[\s*(?P<source>[^\[\]]*?)\s*\])?$"
)


@dataclass(frozen=True)
class TimelineStep:
    """One step of a `timeline` cell, read; `source` is what its brackets name, if anything
    (a URL or a slug)."""

    date: dt.date
    precision: str
    status: str
    source: str = ""


def timeline_text(event) -> str:
    """A timeline step as a `timeline` cell writes it: `2025-10-31 announced`, `2025-10 signed`
    (known to the month), `2025-Q4 delivered`, `2025 rumored`, then its source in brackets as
    the `sources` column names one (`[https://…]`, or the slug of a source without a URL)."""
    day, precision = event.date, event.date_precision
    if precision == DatePrecision.YEAR:
        when = f"{day.year}"
    elif precision == DatePrecision.QUARTER:
        when = f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    elif precision == DatePrecision.MONTH:
        when = f"{day.year}-{day.month:02d}"
    else:
        when = day.isoformat()
    source = event.source
    return f"{when} {event.status}" + (f" [{source.url or source.slug}]" if source else "")


def timeline_step(text: str) -> TimelineStep:
    """One step of a `timeline` cell, read; ValueError in words."""
    match = TIMELINE_STEP.match(text.strip())
    if match is None:
        raise ValueError(
            gettext(
                "write the date (2025-10-31, or 2025-10, 2025-Q4 or 2025 when that is all that is "
                "known), a space, then the status, and if you like the step's source in brackets"
            )
        )
    if match["source"] is not None and not match["source"]:
        raise ValueError(gettext("the brackets name no source"))
    year = int(match["year"])
    try:
        if match["quarter"]:
            on = dt.date(year, 3 * int(match["quarter"][1]) - 2, 1)
            precision = DatePrecision.QUARTER
        elif match["day"]:
            on = dt.date(year, int(match["month"]), int(match["day"]))
            precision = DatePrecision.DAY
        elif match["month"]:
            on = dt.date(year, int(match["month"]), 1)
            precision = DatePrecision.MONTH
        else:
            on = dt.date(year, 1, 1)
            precision = DatePrecision.YEAR
    except ValueError:
        raise ValueError(gettext("there is no such date")) from None
    status = ChoiceWidget(DealStatus.choices).clean(match["status"])
    return TimelineStep(on, precision, status, match["source"] or "")


def source_name(text: str) -> str:
    """How the `sources` column names a source: its URL (with the scheme in lower case) or,
    without `://`, its slug."""
    if "://" not in text:
        return text
    scheme, rest = text.split("://", 1)
    return f"{scheme.lower()}://{rest}"


def existing_source(name: str) -> Source | None:
    """The source a `source_name` names, if the tracker has it."""
    field = "url" if "://" in name else "slug"
    return Source.objects.filter(**{field: name}).first()


class StepSources:
    """The source a timeline step's brackets name: one of the row's `sources` (new ones too,
    saved with the row), by URL or slug, or else a source the tracker already has."""

    def __init__(self, row_sources: list[Source]) -> None:
        self.known: dict[str, Source] = {}
        for source in row_sources:
            for name in (source.url, source.slug):
                if name:
                    self.known.setdefault(name, source)

    def find(self, name: str) -> Source | None:
        if not name:
            return None
        name = source_name(name)
        source = self.known.get(name)
        if source is None:
            source = existing_source(name)
            if source is None:
                raise ValueError(
                    gettext(
                        "no source has the URL or slug “%(name)s”; add it to the sources column"
                    )
                    % {"name": name}
                )
            self.known[name] = source
        return source


class TimelineField(fields.Field):
    """A deal's timeline in one cell: its steps, oldest first, separated by ';' or line breaks,
    each a date as precise as it is known, a status and its source in brackets
    (`2025-10-29 reported [https://…]; 2025-10-31 announced`). Exported that way, so an exported
    deal imports with its whole timeline and each step's source; on import a step without
    brackets is sourced from the row's first source, as `status` and `status_on` are."""

    def __init__(self):
        super().__init__(column_name="timeline")

    def export(self, instance, **kwargs):
        if instance.pk is None:
            return ""
        return "; ".join(timeline_text(event) for event in instance.events.all())


def by_slug(name: str, model) -> fields.Field:
    """A foreign key column that holds the related record's slug."""
    return fields.Field(attribute=name, column_name=name, widget=SlugWidget(model))


class RecordResource(resources.ModelResource):
    """What every record's import and export share.

    Rows are matched by slug (generated from the English name when the cell is empty) and may
    only add records: a slug already in the database, or twice in the file, is a row error.
    """

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "CharField": TextWidget,
        "TextField": TextWidget,
        "SlugField": TextWidget,
        "DecimalField": NumberWidget,
        "DateField": DateWidget,
        "DateTimeField": DateTimeWidget,
        "BooleanField": BooleanWidget,
        "IntegerField": WholeNumberWidget,
        "PositiveIntegerField": WholeNumberWidget,
        "BigIntegerField": WholeNumberWidget,
        "PositiveBigIntegerField": WholeNumberWidget,
    }
    #: The column a slug is made from when the file leaves it empty.
    name_column = "name"
    #: Foreign keys an export reads, loaded with the list instead of once a row.
    export_related: tuple[str, ...] = ()
    #: Exported columns that an import reads too, by hand (the others set by the system are
    #: exported only).
    read_on_import: tuple[str, ...] = ()

    class Meta:
        import_id_fields = ("slug",)
        clean_model_instances = True  # full_clean(), as the admin's forms run it
        use_transactions = True
        use_bulk = False  # bulk_create would skip the services and the history
        skip_unchanged = False
        report_skipped = False

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        readonly = readonly or not django_field.editable or field_name in WORKFLOW_FIELDS
        field = super().field_from_django_field(field_name, django_field, readonly)
        if isinstance(django_field, CountryField):
            field.widget = CountryWidget()
        elif django_field.choices:
            field.widget = ChoiceWidget(django_field.choices)
        return field

    def get_user_visible_fields(self):
        # The columns the import page lists: those an import reads.
        return [
            field
            for field in self.get_import_fields()
            if not field.readonly or field.column_name in self.read_on_import
        ]

    # Import, around the rows

    def import_data(self, dataset, **kwargs):
        name = PurePath(str(kwargs.get("file_name") or "")).name
        # The history's reason column holds 100 characters.
        reason = (gettext("Imported from %(file)s") % {"file": name})[:100]
        with history_note(user=kwargs.get("user"), reason=reason):
            return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs):
        # A refused file's rows are not read at all (the library would go on to them).
        self._refused = True
        if len(dataset) > settings.IMPORT_MAX_ROWS:
            raise ValidationError(
                gettext(
                    "This file has %(rows)d rows; up to %(limit)d can be imported at once. "
                    "Split it into smaller files."
                )
                % {"rows": len(dataset), "limit": settings.IMPORT_MAX_ROWS}
            )
        self._lines_by_slug: dict[str, int] = {}
        self._source_slugs: set[str] = set()
        dataset.headers = [text_of(header).lower() for header in dataset.headers or []]
        known = {field.column_name for field in self.fields.values()}
        unknown = [h for h in dataset.headers if h and h not in known]
        if unknown:
            raise ValidationError(
                gettext("Unknown columns: %(unknown)s. The columns are: %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(self.get_export_order())}
            )
        self._refused = False
        if "slug" not in dataset.headers and len(dataset):
            dataset.append_col([""] * len(dataset), header="slug")
        # Slugs the file gives are not made up for another row.
        self._given_slugs = {text_of(slug) for slug in dataset["slug"]} if len(dataset) else set()

    def import_row(self, row, instance_loader, **kwargs):
        if self._refused or not any(text_of(value) for value in row.values()):
            skipped = self.get_row_result_class()()
            skipped.import_type = RowResult.IMPORT_TYPE_SKIP
            return skipped
        return super().import_row(row, instance_loader, **kwargs)

    def before_import_row(self, row, **kwargs):
        line = kwargs.get("row_number", 0) + 1  # the header is row 1
        slug = text_of(row.get("slug"))
        if not slug:
            slug = row["slug"] = self._new_slug(row)
        if slug in self._lines_by_slug:
            raise ValidationError(
                {
                    "slug": gettext("The slug “%(slug)s” is also in row %(line)d of this file.")
                    % {"slug": slug, "line": self._lines_by_slug[slug]}
                }
            )
        self._lines_by_slug[slug] = line

    def _new_slug(self, row) -> str:
        model = self._meta.model
        name = text_of(row.get(self.name_column))
        base = slugify(name)[:180].strip("-") or model._meta.model_name
        slug, number = base, 1
        while (
            slug in self._given_slugs
            or slug in self._lines_by_slug
            or model.objects.filter(slug=slug).exists()
        ):
            number += 1
            slug = f"{base}-{number}"
        return slug

    def get_or_init_instance(self, instance_loader, row):
        instance, new = super().get_or_init_instance(instance_loader, row)
        if not new:
            raise ValidationError(
                {
                    "slug": gettext(
                        "A %(thing)s with the slug “%(slug)s” already exists. An import only adds "
                        "records: change that one in the admin, or give this row another slug."
                    )
                    % {"thing": self._meta.model._meta.verbose_name, "slug": instance.slug}
                }
            )
        return instance, new

    # Import, within a row

    def import_instance(self, instance, row, **kwargs):
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        instance._import_sources = []
        if "sources" in row and "sources" in self.fields:
            instance._import_sources, problems = self._sources_from(row["sources"])
            if problems:
                errors["sources"] = problems
        errors.update(self.import_relations(instance, row))
        if errors:
            raise ValidationError(errors)

    def import_relations(self, instance, row) -> dict[str, list[str]]:
        """Read the row's relations onto the instance; problems by column."""
        return {}

    def _sources_from(self, value) -> tuple[list[Source], list[str]]:
        found, problems = [], []
        for item in split_list(value):
            name = source_name(item)
            if "://" not in name:
                source = existing_source(name)
                if source is None:
                    problems.append(no_such(Source, item))
                else:
                    found.append(source)
                continue
            source = existing_source(name) or self._new_source(name)
            try:
                if source.pk is None:
                    source.full_clean()
            except ValidationError as error:
                problems.append(
                    gettext("“%(url)s”: %(problem)s")
                    % {"url": item, "problem": " ".join(error.messages)}
                )
            found.append(source)
        return found, problems

    def _new_source(self, url: str) -> Source:
        """A draft source for a URL the tracker does not know yet; an editor completes it."""
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
        base = slugify(f"{host} {parts.path} {parts.query}")[:180].strip("-") or "source"
        slug, number = base, 1
        # Not yet saved sources of this row hold their slugs too.
        while slug in self._source_slugs or Source.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        self._source_slugs.add(slug)
        return Source(
            url=url,
            slug=slug,
            title=url[:400],
            publisher=host,
            # A Korean site's report is most likely in Korean; the editor can correct it.
            language="ko" if host.endswith(".kr") else "en",
        )

    def before_save_instance(self, instance, row, **kwargs):
        instance.publication = Publication.DRAFT
        instance.published_at = None

    def do_instance_save(self, instance, is_create):
        sources = [
            source if source.pk else services.record_save(record=source)
            for source in instance._import_sources
        ]
        self.save_record(instance, sources)

    def save_record(self, record, sources):
        services.record_save(record=record, sources=sources if "sources" in self.fields else None)

    # Export

    def filter_export(self, queryset, **kwargs):
        queryset = queryset.select_related(*self.export_related)
        if "sources" in self.fields:
            queryset = queryset.prefetch_related("sources")
        return queryset


class CompanyResource(RecordResource):
    parent = by_slug("parent", Company)
    sources = SourcesField()
    export_related = ("parent",)

    class Meta:
        model = Company
        fields = (
            "slug",
            "name",
            "name_ko",
            "aliases",
            "kind",
            "country",
            "parent",
            "website",
            "description",
            "description_ko",
            "sources",
            "publication",
            "version",
            "updated_at",
        )


class DealResource(RecordResource):
    """Deals with their parties (company slugs per role) and sources.

    The timeline (`timeline`: dated steps) and a status with its date (`status`, `status_on`)
    import as the deal's events, each sourced from the source its brackets name or else from
    the row's first source; the status, announcement date and USD value then follow from them
    as they do in the admin.
    """

    project = by_slug("project", Project)
    suppliers = PartiesField(PartyRole.SUPPLIER, "suppliers")
    buyers = PartiesField(PartyRole.BUYER, "buyers")
    partners = PartiesField(PartyRole.PARTNER, "partners")
    investors = PartiesField(PartyRole.INVESTOR, "investors")
    governments = PartiesField(PartyRole.GOVERNMENT, "governments")
    sources = SourcesField()
    timeline = TimelineField()
    name_column = "title"
    export_related = ("project",)
    read_on_import = ("status", "status_on")

    class Meta:
        model = Deal
        fields = (
            "slug",
            "title",
            "title_ko",
            "kind",
            "summary",
            "summary_ko",
            "product",
            "product_ko",
            "product_category",
            "quantity_qualifier",
            "quantity",
            "quantity_unit",
            "disclosure",
            "amount_qualifier",
            "amount",
            "currency",
            "amount_note",
            "amount_note_ko",
            "project",
            "suppliers",
            "buyers",
            "partners",
            "investors",
            "governments",
            "sources",
            "timeline",
            "status",
            "status_on",
            "announced_on",
            "usd_amount",
            "publication",
            "version",
            "updated_at",
        )

    def import_relations(self, deal, row):
        errors: dict[str, list[str]] = {}
        by_role: dict[str, list[Company]] = {}
        for field in self.fields.values():
            if not isinstance(field, PartiesField) or field.column_name not in row:
                continue
            slugs = split_list(row[field.column_name])
            companies = {c.slug: c for c in Company.objects.filter(slug__in=slugs)}
            missing = [no_such(Company, slug) for slug in slugs if slug not in companies]
            if missing:
                errors[field.column_name] = missing
            by_role[field.role] = [companies[slug] for slug in slugs if slug in companies]
        # The same rule, and the same words, as the admin's party rows.
        suppliers = by_role.get(PartyRole.SUPPLIER, [])
        both = [c for c in by_role.get(PartyRole.BUYER, []) if c in suppliers]
        problems = services.deal_party_problems(
            deal=deal,
            parties=[(c, role) for c in both for role in (PartyRole.SUPPLIER, PartyRole.BUYER)],
        )
        if problems:
            errors.setdefault("buyers", []).extend(problems)
        deal._import_parties = [
            services.PartySpec(company=company, role=role)
            for role, companies in by_role.items()
            for company in companies
        ]
        deal._import_steps = self._steps_from(row, deal._import_sources, errors)
        return errors

    def _steps_from(self, row, row_sources, errors) -> list[tuple[TimelineStep, Source | None]]:
        """The timeline's steps and the `status` on `status_on`, each once (the first that
        names a source wins), oldest first, with the source each names (None: the row's
        first source)."""
        steps: dict[tuple, tuple[TimelineStep, Source | None]] = {}
        problems = []
        named = StepSources(row_sources)
        for item in split_list(row.get("timeline")):
            try:
                step = timeline_step(item)
                source = named.find(step.source)
            except ValueError as error:
                problems.append(
                    gettext("“%(step)s”: %(problem)s")
                    % {
                        "step": item,
                        "problem": error,
                    }
                )
                continue
            key = (step.date, step.precision, step.status)
            if key not in steps or steps[key][1] is None:
                steps[key] = (step, source)
        if problems:
            errors["timeline"] = problems
        status = self._status_from(row, errors)
        if status is not None:
            status, on = status
            steps.setdefault(
                (on, DatePrecision.DAY, status), (TimelineStep(on, DatePrecision.DAY, status), None)
            )
        return sorted(steps.values(), key=lambda found: found[0].date)

    def _status_from(self, row, errors) -> tuple[str, dt.date] | None:
        status = on = None
        try:
            status = ChoiceWidget(DealStatus.choices).clean(row.get("status"))
        except ValueError as error:
            errors["status"] = [str(error)]
        try:
            on = DateWidget().clean(row.get("status_on"))
        except ValueError as error:
            errors["status_on"] = [str(error)]
        if status and not on and "status_on" not in errors:
            errors["status_on"] = [gettext("A status needs the date it was reached.")]
        if on and not status and "status" not in errors:
            errors["status"] = [gettext("A date here needs the status reached on it.")]
        return (status, on) if status and on else None

    def save_record(self, deal, sources):
        values = {
            field.attname: getattr(deal, field.attname)
            for field in Deal._meta.concrete_fields
            if field.editable and not field.primary_key
        }
        first = sources[0] if sources else None
        events = [
            services.EventSpec(
                date=step.date,
                date_precision=step.precision,
                status=step.status,
                source=source or first,
            )
            for step, source in deal._import_steps
        ]
        saved = services.deal_create(
            fields=values,
            parts=services.DealParts(
                parties=deal._import_parties,
                events=events,
                sources=sources,
            ),
        )
        deal.pk = saved.pk
        deal.refresh_from_db()

    def filter_export(self, queryset, **kwargs):
        # The admin's list prefetches parties its own way; export wants their companies' slugs.
        return (
            super()
            .filter_export(queryset)
            .prefetch_related(None)
            .prefetch_related(
                Prefetch("parties", queryset=DealParty.objects.select_related("company")),
                "sources",
                Prefetch(
                    "events",
                    queryset=DealEvent.objects.select_related("source")
                    .only(
                        "deal_id", "date", "date_precision", "status", "source__url", "source__slug"
                    )
                    .order_by("date", "id"),
                ),
            )
        )


class MeetingResource(RecordResource):
    """Meetings. Times are read in the row's own time zone and written with their offset."""

    parent = by_slug("parent", Meeting)
    sources = SourcesField()
    name_column = "title"
    export_related = ("parent",)

    class Meta:
        model = Meeting
        fields = (
            "slug",
            "title",
            "title_ko",
            "kind",
            "starts_at",
            "ends_at",
            "time_known",
            "timezone",
            "venue",
            "venue_ko",
            "city",
            "city_ko",
            "country",
            "parent",
            "summary",
            "summary_ko",
            "sources",
            "publication",
            "version",
            "updated_at",
        )

    def dehydrate_starts_at(self, meeting):
        return _local_time(meeting.starts_at, meeting)

    def dehydrate_ends_at(self, meeting):
        return _local_time(meeting.ends_at, meeting)


def _local_time(moment, meeting) -> str:
    """A meeting's time as the place it happened saw it, with the offset: 2025-10-30T19:30+09:00."""
    return "" if moment is None else moment.astimezone(meeting.local_tz).isoformat("T", "minutes")


class ProjectResource(RecordResource):
    sources = SourcesField()

    class Meta:
        model = Project
        fields = (
            "slug",
            "name",
            "name_ko",
            "kind",
            "status",
            "location",
            "location_ko",
            "city",
            "city_ko",
            "country",
            "disclosure",
            "amount_qualifier",
            "amount",
            "currency",
            "amount_note",
            "amount_note_ko",
            "usd_amount",
            "capacity_mw",
            "capacity_mw_target",
            "gpu_count_qualifier",
            "gpu_count",
            "start_date",
            "start_precision",
            "target_date",
            "target_precision",
            "summary",
            "summary_ko",
            "sources",
            "publication",
            "version",
            "updated_at",
        )


# Export only: these are kept one by one in the admin.


class SourceResource(RecordResource):
    name_column = "title"

    class Meta:
        model = Source
        fields = (
            "slug",
            "url",
            "title",
            "title_ko",
            "publisher",
            "publisher_ko",
            "published_on",
            "published_on_precision",
            "language",
            "publication",
            "version",
            "updated_at",
        )


class ExchangeRateResource(RecordResource):
    source = by_slug("source", Source)
    name_column = "currency"
    export_related = ("source",)

    class Meta:
        model = ExchangeRate
        fields = (
            "slug",
            "currency",
            "date",
            "rate",
            "source",
            "note",
            "note_ko",
            "publication",
            "version",
            "updated_at",
        )


class PersonResource(RecordResource):
    company = by_slug("company", Company)
    export_related = ("company",)

    class Meta:
        model = Person
        fields = (
            "slug",
            "name",
            "name_ko",
            "aliases",
            "title",
            "title_ko",
            "company",
            "publication",
            "version",
            "updated_at",
        )


# --- Telling the editor -----------------------------------------------------------------------


def _plain(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def import_problems(result) -> list[str]:
    """Every reason an import cannot go ahead, one sentence each, naming the row as a
    spreadsheet numbers it (the header is row 1) and the column."""
    problems = [_plain(error.error) for error in result.base_errors]
    for row in result.error_rows:
        problems += [
            gettext("Row %(line)d: %(problem)s")
            % {"line": row.number + 1, "problem": _plain(error.error)}
            for error in row.errors
        ]
    for row in result.invalid_rows:
        for column, messages in row.error_dict.items():
            for message in messages:
                if column == NON_FIELD_ERRORS:
                    problems.append(
                        gettext("Row %(line)d: %(problem)s")
                        % {"line": row.number + 1, "problem": message}
                    )
                else:
                    problems.append(
                        gettext("Row %(line)d, column “%(column)s”: %(problem)s")
                        % {"line": row.number + 1, "column": column, "problem": message}
                    )
    return problems
