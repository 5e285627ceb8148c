"""Every endpoint the benchmark drives (bench/run.py, deals/management/commands/bench_urls.py)
runs the same number of queries with one row to show as with many, so an N+1 fails here before
it shows in the benchmark. tests/web/test_pages.py and tests/api/test_resources.py cover the
other pages and resources the same way."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals import models
from deals.keyset import deal_list_cursor
from deals.management.commands.bench_urls import FILTERED_SEARCHED, full_page_url
from tests import factories

pytestmark = pytest.mark.django_db

PUBLISHED = models.Publication.PUBLISHED
#: No benchmarked endpoint may run more queries than this.
BOUND = 15


@pytest.fixture
def hub():
    return factories.CompanyFactory(
        slug="hub", name="Nvidia", name_ko="엔비디아", publication=PUBLISHED
    )


def add_deals(hub, n: int, start: int = 0) -> list[models.Deal]:
    """`n` published deals supplied by the hub to Samsung affiliates, signed, about AI."""
    made = []
    for i in range(start, start + n):
        buyer = factories.CompanyFactory(
            publication=PUBLISHED, name=f"Samsung AI Unit {i}", name_ko=f"삼성 AI {i}"
        )
        made.append(
            factories.make_deal(
                supplier=hub,
                buyer=buyer,
                title=f"Nvidia to supply AI chips to Samsung {i}",
                title_ko=f"엔비디아, 삼성에 AI 칩 공급 {i}",
                product="AI accelerators",
                events=(
                    (dt.date(2025, 9, 1 + i % 28), models.DealStatus.ANNOUNCED),
                    (dt.date(2025, 10, 1 + i % 28), models.DealStatus.SIGNED),
                ),
            )
        )
    return made


def endpoints(hub, deal) -> dict[str, str]:
    return {
        "home": "/",
        "deal list": "/deals/",
        "deal list by cursor": "/deals/?" + urlencode({"cursor": deal_list_cursor(1)}),
        "filtered+searched list": "/deals/?" + urlencode(FILTERED_SEARCHED, doseq=True),
        "list search 삼성": "/deals/?" + urlencode({"q": "삼성"}),
        "list search AI": "/deals/?" + urlencode({"q": "AI"}),
        "deal page": deal.get_absolute_url(),
        "hub company page": hub.get_absolute_url(),
        "graph data": "/graph/data.json",
        "graph data, all it can draw": "/graph/data.json?limit=2000",
        "API deal list": "/api/v1/deals/",
        "API deal detail": f"/api/v1/deals/{deal.slug}/",
        "API filtered list": "/api/v1/deals/?"
        + urlencode({"status": "signed", "supplier": hub.slug}),
        "Atom feed": "/feed/",
    }


def count_queries(client, address: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    return response.status_code, len(captured.captured_queries)


def test_benchmarked_endpoints_run_a_fixed_number_of_queries(client, hub):
    """Each endpoint with 2 deals (so a cursor page has one row), then with 60 (more than a
    page of the HTML list and of the API): the same count (see below), under the bound."""
    first = add_deals(hub, 2)
    few = {
        name: count_queries(client, address) for name, address in endpoints(hub, first[0]).items()
    }
    add_deals(hub, 58, start=2)
    many = {
        name: count_queries(client, address) for name, address in endpoints(hub, first[0]).items()
    }
    for name in few:
        assert few[name][0] == 200, name
        assert many[name][0] == 200, name
    # Keyset pages (deals/keyset.py) read deals without an announcement date with one more
    # range query when those with one do not fill the page: a short list may run one query more
    # than a long one, never fewer. Every other endpoint runs exactly as many.
    keyset_paged = {"deal list by cursor", "API deal list", "API filtered list"}
    changed = {
        name: (few[name][1], many[name][1])
        for name in few
        if many[name][1] != few[name][1]
        and not (name in keyset_paged and many[name][1] == few[name][1] - 1)
    }
    assert not changed, f"query count changes with the rows: {changed}"
    over = {name: count for name, (_status, count) in many.items() if count > BOUND}
    assert not over, f"more than {BOUND} queries: {over}"


def test_the_lists_really_grow_between_the_two_measurements(client, hub):
    """Guards the test above: with 60 deals the pages show full pages of rows."""
    add_deals(hub, 60)
    page = client.get("/deals/")
    assert len(page.context["page_obj"].object_list) == 25
    cursor_page = client.get("/deals/?" + urlencode({"cursor": deal_list_cursor(25)}))
    assert len(cursor_page.context["page_obj"].object_list) == 25
    assert len(client.get("/api/v1/deals/").json()["results"]) == 50
    assert len(client.get("/deals/?q=삼성").context["page_obj"].object_list) == 25
    assert len(client.get(hub.get_absolute_url()).context["deals_as_supplier"]) == 25


def test_the_benchmarks_filtered_list_must_fill_a_page(hub):
    """bench_urls refuses a filtered and searched address that shows less than a page (the row
    would measure less work at one scale than at the other), and gives it once it fills one."""
    add_deals(hub, 2)
    with pytest.raises(CommandError, match="shows 2 deals, not a page of 25"):
        full_page_url(FILTERED_SEARCHED)
    add_deals(hub, 58, start=2)
    address = full_page_url(FILTERED_SEARCHED)
    assert address == "/deals/?status=signed&status=announced&q=Samsung"
