"""Print, as JSON, the addresses the benchmark drives (bench/run.py), for the dataset in use.

Addresses that depend on the data (a deal in the middle of the table, the hub company, the
cursor of page 2,000) are looked up here, with the app's own code, so the driver needs none.
"""

from __future__ import annotations

import html
import json
import re
from urllib.parse import urlencode

from django.core.management.base import BaseCommand, CommandError

from deals.models import Company, Deal

#: Rows per page of the HTML deal list and of the API (its default page size).
HTML_PAGE, API_PAGE = 25, 50


class Command(BaseCommand):
    help = "Print the benchmark's endpoint addresses as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--page", type=int, default=2000, help="The deep page to measure.")

    def handle(self, *args, page: int, **options):
        deals = Deal.objects.published()
        total = deals.count()
        deal = deals.order_by("id")[total // 2]
        hub = Company.objects.get(slug="co-1")
        self.stdout.write(
            json.dumps(
                {
                    "floor": "/bench/floor",
                    "home": "/",
                    "deal list p1": "/deals/",
                    f"deal list p{page:,}": deep_page_url(page),
                    "filtered+searched list": full_page_url(FILTERED_SEARCHED),
                    "list search 삼성 (2 syllables)": "/deals/?" + urlencode({"q": "삼성"}),
                    "list search 엔비디아": "/deals/?" + urlencode({"q": "엔비디아"}),
                    "list search AI (2 letters)": "/deals/?" + urlencode({"q": "AI"}),
                    "deal page": deal.get_absolute_url(),
                    "hub company page": hub.get_absolute_url(),
                    "graph data": "/graph/data.json",
                    "graph data (2,000 deals)": "/graph/data.json?limit=2000",
                    "API deal list (50)": "/api/v1/deals/",
                    "API deal detail": f"/api/v1/deals/{deal.slug}/",
                    "API filtered list": "/api/v1/deals/?"
                    + urlencode({"status": "signed", "supplier": hub.slug}),
                    "Atom feed": "/feed/",
                },
                ensure_ascii=False,
            )
        )


#: A filter and a search that match more than a page at 100,000 deals and at a million. Until
#: stop 21 it was `status=signed` alone, which matched 18 deals at 100,000 and a full page at a
#: million, so the scale rule compared 18 rows with 25.
FILTERED_SEARCHED = {"status": ["signed", "announced"], "q": "Samsung"}


def full_page_url(filters: dict) -> str:
    """The deal list with `filters`, checked to show a full page and a Next link, so that the
    row measures the same work at every scale."""
    address = "/deals/?" + urlencode(filters, doseq=True)
    rows = _rows(address)
    if len(rows) != HTML_PAGE:
        raise CommandError(f"{address} shows {len(rows)} deals, not a page of {HTML_PAGE}")
    _next_link(address)  # and there is more
    return address


def deep_page_url(page: int) -> str:
    """The address a reader reaches by following "Next" page-1 times from the first page.

    Built from the cursor of the row before it, then checked against the app itself: the Next
    link of page `page - 1` must lead exactly here, and the first row here must be row
    (page - 1) x 25 + 1 of the list (counted with an OFFSET, once).
    """
    from deals.keyset import deal_list_cursor

    address = "/deals/?" + urlencode({"cursor": deal_list_cursor((page - 1) * HTML_PAGE)})
    before = "/deals/?" + urlencode({"cursor": deal_list_cursor((page - 2) * HTML_PAGE)})
    next_link = _next_link(before)
    if next_link != address:
        raise CommandError(f"page {page - 1}'s Next link is {next_link}, not {address}")
    first = _rows(address)[0]
    expected = _default_order()[(page - 1) * HTML_PAGE].slug
    if first != expected:
        raise CommandError(
            f"page {page} starts with {first}, not row {(page - 1) * HTML_PAGE + 1} ({expected})"
        )
    return address


def _get(address: str) -> str:
    from django.test import Client

    response = Client(HTTP_HOST="127.0.0.1").get(address)
    if response.status_code != 200:
        raise CommandError(f"{address} answered {response.status_code}")
    return response.content.decode()


def _next_link(address: str) -> str:
    match = re.search(r'<a rel="next" href="([^"]+)"', _get(address))
    if not match:
        raise CommandError(f"{address} has no Next link")
    return "/deals/" + html.unescape(match.group(1))


def _rows(address: str) -> list[str]:
    return re.findall(r'<th scope="row"[^>]*><a href="/deals/([^/"]+)/"', _get(address))


def _default_order():
    """The deal list's default order, written out independently of deals/keyset.py."""
    from django.db.models import F

    from deals.filters import DealFilterSet

    field, descending = DealFilterSet.base_filters["ordering"].parse(None)
    deals = Deal.objects.published().only("slug")
    if descending:
        return deals.order_by(F(field).desc(nulls_last=True), "-id")
    return deals.order_by(F(field).asc(nulls_last=True), "id")
