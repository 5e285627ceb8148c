"""A record's published versions (deals.history.published_versions) and /history/ in the API."""

import pytest

from deals.history import published_versions
from deals.models import Publication
from tests.api.timeline import (
    correct,
    disclose,
    kst,
    publish,
    published_company,
    samsung_deal,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies():
    return (
        published_company(kst(1, 9), name="Nvidia", name_ko="엔비디아", slug="nvidia"),
        published_company(kst(1, 9), name="Samsung Electronics", name_ko="삼성전자",
                          slug="samsung-electronics"),
    )


@pytest.fixture
def deal(companies):
    """Drafted on the 29th, published on the 30th, corrected on the 31st, re-drafted after."""
    nvidia, samsung = companies
    deal = samsung_deal(kst(29, 9), supplier=nvidia, buyer=samsung,
                        publication=Publication.DRAFT, summary="draft wording")
    correct(deal, kst(29, 18), summary="first public wording")
    publish(deal, kst(30, 12))
    disclose(deal, kst(31, 10), "7000000000")
    return deal


def test_published_versions_are_newest_first_with_what_changed(deal):
    versions = published_versions(deal)
    assert [v.first for v in versions] == [False, True]
    newest, first = versions
    assert newest.date > first.date
    assert (newest.event, first.event) == ("changed", "published")
    changed = {c.field: (c.old, c.new) for c in newest.changes}
    assert changed["disclosure"] == ("undisclosed", "disclosed")
    assert str(changed["amount"][1]) == "7000000000.00"
    assert "version" not in changed and "updated_at" not in changed
    # The draft's wording never appears: drafts are not versions.
    assert all("draft wording" not in (c.old, c.new) for v in versions for c in v.changes)
