"""Statements that PostgreSQL prepares once per connection and then runs by name.

Django plans nothing ahead: every query is compiled from the ORM's tree again, and PostgreSQL
plans it again. For the hottest reads, the API's deals written as JSON (deals/api/pg_json.py),
the rows of the site's deal tables (deals/table_rows.py) and the records of the deal and
company pages (deals/detail_rows.py), the SQL is fixed but for a few parameters, so it is sent
once per connection as a named `PREPARE` and each request runs `EXECUTE name (...)`: no
compiling in Python, no planning in PostgreSQL. `Columns` turns a statement's columns back
into the model instances the ORM would have made.

Only on PostgreSQL, and only with `PREPARED_STATEMENTS` on (the default). A `PREPARE` belongs
to the server session, so connection poolers in transaction mode (PgBouncer before 1.21 for
SQL-level statements) lose them; docs/deploy.md says to turn the setting off behind one. The
callers then read through the ORM, with the same result.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.db import models
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.dispatch.dispatcher import NO_RECEIVERS
from psycopg.adapt import Loader

from .models import Publication


def literal(text: str) -> str:
    """`text` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def column(model, name: str) -> str:
    """The database column of a model's field, for writing SQL from the model."""
    return model._meta.get_field(name).column


def published(alias: str) -> str:
    """The condition that the record `alias` is published (`PublishedQuerySet.published()`)."""
    return f"{alias}.publication = {literal(Publication.PUBLISHED)}"


@dataclass(frozen=True)
class Prepared:
    """A statement's name, its parameters' names in `$n` order, and its `PREPARE` text."""

    name: str
    params: tuple[str, ...]
    sql: str


def available(connection) -> bool:
    """Whether statements are prepared on `connection`: PostgreSQL, with the setting on."""
    return settings.PREPARED_STATEMENTS and connection.vendor == "postgresql"


def execute(
    connection, prepared: Prepared, values: dict, *, text_as_bytes: bool = False
) -> list[tuple]:
    """Run `prepared` on `connection` with `values` (by parameter name), preparing it first if
    this connection has not yet; its rows. With `text_as_bytes`, its text and varchar columns
    come as the bytes PostgreSQL sent (UTF-8), not decoded."""
    with connection.cursor() as cursor:
        if text_as_bytes:
            for text_type in ("text", "varchar"):
                cursor.cursor.adapters.register_loader(text_type, BytesLoader)
        raw = connection.connection
        done = getattr(raw, "dealtracker_prepared", None)
        if done is None:
            done = raw.dealtracker_prepared = set()
        if prepared.name not in done:
            # Connection set-up, like Django's own time zone statement, so not counted as a
            # query of the request. A PREPARE lasts as long as the connection, even past a
            # rolled-back transaction; a new connection has no `dealtracker_prepared`.
            raw.execute(prepared.sql)
            done.add(prepared.name)
        placeholders = ", ".join(["%s"] * len(prepared.params))
        cursor.execute(
            f"EXECUTE {prepared.name} ({placeholders})",
            [_whole_numbers(values[p]) for p in prepared.params],
        )
        return cursor.fetchall()


def _whole_numbers(value):
    """A list of whole numbers (a page's ids) as PostgreSQL's array text, `{1,2,3}`, which the
    statement's `bigint[]` parameter reads as psycopg's own array would be read; anything
    else as it is. psycopg formats a list for the statement element by element in Python,
    about 50 us for a page of 50 ids; this takes a tenth of that."""
    if type(value) is list and all(type(v) is int for v in value):
        return "{" + ",".join(map(str, value)) + "}"
    return value


def _silent(signal, model) -> bool:
    """Whether `signal` is known to have no receiver for `model`: the check `Signal.send` makes
    first (Model.__init__ sends pre_init and post_init for every instance). Asking
    `has_listeners` cost about a microsecond and a half an instance, and the hub company's
    page makes 126; when this cannot tell (a receiver connected since, or the model not yet
    asked about), `has_listeners` is asked."""
    return not signal.receivers or signal.sender_receivers_cache.get(model) is NO_RECEIVERS


class BytesLoader(Loader):
    """A text value as the bytes the server sent (`execute(..., text_as_bytes=True)`)."""

    def load(self, data) -> bytes:
        return bytes(data)


#: `to_python` methods that return a JSON string, whole number or boolean as they are given.
_AS_JSON_GIVES = frozenset(
    {
        models.CharField.to_python,
        models.TextField.to_python,
        models.IntegerField.to_python,
        models.BooleanField.to_python,
    }
)


class Columns:
    """A model's columns as a prepared statement reads them, and the instances they make.

    `names` are the model's own fields to load (as `only()` names them); the primary key is
    always among them. The columns come in the model's field order, which is the order
    `Model.from_db` takes them in, so an instance loaded here has the same fields loaded and
    deferred as one read by `only(*names)`.
    """

    def __init__(self, model, names, alias: str) -> None:
        wanted = {model._meta.pk.name, *names}
        self.model, self.alias, self.table = model, alias, model._meta.db_table
        self.fields = [f for f in model._meta.concrete_fields if f.name in wanted]
        self.attnames = [f.attname for f in self.fields]
        self.pk_index = self.fields.index(model._meta.pk)
        # How each field's JSON value becomes its Python value (`to_python`), or None where
        # JSON already gives it: text, whole numbers and booleans.
        self.converters = [
            None if type(f).to_python in _AS_JSON_GIVES else f.to_python for f in self.fields
        ]
        self.converts = any(convert is not None for convert in self.converters)
        # The fields whose class attribute is a data descriptor (a country: its descriptor
        # cleans the value on the way in): set through it, as Model.__init__ does. A foreign
        # key's id is not among them: its descriptor only forgets a cached related record
        # that differs, and a new instance has none, so it writes the value as it is.
        self.set_through = frozenset(
            f.attname
            for f in self.fields
            if hasattr(type(static := inspect.getattr_static(model, f.attname, None)), "__set__")
            and type(static) is not ForeignKeyDeferredAttribute
        )

    def select(self) -> str:
        """The columns, for a SELECT list."""
        return ", ".join(f"{self.alias}.{f.column}" for f in self.fields)

    def json(self) -> str:
        """The columns as one JSON array. Decimals go as text, which JSON numbers (read as
        floats) would round."""
        columns = (
            f"{self.alias}.{f.column}" + ("::text" if isinstance(f, models.DecimalField) else "")
            for f in self.fields
        )
        return f"json_build_array({', '.join(columns)})"

    def json_or_null(self) -> str:
        """The columns as one JSON array, or null where a LEFT JOIN found no row."""
        key = f"{self.alias}.{self.model._meta.pk.column}"
        return f"CASE WHEN {key} IS NULL THEN NULL ELSE {self.json()} END"

    def take(self, database: str, values, *, nullable: bool = False):
        """An instance from the next columns of a row (an iterator over it), or None for a
        LEFT JOIN that found no row."""
        taken = list(islice(values, len(self.fields)))
        if nullable and taken[self.pk_index] is None:
            return None
        return self.instance(database, taken)

    def from_json(self, database: str, values: list):
        """An instance from the JSON array `json()` wrote: JSON's strings and numbers made the
        field's Python values (dates, times, ...) as the ORM reads them."""
        if self.converts and len(values) == len(self.converters):
            values = [
                v if convert is None or v is None else convert(v)
                for convert, v in zip(self.converters, values)  # noqa: B905 - lengths checked
            ]
        return self.instance(database, values)

    def instance(self, database: str, values: list):
        """`Model.from_db(database, attnames, values)`, the same instance, made directly.

        `from_db` pads the values to every concrete field, marking the rest deferred, and
        `__init__` walks them all again; the hub company's page makes about 125 instances this
        way (its hundred people). Here the loaded values go straight into the instance's
        `__dict__` (a deferred field is one missing from it, as after `from_db`). When a
        receiver listens to the model's `pre_init` or `post_init` signal, `from_db` is used, so
        that it is called as usual."""
        if len(values) != len(self.attnames):
            # Checked here rather than by zip(strict=True): keyword arguments make each zip
            # cost twice as much, and these run for every instance of a page.
            raise ValueError(f"{len(values)} values for {len(self.attnames)} columns")
        model = self.model
        if not (_silent(pre_init, model) and _silent(post_init, model)) and (
            pre_init.has_listeners(model) or post_init.has_listeners(model)
        ):
            return model.from_db(database, self.attnames, values)
        instance = model.__new__(model)
        state = instance._state = ModelState()
        state.adding, state.db = False, database
        if self.set_through:
            for attname, value in zip(self.attnames, values):  # noqa: B905 - checked above
                if attname in self.set_through:
                    setattr(instance, attname, value)
                else:
                    instance.__dict__[attname] = value
        else:
            instance.__dict__.update(zip(self.attnames, values))  # noqa: B905 - checked above
        return instance
