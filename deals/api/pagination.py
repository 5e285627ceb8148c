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

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from deals import keyset
from deals.filters import SortFilter
from deals.keyset import SortKey


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
        return SortKey.for_model(queryset.model, field, descending)

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
            return keyset.decode(raw)
        except ValueError:
            raise self.invalid_cursor() from None

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
        position = self.key.position_of(row)
        # The record's id, not the row's primary key: rows of a list `?as_of=` a moment are
        # historical rows, whose primary key is the history id.
        position[2] = row.id
        token = keyset.encode(position, backwards=backwards)
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def paginate_queryset(self, queryset, request, view=None):
        self.base_url = request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        self.key = self.sort_key(queryset, request, view)
        cursor = self.decode_cursor(request)
        backwards = bool(cursor and cursor[1])
        try:
            page, more = keyset.page(
                queryset,
                self.key,
                cursor[0] if cursor else None,
                backwards=backwards,
                size=self.page_size,
            )
        except (DjangoValidationError, ValueError, TypeError):
            raise self.invalid_cursor() from None

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
