"""What every public page shares: published records only, and lists that page cheaply."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django_filters.views import FilterView

from .. import keyset
from ..cache import cached_for_generation
from ..filters import SortFilter
from ..keyset import SortKey

#: Rows per page on the public lists.
PAGE_SIZE = 25


class CappedPaginator(Paginator):
    """A paginator that never counts past `cap` rows.

    The count runs as `SELECT COUNT(*) FROM (... LIMIT cap)`, so its cost does not grow with the
    table; page numbers stay in the URL. Past the cap, Next carries a cursor (PublishedListView).
    """

    cap = 1000

    @cached_property
    def count(self) -> int:
        # Without the list's order: any `cap` rows count the same, and unordered PostgreSQL may
        # read them from a search index instead of walking the sort index and testing each row
        # (a two-letter search such as AI: 550 ms of database time ordered, 9 ms unordered).
        capped = self.object_list.order_by()[: self.cap]
        # Even capped, counting a common search's matches reads them all from its index (엔비디아
        # at a million deals: 18 ms). The count is a figure over the whole table, kept like
        # the home page's totals until the next edit, under its own SQL and parameters: any
        # filter makes another entry.
        try:
            sql, params = capped.query.get_compiler(capped.db).as_sql()
        except EmptyResultSet:  # a filter that matches nothing (`.none()`): no query to run
            return 0
        return cached_for_generation("list-count", (sql, repr(params)), capped.count)

    @property
    def is_capped(self) -> bool:
        return self.count >= self.cap


class PublishedMixin:
    """Limits a view to published records, through the model's QuerySet vocabulary.

    `queryset_method` names the QuerySet method that loads what the page shows
    (`for_lists`, `for_detail`, `with_related`), so each page says what it loads.
    """

    model = None
    queryset_method: str | None = None

    def get_queryset(self):
        queryset = self.model.objects.published()
        if self.queryset_method:
            queryset = getattr(queryset, self.queryset_method)()
        return queryset


class PreparedDetailMixin:
    """A detail view whose object is read by `read_for_page(slug)` (deals/detail_rows.py: one
    prepared statement loading what the view's `queryset_method` loads); a missing record is
    DetailView's own 404."""

    read_for_page = None

    def get_object(self, queryset=None):
        if queryset is None:
            record = self.read_for_page(self.kwargs[self.slug_url_kwarg])
            if record is not None:
                return record
        return super().get_object(queryset)


class KeysetPage:
    """A page reached by a cursor (`?cursor=`): the rows after (or before) the last row seen.

    Past the capped page numbers readers move with Next and Previous; each page is one indexed
    range query (deals/keyset.py), so page 2,000 costs what page 1 does.
    """

    number = None

    def __init__(self, rows, paginator, *, next_cursor, previous_cursor) -> None:
        self.object_list = rows
        self.paginator = paginator
        self.next_cursor = next_cursor
        self.previous_cursor = previous_cursor

    def __len__(self) -> int:
        return len(self.object_list)

    def __iter__(self):
        return iter(self.object_list)

    def has_next(self) -> bool:
        return self.next_cursor is not None

    def has_previous(self) -> bool:
        return True  # the first page is always one link away


class PublishedListView(PublishedMixin, FilterView):
    """A filtered, sorted, paginated public list. The filter state lives in the query string.

    The first pages are numbered (up to the paginator's cap); from the last numbered page on,
    Next carries a cursor instead, so no page ever makes the database skip rows (OFFSET).
    """

    paginate_by = PAGE_SIZE
    paginator_class = CappedPaginator
    #: The sort keys offered in the page's "Sort by" box, as (FilterSet key, label).
    sort_options: list[tuple[str, str]] = []
    # An invalid filter (a bad date) is shown as an error; the valid ones still apply.
    strict = False

    def sort_key(self, queryset):
        sort = self.filterset.filters.get("ordering") if self.filterset else None
        if not isinstance(sort, SortFilter):
            return None
        field, descending = sort.parse(self.request.GET.get("ordering"))
        return SortKey.for_model(queryset.model, field, descending)

    def paginate_queryset(self, queryset, page_size):
        token = self.request.GET.get("cursor")
        key = self.sort_key(queryset)
        if token and key is not None:
            try:
                position, backwards = keyset.decode(token)
                rows, more = keyset.page(
                    queryset, key, position, backwards=backwards, size=page_size
                )
            except (ValueError, TypeError, ValidationError):
                raise Http404(_("This page address is not valid.")) from None
            paginator = self.get_paginator(queryset, page_size)
            next_cursor = previous_cursor = None
            if rows and (more or backwards):
                next_cursor = keyset.encode(key.position_of(rows[-1]), backwards=False)
            if rows and (more or not backwards):
                previous_cursor = keyset.encode(key.position_of(rows[0]), backwards=True)
            page = KeysetPage(
                rows, paginator, next_cursor=next_cursor, previous_cursor=previous_cursor
            )
            return paginator, page, rows, True
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        page.next_cursor = None
        if key is not None and paginator.is_capped and not page.has_next() and rows:
            # The last numbered page: the rest of the list is reached by cursor.
            page.next_cursor = keyset.encode(key.position_of(list(rows)[-1]), backwards=False)
        return paginator, page, rows, is_paginated

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        # Always bound, so the FilterSet's default sort applies to an unfiltered list too.
        kwargs["data"] = self.request.GET
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        params.pop("cursor", None)
        context["filter_query"] = params.urlencode()
        context["is_filtered"] = any(v for k, v in params.items() if k != "ordering")
        sort = self.filterset.filters.get("ordering")
        context["sort_options"] = self.sort_options
        context["sort_current"] = self.request.GET.get("ordering") or getattr(sort, "default", "")
        return context
