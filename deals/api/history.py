"""The API's view of the past: `?as_of=` on lists and records, and `<record>/history/`.

The reads are in `deals.history`; this module turns HTTP into them and them into JSON: the
`as_of` parameter (refused with 400 unless it is a real moment with its offset), what a list
may be filtered by as of a moment, and each published version as plain JSON values, related
records by slug and only when they are published.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import replace_query_param

from deals import history, keyset
from deals.filters import SortFilter
from deals.models import Attendance, Deal, DealEvent, DealMeeting, DealParty, ProjectParty

from .serializers import OffsetDateTimeField, api_link

AS_OF = "as_of"
#: Longer than any ISO 8601 moment with microseconds and an offset; anything longer is refused
#: before it is parsed.
AS_OF_MAX_LENGTH = 40
#: A `+` in a query string arrives as a space: "2025-10-30T12:00 09:00" meant +09:00.
DECODED_PLUS = re.compile(r"^(.*T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$")

AS_OF_PARAMETER = OpenApiParameter(
    AS_OF,
    OpenApiTypes.DATETIME,
    description="Show what was published at this moment (ISO 8601 with its offset, such as "
    "2025-10-30T12:00+09:00; write + as %2B, or use Z). Records, their parties, timeline, "
    "meetings, attendance and sources come from the history as it stood then; records that "
    "were not published then are absent. A list as of a moment takes only `q`/`search`, "
    "`ordering`, `page_size` and `cursor`; other filters are refused with 400.",
)


def refuse(message: str) -> ValidationError:
    return ValidationError({AS_OF: [message]})


def parse_as_of(raw: str) -> dt.datetime:
    """The moment `?as_of=` names, or ValidationError naming `as_of`.

    A time without an offset is refused rather than guessed: the same words name moments nine
    hours apart in Seoul and in London, and an archive citation must not depend on which.
    """
    raw = (raw or "").strip()
    if len(raw) > AS_OF_MAX_LENGTH:
        raise refuse("This is too long to be a date and time.")
    raw = DECODED_PLUS.sub(r"\1+\2", raw)
    try:
        value = parse_datetime(raw)
    except (ValueError, OverflowError):
        raise refuse("This date or time does not exist, such as 30 February.") from None
    if value is None:
        raise refuse(
            "Give an ISO 8601 date and time with its offset, such as "
            "2025-10-30T12:00+09:00 or 2025-10-30T03:00Z."
        )
    if value.utcoffset() is None:
        raise refuse(
            "Give the time's offset, such as +09:00 for Seoul or Z for UTC; a time "
            "without one is ambiguous."
        )
    try:
        # In UTC: PostgreSQL refuses offsets beyond ±15:59, which Python accepts.
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise refuse("This moment is outside the years 1 to 9999.") from None


def as_of_text(at: dt.datetime) -> str:
    return OffsetDateTimeField().to_representation(at)


def as_of_rows(view, request, at: dt.datetime):
    """The historical rows a list shows as of `at`: published then, searched, not yet paged.

    Filters other than the search are refused: they look at relations (a deal's companies, a
    person's meetings) as they are now, which would mix today into the past.
    """
    filterset = getattr(view, "filterset_class", None)
    filters = filterset.base_filters if filterset else {}
    refused = sorted(
        name for name in request.query_params if name in filters and name not in ("q", "ordering")
    )
    if refused:
        raise ValidationError(
            {
                name: [
                    f"Not available with {AS_OF}; only q, search, ordering, page_size and "
                    "cursor are."
                ]
                for name in refused
            }
        )
    sort = filters.get("ordering")
    ordering = request.query_params.get("ordering")
    if ordering and isinstance(sort, SortFilter) and ordering.lstrip("-") not in sort.keys:
        raise ValidationError(
            {"ordering": [f"Use one of {', '.join(sort.keys)}, with - in front for descending."]}
        )
    rows = history.published_as_of(view.model, at)
    term = (request.query_params.get("search") or request.query_params.get("q") or "").strip()
    if term:
        condition = Q()
        for name in type(view.model.objects.all()).search_fields:
            condition |= Q(**{f"{name}__icontains": term})
        rows = rows.filter(condition)
    return rows


# --- Versions as JSON -------------------------------------------------------------------------


def _kind_name(kind, record) -> str:
    if kind == "sources":
        return "sources"
    if kind is DealMeeting:
        return "deals" if not isinstance(record, Deal) else "meetings"
    return {
        DealParty: "parties",
        ProjectParty: "parties",
        DealEvent: "events",
        Attendance: "attendance",
    }[kind]


def _json(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return as_of_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class Slugs:
    """Slugs of the published records the versions point at: one query per model."""

    def __init__(self, wanted: dict[type, set[int]]) -> None:
        self.by_model = {
            model: dict(model.objects.published().filter(id__in=ids).values_list("id", "slug"))
            for model, ids in wanted.items()
            if ids
        }

    def get(self, model, pk) -> str | None:
        return self.by_model.get(model, {}).get(pk)


def _row_fields(model, kind) -> list:
    spec = next(s for s in history.ROW_SPECS[model] if s.model is kind)
    return [kind._meta.get_field(name.removesuffix("_id")) for name in (*spec.key, *spec.values)]


def _wanted(record, versions) -> dict[type, set[int]]:
    model = type(record)
    wanted: dict[type, set[int]] = {}
    for version in versions:
        for change in version.changes:
            field = model._meta.get_field(change.field)
            if field.is_relation:
                wanted.setdefault(field.related_model, set()).update(
                    v for v in (change.old, change.new) if v is not None
                )
        for change in version.rows:
            if change.kind == "sources":
                wanted.setdefault(history.Source, set()).add(change.old or change.new)
                continue
            for row in (change.old, change.new):
                for field in _row_fields(model, change.kind) if row is not None else ():
                    if field.is_relation and (pk := getattr(row, field.attname)) is not None:
                        wanted.setdefault(field.related_model, set()).add(pk)
    return wanted


def _row_json(model, kind, row, slugs: Slugs) -> dict | None:
    """A child row as JSON, or None when the record it names is not public."""
    data = {}
    for number, field in enumerate(_row_fields(model, kind)):
        value = getattr(row, field.attname)
        if field.is_relation:
            value = slugs.get(field.related_model, value)
            if value is None and number == 0:
                return None  # the party's company, the attendee: not public, not shown
        data[field.name] = _json(value)
    return data


def versions_json(record, versions, context) -> list[dict]:
    """Published versions as the /history/ endpoint shows them."""
    slugs = Slugs(_wanted(record, versions))
    model = type(record)
    basename = context["basename"]
    entries = []
    for version in versions:
        changes = []
        for change in version.changes:
            field = model._meta.get_field(change.field)
            old, new = change.old, change.new
            if field.is_relation:
                old = slugs.get(field.related_model, old)
                new = slugs.get(field.related_model, new)
            changes.append({"field": change.field, "old": _json(old), "new": _json(new)})
        rows = []
        for change in version.rows:
            if change.kind == "sources":
                old = slugs.get(history.Source, change.old) if change.old else None
                new = slugs.get(history.Source, change.new) if change.new else None
                if old is None and new is None:
                    continue
                rows.append(
                    {
                        "kind": "sources",
                        "action": change.action,
                        "old": old and {"source": old},
                        "new": new and {"source": new},
                    }
                )
                continue
            old, new = (
                _row_json(model, change.kind, row, slugs) if row is not None else None
                for row in (change.old, change.new)
            )
            if (old is None) != (change.old is None) or (new is None) != (change.new is None):
                continue  # it names a record that is not public
            rows.append(
                {
                    "kind": _kind_name(change.kind, record),
                    "action": change.action,
                    "old": old,
                    "new": new,
                }
            )
        as_of_url = None
        if version.event != history.WITHDRAWN:
            link = api_link(context, basename, record)
            as_of_url = f"{link}?{urlencode({AS_OF: as_of_text(version.date)})}"
        entries.append(
            {
                "version": version.version,
                "date": as_of_text(version.date),
                "event": version.event,
                "as_of_url": as_of_url,
                "changes": changes,
                "rows": rows,
                "note": version.note,
                "note_ko": version.note_ko,
            }
        )
    return entries


def page_of(versions: list, request, pagination) -> tuple[list, str | None, str | None]:
    """One page of versions (newest first), with next and previous links: the cursor holds
    the version number the page starts after, as the lists' cursors hold a row's sort key."""
    size = pagination.get_page_size(request)
    cursor = pagination.decode_cursor(request)
    start = 0
    if cursor is not None:
        position, backwards = cursor
        after = position[2]
        start = next((i for i, v in enumerate(versions) if v.version < after), len(versions))
        if backwards:
            end = next((i for i, v in enumerate(versions) if v.version <= after), len(versions))
            start = max(0, end - size)
    page = versions[start : start + size]
    url = request.build_absolute_uri()

    def link(version, backwards):
        token = keyset.encode([False, None, version.version], backwards=backwards)
        return replace_query_param(url, pagination.cursor_query_param, token)

    following = link(page[-1], False) if page and start + size < len(versions) else None
    before = link(page[0], True) if page and start > 0 else None
    return page, following, before


# --- Schema of /history/ ----------------------------------------------------------------------


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field, as the record's JSON names it.")
    old = serializers.JSONField(allow_null=True, help_text="Its value in the version before.")
    new = serializers.JSONField(allow_null=True, help_text="Its value in this version.")


class RowChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["parties", "events", "meetings", "deals", "attendance", "sources"]
    )
    action = serializers.ChoiceField(choices=[history.ADDED, history.REMOVED, history.CHANGED])
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The record's version number.")
    date = serializers.DateTimeField(help_text="When this version was complete.")
    event = serializers.ChoiceField(
        choices=[history.PUBLISHED, history.REPUBLISHED, history.CHANGED, history.WITHDRAWN],
        help_text="published (the first), republished (after a withdrawal), changed, or "
        "withdrawn (with a public note).",
    )
    as_of_url = serializers.URLField(
        allow_null=True, help_text="The record as it was then (null for a withdrawal)."
    )
    changes = FieldChangeSerializer(
        many=True, help_text="Public fields changed since the previous published version."
    )
    rows = RowChangeSerializer(
        many=True,
        help_text="Parties, timeline steps, meetings, attendance and sources added, "
        "removed or changed since the previous published version.",
    )
    note = serializers.CharField(help_text="The public note of a withdrawal.")
    note_ko = serializers.CharField()


class VersionPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = VersionSerializer(many=True)
