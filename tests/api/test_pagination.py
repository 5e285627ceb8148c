"""Keyset pagination: every row once, in order, across pages, whatever the sort key."""

import base64
import datetime as dt
from decimal import Decimal

import pytest

from deals.models import Deal
from tests import factories
from tests.api.helpers import assert_error, slugs

pytestmark = pytest.mark.django_db


@pytest.fixture
def deals(db):
    """Seven deals, some sharing a quantity and some with none, to test ties and empties."""
    quantities = [
        Decimal("10"),
        Decimal("10"),
        None,
        Decimal("5"),
        None,
        Decimal("99"),
        Decimal("10"),
    ]
    made = []
    for i, quantity in enumerate(quantities):
        made.append(
            factories.make_deal(
                slug=f"d{i}",
                quantity=quantity,
                quantity_unit="gpus" if quantity else "",
                events=((dt.date(2025, 1, 1 + i), "announced"),),
            )
        )
    return made


def walk(api, url, params):
    """Follow `next` links to the end; returns the slugs in order and the pages seen."""
    response = api.get(url, params)
    pages = [response.json()]
    while pages[-1]["next"]:
        pages.append(api.get(pages[-1]["next"]).json())
    return [row["slug"] for page in pages for row in page["results"]], pages


@pytest.mark.parametrize(
    "ordering",
    ["quantity", "-quantity", "title", "-announced_on", "updated_at", "-usd_amount", None],
)
def test_pages_hold_every_row_once_in_the_unpaginated_order(api, deals, ordering):
    params = {"ordering": ordering} if ordering else {}
    everything = slugs(api.get("/api/v1/deals/", {**params, "page_size": 100}))
    assert sorted(everything) == sorted(d.slug for d in deals)
    walked, pages = walk(api, "/api/v1/deals/", {**params, "page_size": 2})
    assert walked == everything
    assert len(pages) == 4


def test_missing_values_sort_last_both_ways(api, deals):
    up = slugs(api.get("/api/v1/deals/", {"ordering": "quantity"}))
    down = slugs(api.get("/api/v1/deals/", {"ordering": "-quantity"}))
    assert set(up[-2:]) == set(down[-2:]) == {"d2", "d4"}
    assert up[0] == "d3" and down[0] == "d5"


@pytest.mark.parametrize("ordering", ["quantity", "-quantity", "-announced_on"])
def test_previous_links_walk_back_the_same_rows(api, deals, ordering):
    forward, pages = walk(api, "/api/v1/deals/", {"ordering": ordering, "page_size": 2})
    back = []
    page = pages[-1]
    back = [row["slug"] for row in page["results"]]
    while page["previous"]:
        page = api.get(page["previous"]).json()
        back = [row["slug"] for row in page["results"]] + back
    assert back == forward
    assert pages[0]["previous"] is None


def test_a_row_added_meanwhile_does_not_shift_the_next_page(api, deals):
    first = api.get("/api/v1/deals/", {"page_size": 3, "ordering": "-announced_on"}).json()
    factories.make_deal(slug="newest", events=((dt.date(2026, 1, 1), "announced"),))
    second = api.get(first["next"]).json()
    seen = [r["slug"] for r in first["results"]] + [r["slug"] for r in second["results"]]
    assert len(seen) == len(set(seen)) == 6
    assert "newest" not in seen


def test_page_size_is_capped_and_checked(api, deals):
    assert len(api.get("/api/v1/deals/", {"page_size": 3}).json()["results"]) == 3
    assert len(api.get("/api/v1/deals/", {"page_size": 100000}).json()["results"]) == 7
    assert_error(api.get("/api/v1/deals/", {"page_size": "0"}), 400, "page_size")
    assert_error(api.get("/api/v1/deals/", {"page_size": "lots"}), 400, "page_size")


def encoded(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        encoded('{"p": [1, 2, 3]}'),
        encoded('{"p": [false, "not-a-date", 1]}'),
        encoded('{"p": [false, null]}'),
        encoded("[]"),
    ],
)
def test_a_broken_cursor_is_a_400_not_a_crash(api, deals, cursor):
    assert_error(
        api.get("/api/v1/deals/", {"cursor": cursor, "ordering": "-announced_on"}), 400, "cursor"
    )


def test_lists_never_count_the_table(api, deals, django_assert_max_num_queries):
    with django_assert_max_num_queries(6) as captured:
        api.get("/api/v1/deals/", {"page_size": 2})
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
    assert Deal.objects.count() == 7
