"""Deal pages: the filtered list, its CSV twin, and a deal's own page."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.utils.translation import get_language
from django.views import View
from django.views.generic import DetailView
from django_countries import countries
from django_countries.fields import Country

from ..cache import cached_for_generation
from ..detail_rows import published_deal_for_page
from ..filters import DealFilterSet
from ..i18n import kept_per_language
from ..models import Company, Deal, ExchangeRate, PartyRole
from ..spreadsheets import safe_cell
from ..table_rows import deal_table_rows
from .base import PreparedDetailMixin, PublishedListView, PublishedMixin

#: Up to this many published companies, the deal filters offer them in drop-down lists; past
#: it, a field for the company's address name, since a page listing every company three times
#: would weigh megabytes (and the lists are still reachable from each company's page).
CHOICES_LIMIT = 300


def filter_choices():
    """The companies and countries a reader can pick in the deal filters (published only).

    Companies are None when there are too many to list (see CHOICES_LIMIT); every country is
    offered then, rather than reading every company to find theirs. Countries come as codes.
    The same for every reader until the next edit, so kept in the cache (deals/cache.py) per
    language.
    """
    return cached_for_generation("deal-filter-choices", (get_language() or "",), _filter_choices)


def _filter_choices():
    companies = list(
        Company.objects.published().only("slug", "name", "name_ko", "country")[: CHOICES_LIMIT + 1]
    )
    if len(companies) > CHOICES_LIMIT:
        return None, tuple(country.code for country in countries)
    companies.sort(key=lambda c: str(c).casefold())
    return companies, tuple(sorted({str(c.country.code) for c in companies if c.country}))


@kept_per_language()
def _country_options(codes: tuple[str, ...], language: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((code, str(Country(code).name)) for code in codes), key=lambda o: o[1]))


def country_options(codes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(code, name) pairs in name order, for country codes. A country's name is a translation
    lookup each time it is read, which with every country offered was the list page's largest
    cost; the pairs are made once per process and language."""
    return _country_options(codes, get_language() or "")


def country_choices(request, codes: tuple[str, ...]) -> dict:
    """What a list's country drop-down needs: the options for `codes`, and the code the
    request's `?country=` selects (as the filter reads it: trimmed, upper case)."""
    return {
        "countries": country_options(codes),
        "country_selected": (request.GET.get("country") or "").strip().upper(),
    }


class DealListView(PublishedListView):
    model = Deal
    filterset_class = DealFilterSet
    template_name = "deals/deal_list.html"

    def paginate_queryset(self, queryset, page_size):
        """The page is chosen reading only the ids and the sort field its cursors need; then
        its rows are read by id, as every deal table's are (deals/table_rows.py)."""
        sort = self.filterset_class.base_filters["ordering"]
        light = sort.positions(queryset, self.request.GET.get("ordering"))
        paginator, page, chosen, is_paginated = super().paginate_queryset(light, page_size)
        rows = deal_table_rows(row.id for row in chosen)
        page.object_list = rows
        return paginator, page, rows, is_paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["companies"], countries_offered = filter_choices()
        context.update(country_choices(self.request, countries_offered))
        return context


class DealDetailView(PreparedDetailMixin, PublishedMixin, DetailView):
    model = Deal
    queryset_method = "for_detail"
    read_for_page = staticmethod(published_deal_for_page)
    template_name = "deals/deal_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        deal = self.object
        parties = deal.public_parties
        context["suppliers"] = [p for p in parties if p.role == PartyRole.SUPPLIER]
        context["buyers"] = [p for p in parties if p.role == PartyRole.BUYER]
        context["other_parties"] = [
            p for p in parties if p.role not in (PartyRole.SUPPLIER, PartyRole.BUYER)
        ]
        # A dollar amount reads better beside its won equivalent on the day it was announced.
        krw_rate = None
        day = deal.announced_on or deal.status_on
        if deal.currency == "USD" and deal.amount is not None and day:
            # The same for every deal of that day until the next edit (deals/cache.py).
            # (In a tuple, so that a day without a rate is kept too.)
            (krw_rate,) = cached_for_generation(
                "krw-rate", (day.isoformat(),), lambda: (krw_rate_on(day),)
            )
        context["krw_rate"] = krw_rate
        return context


def krw_rate_on(day):
    """The published KRW rate of the day, or of the latest day before it with one."""
    return (
        ExchangeRate.objects.published()
        .filter(currency="KRW", date__lte=day)
        .only("currency", "date", "rate")
        .order_by("-date")
        .first()
    )


class DealCsvView(PublishedMixin, View):
    """The deal list as CSV, with the same filters as the page it is linked from."""

    model = Deal
    queryset_method = "for_lists"

    def get(self, request, *args, **kwargs):
        filterset = DealFilterSet(data=request.GET, queryset=self.get_queryset(), request=request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="deals.csv"'
        # A byte-order mark, so that spreadsheet programs read the Korean text as UTF-8.
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [
                "title",
                "title_ko",
                "url",
                "status",
                "status_on",
                "announced_on",
                "kind",
                "product_category",
                "product",
                "product_ko",
                "quantity",
                "quantity_unit",
                "quantity_qualifier",
                "disclosure",
                "amount",
                "currency",
                "amount_qualifier",
                "usd_amount",
                "suppliers",
                "buyers",
                "other_parties",
                "project",
            ]
        )
        url = request.build_absolute_uri
        for deal in filterset.qs:
            writer.writerow([_cell(v) for v in self.row(deal, url)])
        return response

    def row(self, deal, url) -> list:
        parties = deal.public_parties
        names = {
            role: "; ".join(str(p.company) for p in parties if p.role == role)
            for role in (PartyRole.SUPPLIER, PartyRole.BUYER)
        }
        others = "; ".join(
            f"{p.company} ({p.get_role_display()})"
            for p in parties
            if p.role not in (PartyRole.SUPPLIER, PartyRole.BUYER)
        )
        project = deal.project if deal.project and deal.project.is_published else None
        return [
            deal.title,
            deal.title_ko,
            url(deal.get_absolute_url()),
            deal.status,
            deal.status_on or "",
            deal.announced_on or "",
            deal.kind,
            deal.product_category,
            deal.product,
            deal.product_ko,
            _number(deal.quantity),
            deal.quantity_unit,
            deal.quantity_qualifier,
            deal.disclosure,
            _number(deal.amount),
            deal.currency,
            deal.amount_qualifier,
            _number(deal.usd_amount),
            names[PartyRole.SUPPLIER],
            names[PartyRole.BUYER],
            others,
            str(project) if project else "",
        ]


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    return safe_cell(str(value))


def _number(value) -> str:
    return "" if value is None else f"{value.normalize():f}"
