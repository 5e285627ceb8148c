"""Template helpers for the public pages: records in the reader's language, and numbers,
money and dates formatted for it (see `deals.formatting`)."""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import unicodedata
import weakref
import zoneinfo
from urllib.parse import quote

from django import template
from django.template.defaultfilters import stringfilter
from django.urls import NoReverseMatch
from django.urls import translate_url as django_translate_url
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_noop
from django_filters.fields import ChoiceIterator as FilterChoiceIterator

from .. import formatting
from ..i18n import active_language, kept_per_language
from ..models import Company, Meeting, Person, Project
from ..models.base import SLUG, reads_korean, slug_urls, view_url

register = template.Library()


_HTML_SPECIAL = re.compile("[&<>\"']")


def escape_text(text: str) -> str:
    """`html.escape(text)`. Most names and dates hold none of the five characters it replaces,
    and one search for them costs less than its five `str.replace` calls (a thousand texts on
    the hub company's page)."""
    return html.escape(text) if _HTML_SPECIAL.search(text) else text


def html_escape(value) -> str:
    """`conditional_escape(value)`, the same text, without the lazy-string wrapper and the
    SafeString that Django's `escape` makes of every argument on the way."""
    if type(value) is str:  # the usual case, and never safe HTML (SafeString is a subclass)
        return escape_text(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape_text(str(value))


def html_format(template_text: str, *args) -> SafeString:
    """`format_html(template_text, *args)`, the same HTML, at about half its cost: the tables
    and lists below format some 500 fragments a page (tests/test_templatetags.py compares
    the two)."""
    return SafeString(template_text.format(*map(html_escape, args)))


def _link(href: str, text: str) -> str:
    """`<a href="href">text</a>`, the name escaped: a link to a record from its address as
    `slug_urls(..., escaped=True)` gives it (already escaped) and its name. Plain text, as
    the callers join the links into one SafeString."""
    return f'<a href="{href}">{escape_text(text)}</a>'


def _status_badge(value: str, label) -> SafeString:
    """A status as its badge (the markup of templates/deals/_status.html), or nothing."""
    if not value:
        return SafeString("")
    return SafeString(
        f'<span class="status status-{escape_text(value)}">{html_escape(label)}</span>'
    )


@register.filter
def tr(record, field: str) -> str:
    """A record's field in the reader's language, falling back to the other: `deal|tr:"title"`."""
    if record is None:
        return ""
    return record.localized(field)


@register.filter
def fdate(value, precision: str = "day") -> str:
    """A date as precise as it is known: `event.date|fdate:event.date_precision`."""
    return formatting.format_date(value, precision or "day")


@register.filter
def number(value) -> str:
    """A count with separators; large ones in 만/억 in Korean (26만), words in English."""
    if value is None or value == "":
        return ""
    if reads_korean():
        return formatting.korean_number(value)
    if value >= 10**6:
        return formatting.english_number(value)
    return formatting.format_number(value)


@register.filter
def usd(value) -> str:
    """A dollar amount: "USD 3 billion" / "30억 달러"."""
    return formatting.format_money(value, "USD")


@register.simple_tag
def money(amount, currency) -> str:
    return formatting.format_money(amount, currency)


@register.filter
def quantity(record) -> str:
    """A deal's quantity with unit and certainty: "up to 50,000 GPUs" / "GPU 최대 5만 개"."""
    return formatting.format_quantity(
        record.quantity, record.quantity_unit, record.quantity_qualifier
    )


@register.filter
def gpus(record) -> str:
    """A project's GPU count with its certainty."""
    return formatting.format_quantity(record.gpu_count, "gpus", record.gpu_count_qualifier)


@register.simple_tag
def value_of(record, krw_rate=None) -> str:
    """A deal's value or a project's budget as certain as it is, with an equivalent."""
    return formatting.deal_value(record, krw_rate=krw_rate or None)


@register.filter
def local_time(meeting) -> str:
    """When a meeting starts, in its own time zone: "Oct 30, 2025, 19:30 KST"."""
    return formatting.format_datetime(meeting.starts_at, meeting.local_tz, meeting.time_known)


@register.filter
def local_date(meeting, lang: str | None = None) -> str:
    """A meeting's day where it was held."""
    return _local_day(meeting.starts_at, meeting.timezone, lang or active_language() or "")


@functools.lru_cache(maxsize=4096)
def _local_day(starts_at: dt.datetime, zone: str, lang: str) -> str:
    """The day a meeting that starts at `starts_at` falls on in the zone named `zone`, kept
    per process: the hub company's page lists the same hundred meetings on every request,
    and each took a time-zone conversion and a date format."""
    local = starts_at.astimezone(zoneinfo.ZoneInfo(zone))
    return formatting.format_date(local.date(), "day", lang or None)


@register.filter
def with_role(parties, role: str) -> list:
    """The parties (of a deal or project) that have the role."""
    return [p for p in parties if p.role == role]


@register.simple_tag
def options(choices, selected=None) -> SafeString:
    """`<option>`s for `choices` ((value, label) pairs, or records by slug), marking `selected`
    (a value or a list of them); empty values are left out, as the blank "Any" comes first.

    A filter form offers up to 300 companies three times and every country: as a template loop
    that was most of the deal list page's rendering. A tuple of plain (value, label) strings,
    such as the countries of `deals.views.deals.country_options`, is escaped once per process.
    """
    chosen = _chosen(selected)
    kept = _kept_options.get(id(choices))
    if kept is None or kept.choices is not choices:
        texts = _text_pairs(choices)
        if texts is None:
            rows = _option_rows(_pairs(choices))
            return SafeString(
                "".join(picked if value in chosen else plain for value, plain, picked in rows)
            )
        kept = _OptionRows(choices, _escaped_options(texts))
        if texts is choices:  # an immutable tuple of text pairs: kept by identity
            if len(_kept_options) >= KEPT_OPTION_LISTS:
                _kept_options.clear()
            _kept_options[id(choices)] = kept
    if chosen.isdisjoint(kept.values):
        return SafeString(kept.none_selected)
    return SafeString(
        "".join(picked if value in chosen else plain for value, plain, picked in kept.rows)
    )


class _OptionRows:
    """A choice list's escaped `<option>` rows, their values, and the HTML with none of them
    selected (a list's usual state)."""

    __slots__ = ("choices", "rows", "values", "none_selected")

    def __init__(self, choices, rows) -> None:
        self.choices = choices  # kept, so that its id is not reused while it is a key
        self.rows = rows
        self.values = frozenset(value for value, _plain, _picked in rows)
        self.none_selected = "".join(plain for _value, plain, _picked in rows)


#: `_OptionRows` of the tuples of text pairs `options` was given, by identity: the countries
#: of `country_options` are the same tuple on every request, and checking its 250 pairs, hashing
#: them for `_escaped_options` and joining the rows again was 4% of the deal list.
_kept_options: dict[int, _OptionRows] = {}
KEPT_OPTION_LISTS = 64


@register.simple_tag
def checkboxes(name: str, choices, selected=None) -> SafeString:
    """A checkbox for each of `choices` ((value, label) pairs), named `name`, ticked for the
    `selected` values: the deal filters' statuses."""
    chosen = _chosen(selected)
    texts = _text_pairs(choices)
    rows = (
        _escaped_checkboxes(name, texts)
        if texts is not None
        else _checkbox_rows(name, ((str(value), label) for value, label in choices))
    )
    return SafeString(
        "\n".join(picked if value in chosen else plain for value, plain, picked in rows)
    )


def _chosen(selected) -> set:
    if selected is None or isinstance(selected, str):
        return {selected}
    return {str(value) for value in selected}


def _text_pairs(choices) -> tuple[tuple[str, str], ...] | None:
    """`choices` as a tuple of (value, label) strings, labels translated (a form field's
    choices hold lazy labels), or None when they are something else (records, groups)."""
    if type(choices) is FilterChoiceIterator:
        return _filter_field_pairs(choices, active_language() or "")
    if type(choices) not in (tuple, list) or not all(
        type(c) is tuple and len(c) == 2 and type(c[0]) is str and isinstance(c[1], (str, Promise))
        for c in choices
    ):
        return None
    if type(choices) is tuple and all(type(c[1]) is str for c in choices):
        return choices
    return tuple((value, str(label)) for value, label in choices)


#: The text pairs of django-filter's choice fields, per form field (see below).
_filter_choices: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_NOT_TEXT = ()


def _filter_field_pairs(choices, language: str):
    """`_text_pairs` of a django-filter `ChoiceIterator`: a FilterSet's fixed choices (the
    deal filters' statuses, kinds and categories), whose form field every form of the
    FilterSet class shares (deals/filters.py, `SharedFields`). Iterating one normalises the
    choices and translates every lazy label again, most of what `options` cost on the deal
    list; the pairs are kept per field, choices and language instead (choices given to the
    field anew are a new list, and are read again). A ModelChoiceIterator (choices from a
    query) is another type and never kept."""
    source, kept = _filter_choices.get(choices.field, (None, None))
    if source is not choices.choices:
        source, kept = choices.choices, {}
        _filter_choices[choices.field] = (source, kept)
    pairs = kept.get(language)
    if pairs is None:
        pairs = kept[language] = _text_pairs(tuple(choices)) or _NOT_TEXT
    return pairs or None


@functools.lru_cache(maxsize=64)
def _escaped_options(choices: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str, str], ...]:
    """The rows of `options` for plain (value, label) strings, made once per process: a
    handful of choice lists in each language."""
    return tuple(_option_rows(choices))


@functools.lru_cache(maxsize=64)
def _escaped_checkboxes(name: str, choices: tuple[tuple[str, str], ...]):
    return tuple(_checkbox_rows(name, choices))


def _checkbox_rows(name: str, pairs):
    for value, label in pairs:
        box = '<label><input type="checkbox" name="{}" value="{}"{}> {}</label>'
        yield (
            value,
            html_format(box, name, value, "", label),
            html_format(box, name, value, SafeString(" checked"), label),
        )


def _option_rows(pairs):
    for value, label in pairs:
        if value in ("", None):
            continue
        value = str(value)
        plain = html_format('<option value="{}">{}</option>', value, label)
        picked = html_format('<option value="{}" selected>{}</option>', value, label)
        yield value, plain, picked


def _pairs(choices):
    for choice in choices:
        if isinstance(choice, (tuple, list)):
            yield choice[0], choice[1]
        else:  # a record offered by its address name
            yield choice.slug, choice


@register.simple_tag
def deal_rows(deals) -> SafeString:
    """The body rows of `deals/_deal_table.html`: title and product, suppliers, buyers,
    quantity, value, status and announcement date, each cell labelled for the phone layout.

    In Python rather than a template loop because every list of deals on the site renders 25
    or more of them (the hub company's page several lists), and at about 30 variables a row
    the template engine spent 4-5 ms a page where this spends under one. What every row shares
    (labels, the language, the address patterns) is looked up once.
    """
    headings = (
        gettext_noop("Deal"),
        gettext_noop("Supplier"),
        gettext_noop("Buyer"),
        gettext_noop("Quantity"),
        gettext_noop("Value"),
        gettext_noop("Status"),
        gettext_noop("Announced"),
    )
    rows = _table_rows(deals, headings, lambda shared, deal: [shared.row(deal)])
    if not rows:
        return html_format('<tr><td colspan="7">{}</td></tr>', gettext("No deals match."))
    return SafeString("\n".join(rows))


class _RowContext:
    """What the rows of one table share."""

    def __init__(self, model, labels):
        self.labels = labels
        self.korean = reads_korean()
        self.lang = _lang(self.korean)
        self.statuses = choice_labels(model, "status", active_language() or "")
        # Addresses escaped for an attribute (`slug_urls`).
        self.deal_url = slug_urls("deals:deal_detail", escaped=True)
        self.company_url = slug_urls("deals:company_detail", escaped=True)

    def row(self, deal) -> str:
        # An f-string rather than html_format: the labels are escaped once a table, the
        # links and the badge are HTML already, and each text is escaped here exactly once
        # (tests/test_templatetags.py compares the rows with the template loop they replace).
        deal_label, supplier, buyer, quantity_label, value, status, announced = self.labels
        korean = self.korean
        product = ""
        if deal.product or deal.product_ko:
            product = f'<span class="sub">{escape_text(deal.localized("product", korean))}</span>'
        parties = deal.public_parties
        day = formatting.format_date(deal.announced_on, "day", self.lang) or "—"
        return (
            "<tr>"
            f'<th scope="row" data-label="{deal_label}">'
            f'<a href="{self.deal_url(deal.slug)}">'
            f"{escape_text(deal.localized('title', korean))}</a>{product}</th>"
            f'<td data-label="{supplier}">{self.company_links(parties, "supplier")}</td>'
            f'<td data-label="{buyer}">{self.company_links(parties, "buyer")}</td>'
            f'<td data-label="{quantity_label}">{html_escape(self.quantity(deal) or "—")}</td>'
            f'<td data-label="{value}">'
            f"{html_escape(formatting.deal_value(deal, lang=self.lang))}</td>"
            f'<td data-label="{status}">{self.status_badge(deal)}</td>'
            f'<td data-label="{announced}">{html_escape(day)}</td>'
            "</tr>"
        )

    def quantity(self, deal) -> str:
        return formatting.format_quantity(
            deal.quantity, deal.quantity_unit, deal.quantity_qualifier, self.lang
        )

    def status_badge(self, deal) -> str:
        return _status_badge(deal.status, self.statuses.get(deal.status, deal.status))

    def company_links(self, parties, role: str) -> str:
        links = [self.company_link(p.company) for p in parties if p.role == role]
        if not links:
            return SafeString('<span class="muted">—</span>')
        return SafeString(", ".join(links))

    def network_rows(self, deal) -> list[str]:
        supplier_label, buyer_label, deal_label, status_label, quantity_label = self.labels
        korean = self.korean
        parties = deal.public_parties
        company_link = self.company_link
        suppliers = [SafeString(company_link(p.company)) for p in parties if p.role == "supplier"]
        buyers = [SafeString(company_link(p.company)) for p in parties if p.role == "buyer"]
        if not (suppliers and buyers):
            return []
        link = SafeString(_link(self.deal_url(deal.slug), deal.localized("title", korean)))
        badge = self.status_badge(deal)
        amount = self.quantity(deal) or "—"
        return [
            html_format(
                "<tr>"
                '<td data-label="{}">{}</td><td data-label="{}">{}</td>'
                '<td data-label="{}">{}</td><td data-label="{}">{}</td>'
                '<td data-label="{}">{}</td>'
                "</tr>",
                supplier_label,
                supplier,
                buyer_label,
                buyer,
                deal_label,
                link,
                status_label,
                badge,
                quantity_label,
                amount,
            )
            for supplier in suppliers
            for buyer in buyers
        ]

    def company_link(self, company) -> str:
        return _link(self.company_url(company.slug), company.localized("name", self.korean))


@register.simple_tag
def network_rows(deals) -> SafeString:
    """The body rows of the graph page's network table: one row a line of the drawing, that
    is, each supplier with each buyer of each deal (supplier, buyer, deal, status, quantity),
    labelled for the phone layout. In Python for the reason `deal_rows` is: the table holds
    every deal drawn, 300 or more, and as a template loop it was most of the page's time."""
    headings = (
        gettext_noop("Supplier"),
        gettext_noop("Buyer"),
        gettext_noop("Deal"),
        gettext_noop("Status"),
        gettext_noop("Quantity"),
    )
    return SafeString("\n".join(_table_rows(deals, headings, _RowContext.network_rows)))


def _table_rows(deals, headings: tuple[str, ...], render) -> list[str]:
    """`render(shared, deal)`'s rows for each deal, with what the rows share (the translated
    `headings` as cell labels, the language, the address patterns) made once."""
    labels = _escaped_labels(headings, active_language() or "")
    rows = []
    shared = None
    for deal in deals:
        if shared is None:
            shared = _RowContext(type(deal), labels)
        rows.extend(render(shared, deal))
    return rows


@kept_per_language()
def _escaped_labels(messages: tuple[str, ...], language: str) -> tuple[SafeString, ...]:
    """gettext of each of `messages` in `language`, which must be the active one (passed so
    that each language is kept apart), escaped: the labels that every deal table, the main
    navigation and the pagination translate on every page, each a look-up of the language and
    a walk through the catalogs and their fallbacks, looked up once per process and language."""
    return tuple(SafeString(escape_text(gettext(message))) for message in messages)


def _person_title(person, korean: bool) -> str:
    if not (person.title or person.title_ko):
        return ""
    return f'<span class="muted">{escape_text(person.localized("title", korean))}</span>'


def _meeting_day(meeting, korean: bool) -> str:
    return escape_text(local_date(meeting, _lang(korean)))


#: What may follow a record's link in `link_items` (as HTML).
_ITEM_NOTES = {
    "date": _meeting_day,  # a meeting's day, where it was held
    "title": _person_title,  # a person's job title
}

#: The field a record's name is in (what its `__str__` shows in the reader's language), for
#: the records `link_items` lists; others are asked for `str()`.
_NAME_FIELDS = {Company: "name", Person: "name", Meeting: "title", Project: "name"}


@register.simple_tag
def link_items(records, viewname: str, note: str = "", inline: bool = False) -> SafeString:
    """Links to `records` (by slug, to `viewname`), each `<li><a href="…">name</a> · note</li>`,
    or with `inline` the links joined by commas: the lists of related records on a record's
    page. The hub company's page lists a hundred people, a hundred meetings and fifty
    partners; as template loops they cost it several milliseconds, since every link looked up
    the language and the address pattern again. Here the language, the address pattern and
    each model's name field are looked up once a list."""
    korean = reads_korean()
    url = slug_urls(viewname, escaped=True)
    describe = _ITEM_NOTES[note] if note else None
    items = []
    field = None
    for record in records:
        if field is None:
            field = _NAME_FIELDS.get(type(record), "")
            # `Bilingual.localized`, unrolled: the reader's language first, then the other.
            first, second = (f"{field}_ko", field) if korean else (field, f"{field}_ko")
        name = (getattr(record, first) or getattr(record, second) or "") if field else str(record)
        link = _link(url(record.slug), name)
        if inline:
            items.append(link)
            continue
        extra = describe(record, korean) if describe else ""
        items.append(f"<li>{link} · {extra}</li>" if extra else f"<li>{link}</li>")
    return SafeString((", " if inline else "").join(items))


# --- A record's page: its parties, timeline and sources ------------------------------------------
# In Python for the reason `deal_rows` is: as template loops, a deal's parties, steps and sources
# were a third of its page's rendering (some 60 variables, each looked up through the context).


def _lang(korean: bool) -> str:
    return "ko" if korean else "en"


def _citation(source, korean: bool) -> str:
    """A source as readers see it cited: its title (a link when it has an address), its
    publisher and its date as precise as it is known."""
    title = source.localized("title", korean)
    if source.url:
        text = html_format(
            '<a href="{}" rel="noopener" hreflang="{}">{}</a>', source.url, source.language, title
        )
    else:
        text = html_escape(title)
    if source.publisher or source.publisher_ko:
        text += html_format(
            ', <span class="publisher">{}</span>', source.localized("publisher", korean)
        )
    if source.published_on:
        text += html_format(
            ', <time datetime="{}">{}</time>',
            isodate(source.published_on),
            formatting.format_date(
                source.published_on, source.published_on_precision or "day", _lang(korean)
            ),
        )
    return SafeString(text)


@register.simple_tag
def citation(source) -> SafeString:
    """One source cited (search results, the list of sources)."""
    return _citation(source, reads_korean())


@register.simple_tag
def source_items(sources) -> SafeString:
    """The `<li>`s of a record's list of sources, each with an anchor (`#source-<slug>`)."""
    korean = reads_korean()
    return SafeString(
        "\n".join(
            html_format('<li id="source-{}">{}</li>', source.slug, _citation(source, korean))
            for source in sources
        )
    )


@register.simple_tag
def timeline_items(events) -> SafeString:
    """The `<li>`s of a deal's timeline: each step's date as precise as it is known, its
    status badge, note and public source (or a note that it has none yet)."""
    korean = reads_korean()
    lang = _lang(korean)
    items = []
    statuses = None
    for event in events:
        if statuses is None:
            statuses = choice_labels(type(event), "status", active_language() or "")
        parts = [
            html_format(
                '<time datetime="{}">{}</time>',
                isodate(event.date),
                formatting.format_date(event.date, event.date_precision or "day", lang),
            )
        ]
        if event.status:
            parts.append(_status_badge(event.status, statuses.get(event.status, event.status)))
        if event.note or event.note_ko:
            parts.append(html_format("<p>{}</p>", event.localized("note", korean)))
        source = public(event.source)
        if source:
            parts.append(
                html_format(
                    '<p class="event-source">{} {}</p>',
                    gettext("Source:"),
                    _citation(source, korean),
                )
            )
        else:
            parts.append(
                html_format(
                    '<p class="event-source muted">{}</p>',
                    gettext("No public source for this step yet."),
                )
            )
        items.append(
            html_format('<li id="event-{}">{}</li>', event.pk, SafeString("\n".join(parts)))
        )
    if not items:
        return html_format("<li>{}</li>", gettext("No steps recorded yet."))
    return SafeString("\n".join(items))


def _party_link(party, url, korean: bool) -> SafeString:
    link = _link(url(party.company.slug), party.company.localized("name", korean))
    if party.note or party.note_ko:
        link += f' <span class="sub">({escape_text(party.localized("note", korean))})</span>'
    return SafeString(link)


@register.simple_tag
def party_links(parties) -> SafeString:
    """Links to the companies of a deal's parties with their notes, joined by commas."""
    korean = reads_korean()
    url = slug_urls("deals:company_detail", escaped=True)
    return SafeString(", ".join(_party_link(party, url, korean) for party in parties))


@register.simple_tag
def party_facts(parties) -> SafeString:
    """One `<div><dt>role</dt><dd>company</dd></div>` a party: the roles other than supplier
    and buyer, each under its own heading."""
    korean = reads_korean()
    url = slug_urls("deals:company_detail", escaped=True)
    return SafeString(
        "".join(
            html_format(
                "<div><dt>{}</dt><dd>{}</dd></div>",
                label(party, "role"),
                _party_link(party, url, korean),
            )
            for party in parties
        )
    )


@register.simple_tag
def party_names(parties) -> str:
    """The companies' names, joined by commas: plain text, for a page's description."""
    korean = reads_korean()
    return ", ".join(party.company.localized("name", korean) for party in parties)


@kept_per_language(maxsize=256)
def choice_labels(model, field: str, language: str) -> dict:
    """{value: label} of a model field's choices in `language` (the active one, passed so that
    each language is kept apart). `get_<field>_display()` rebuilds and translates the whole
    choice list on every call, which in a table of deals was a fifth of the page."""
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


@register.filter
def label(record, field: str):
    """`record.get_<field>_display()`, from the labels `choice_labels` keeps per language:
    `{{ deal|label:"status" }}`. Django's method flattens, translates and hashes the field's
    whole choice list on each call (50-80 µs; six of them on a deal's page)."""
    meta = getattr(type(record), "_meta", None)
    if meta is None:  # not a model (a table row): its own method
        return getattr(record, f"get_{field}_display")()
    value = getattr(record, meta.get_field(field).attname)
    return choice_labels(type(record), field, active_language() or "").get(value, value)


@register.filter
def isodate(value) -> str:
    """`value|date:"Y-m-d"` for a `datetime` attribute: a date as ISO 8601, a date-time as its
    day in the current time zone; "" for nothing. Django's `date` filter goes through its
    whole formatter for it (about 50 µs)."""
    if not value or not isinstance(value, dt.date):
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return value.isoformat()


@register.filter
def public(record):
    """The record when it is published, else None, for links to related records."""
    if record is not None and getattr(record, "is_published", False):
        return record
    return None


@register.simple_tag(takes_context=True)
def translated_url(context, language: str) -> str:
    """This page's address in another language, query string kept, for the switcher.

    Falls back to that language's home page where the page cannot be translated (a 404).
    The page's view and arguments are the request's own (`resolver_match`), and its address
    in `language` is reversed once per view, language and script prefix (a slug is put in
    the kept address, as `slug_urls` does): Django's `translate_url` resolved the path and
    reversed it again for each of the two links on every page.
    """
    request = context.get("request")
    if request is None:
        return "/" if language == "en" else f"/{language}/"
    match = getattr(request, "resolver_match", None)
    address = None
    if match is not None and not match.args:
        slug = match.kwargs.get("slug")
        try:
            if not match.kwargs:
                address = view_url(match.view_name, language)
            elif set(match.kwargs) == {"slug"} and isinstance(slug, str) and SLUG.fullmatch(slug):
                address = slug_urls(match.view_name, language)(slug)
        except NoReverseMatch:
            address = None
    if address is None:
        return _translate_path(request, language)
    query = request.META.get("QUERY_STRING", "")
    return f"{address}?{iri_to_uri(query)}" if query else address


def _translate_path(request, language: str) -> str:
    url = request.get_full_path()
    translated = django_translate_url(url, language)
    if translated == url and language != active_language():
        return "/" if language == "en" else f"/{language}/"
    return translated


#: The pagination's words, translated once per language (`_escaped_labels`).
PAGINATION_WORDS = (
    gettext_noop("Previous"),
    gettext_noop("Next"),
    gettext_noop("First page"),
    gettext_noop("Pages"),
)


@register.simple_tag(takes_context=True)
def pagination(context) -> SafeString:
    """The list pages' navigation between pages (`is_paginated`, `page_obj` and
    `filter_query` from the context): numbered links around the current page, and past the
    numbered pages (a `KeysetPage`) First, Previous and Next by cursor.

    As a template it was a twentieth of the deal list's time, mostly its loop over the page
    range; the links keep the filters of the page, already encoded in `filter_query`."""
    if not context.get("is_paginated"):
        return SafeString("")
    page = context.get("page_obj")
    paginator = page.paginator
    query = html_escape(context.get("filter_query") or "")
    prefix = f"?{query}&amp;" if query else "?"
    items = []

    def link(rel: str, params: str, text: str) -> None:
        rel_attribute = f' rel="{rel}"' if rel else ""
        items.append(f'    <li><a{rel_attribute} href="{prefix}{params}">{text}</a></li>')

    def cursor(token) -> str:
        return "cursor=" + html_escape(quote(str(token)))

    previous, following, first, pages = _escaped_labels(PAGINATION_WORDS, active_language() or "")
    previous_text = f"← {previous}"
    next_text = f"{following} →"
    if page.number is None:  # past the numbered pages: moved through by cursor
        items.append(f'    <li><a href="?{query}">« {first}</a></li>')
        if page.previous_cursor:
            link("prev", cursor(page.previous_cursor), previous_text)
        if page.next_cursor:
            link("next", cursor(page.next_cursor), next_text)
    else:
        if page.has_previous():
            link("prev", f"page={page.previous_page_number()}", previous_text)
        for number in paginator.get_elided_page_range(page.number):
            if number == page.number:
                items.append(f'    <li><span aria-current="page">{number}</span></li>')
            elif not isinstance(number, int):  # the ellipsis, a lazy text: not compared
                items.append("    <li><span>…</span></li>")
            else:
                link("", f"page={number}", str(number))
        if page.has_next():
            link("next", f"page={page.next_page_number()}", next_text)
        elif page.next_cursor:
            link("next", cursor(page.next_cursor), next_text)
    note = ""
    if getattr(paginator, "is_capped", False) and page.number and not page.next_cursor:
        note = '\n  <p class="note">{}</p>'.format(
            gettext("Showing the first %(cap)s results; narrow the filters to see the rest.")
            % {"cap": html_escape(paginator.cap)}
        )
    return SafeString(
        '\n<nav class="pagination" aria-label="{}">\n  <ul>\n{}\n  </ul>{}\n</nav>\n'.format(
            pages, "\n".join(items), note
        )
    )


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The page's own address without filters, keeping only the page number."""
    request = context.get("request")
    if request is None:
        return ""
    url = request.build_absolute_uri(request.path)
    page = request.GET.get("page")
    if page and page.isdigit() and page != "1":
        url += f"?page={page}"
    return url


@register.simple_tag(takes_context=True)
def absolute(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


@register.simple_tag
def last_updated(record, changes: str) -> SafeString:
    """A record's "Last updated <day>" (the day in the current time zone) and the link to its
    change log (`changes`, the view name): the foot of every record's page."""
    day = ""
    if record.updated_at:
        day = formatting.format_date(timezone.localtime(record.updated_at).date(), "day")
    return html_format(
        '<p class="record-updated muted">{} · <a href="{}">{}</a></p>',
        gettext("Last updated %(date)s") % {"date": html_escape(day)},
        slug_urls(changes)(record.slug),
        gettext("Change log"),
    )


#: The main navigation's pages, in order, and their names (translated when shown).
MAIN_NAV = (
    ("deals:deal_list", gettext_noop("Deals")),
    ("deals:company_list", gettext_noop("Companies")),
    ("deals:meeting_list", gettext_noop("Meetings")),
    ("deals:project_list", gettext_noop("Projects")),
    ("deals:person_list", gettext_noop("People")),
    ("deals:source_list", gettext_noop("Sources")),
    ("deals:graph", gettext_noop("Network")),
)


MAIN_NAV_NAMES = tuple(name for _viewname, name in MAIN_NAV)


@register.simple_tag(takes_context=True)
def main_nav(context) -> SafeString:
    """The main navigation's links, the page the reader is on marked `aria-current`: seven
    addresses, seven names and seven comparisons that were fourteen tags and seven lookups of
    the request in the base template of every page."""
    request = context.get("request")
    path = request.path if request is not None else None
    language = active_language()
    names = _escaped_labels(MAIN_NAV_NAMES, language or "")
    items = []
    for (viewname, _name), name in zip(MAIN_NAV, names, strict=True):
        address = view_url(viewname, language)
        current = ' aria-current="page"' if address == path else ""
        items.append(f'<li><a href="{escape_text(address)}"{current}>{name}</a></li>')
    return SafeString("\n          ".join(items))


@register.filter(is_safe=True)
@stringfilter
def shorten(value: str, length):
    """`truncatechars`, without its work for a text already short enough (the common case for
    a page's description): the same text, NFC-normalised as Truncator gives it."""
    try:
        length = int(length)
    except ValueError:
        return value
    if length > 0 and len(value) <= length and unicodedata.is_normalized("NFC", value):
        return value
    return Truncator(value).chars(length)


@register.filter
def local_end(meeting) -> str:
    """When a meeting ends, as a clock time in its own time zone (or nothing)."""
    if not meeting.ends_at or not meeting.time_known:
        return ""
    return meeting.ends_at.astimezone(meeting.local_tz).strftime("%H:%M")
