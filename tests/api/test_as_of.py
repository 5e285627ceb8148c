"""`?as_of=`: what was published at a moment, from the history tables, records and relations."""

import datetime as dt
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deals import services
from deals.models import Deal, PartyRole, Publication
from tests import factories
from tests.api.helpers import RESOURCES, assert_error, slugs
from tests.api.timeline import (
    at,
    correct,
    kst,
    publish,
    published_company,
    replace_parties,
    samsung_deal,
    unpublish,
)

pytestmark = pytest.mark.django_db


def as_of(url: str, when: dt.datetime | str) -> str:
    moment = when if isinstance(when, str) else when.isoformat()
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}as_of={quote(moment)}"


@pytest.fixture
def story():
    """The Gyeongju week, in Seoul time:

    - 1 Oct: Nvidia, Samsung and SK hynix are published; Naver is a draft until 31 Oct 18:00.
    - 29 Oct: the Samsung deal is drafted (50,000 GPUs); published 30 Oct 12:00.
    - 31 Oct 10:00: corrected to 260,000 GPUs.
    - 1 Nov 09:00: the buyer becomes SK hynix, and Naver joins as a partner.
    - The Naver deal is drafted on 29 Oct and published only on 2 Nov.
    """

    class Story:
        nvidia = published_company(kst(1, 9), name="Nvidia", name_ko="엔비디아", slug="nvidia")
        samsung = published_company(
            kst(1, 9), name="Samsung Electronics", name_ko="삼성전자", slug="samsung-electronics"
        )
        hynix = published_company(kst(1, 9), name="SK hynix", name_ko="SK하이닉스", slug="sk-hynix")

    with at(kst(1, 9)):
        Story.naver = factories.CompanyFactory(name="Naver", name_ko="네이버", slug="naver")
    with at(kst(31, 18)):
        Story.naver.publication = Publication.PUBLISHED
        Story.naver.published_at = timezone.now()
        Story.naver.save()
    Story.deal = samsung_deal(
        kst(29, 9),
        supplier=Story.nvidia,
        buyer=Story.samsung,
        publication=Publication.DRAFT,
        slug="nvidia-samsung-gpus",
    )
    publish(Story.deal, kst(30, 12))
    correct(Story.deal, kst(31, 10), quantity=Decimal("260000"))
    replace_parties(
        Story.deal,
        kst(nov(1), 9),
        [
            (Story.nvidia, PartyRole.SUPPLIER),
            (Story.hynix, PartyRole.BUYER),
            (Story.naver, PartyRole.PARTNER),
        ],
    )
    Story.late = samsung_deal(
        kst(29, 10),
        supplier=Story.nvidia,
        buyer=Story.samsung,
        publication=Publication.DRAFT,
        slug="nvidia-naver-late",
    )
    publish(Story.late, kst(nov(2), 9))
    return Story


def nov(day: int) -> int:
    """A day of November for kst(), which counts days from 1 October."""
    return 31 + day


def deal_url(story, when) -> str:
    return as_of(f"/api/v1/deals/{story.deal.slug}/", when)


def test_before_a_correction_the_old_figure_and_after_it_the_new(api, story):
    before = api.get(deal_url(story, kst(30, 15)))
    assert before.status_code == 200, before.content
    assert before.json()["quantity"] == "50000.00"
    assert before.json()["as_of"] == "2025-10-30T15:00:00+09:00"
    after = api.get(deal_url(story, kst(31, 11)))
    assert after.json()["quantity"] == "260000.00"
    assert after.json()["version"] > before.json()["version"]
    # And the present is the present.
    assert api.get(f"/api/v1/deals/{story.deal.slug}/").json()["quantity"] == "260000.00"


def test_a_draft_is_absent_until_it_is_published(api, story):
    assert_error(api.get(deal_url(story, kst(29, 12))), 404)  # drafted, not yet published
    assert_error(api.get(as_of("/api/v1/deals/nvidia-naver-late/", kst(31, 12))), 404)
    listed = api.get(as_of("/api/v1/deals/", kst(31, 12)))
    assert slugs(listed) == ["nvidia-samsung-gpus"]
    assert listed.json()["as_of"] == "2025-10-31T12:00:00+09:00"
    later = api.get(as_of("/api/v1/deals/", kst(nov(2), 10)))
    assert sorted(slugs(later)) == ["nvidia-naver-late", "nvidia-samsung-gpus"]


def test_a_deleted_deal_is_present_before_its_deletion(api, story):
    with at(kst(nov(3), 9)):
        Deal.objects.get(pk=story.deal.pk).delete()
    assert_error(api.get(f"/api/v1/deals/{story.deal.slug}/"), 404)
    before = api.get(deal_url(story, kst(nov(2), 12)))
    assert before.status_code == 200
    assert [p["name_ko"] for p in before.json()["parties"]] == ["SK하이닉스", "네이버", "엔비디아"]
    assert "nvidia-samsung-gpus" in slugs(api.get(as_of("/api/v1/deals/", kst(nov(2), 12))))
    assert_error(api.get(deal_url(story, kst(nov(3), 10))), 404)
    assert slugs(api.get(as_of("/api/v1/deals/", kst(nov(3), 10)))) == ["nvidia-naver-late"]


def test_an_unpublished_deal_is_absent_while_it_is_withdrawn(api, story):
    unpublish(story.deal, kst(nov(4), 9))
    assert api.get(deal_url(story, kst(nov(3), 9))).status_code == 200
    assert_error(api.get(deal_url(story, kst(nov(4), 10))), 404)


def test_parties_are_those_of_the_moment_in_both_languages(api, story):
    def parties(when):
        body = api.get(deal_url(story, when)).json()
        return [(p["role"], p["company"], p["name_ko"]) for p in body["parties"]]

    assert parties(kst(31, 12)) == [
        ("buyer", "samsung-electronics", "삼성전자"),
        ("supplier", "nvidia", "엔비디아"),
    ]
    assert parties(kst(nov(1), 10)) == [
        ("buyer", "sk-hynix", "SK하이닉스"),
        ("partner", "naver", "네이버"),
        ("supplier", "nvidia", "엔비디아"),
    ]


def test_a_company_appears_in_a_deal_only_once_it_was_published(api, story):
    """Naver, a party since 1 Nov 09:00, goes back to draft at 08:00 that day: as of a moment
    when it was a party but a draft, it is left out, as the live API leaves out drafts."""
    with at(kst(nov(1), 8)):
        story.naver.publication = Publication.DRAFT
        story.naver.published_at = None
        story.naver.save()
    hidden = api.get(deal_url(story, kst(nov(1), 10))).json()
    assert "naver" not in [p["company"] for p in hidden["parties"]]
    assert_error(api.get(as_of("/api/v1/companies/naver/", kst(nov(1), 10))), 404)
    assert api.get(as_of("/api/v1/companies/naver/", kst(31, 19))).status_code == 200


def test_a_companys_name_is_the_name_it_had_then(api, story):
    with at(kst(nov(5), 9)):
        story.samsung.name_ko = "삼성전자(주)"
        story.samsung.save()
    then = api.get(deal_url(story, kst(31, 12))).json()
    assert "삼성전자" in [p["name_ko"] for p in then["parties"]]
    company = api.get(as_of("/api/v1/companies/samsung-electronics/", kst(31, 12))).json()
    assert company["name_ko"] == "삼성전자"
    assert api.get("/api/v1/companies/samsung-electronics/").json()["name_ko"] == "삼성전자(주)"


def test_sources_are_the_links_of_the_moment(api, story):
    with at(kst(nov(5), 9)):
        extra = factories.SourceFactory(
            publication=Publication.PUBLISHED, slug="yonhap-20251101", title_ko="연합뉴스 단독"
        )
    first = [s["slug"] for s in api.get(deal_url(story, kst(31, 12))).json()["sources"]]
    with at(kst(nov(6), 9)):
        services.deal_update(
            deal=Deal.objects.get(pk=story.deal.pk),
            fields={},
            parts=services.DealParts(sources=[extra]),
        )
    assert [s["slug"] for s in api.get(deal_url(story, kst(31, 12))).json()["sources"]] == first
    now = api.get(deal_url(story, kst(nov(6), 10))).json()["sources"]
    assert [(s["slug"], s["title_ko"]) for s in now] == [("yonhap-20251101", "연합뉴스 단독")]


def test_a_list_as_of_a_moment_searches_in_korean_and_pages(api, story):
    found = api.get(as_of("/api/v1/deals/?q=" + quote("삼성"), kst(nov(2), 10)))
    assert sorted(slugs(found)) == ["nvidia-naver-late", "nvidia-samsung-gpus"]
    first = api.get(as_of("/api/v1/deals/?page_size=1&ordering=title", kst(nov(2), 10)))
    assert len(slugs(first)) == 1
    second = api.get(first.json()["next"])
    assert second.status_code == 200, second.content
    assert len(slugs(second)) == 1 and slugs(second) != slugs(first)
    assert second.json()["next"] is None


def test_filters_that_read_todays_relations_are_refused_as_of_a_moment(api, story):
    response = api.get(as_of("/api/v1/deals/?supplier=nvidia&status=announced", kst(31, 12)))
    assert_error(response, 400, "supplier", "status")
    assert_error(api.get(as_of("/api/v1/deals/?ordering=nonsense", kst(31, 12))), 400, "ordering")


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r != "exchange-rates"])
def test_as_of_now_shows_what_the_live_api_shows(api, resource):
    """The as-of loader and the live querysets agree on every field and relation."""
    record = RESOURCES[resource]()
    url = f"/api/v1/{resource}/{record.slug}/"
    moment = (timezone.now() + dt.timedelta(seconds=1)).isoformat()
    then = api.get(as_of(url, moment))
    assert then.status_code == 200, then.content
    body = then.json()
    assert body.pop("as_of")
    assert body == api.get(url).json()
    listed = api.get(as_of(f"/api/v1/{resource}/", moment)).json()["results"]
    assert [row for row in listed if row["slug"] == record.slug] == [body]


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r != "exchange-rates"])
def test_a_list_as_of_a_moment_costs_the_same_queries_for_one_row_and_many(api, resource):
    def count() -> int:
        moment = (timezone.now() + dt.timedelta(seconds=1)).isoformat()
        with CaptureQueriesContext(connection) as queries:
            response = api.get(as_of(f"/api/v1/{resource}/", moment))
        assert response.status_code == 200
        return len(queries)

    RESOURCES[resource]()
    one = count()
    for _ in range(4):
        RESOURCES[resource]()
    assert count() == one
    assert one <= 14


def test_a_record_as_of_a_moment_costs_a_fixed_number_of_queries(
    api, story, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        assert api.get(deal_url(story, kst(nov(2), 10))).status_code == 200


BAD = [
    "yesterday",
    "2025-02-30T12:00+09:00",
    "2025-10-30T12:00",  # no offset: refused, not guessed
    "2025-10-30",
    "0000-01-01T00:00Z",
    "0001-01-01T00:00+09:00",  # before year 1 in UTC
    "9999-12-31T23:59-09:00",  # after year 9999 in UTC
    "1e309",
    "2025-10-30T25:00+09:00",
    "",
    "9" * 10_000_000,
]


@pytest.mark.parametrize("raw", BAD, ids=lambda raw: raw[:30])
@pytest.mark.parametrize("path", ["/api/v1/deals/", "/api/v1/deals/some-deal/"])
def test_a_moment_that_is_not_one_is_refused_naming_as_of(api, raw, path):
    error = assert_error(api.get(path, {"as_of": raw}), 400, "as_of")
    assert len(error["message"]) < 500


def test_a_plus_that_arrived_as_a_space_is_read_as_a_plus(api, story):
    response = api.get(f"/api/v1/deals/{story.deal.slug}/?as_of=2025-10-31T11:00+09:00")
    assert response.status_code == 200, response.content
    assert response.json()["as_of"] == "2025-10-31T11:00:00+09:00"
    assert response.json()["quantity"] == "260000.00"


def test_utc_and_seoul_name_the_same_moment(api, story):
    seoul = api.get(deal_url(story, "2025-10-31T09:59+09:00")).json()
    utc = api.get(deal_url(story, "2025-10-31T00:59Z")).json()
    assert seoul["quantity"] == utc["quantity"] == "50000.00"


def test_an_offset_postgresql_cannot_store_still_names_a_moment(api, story):
    """Python accepts offsets up to ±23:59, PostgreSQL only to ±15:59: the moment is compared
    in UTC, so a far offset is no server error."""
    response = api.get(deal_url(story, "2025-10-31T12:00+23:59"))
    assert response.status_code == 200, response.content
    assert response.json()["as_of"] == "2025-10-30T21:01:00+09:00"
