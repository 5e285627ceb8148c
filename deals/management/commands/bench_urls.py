"""Print, as JSON, the addresses the benchmark drives (bench/run.py), for the dataset in use.

Addresses that depend on the data (a deal in the middle of the table, the hub company, the
cursor of page 2,000) are looked up here, with the app's own code, so the driver needs none.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.core.management.base import BaseCommand

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
        filters = {"status": "signed", "q": "Samsung"}
        self.stdout.write(json.dumps({
            "floor": "/bench/floor",
            "home": "/",
            "deal list p1": "/deals/",
            f"deal list p{page:,}": deep_page_url(page),
            "filtered+searched list": "/deals/?" + urlencode(filters),
            "list search 삼성 (2 syllables)": "/deals/?" + urlencode({"q": "삼성"}),
            "list search 엔비디아": "/deals/?" + urlencode({"q": "엔비디아"}),
            "deal page": deal.get_absolute_url(),
            "hub company page": hub.get_absolute_url(),
            "graph data": "/graph/data.json",
            "API deal list (50)": "/api/v1/deals/",
            "API deal detail": f"/api/v1/deals/{deal.slug}/",
            "API filtered list": "/api/v1/deals/?" + urlencode(
                {"status": "signed", "supplier": hub.slug}
            ),
            "Atom feed": "/feed/",
        }, ensure_ascii=False))


def deep_page_url(page: int) -> str:
    """The address a reader reaches by following "Next" page-1 times from the first page."""
    try:
        from deals.keyset import deal_list_cursor
    except ImportError:  # before keyset pagination: page numbers
        return f"/deals/?page={page}"
    return "/deals/?" + urlencode({"cursor": deal_list_cursor((page - 1) * HTML_PAGE)})
