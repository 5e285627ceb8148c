"""Deals in JSON written by PostgreSQL: the bytes `DealSerializer` gives, from one statement.

A page of 50 deals holds about 700 nested rows. Read through the ORM, each becomes a model
instance, and loading them cost most of the API list's time even after deals/api/fast.py took
DRF's field machinery away. Here PostgreSQL writes each deal's JSON text itself, nested rows
included, in one statement that is prepared once per connection (so it is not planned again on
every request); Python only joins the texts of a page.

The statement is generated from the DRF serializers, as fast.py's plans are, so they stay the
one description of the output: each readable field is looked up on its model and written by
the SQL equivalent of its DRF field's `to_representation` (text, choice, date, the site's
ISO 8601 date-time, decimal string, integer, boolean). A field with no equivalent here (a new
method field, another field type) makes `Statement` refuse to build, and the API answers
through fast.py instead: nothing is silently left out. tests/api/test_pg_json.py checks that
both give byte-identical responses, with drafts, Korean text, control characters, missing
values and old time-zone offsets.

Only on PostgreSQL, and only when `PREPARED_STATEMENTS` is on (the default): the statement is
a named `PREPARE` (deals/prepared.py).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, models, router
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.translation import get_language
from django_countries.fields import CountryField
from rest_framework import fields as drf_fields
from rest_framework.settings import ISO_8601, api_settings

from deals.models import (
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

from ..prepared import Prepared, execute, literal
from ..prepared import available as prepared_available
from . import serializers as api

logger = logging.getLogger(__name__)


class Unsupported(LookupError):
    """The serializers hold something this module cannot write in SQL."""


# --- Values as JSON text -----------------------------------------------------------------------


def key(name: str) -> str:
    return json.dumps(name, ensure_ascii=False)


def as_text(expr: str) -> str:
    # to_json escapes exactly as Python's json does with ensure_ascii=False: ", \, and the
    # control characters below U+0020 (\b \f \n \r \t, the rest as \u00XX). DRF's further
    # escaping of U+2028 and U+2029 is done on the whole body (deals/api/renderers.py).
    return f"COALESCE(to_json({expr})::text, 'null')"


def as_date(expr: str) -> str:
    return f"""COALESCE('"' || to_char({expr}, 'YYYY-MM-DD') || '"', 'null')"""


def as_decimal(expr: str) -> str:
    # The column's scale is the field's decimal_places, so its text is DRF's quantized string.
    return f"""COALESCE('"' || ({expr})::text || '"', 'null')"""


def as_integer(expr: str) -> str:
    return f"COALESCE(({expr})::text, 'null')"


def as_boolean(expr: str) -> str:
    return f"CASE WHEN {expr} THEN 'true' WHEN NOT {expr} THEN 'false' ELSE 'null' END"


def as_datetime(expr: str, tz: str) -> str:
    """`OffsetDateTimeField().to_representation`: ISO 8601 in the site's time zone, with the
    microseconds when there are any, `Z` for a zero offset, and in UTC when the zone's offset
    for that moment is not whole minutes (local mean time).

    The offset is the interval between the moment's local and UTC wall times, formatted by
    `to_char` (`HH24:MI` of its absolute value); the fraction is written with the rest and
    taken out when it is `.000000`, which nothing else in the text can be. An earlier form
    took the offset's epoch (a numeric) up to six times and the microseconds twice: a tenth of
    the API list's statement."""
    written = "'YYYY-MM-DD\"T\"HH24:MI:SS.US'"
    offset = f"(({expr} AT TIME ZONE {tz}) - ({expr} AT TIME ZONE 'UTC'))"
    in_utc = f"replace(to_char({expr} AT TIME ZONE 'UTC', {written}), '.000000', '') || 'Z'"
    local = (
        f"replace(to_char({expr} AT TIME ZONE {tz}, {written}), '.000000', '') || "
        f"CASE WHEN {offset} < interval '0' THEN '-' ELSE '+' END || "
        f"to_char(greatest({offset}, -{offset}), 'HH24:MI')"
    )
    return (
        f"CASE WHEN {expr} IS NULL THEN 'null' "
        f"WHEN {offset} = interval '0' OR date_part('second', {offset}) <> 0 "
        f"""THEN '"' || {in_utc} || '"' ELSE '"' || {local} || '"' END"""
    )


def json_object(members: list[tuple[str, str]]) -> str:
    """`{"name":value,...}` from (name, SQL giving the value's JSON text) pairs.

    Every value's SQL gives text that is never null (each `as_*` writes a missing value as
    `null`), so the parts are joined with `||`: `concat()` took the string literals as type
    `unknown` and ran each part through its type's output function, about 5% of the API
    list's statement."""
    parts = []
    for number, (name, value) in enumerate(members):
        parts.append(literal(("{" if number == 0 else ",") + key(name) + ":"))
        parts.append(value)
    parts.append("'}'")
    return "(" + " || ".join(parts) + ")"


# --- From serializer fields to SQL -------------------------------------------------------------

TEXT_FIELDS = (
    drf_fields.CharField,
    drf_fields.SlugField,
    drf_fields.URLField,
    drf_fields.EmailField,
    drf_fields.ChoiceField,
)


@dataclass
class Statement:
    """The parameters every deal's JSON needs, as `$n` placeholders, and the SQL built on them."""

    params: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)

    def param(self, name: str, sql_type: str = "text") -> str:
        if name not in self.params:
            self.params.append(name)
            self.types.append(sql_type)
        return f"${self.params.index(name) + 1}"

    @property
    def tz(self) -> str:
        return self.param("tz")

    def visible(self, alias: str) -> str:
        return (
            f"({self.param('drafts', 'boolean')} OR {alias}.publication = "
            + literal(Publication.PUBLISHED)
            + ")"
        )

    def api_url(self, basename: str, alias: str) -> str:
        template = self.param("api:" + basename)
        return as_text(f"replace({template}, {literal(api.SLUG_MARK)}, {alias}.slug)")

    def html_url(self, model, alias: str) -> str:
        # A slug the page's address cannot hold has no page (fast.State.html_url).
        template = self.param(f"html:{model._meta.label}")
        return as_text(
            f"CASE WHEN {alias}.slug ~ '^[-a-zA-Z0-9_]+$' "
            f"THEN replace({template}, {literal(api.SLUG_MARK)}, {alias}.slug) END"
        )

    def fields(self, serializer_class, aliases: dict[tuple, str], methods: dict) -> str:
        """The serializer's readable fields of the row at `aliases[()]`, as a JSON object."""
        model = serializer_class.Meta.model
        members = []
        for drf_field in serializer_class()._readable_fields:
            name = drf_field.field_name
            if isinstance(drf_field, drf_fields.SerializerMethodField):
                if name not in methods:
                    raise Unsupported(f"{serializer_class.__name__}.{name} has no SQL here")
                members.append((name, methods[name]))
            else:
                members.append((name, self.value(drf_field, model, aliases)))
        unused = set(methods) - {name for name, _value in members}
        if unused:
            raise Unsupported(f"{serializer_class.__name__} has no fields {sorted(unused)}")
        return json_object(members)

    def value(self, drf_field, model, aliases: dict[tuple, str]) -> str:
        attrs = list(drf_field.source_attrs)
        path: tuple = ()
        while len(attrs) > 1:
            model_field = model._meta.get_field(attrs[0])
            if isinstance(model_field, CountryField) and attrs[1:] == ["code"]:
                break  # a country is stored as its code
            if not (model_field.many_to_one or model_field.one_to_one) or not model_field.concrete:
                raise Unsupported(f"{drf_field.source} does not follow a foreign key")
            path += (attrs.pop(0),)
            model = model_field.related_model
        if path not in aliases:
            raise Unsupported(f"no table joined for {'.'.join(path)}")
        model_field = model._meta.get_field(attrs[0])
        if not model_field.concrete or model_field.many_to_many:
            raise Unsupported(f"{drf_field.source} is not a column")
        column = f"{aliases[path]}.{model_field.column}"
        kind = type(drf_field)
        if kind in TEXT_FIELDS or isinstance(drf_field, drf_fields.ChoiceField):
            if not isinstance(model_field, (models.CharField, models.TextField)):
                raise Unsupported(f"{drf_field.source} is not text")
            return as_text(column)
        if isinstance(drf_field, drf_fields.DateTimeField):
            if (
                str(getattr(drf_field, "format", api_settings.DATETIME_FORMAT)).lower() != ISO_8601
                or hasattr(drf_field, "timezone")
                or not settings.USE_TZ
                or not isinstance(drf_field, api.OffsetDateTimeField)
            ):
                raise Unsupported(f"{drf_field.source}: another date-time format")
            return as_datetime(column, self.tz)
        if kind is drf_fields.DateField:
            if str(getattr(drf_field, "format", api_settings.DATE_FORMAT)).lower() != ISO_8601:
                raise Unsupported(f"{drf_field.source}: another date format")
            return as_date(column)
        if kind is drf_fields.DecimalField:
            if (
                not getattr(drf_field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
                or drf_field.localize
                or drf_field.normalize_output
                or drf_field.decimal_places != getattr(model_field, "decimal_places", None)
            ):
                raise Unsupported(f"{drf_field.source}: another decimal format")
            return as_decimal(column)
        if kind is drf_fields.IntegerField:
            return as_integer(column)
        if kind is drf_fields.BooleanField:
            return as_boolean(column)
        raise Unsupported(f"{drf_field.source}: {kind.__name__} has no SQL here")

    def ref(self, serializer_class, alias: str, methods: dict) -> str:
        """A visible related record's reference, else null."""
        body = self.fields(serializer_class, {(): alias}, methods)
        return (
            f"CASE WHEN {alias}.id IS NOT NULL AND {self.visible(alias)} THEN {body} "
            "ELSE 'null' END"
        )


# --- The deal statement ------------------------------------------------------------------------


def table(model) -> str:
    return model._meta.db_table


def source_methods(q: Statement, alias: str) -> dict:
    return {"api_url": q.api_url("source", alias)}


def listed(body: str, order: str, *, only_if: str = "") -> str:
    """A JSON array of the bodies in `order`, of the rows where `only_if` holds, if given
    (string_agg leaves out the nulls the others give)."""
    if only_if:
        body = f"CASE WHEN {only_if} THEN {body} END"
    return f"'[' || COALESCE(string_agg({body}, ',' ORDER BY {order}), '') || ']'"


def deal_select(q: Statement, where: str) -> str:
    """(id, JSON text, latest updated_at among the records shown) of each deal `where` holds.

    The last is what DealViewSet.record_last_modified reads for the Last-Modified header."""
    party = q.fields(
        api.DealPartySerializer,
        {(): "p", ("company",): "c"},
        {"api_url": q.api_url("company", "c")},
    )
    event = q.fields(
        api.DealEventSerializer,
        {(): "e"},
        {
            "source": q.ref(api.SourceRefSerializer, "es", source_methods(q, "es")),
        },
    )
    source = q.fields(api.SourceRefSerializer, {(): "s"}, source_methods(q, "s"))
    meeting = q.fields(
        api.DealMeetingSerializer,
        {(): "m", ("meeting",): "mt"},
        {"api_url": q.api_url("meeting", "mt"), "html_url": q.html_url(Meeting, "mt")},
    )
    deal = q.fields(
        api.DealSerializer,
        {(): "d"},
        {
            "api_url": q.api_url("deal", "d"),
            "html_url": q.html_url(Deal, "d"),
            "usd_rate": q.ref(
                api.RateRefSerializer, "r", {"api_url": q.api_url("exchange-rate", "r")}
            ),
            "project": q.ref(
                api.ProjectRefSerializer,
                "pr",
                {
                    "api_url": q.api_url("project", "pr"),
                    "html_url": q.html_url(Project, "pr"),
                },
            ),
            "parties": "pa.body",
            "events": "ev.body",
            "meetings": "mm.body",
            "sources": "so.body",
        },
    )
    links = Deal.sources.through._meta
    deal_column = links.get_field("deal").column
    source_column = links.get_field("source").column
    return f"""
SELECT d.id, {deal} AS body,
       GREATEST(d.updated_at, pr.updated_at, pa.changed, ev.changed, ev.source_changed,
                mm.changed, so.changed) AS changed
FROM {table(Deal)} d
LEFT JOIN {table(Project)} pr ON pr.id = d.project_id
LEFT JOIN {table(ExchangeRate)} r ON r.id = d.usd_rate_id
CROSS JOIN LATERAL (
    SELECT {listed(party, "p.role, p.id", only_if=q.visible("c"))} AS body,
           max(c.updated_at) AS changed
    FROM {table(DealParty)} p JOIN {table(Company)} c ON c.id = p.company_id
    WHERE p.deal_id = d.id
) pa
CROSS JOIN LATERAL (
    SELECT {listed(event, "e.date, e.id")} AS body,
           max(e.updated_at) AS changed, max(es.updated_at) AS source_changed
    FROM {table(DealEvent)} e LEFT JOIN {table(Source)} es ON es.id = e.source_id
    WHERE e.deal_id = d.id
) ev
CROSS JOIN LATERAL (
    SELECT {listed(meeting, "mt.starts_at, m.id", only_if=q.visible("mt"))} AS body,
           max(mt.updated_at) AS changed
    FROM {table(DealMeeting)} m JOIN {table(Meeting)} mt ON mt.id = m.meeting_id
    WHERE m.deal_id = d.id
) mm
CROSS JOIN LATERAL (
    SELECT {listed(source, "s.published_on DESC, s.id", only_if=q.visible("s"))} AS body,
           max(s.updated_at) AS changed
    FROM {links.db_table} ds JOIN {table(Source)} s ON s.id = ds.{source_column}
    WHERE ds.{deal_column} = d.id
) so
WHERE {where}"""


_statements: dict[str, Prepared | Unsupported] = {}


def statement(which: str) -> Prepared:
    """The PREPARE text of the statement for a list of ids (`"ids"`) or one slug (`"slug"`)."""
    found = _statements.get(which)
    if found is None:
        q = Statement()
        if which == "ids":
            where = f"d.id = ANY({q.param('ids', 'bigint[]')})"
        else:
            where = f"d.slug = {q.param('slug')} AND {q.visible('d')}"
        try:
            select = deal_select(q, where)
        except Unsupported as refused:
            found = _statements[which] = refused  # not built again on every request
        else:
            name = f"dealtracker_deal_json_{which}"
            sql = f"PREPARE {name} ({', '.join(q.types)}) AS {select}"
            found = _statements[which] = Prepared(name, tuple(q.params), sql)
    if isinstance(found, Unsupported):
        raise found
    return found


# --- Running it --------------------------------------------------------------------------------


def available() -> bool:
    """Whether deals are read through here: on PostgreSQL, with `PREPARED_STATEMENTS` on."""
    return prepared_available(connection_for_reads())


def connection_for_reads():
    return connections[router.db_for_read(Deal)]


#: Link templates by what they depend on; a handful of hosts and languages in practice, and
#: emptied past `TEMPLATES_KEPT` (the Host header comes from clients, within ALLOWED_HOSTS).
_templates: dict[tuple, dict[str, str]] = {}
TEMPLATES_KEPT = 64


def link_templates(context) -> dict[str, str]:
    """Each link's address with `api.SLUG_MARK` for the slug, as the serializers build them.

    Reversing nine addresses (and making three model instances to ask theirs) was a third of
    a deal's cost, so they are kept per origin, script prefix, language, URL configuration and
    API version: everything `reverse` and `build_absolute_uri` read."""
    request = context.get("request")
    key = (
        (request.scheme, request.get_host(), getattr(request, "version", None))
        if request is not None
        else None,
        get_script_prefix(),
        get_language(),
        get_urlconf(),
    )
    found = _templates.get(key)
    if found is None:
        if len(_templates) >= TEMPLATES_KEPT:
            _templates.clear()
        found = _templates[key] = made_link_templates(context)
    return found


def made_link_templates(context) -> dict[str, str]:
    context = {"request": context.get("request")}  # not the request's own link cache
    out = {}
    for basename in ("deal", "company", "meeting", "project", "source", "exchange-rate"):
        out[f"api:{basename}"] = api.api_link(context, basename, Slugged())
    for model in (Deal, Meeting, Project):
        template = api.html_link(context, model(slug=api.SLUG_MARK))
        if not template or api.SLUG_MARK not in template:
            raise Unsupported(f"{model.__name__} pages have no address to fill in")
        out[f"html:{model._meta.label}"] = template
    return out


class Slugged:
    slug = api.SLUG_MARK


def ready(context) -> bool:
    """Whether deals are written here for this serializer context: on PostgreSQL with the
    setting on, unless the context asks for DRF's own fields (`plain`, or the serializer's
    `fast_representation` off), and when every field and link has its SQL."""
    if context.get("plain") or not api.DealSerializer.fast_representation or not available():
        return False
    try:
        statement("ids"), statement("slug"), link_templates(context)
    except Unsupported as refused:
        if str(refused) not in _refusals:
            _refusals.add(str(refused))
            logger.warning(
                "The API's deals are written by the serializers, not PostgreSQL, about four "
                "times slower: %s (deals/api/pg_json.py)",
                refused,
            )
        return False
    return True


#: Why this path refused, each reason logged once per process.
_refusals: set[str] = set()


def rows(context, *, drafts: bool, ids=None, slug=None) -> list[tuple]:
    """(id, JSON text, changed) of the deals with these ids, in no particular order, or of the
    one with this slug that the reader may see. Ask `ready(context)` first.

    The JSON text comes as the UTF-8 bytes PostgreSQL sends, to go into a response as it is
    (`renderers.RawJSON`) with nothing to decode or encode: for a page of 50 deals (180 KB)
    decoding, escaping and encoding it again in Python cost a quarter of the API list's
    instructions."""
    prepared = statement("ids" if ids is not None else "slug")
    tz = timezone.get_current_timezone_name()
    values = {"tz": tz, "drafts": drafts, "ids": ids, "slug": slug, **link_templates(context)}
    return execute(connection_for_reads(), prepared, values, text_as_bytes=True)
