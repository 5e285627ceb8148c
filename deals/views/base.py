"""What every public page shares: published records only, and lists that page cheaply."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django_filters.views import FilterView

#: Rows per page on the public lists.
PAGE_SIZE = 25


class CappedPaginator(Paginator):
    """A paginator that never counts past `cap` rows.

    The count runs as `SELECT COUNT(*) FROM (... LIMIT cap)`, so its cost does not grow with the
    table; page numbers stay in the URL. Past the cap the reader is asked to narrow the filters.
    """

    cap = 1000

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.cap].count()

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


class PublishedListView(PublishedMixin, FilterView):
    """A filtered, sorted, paginated public list. The filter state lives in the query string."""

    paginate_by = PAGE_SIZE
    paginator_class = CappedPaginator
    #: The sort keys offered in the page's "Sort by" box, as (FilterSet key, label).
    sort_options: list[tuple[str, str]] = []
    # An invalid filter (a bad date) is shown as an error; the valid ones still apply.
    strict = False

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        # Always bound, so the FilterSet's default sort applies to an unfiltered list too.
        kwargs["data"] = self.request.GET
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context["filter_query"] = params.urlencode()
        context["is_filtered"] = any(v for k, v in params.items() if k != "ordering")
        sort = self.filterset.filters.get("ordering")
        context["sort_options"] = self.sort_options
        context["sort_current"] = self.request.GET.get("ordering") or getattr(sort, "default", "")
        return context
