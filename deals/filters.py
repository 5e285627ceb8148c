"""django-filter FilterSets shared by the public list pages and the JSON API.

The filter names below are a public interface: page templates build links with them, API
clients bookmark them, and the OpenAPI schema documents them from the `help_text`. Rename one
only with a deprecation.

Every FilterSet takes a queryset that is already limited to what the reader may see (for
example `Deal.objects.published()`); filters narrow it and never widen it.

Common to all:

- `q`: case-insensitive substring search in English and Korean names (the QuerySet's
  `search()`), so `삼성` and `hyni` both find something.
- `updated_since`: records changed at or after an ISO 8601 time (`2025-11-01T09:00:00+09:00`,
  or a bare date, read as midnight in the site's time zone). For polling.
- `ordering`: one of the listed sort keys, `-` in front for descending. Ties are broken by id,
  and missing values sort last, so the order is total and stable.
"""

from __future__ import annotations

import copy
import datetime as dt
import types

import django_filters as filters
from django import forms
from django.db.models import F, Q
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.filters import FilterMethod

from .models import (
    Company,
    CompanyKind,
    Deal,
    DealEvent,
    DealKind,
    DealMeeting,
    DealParty,
    DealStatus,
    Disclosure,
    ExchangeRate,
    Meeting,
    MeetingKind,
    PartyRole,
    Person,
    ProductCategory,
    Project,
    ProjectKind,
    ProjectParty,
    ProjectStatus,
    Source,
)

# --- Building blocks -------------------------------------------------------------------------


class LenientDateTimeField(forms.DateTimeField):
    """An ISO 8601 time that forgives what query strings do to it.

    An unescaped `+` in a query string arrives as a space, so `...T09:00:00 09:00` is read as
    `+09:00`. A bare date means midnight in the site's time zone; a time without an offset is
    read in the site's time zone too.
    """

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value
        text = str(value).strip()
        if "T" in text and " " in text:
            text = text.replace(" ", "+")
        try:
            parsed = parse_datetime(text)
        except ValueError:
            parsed = None
        if parsed is None:
            try:
                day = parse_date(text)
            except ValueError:
                day = None
            if day is None:
                raise forms.ValidationError(
                    _("Enter an ISO 8601 date or time, such as 2025-11-01T09:00:00+09:00."),
                    code="invalid",
                )
            parsed = dt.datetime.combine(day, dt.time.min)
        try:
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed)
            # In UTC: databases refuse unusual offsets (PostgreSQL allows at most 15:59).
            return parsed.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError(_("This time is out of range."), code="invalid") from None


class UpdatedSinceFilter(filters.IsoDateTimeFilter):
    field_class = LenientDateTimeField

    def __init__(self, **kwargs):
        kwargs.setdefault("field_name", "updated_at")
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault("label", _("Changed since"))
        kwargs.setdefault(
            "help_text",
            _(
                "Only records changed at or after this ISO 8601 time, such as "
                "2025-11-01T09:00:00+09:00 (escape + as %2B) or 2025-11-01. For polling: "
                "keep the time of your last poll and pass it here."
            ),
        )
        super().__init__(**kwargs)


class SortFilter(filters.ChoiceFilter):
    """One sort key, `-` in front for descending; missing values last, id breaks ties.

    `keys` maps each public key to the model field it sorts by. The API's cursor pagination
    reads `keys` and `default` from here, so pages and API sort the same way.
    """

    def __init__(self, *, keys: dict[str, str], default: str, **kwargs):
        self.keys = keys
        self.default = default
        choices = []
        for key in keys:
            choices.append((key, key))
            choices.append((f"-{key}", format_lazy("{} ({})", key, _("descending"))))
        kwargs.setdefault("label", _("Sort by"))
        kwargs.setdefault(
            "help_text",
            format_lazy("{} {}", _("Sort key; put - in front for descending. Default:"), default),
        )
        kwargs.setdefault("null_label", None)
        super().__init__(choices=choices, method=self.sort, **kwargs)

    def parse(self, value: str | None) -> tuple[str, bool]:
        """The model field and whether it is descending, for a chosen (or the default) key."""
        value = value if value and value.lstrip("-") in self.keys else self.default
        descending = value.startswith("-")
        return self.keys[value.lstrip("-")], descending

    def positions(self, queryset, value: str | None):
        """`queryset` as named tuples of what a cursor reads: the id and the field of the sort
        key `value` chooses (as `parse` reads it, the default when it is none or another), for
        a page chosen before its rows are read by id (the deal list, the API's deals). Only
        that field: the other keys' values (a date-time, two decimals, a title) cost the API
        list 50 rows of loading each for nothing."""
        field, _descending = self.parse(value)
        return queryset.values_list("id", field, named=True)

    def sort(self, queryset, name, value):
        field, descending = self.parse(value)
        # Exactly the order the list indexes hold (migration 0005): NULLS LAST only where a
        # value can be missing, since PostgreSQL will not use a plain index for it otherwise.
        nulls = {"nulls_last": True} if queryset.model._meta.get_field(field).null else {}
        if descending:
            return queryset.order_by(F(field).desc(**nulls), "-id")
        return queryset.order_by(F(field).asc(**nulls), "id")


def search_filter() -> filters.CharFilter:
    return filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        help_text=_(
            "Words to find in English and Korean names and titles, case-insensitive and "
            "partial: 삼성, samsung and sams all match Samsung."
        ),
    )


class CopiedFilters(dict):
    """A FilterSet's `base_filters`, which each FilterSet instance copies (django-filter deep
    copies them, so that each filter points to its own FilterSet as `parent`). The deep copy
    also copied every label, help text, choice list and widget of every filter: 0.7 ms of each
    list page and API list. Here each filter is copied one level deep instead, with what a
    copy must not share made its own: the field options (`extra`, which a filter may change),
    the form field (built again on first use), and a method bound to the original filter."""

    def __deepcopy__(self, memo):
        return {name: copied_filter(each) for name, each in self.items()}


def copied_filter(original: filters.Filter) -> filters.Filter:
    copied = copy.copy(original)
    copied.extra = dict(original.extra)
    copied.__dict__.pop("_field", None)
    method = original.__dict__.get("_method")
    if isinstance(method, types.MethodType) and method.__self__ is original:
        copied._method = types.MethodType(method.__func__, copied)
    if isinstance(original.__dict__.get("filter"), FilterMethod):
        copied.filter = FilterMethod(copied)
    return copied


class SharedFields(dict):
    """A filter form's `base_fields`, which Django deep copies into each form instance so that
    an instance may change its fields. The filter forms never do (they only validate the query
    string; the pages read the values, not the widgets), so each instance gets its own dict
    of the same field objects: the deep copy of every field, widget and choice list was 0.4 ms
    of each list page and API list."""

    def __deepcopy__(self, memo):
        return dict(self)


class FilterBoundField(forms.BoundField):
    """Django's BoundField, reading the field's help text when it is asked for rather than
    when the bound field is made.

    Django's `__init__` evaluates `field.help_text or ""`, and a filter's help text is a lazy
    translation, so each of a filter form's 17 fields cost a catalog look-up on every deal
    list and API list, where nothing shows it (the site's templates write their own labels;
    the browsable API's filter form still shows it, through this property). The rest of
    `__init__` is Django's (5.2)."""

    def __init__(self, form, field, name):
        self.form = form
        self.field = field
        self.name = name
        self.html_name = form.add_prefix(name)
        self.html_initial_name = form.add_initial_prefix(name)
        self.html_initial_id = form.add_initial_prefix(self.auto_id)
        self.label = pretty_name(name) if field.label is None else field.label
        self.renderer = form.renderer

    @property
    def help_text(self):
        return self.field.help_text or ""


class SortedFilterSet(filters.FilterSet):
    """Applies the `ordering` filter's default when the reader chose none, copies its filters
    for each instance the cheap way (`CopiedFilters`), and makes its form class once.

    django-filter builds a form class for every FilterSet instance (a new class, each field
    built again from its filter): 0.3 ms a request. The filters here build the same fields for
    every request (fixed choices, lazily translated labels and messages), so the class is
    made once per FilterSet class and its instances share their fields (`SharedFields`). A
    FilterSet whose filters changed per request would have to override `get_form_class`."""

    @classmethod
    def get_filters(cls):
        return CopiedFilters(super().get_filters())

    def get_form_class(self):
        kept = type(self).__dict__.get("_kept_form_class")
        if kept is None:
            kept = super().get_form_class()
            kept.base_fields = SharedFields(kept.base_fields)
            kept.bound_field_class = FilterBoundField
            type(self)._kept_form_class = kept
        return kept

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.filters.get("ordering")
        if isinstance(sort, SortFilter) and not self.form.cleaned_data.get("ordering"):
            queryset = sort.sort(queryset, "ordering", sort.default)
        return queryset


class RecordFilterSet(SortedFilterSet):
    """What every record's list can be filtered by."""

    q = search_filter()
    updated_since = UpdatedSinceFilter()

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


def slug_filter(label, help_text, **kwargs) -> filters.CharFilter:
    return filters.CharFilter(label=label, help_text=help_text, **kwargs)


# --- Deals -----------------------------------------------------------------------------------


class DealFilterSet(RecordFilterSet):
    """Filters for deal lists. Company filters take company slugs, as in /companies/<slug>/."""

    status = filters.MultipleChoiceFilter(
        distinct=False,  # a field of the record itself: no join, nothing to de-duplicate
        choices=DealStatus.choices,
        label=_("Status"),
        help_text=_("Current status; repeat the parameter for several (status=signed&status=mou)."),
    )
    kind = filters.ChoiceFilter(
        choices=DealKind.choices, label=_("Kind"), help_text=_("Kind of deal.")
    )
    product_category = filters.ChoiceFilter(
        choices=ProductCategory.choices,
        label=_("Product category"),
        help_text=_("What the deal is about: GPUs, HBM, foundry capacity and so on."),
    )
    company = slug_filter(
        _("Company"),
        _("Slug of a company taking part in any role."),
        method="filter_company",
    )
    supplier = slug_filter(
        _("Supplier"),
        _("Slug of a company that is a supplier in the deal."),
        method="filter_company",
    )
    buyer = slug_filter(
        _("Buyer"), _("Slug of a company that is a buyer in the deal."), method="filter_company"
    )
    country = filters.CharFilter(
        method="filter_country",
        label=_("Country"),
        help_text=_("ISO 3166-1 alpha-2 code (KR, US) of any party's company."),
    )
    announced_after = filters.DateFilter(
        field_name="announced_on",
        lookup_expr="gte",
        label=_("Announced on or after"),
        help_text=_("ISO date, such as 2025-10-01."),
    )
    announced_before = filters.DateFilter(
        field_name="announced_on",
        lookup_expr="lte",
        label=_("Announced on or before"),
        help_text=_("ISO date, such as 2025-10-31."),
    )
    event_after = filters.DateFilter(
        method="filter_nothing",
        label=_("Any event on or after"),
        help_text=_(
            "Deals with a timeline event on or after this ISO date; with event_before, an event "
            "inside the range."
        ),
    )
    event_before = filters.DateFilter(
        method="filter_nothing",
        label=_("Any event on or before"),
        help_text=_("Deals with a timeline event on or before this ISO date."),
    )
    disclosed = filters.BooleanFilter(
        method="filter_disclosed",
        label=_("Value disclosed"),
        help_text=_("true: the value is disclosed or estimated; false: the value is undisclosed."),
    )
    project = slug_filter(
        _("Project"), _("Slug of the project the deal feeds."), field_name="project__slug"
    )
    meeting = slug_filter(
        _("Meeting"),
        _("Slug of a meeting where the deal was discussed, announced or signed."),
        method="filter_meeting",
    )
    ordering = SortFilter(
        keys={
            "announced_on": "announced_on",
            "quantity": "quantity",
            "usd_amount": "usd_amount",
            "title": "title",
            "updated_at": "updated_at",
        },
        default="-announced_on",
    )

    class Meta:
        model = Deal
        fields: list[str] = []

    def filter_company(self, queryset, name, value):
        # The company's id as a constant rather than a join on its slug: with a constant the
        # planner knows from its statistics how many deals the company has (the busiest has a
        # tenth of them) and plans for that; behind a join it guessed ten and, for the busiest,
        # fetched and sorted 100,000 deals (two seconds at a million).
        company = Company.objects.filter(slug=value).values_list("id", flat=True).first()
        parties = DealParty.objects.filter(company_id=company)
        if name in ("supplier", "buyer"):
            parties = parties.filter(role=name)
        return queryset.filter(pk__in=parties.values("deal_id"))

    def filter_country(self, queryset, name, value):
        parties = DealParty.objects.filter(company__country=value.strip().upper())
        return queryset.filter(pk__in=parties.values("deal_id"))

    def filter_disclosed(self, queryset, name, value):
        if value:
            return queryset.exclude(disclosure=Disclosure.UNDISCLOSED)
        return queryset.filter(disclosure=Disclosure.UNDISCLOSED)

    def filter_meeting(self, queryset, name, value):
        links = DealMeeting.objects.filter(meeting__slug=value)
        return queryset.filter(pk__in=links.values("deal_id"))

    def filter_nothing(self, queryset, name, value):
        # event_after and event_before act together in filter_queryset().
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        after = self.form.cleaned_data.get("event_after")
        before = self.form.cleaned_data.get("event_before")
        if after or before:
            events = DealEvent.objects.all()
            if after:
                events = events.filter(date__gte=after)
            if before:
                events = events.filter(date__lte=before)
            queryset = queryset.filter(pk__in=events.values("deal_id"))
        return queryset


# --- Companies and people --------------------------------------------------------------------


class CompanyFilterSet(RecordFilterSet):
    kind = filters.MultipleChoiceFilter(
        distinct=False,  # a field of the record itself: no join, nothing to de-duplicate
        choices=CompanyKind.choices,
        label=_("Kind"),
        help_text=_("Kind of company; repeat the parameter for several."),
    )
    country = filters.CharFilter(
        method="filter_country",
        label=_("Country"),
        help_text=_("ISO 3166-1 alpha-2 code, such as KR or US."),
    )
    parent = slug_filter(
        _("Parent company"), _("Slug of the parent company."), field_name="parent__slug"
    )
    role = filters.ChoiceFilter(
        choices=PartyRole.choices,
        method="filter_role",
        label=_("Role in deals"),
        help_text=_("Companies that take this role in at least one deal."),
    )
    ordering = SortFilter(
        keys={"name": "name", "name_ko": "name_ko", "updated_at": "updated_at"},
        default="name",
    )

    class Meta:
        model = Company
        fields: list[str] = []

    def filter_country(self, queryset, name, value):
        return queryset.filter(country=value.strip().upper())

    def filter_role(self, queryset, name, value):
        # Counting only published deals, so a draft never shows through a company list.
        parties = DealParty.objects.filter(role=value, deal__publication="published")
        return queryset.filter(pk__in=parties.values("company_id"))


class PersonFilterSet(RecordFilterSet):
    company = slug_filter(
        _("Company"), _("Slug of the person's company."), field_name="company__slug"
    )
    meeting = slug_filter(
        _("Meeting"),
        _("Slug of a meeting the person attended or was expected at."),
        field_name="attendance__meeting__slug",
        distinct=True,
    )
    ordering = SortFilter(
        keys={"name": "name", "name_ko": "name_ko", "updated_at": "updated_at"},
        default="name",
    )

    class Meta:
        model = Person
        fields: list[str] = []


# --- Meetings and projects -------------------------------------------------------------------


class MeetingFilterSet(RecordFilterSet):
    kind = filters.MultipleChoiceFilter(
        distinct=False,  # a field of the record itself: no join, nothing to de-duplicate
        choices=MeetingKind.choices,
        label=_("Kind"),
        help_text=_("Kind of meeting; repeat the parameter for several."),
    )
    country = filters.CharFilter(
        method="filter_country",
        label=_("Country"),
        help_text=_("ISO 3166-1 alpha-2 code of where the meeting took place."),
    )
    starts_after = filters.DateFilter(
        field_name="starts_at",
        lookup_expr="date__gte",
        label=_("Starts on or after"),
        help_text=_("ISO date, such as 2025-10-01."),
    )
    starts_before = filters.DateFilter(
        field_name="starts_at",
        lookup_expr="date__lte",
        label=_("Starts on or before"),
        help_text=_("ISO date, such as 2025-10-31."),
    )
    person = slug_filter(
        _("Person"),
        _("Slug of a person at the meeting."),
        field_name="attendance__person__slug",
        distinct=True,
    )
    company = slug_filter(
        _("Company"),
        _("Slug of a company one of the attendees speaks for."),
        field_name="attendance__person__company__slug",
        distinct=True,
    )
    parent = slug_filter(
        _("Part of"), _("Slug of the meeting this one was part of."), field_name="parent__slug"
    )
    ordering = SortFilter(
        keys={"starts_at": "starts_at", "title": "title", "updated_at": "updated_at"},
        default="-starts_at",
    )

    class Meta:
        model = Meeting
        fields: list[str] = []

    def filter_country(self, queryset, name, value):
        return queryset.filter(country=value.strip().upper())


class ProjectFilterSet(RecordFilterSet):
    kind = filters.MultipleChoiceFilter(
        distinct=False,  # a field of the record itself: no join, nothing to de-duplicate
        choices=ProjectKind.choices,
        label=_("Kind"),
        help_text=_("Kind of project; repeat the parameter for several."),
    )
    status = filters.MultipleChoiceFilter(
        distinct=False,  # a field of the record itself: no join, nothing to de-duplicate
        choices=ProjectStatus.choices,
        label=_("Status"),
        help_text=_("Project status; repeat the parameter for several."),
    )
    country = filters.CharFilter(
        method="filter_country",
        label=_("Country"),
        help_text=_("ISO 3166-1 alpha-2 code of where the project is."),
    )
    company = slug_filter(
        _("Company"),
        _("Slug of a company taking part in the project in any role."),
        method="filter_company",
    )
    ordering = SortFilter(
        keys={
            "name": "name",
            "start_date": "start_date",
            "usd_amount": "usd_amount",
            "capacity_mw_target": "capacity_mw_target",
            "updated_at": "updated_at",
        },
        default="name",
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_country(self, queryset, name, value):
        return queryset.filter(country=value.strip().upper())

    def filter_company(self, queryset, name, value):
        parties = ProjectParty.objects.filter(company__slug=value)
        return queryset.filter(pk__in=parties.values("project_id"))


# --- Sources and exchange rates --------------------------------------------------------------


class SourceFilterSet(RecordFilterSet):
    publisher = filters.CharFilter(
        method="filter_publisher",
        label=_("Publisher"),
        help_text=_("Part of the publisher's name, in English or Korean."),
    )
    language = filters.CharFilter(
        field_name="language",
        label=_("Language"),
        help_text=_("ISO 639-1 code of the report's language, such as en or ko."),
    )
    published_after = filters.DateFilter(
        field_name="published_on",
        lookup_expr="gte",
        label=_("Published on or after"),
        help_text=_("ISO date, such as 2025-10-01."),
    )
    published_before = filters.DateFilter(
        field_name="published_on",
        lookup_expr="lte",
        label=_("Published on or before"),
        help_text=_("ISO date, such as 2025-10-31."),
    )
    ordering = SortFilter(
        keys={"published_on": "published_on", "title": "title", "updated_at": "updated_at"},
        default="-published_on",
    )

    class Meta:
        model = Source
        fields: list[str] = []

    def filter_publisher(self, queryset, name, value):
        return queryset.filter(Q(publisher__icontains=value) | Q(publisher_ko__icontains=value))


class ExchangeRateFilterSet(SortedFilterSet):
    currency = filters.CharFilter(
        method="filter_currency",
        label=_("Currency"),
        help_text=_("ISO 4217 code, such as KRW."),
    )
    date_after = filters.DateFilter(
        field_name="date",
        lookup_expr="gte",
        label=_("On or after"),
        help_text=_("ISO date, such as 2025-10-01."),
    )
    date_before = filters.DateFilter(
        field_name="date",
        lookup_expr="lte",
        label=_("On or before"),
        help_text=_("ISO date, such as 2025-10-31."),
    )
    updated_since = UpdatedSinceFilter()
    ordering = SortFilter(
        keys={"date": "date", "currency": "currency", "updated_at": "updated_at"},
        default="-date",
    )

    class Meta:
        model = ExchangeRate
        fields: list[str] = []

    def filter_currency(self, queryset, name, value):
        return queryset.filter(currency=value.strip().upper())
