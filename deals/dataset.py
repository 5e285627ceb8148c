"""The whole tracker in one file, and back: `manage.py export_dataset` / `import_dataset`.

A dataset file is gzip-compressed JSON lines:

    {"format": "dealtracker-dataset", "version": 1, "created_at": "...",
     "migrations": {"deals": "0007_...", "auth": "0012_..."}, "tables": ["deals.source", ...]}
    {"table": "deals.source", "columns": ["id", "slug", ...]}
    [1, "heraldcorp-...", ...]                      one line a row, in the columns' order
    ...
    {"end": true, "rows": {"deals.source": 31, ...}}

What it holds: every table of the deals app (records, their parts, the source links, every
history table and the history of source links), and the accounts those histories name
(`auth.user`, with their groups by name) so "changed by" survives. It never holds password
hashes, API tokens, TOTP devices, sessions or sign-in attempts: imported accounts get an
unusable password and their owners set a new one (`manage.py changepassword`). Groups and
their permissions come from migrations; the file names each account's groups, and each
group's permissions by app label, model and codename so that ids differing between databases do
not matter.

Export reads one consistent snapshot (REPEATABLE READ on PostgreSQL) row by row, in constant
memory. Import refuses a file of another format or version, a file made by newer code (a
migration this database lacks), a database that already holds records or accounts, and a file
that is cut short or damaged; it writes everything in one transaction, so a refused import
leaves nothing behind, then moves PostgreSQL's id sequences past the imported ids.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import uuid
import zlib
from collections.abc import Iterator
from decimal import Decimal
from typing import IO

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.color import no_style
from django.core.serializers import sort_dependencies
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.loader import MigrationLoader

FORMAT = "dealtracker-dataset"
VERSION = 1
#: Apps whose migrations shape the tables in the file.
SCHEMA_APPS = ("deals", "auth", "contenttypes")
#: Account fields exported; never `password`.
USER_FIELDS = (
    "id",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "is_superuser",
    "date_joined",
    "last_login",
)
BATCH = 1000


class DatasetError(Exception):
    """The file cannot be imported here; the message says why. Nothing was written."""


# --- What is in a dataset ---------------------------------------------------------------------


def dataset_models() -> list[type[models.Model]]:
    """Every table of the deals app, parents before the rows that point at them."""
    config = apps.get_app_config("deals")
    ordered = sort_dependencies([(config, None)], allow_cycles=True)
    auto = [m for m in config.get_models(include_auto_created=True) if m not in ordered]
    return [*ordered, *auto]


def table_name(model) -> str:
    return model._meta.label_lower


def latest_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """Per schema app, the applied migrations no other applied migration depends on."""
    loader = MigrationLoader(connections[using])
    applied = set(loader.applied_migrations)
    latest = {}
    for app in SCHEMA_APPS:
        # Applied migrations no longer on disk (squashed away) are not in the graph.
        mine = {key for key in applied if key[0] == app and key in loader.graph.node_map}
        parents = (
            {
                parent
                for key in mine
                for parent in loader.graph.node_map[key].parents
                if parent.key[0] == app
            }
            if mine
            else set()
        )
        parent_keys = {p.key for p in parents}
        latest[app] = sorted(name for (_app, name) in mine - parent_keys)
    return latest


# --- Export -----------------------------------------------------------------------------------


class _Encoder(json.JSONEncoder):
    """Dates and times in full ISO 8601 (DjangoJSONEncoder cuts microseconds, which history
    dates have), decimals as strings so that no digit is lost."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.date | dt.time):
            return o.isoformat()
        if isinstance(o, Decimal | uuid.UUID):
            return str(o)
        return super().default(o)


def _line(value) -> bytes:
    return (
        json.dumps(value, cls=_Encoder, ensure_ascii=False, separators=(",", ":")) + "\n"
    ).encode()


def export_lines(using: str = DEFAULT_DB_ALIAS) -> Iterator[bytes]:
    """The dataset as lines, reading each table in id order with a server-side iterator."""
    tables = dataset_models()
    yield _line(
        {
            "format": FORMAT,
            "version": VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "migrations": latest_migrations(using),
            "tables": ["auth.group", "auth.user", *map(table_name, tables)],
        }
    )
    counts: dict[str, int] = {"auth.group": 0, "auth.user": 0}

    groups = (
        Group.objects.using(using).order_by("name").prefetch_related("permissions__content_type")
    )
    yield _line({"table": "auth.group", "columns": ["name", "permissions"]})
    for group in groups:
        yield _line(
            [
                group.name,
                sorted(
                    [p.content_type.app_label, p.content_type.model, p.codename]
                    for p in group.permissions.all()
                ),
            ]
        )
        counts["auth.group"] += 1

    User = apps.get_model("auth", "User")
    yield _line({"table": "auth.user", "columns": [*USER_FIELDS, "groups"]})
    users = User.objects.using(using).order_by("pk").prefetch_related("groups")
    for user in users.iterator(chunk_size=BATCH):
        yield _line(
            [*(getattr(user, f) for f in USER_FIELDS), sorted(g.name for g in user.groups.all())]
        )
        counts["auth.user"] += 1

    for model in tables:
        columns = [f.attname for f in model._meta.concrete_fields]
        name = table_name(model)
        yield _line({"table": name, "columns": columns})
        counts[name] = 0
        rows = model._base_manager.using(using).order_by("pk").values_list(*columns)
        for row in rows.iterator(chunk_size=BATCH):
            yield _line(list(row))
            counts[name] += 1
    yield _line({"end": True, "rows": counts})


def export_dataset(path: str, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Write the dataset to `path`; returns the rows written per table."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table: rows written meanwhile are all in or all out.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        last = None
        with gzip.open(path, "wb") as out:
            for line in export_lines(using):
                out.write(line)
                last = line
    return json.loads(last)["rows"]


# --- Import -----------------------------------------------------------------------------------


def _read_lines(stream: IO[bytes]) -> Iterator[tuple[int, object]]:
    number = 0
    try:
        for number, raw in enumerate(stream, start=1):  # noqa: B007 - used after the loop
            yield number, json.loads(raw)
    except (OSError, EOFError, zlib.error) as error:
        raise DatasetError(
            f"The file is damaged or not gzip (after line {number}): {error}"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DatasetError(f"Line {number + 1} is not JSON: {error}") from None


def check_header(header, using: str = DEFAULT_DB_ALIAS) -> None:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise DatasetError(f"This is not a {FORMAT} file.")
    if header.get("version") != VERSION:
        raise DatasetError(
            f"This file is format version {header.get('version')!r}; this version of "
            f"dealtracker reads version {VERSION} only."
        )
    loader = MigrationLoader(connections[using])
    applied = set(loader.applied_migrations)
    missing = [
        f"{app}.{name}"
        for app, names in (header.get("migrations") or {}).items()
        for name in names
        if (app, name) not in applied
    ]
    if missing:
        raise DatasetError(
            "This file was made by a newer dealtracker: this database lacks the migrations "
            f"{', '.join(missing)}. Upgrade the code and run `manage.py migrate` first."
        )


def check_empty(using: str = DEFAULT_DB_ALIAS) -> None:
    User = apps.get_model("auth", "User")
    full = [
        table_name(m) for m in [User, *dataset_models()] if m._base_manager.using(using).exists()
    ]
    if full:
        raise DatasetError(
            "The database is not empty (it has rows in "
            + ", ".join(full[:5])
            + (" ..." if len(full) > 5 else "")
            + "). Import into a freshly migrated database."
        )


class _Table:
    """Turns a table's rows in the file into model instances, and inserts them in batches."""

    def __init__(self, name: str, columns: list[str], using: str):
        self.name = name
        self.using = using
        self.model = apps.get_model(name)
        fields = {f.attname: f for f in self.model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise DatasetError(f"{name} has no columns {', '.join(unknown)} in this database.")
        self.columns = columns
        self.fields = [fields[c] for c in columns]
        # Columns added since the file was made take their defaults.
        self.defaults = {f.attname: f.get_default() for a, f in fields.items() if a not in columns}
        self.pending: list[models.Model] = []
        self.count = 0

    def add(self, row) -> None:
        if not isinstance(row, list) or len(row) != len(self.columns):
            raise DatasetError(f"A row of {self.name} has the wrong shape.")
        values = {
            f.attname: (None if v is None else f.to_python(v))
            for f, v in zip(self.fields, row, strict=True)
        }
        self.pending.append(self.model(**self.defaults, **values))
        self.count += 1
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            # raw=True: stored as they are, without auto_now stamps, signals or new history.
            self.model._base_manager.using(self.using)._insert(
                self.pending,
                fields=self.model._meta.concrete_fields,
                raw=True,
                using=self.using,
            )
            self.pending = []


def _import_groups(rows, using: str) -> None:
    for name, permissions in rows:
        group, _created = Group.objects.using(using).get_or_create(name=name)
        found = []
        for app_label, model, codename in permissions:
            permission = (
                Permission.objects.using(using)
                .filter(
                    content_type__app_label=app_label, content_type__model=model, codename=codename
                )
                .first()
            )
            if permission is None:
                raise DatasetError(
                    f"Group {name}: no permission {app_label}.{model}.{codename} here."
                )
            found.append(permission)
        group.permissions.set(found)


def _import_users(rows, using: str) -> None:
    User = apps.get_model("auth", "User")
    groups = {g.name: g for g in Group.objects.using(using)}
    for row in rows:
        *values, group_names = row
        fields = dict(zip(USER_FIELDS, values, strict=True))
        user = User(
            password=make_password(None),
            **{
                name: (None if value is None else User._meta.get_field(name).to_python(value))
                for name, value in fields.items()
            },
        )
        user.save_base(raw=True, using=using)
        missing = [n for n in group_names if n not in groups]
        if missing:
            raise DatasetError(f"User {user.username}: no group {', '.join(missing)} here.")
        user.groups.set([groups[n] for n in group_names])


def import_stream(stream: IO[bytes], using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Restore a dataset into an empty database, all or nothing. Returns rows per table."""
    lines = _read_lines(stream)
    try:
        _number, header = next(lines)
    except StopIteration:
        raise DatasetError("The file is empty.") from None
    check_header(header, using)
    counts: dict[str, int] = {}
    with transaction.atomic(using=using):
        check_empty(using)
        table: _Table | None = None
        auth_rows: list = []
        auth_table = None
        end = None
        for number, item in lines:
            if end is not None:
                raise DatasetError(f"Line {number}: rows after the end of the dataset.")
            if isinstance(item, dict) and "table" in item:
                if table is not None:
                    table.flush()
                    counts[table.name] = table.count
                    table = None
                if auth_table is not None:
                    _finish_auth(auth_table, auth_rows, using, counts)
                    auth_table, auth_rows = None, []
                if item["table"] in ("auth.group", "auth.user"):
                    auth_table = item["table"]
                else:
                    table = _Table(item["table"], item.get("columns") or [], using)
            elif isinstance(item, dict) and item.get("end"):
                end = item
            elif auth_table is not None:
                auth_rows.append(item)
            elif table is not None:
                table.add(item)
            else:
                raise DatasetError(f"Line {number}: a row before any table.")
        if table is not None:
            table.flush()
            counts[table.name] = table.count
        if auth_table is not None:
            _finish_auth(auth_table, auth_rows, using, counts)
        if end is None:
            raise DatasetError("The file is cut short: it has no end line.")
        expected = end.get("rows") or {}
        if expected != counts:
            raise DatasetError(
                f"The file's rows do not match its end line: {counts} read, {expected} announced."
            )
        reset_sequences(using)
    from .cache import bump_content_generation

    bump_content_generation()
    return counts


def _finish_auth(table: str, rows: list, using: str, counts: dict) -> None:
    if table == "auth.group":
        _import_groups(rows, using)
    else:
        _import_users(rows, using)
    counts[table] = len(rows)


def reset_sequences(using: str = DEFAULT_DB_ALIAS) -> None:
    """Move id sequences past the imported ids (PostgreSQL; SQLite follows by itself)."""
    connection = connections[using]
    User = apps.get_model("auth", "User")
    statements = connection.ops.sequence_reset_sql(no_style(), [User, *dataset_models()])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def import_dataset(path: str, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    try:
        with gzip.open(path, "rb") as stream:
            return import_stream(stream, using)
    except FileNotFoundError:
        raise DatasetError(f"There is no file {path}.") from None
