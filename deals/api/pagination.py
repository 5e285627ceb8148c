"""Keyset ("cursor") pagination that stays correct under inserts and never counts the table.

DRF's own CursorPagination compares only the first sort field and skips ties by an offset, which
breaks on nullable sort keys (a `None` position cannot be compared) and slows down on long runs
of equal values. Here the cursor holds the whole sort key of the last row seen: whether the sort
field is empty, its value, and the id. The next page is "rows after that key", one indexed range
query, whatever page the client is on.

The sort key comes from the FilterSet's `ordering` filter (`deals.filters.SortFilter`), so the
API and the HTML lists sort alike: missing values last, ties broken by id.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import BooleanField, Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from deals.filters import SortFilter

EMPTY_FLAG = "_sort_empty"


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool
    nullable: bool

    def order_by(self, *, backwards: bool = False) -> list:
        """The ORDER BY for this key, or its exact reverse when paging backwards."""
        descending = self.descending != backwards
        terms = []
        if self.nullable:
            # Empty values last going forwards: flag False (has a value) sorts first.
            terms.append(F(EMPTY_FLAG).desc() if backwards else F(EMPTY_FLAG).asc())
        terms.append(F(self.field).desc() if descending else F(self.field).asc())
        terms.append("-id" if descending else "id")
        return terms

    def after(self, position: list, *, backwards: bool = False) -> Q:
        """Rows strictly after `position` in this order (before it, when going backwards)."""
        empty, value, pk = position
        descending = self.descending != backwards
        beyond = "lt" if descending else "gt"
        id_beyond = Q(**{f"id__{beyond}": pk})
        if not self.nullable:
            return Q(**{f"{self.field}__{beyond}": value}) | (Q(**{self.field: value}) & id_beyond)
        if empty:
            same_group = Q(**{EMPTY_FLAG: True})
            if backwards:
                # Every row with a value comes before the empty ones.
                return Q(**{EMPTY_FLAG: False}) | (same_group & id_beyond)
            return same_group & id_beyond
        in_values = Q(**{EMPTY_FLAG: False})
        later = in_values & (
            Q(**{f"{self.field}__{beyond}": value}) | (Q(**{self.field: value}) & id_beyond)
        )
        if backwards:
            return later
        return later | Q(**{EMPTY_FLAG: True})


class KeysetPagination(BasePagination):
    """`?page_size=` up to `max_page_size`; `next` and `previous` are opaque cursor links."""

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_size = 50
    max_page_size = 500

    def sort_key(self, queryset, request, view) -> SortKey:
        sort = None
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is not None:
            sort = filterset_class.base_filters.get("ordering")
        if isinstance(sort, SortFilter):
            field, descending = sort.parse(request.query_params.get("ordering"))
        else:
            field, descending = "id", False
        nullable = field != "id" and queryset.model._meta.get_field(field).null
        return SortKey(field=field, descending=descending, nullable=nullable)

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError(
                {self.page_size_query_param: [_("Give a whole number of 1 or more.")]}
            )
        return min(size, self.max_page_size)

    def decode_cursor(self, request) -> tuple[list, bool] | None:
        raw = request.query_params.get(self.cursor_query_param)
        if raw in (None, ""):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")).decode("utf-8"))
            position, backwards = data["p"], bool(data.get("b"))
            if not (isinstance(position, list) and len(position) == 3):
                raise ValueError
            empty, value, pk = position
            if not isinstance(empty, bool) or not isinstance(pk, int):
                raise ValueError
            if value is not None and not isinstance(value, str):
                raise ValueError
        except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
            raise self.invalid_cursor() from None
        return position, backwards

    def invalid_cursor(self) -> ValidationError:
        return ValidationError(
            {
                self.cursor_query_param: [
                    _(
                        "This cursor is not valid. Use the next or previous "
                        "link of a response as it is."
                    )
                ]
            }
        )

    def encode_cursor(self, row, *, backwards: bool) -> str:
        value = getattr(row, self.key.field)
        empty = value is None
        position = [empty, None if empty else str(value), row.pk]
        raw = json.dumps({"p": position, "b": int(backwards)}, separators=(",", ":"))
        token = base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii")
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def paginate_queryset(self, queryset, request, view=None):
        self.base_url = request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        self.key = self.sort_key(queryset, request, view)
        cursor = self.decode_cursor(request)
        backwards = bool(cursor and cursor[1])

        if self.key.nullable:
            queryset = queryset.annotate(
                **{
                    EMPTY_FLAG: Case(
                        When(**{f"{self.key.field}__isnull": True}, then=Value(True)),
                        default=Value(False),
                        output_field=BooleanField(),
                    )
                }
            )
        queryset = queryset.order_by(*self.key.order_by(backwards=backwards))
        if cursor:
            try:
                queryset = queryset.filter(self.key.after(cursor[0], backwards=backwards))
            except (DjangoValidationError, ValueError, TypeError):
                raise self.invalid_cursor() from None

        try:
            rows = list(queryset[: self.page_size + 1])
        except (DjangoValidationError, ValueError, TypeError):
            raise self.invalid_cursor() from None
        more = len(rows) > self.page_size
        page = rows[: self.page_size]
        if backwards:
            page.reverse()

        self.next_link = self.previous_link = None
        if page:
            # A backwards page always has rows after it: the one its cursor came from.
            if more or backwards:
                self.next_link = self.encode_cursor(page[-1], backwards=False)
            if cursor and (more or not backwards):
                self.previous_link = self.encode_cursor(page[0], backwards=True)
        elif cursor and not backwards:
            # Past the end (the rows after the cursor went away): offer the way back.
            self.previous_link = remove_query_param(self.base_url, self.cursor_query_param)
        self.page = page
        return page

    def get_paginated_response(self, data):
        return Response({"next": self.next_link, "previous": self.previous_link, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "Link to the next page, or null on the last page.",
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "Link to the previous page, or null on the first page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position from a `next` or `previous` link; do not build "
                "it yourself.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, {self.page_size} by default, at most "
                f"{self.max_page_size}.",
                "schema": {"type": "integer", "minimum": 1, "default": self.page_size},
            },
        ]
