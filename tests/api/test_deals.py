"""The deals endpoint: its shape, its filters, and editors' writes through the services."""

import datetime as dt
from decimal import Decimal

import pytest

from deals.models import (
    Company,
    Deal,
    DealParty,
    DealStatus,
    Disclosure,
    PartyRole,
    Publication,
)
from tests import factories
from tests.api.helpers import assert_error, published_source, slugs

pytestmark = pytest.mark.django_db

PUBLISHED = Publication.PUBLISHED


@pytest.fixture
def nvidia(db):
    return factories.CompanyFactory(
        slug="nvidia", name="Nvidia", name_ko="엔비디아", country="US", publication=PUBLISHED
    )


@pytest.fixture
def samsung(db):
    return factories.CompanyFactory(
        slug="samsung-electronics",
        name="Samsung Electronics",
        name_ko="삼성전자",
        country="KR",
        publication=PUBLISHED,
    )


@pytest.fixture
def hyundai(db):
    return factories.CompanyFactory(
        slug="hyundai-motor",
        name="Hyundai Motor",
        name_ko="현대자동차",
        country="KR",
        publication=PUBLISHED,
    )


@pytest.fixture
def source(db):
    return published_source(slug="yonhap-1031")


def payload(supplier, buyer, source, **overrides):
    data = {
        "slug": "nvidia-samsung-blackwell",
        "title": "Nvidia to supply 50,000 GPUs to Samsung",
        "title_ko": "엔비디아, 삼성에 GPU 5만 장 공급",
        "kind": "supply_contract",
        "product": "Blackwell GPUs",
        "product_ko": "블랙웰 GPU",
        "product_category": "gpu",
        "quantity": "50000",
        "quantity_unit": "gpus",
        "quantity_qualifier": "up_to",
        "disclosure": "undisclosed",
        "parties": [
            {"company": supplier.slug, "role": "supplier"},
            {"company": buyer.slug, "role": "buyer", "note_ko": "삼성전자 반도체"},
        ],
        "events": [{"date": "2025-10-31", "status": "announced", "source": source.slug}],
        "sources": [source.slug],
    }
    data.update(overrides)
    return data


# --- Reading ---------------------------------------------------------------------------------


def test_deal_carries_parties_value_timeline_and_links(api, nvidia, samsung):
    rate = factories.ExchangeRateFactory(
        currency="KRW", date=dt.date(2025, 10, 1), rate=Decimal("1400"), publication=PUBLISHED
    )
    deal = factories.make_deal(
        supplier=nvidia,
        buyer=samsung,
        disclosure=Disclosure.DISCLOSED,
        amount=Decimal("7000000000000"),
        currency="KRW",
    )
    body = api.get(f"/api/v1/deals/{deal.slug}/").json()
    assert {(p["company"], p["role"], p["name_ko"]) for p in body["parties"]} == {
        ("nvidia", "supplier", "엔비디아"),
        ("samsung-electronics", "buyer", "삼성전자"),
    }
    assert body["amount"] == "7000000000000.00"  # an exact decimal string, never a float
    assert body["usd_amount"] == "5000000000.00"
    assert body["usd_rate"]["slug"] == rate.slug
    assert body["usd_rate"]["date"] == "2025-10-01"
    assert body["usd_rate"]["rate"] == "1400.000000"
    assert body["quantity"] == "50000.00"
    assert body["status"] == "announced"
    assert body["events"][0]["source"]["slug"]
    assert body["events"][0]["source"]["url"].startswith("https://")
    assert body["sources"] and body["html_url"].endswith(f"/deals/{deal.slug}/")
    assert body["api_url"] == f"http://localhost/api/v1/deals/{deal.slug}/"


def test_draft_company_of_a_published_deal_is_left_out_for_anonymous(api, nvidia):
    hidden = factories.CompanyFactory(publication=Publication.DRAFT)
    deal = factories.make_deal(supplier=nvidia, buyer=hidden)
    parties = api.get(f"/api/v1/deals/{deal.slug}/").json()["parties"]
    assert [p["company"] for p in parties] == ["nvidia"]


# --- Filters ---------------------------------------------------------------------------------


@pytest.fixture
def three_deals(nvidia, samsung, hyundai):
    to_samsung = factories.make_deal(supplier=nvidia, buyer=samsung, slug="to-samsung")
    to_hyundai = factories.make_deal(
        supplier=nvidia,
        buyer=hyundai,
        slug="to-hyundai",
        disclosure=Disclosure.DISCLOSED,
        amount=Decimal("3000000000"),
        currency="USD",
        events=(
            (dt.date(2025, 10, 31), DealStatus.ANNOUNCED),
            (dt.date(2025, 11, 20), DealStatus.SIGNED),
        ),
    )
    samsung_sells = factories.make_deal(
        supplier=samsung,
        buyer=hyundai,
        slug="samsung-sells",
        product_category="hbm",
        events=((dt.date(2024, 3, 1), DealStatus.RUMORED),),
    )
    return to_samsung, to_hyundai, samsung_sells


def listed(api, **params):
    response = api.get("/api/v1/deals/", params)
    assert response.status_code == 200, response.content
    return set(slugs(response))


def test_filter_by_supplier_buyer_and_any_role(api, three_deals):
    assert listed(api, supplier="nvidia") == {"to-samsung", "to-hyundai"}
    assert listed(api, buyer="hyundai-motor") == {"to-hyundai", "samsung-sells"}
    assert listed(api, buyer="nvidia") == set()
    assert listed(api, company="samsung-electronics") == {"to-samsung", "samsung-sells"}
    assert listed(api, supplier="nvidia", buyer="hyundai-motor") == {"to-hyundai"}


def test_filter_by_status_several_at_once(api, three_deals):
    assert listed(api, status="signed") == {"to-hyundai"}
    assert listed(api, status=["signed", "rumored"]) == {"to-hyundai", "samsung-sells"}


def test_a_records_address_answers_without_filters_and_with_them_as_before(api, three_deals):
    # Without a query string the detail skips the filters (nothing to narrow); with one they
    # apply as DRF applies them to a detail lookup.
    assert api.get("/api/v1/deals/to-hyundai/").status_code == 200
    assert api.get("/api/v1/deals/to-hyundai/", {"status": "signed"}).status_code == 200
    assert (
        api.get("/api/v1/deals/to-hyundai/", {"supplier": "samsung-electronics"}).status_code == 404
    )
    assert api.get("/api/v1/deals/to-hyundai/", {"q": "없는 말"}).status_code == 404


def test_filter_by_disclosure(api, three_deals):
    assert listed(api, disclosed="true") == {"to-hyundai"}
    assert listed(api, disclosed="false") == {"to-samsung", "samsung-sells"}


def test_filter_by_country_category_and_dates(api, three_deals):
    assert listed(api, country="us") == {"to-samsung", "to-hyundai"}
    assert listed(api, product_category="hbm") == {"samsung-sells"}
    assert listed(api, announced_after="2025-01-01") == {"to-samsung", "to-hyundai"}
    assert listed(api, event_after="2025-11-01", event_before="2025-11-30") == {"to-hyundai"}


def test_filter_by_updated_since_for_polling(api, three_deals):
    Deal.objects.filter(slug="to-samsung").update(updated_at="2020-01-01T00:00:00Z")
    assert listed(api, updated_since="2021-01-01T00:00:00+09:00") == {"to-hyundai", "samsung-sells"}
    # An unescaped + arrives as a space; it is read as the offset it was meant to be.
    assert "to-samsung" not in listed(api, updated_since="2021-01-01T00:00:00 09:00")
    assert listed(api, updated_since="2020-01-01") == {"to-samsung", "to-hyundai", "samsung-sells"}


def test_filter_names_a_bad_value(api, three_deals):
    response = api.get("/api/v1/deals/", {"status": "maybe", "updated_since": "yesterday"})
    assert_error(response, 400, "status", "updated_since")


def test_ordering_by_usd_amount_puts_missing_values_last(api, three_deals):
    assert slugs(api.get("/api/v1/deals/", {"ordering": "-usd_amount"}))[0] == "to-hyundai"
    assert slugs(api.get("/api/v1/deals/", {"ordering": "usd_amount"}))[0] == "to-hyundai"


def test_korean_and_partial_english_search(api, three_deals):
    Deal.objects.filter(slug="to-samsung").update(title="Samsung buys", title_ko="삼성 구매")
    assert listed(api, q="삼성") == {"to-samsung"}
    assert listed(api, search="SAMSUNG BU") == {"to-samsung"}
    assert listed(api, q="블랙웰") == {"to-samsung", "to-hyundai", "samsung-sells"}


# --- Writing ---------------------------------------------------------------------------------


def test_editor_creates_a_deal_with_parties_through_the_services(
    editor_api, nvidia, samsung, source
):
    response = editor_api.post("/api/v1/deals/", payload(nvidia, samsung, source), format="json")
    assert response.status_code == 201, response.content
    deal = Deal.objects.get(slug="nvidia-samsung-blackwell")
    assert response["Location"] == "http://localhost/api/v1/deals/nvidia-samsung-blackwell/"
    assert {(p.company.slug, p.role) for p in deal.parties.all()} == {
        ("nvidia", PartyRole.SUPPLIER),
        ("samsung-electronics", PartyRole.BUYER),
    }
    assert deal.status == DealStatus.ANNOUNCED  # derived by the services from the timeline
    assert deal.announced_on == dt.date(2025, 10, 31)
    assert deal.publication == Publication.DRAFT
    body = response.json()
    assert body["title_ko"] == "엔비디아, 삼성에 GPU 5만 장 공급"
    assert body["parties"][0]["note_ko"] == "삼성전자 반도체"
    assert body["version"] == deal.version


def test_editor_changes_a_deal_and_replaces_its_parties(editor_api, nvidia, samsung, hyundai):
    deal = factories.make_deal(supplier=nvidia, buyer=samsung)
    response = editor_api.patch(
        f"/api/v1/deals/{deal.slug}/",
        {
            "title_ko": "수정된 제목",
            "parties": [
                {"company": "nvidia", "role": "supplier"},
                {"company": "hyundai-motor", "role": "buyer"},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    deal.refresh_from_db()
    assert deal.title_ko == "수정된 제목"
    assert set(deal.parties.values_list("company__slug", flat=True)) == {"nvidia", "hyundai-motor"}


def test_patch_without_parts_leaves_them_alone(editor_api, published_deal):
    before = set(published_deal.parties.values_list("company_id", "role"))
    response = editor_api.patch(
        f"/api/v1/deals/{published_deal.slug}/", {"summary": "More detail."}, format="json"
    )
    assert response.status_code == 200, response.content
    assert set(published_deal.parties.values_list("company_id", "role")) == before


def test_a_write_carries_its_reason_into_the_history(editor_api, editor, nvidia, samsung, hyundai):
    deal = factories.make_deal(supplier=nvidia, buyer=samsung)
    reason = "연합뉴스 보도로 구매사 정정 (buyer corrected)"
    response = editor_api.patch(
        f"/api/v1/deals/{deal.slug}/",
        {
            "summary_ko": "현대차가 구매",
            "change_reason": f"  {reason} ",
            "parties": [
                {"company": "nvidia", "role": "supplier"},
                {"company": "hyundai-motor", "role": "buyer"},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert "change_reason" not in response.json()
    latest = deal.history.latest()
    assert (latest.history_change_reason, latest.history_user) == (reason, editor)
    # The parties replaced in the same write carry it too.
    party_rows = DealParty.history.filter(deal_id=deal.pk, company_id=hyundai.pk)
    assert [(r.history_type, r.history_change_reason, r.history_user) for r in party_rows] == [
        ("+", reason, editor)
    ]
    # A write without one leaves the reason empty, not the previous write's.
    editor_api.patch(f"/api/v1/deals/{deal.slug}/", {"summary": "x"}, format="json")
    assert not deal.history.latest().history_change_reason


def test_a_source_write_carries_its_reason(editor_api, editor):
    source = published_source()
    response = editor_api.patch(
        f"/api/v1/sources/{source.slug}/",
        {"title_ko": "고친 제목", "change_reason": "제목 오타"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert source.history.latest().history_change_reason == "제목 오타"


@pytest.mark.parametrize("reason", ["가" * 101, ["a list"], "\x00null"])
def test_a_bad_reason_is_refused_and_nothing_is_written(editor_api, published_deal, reason):
    versions = published_deal.history.count()
    response = editor_api.patch(
        f"/api/v1/deals/{published_deal.slug}/",
        {"summary": "Never saved", "change_reason": reason},
        format="json",
    )
    error = assert_error(response, 400)
    assert "change_reason" in str(error), error
    published_deal.refresh_from_db()
    assert published_deal.summary != "Never saved"
    assert published_deal.history.count() == versions


def test_stale_version_is_refused_with_409_and_nothing_written(editor_api, published_deal):
    stale = published_deal.version
    ok = editor_api.patch(
        f"/api/v1/deals/{published_deal.slug}/",
        {"summary": "First edit", "version": stale},
        format="json",
    )
    assert ok.status_code == 200, ok.content
    late = editor_api.patch(
        f"/api/v1/deals/{published_deal.slug}/",
        {"summary": "Second edit", "version": stale},
        format="json",
    )
    assert_error(late, 409)
    published_deal.refresh_from_db()
    assert published_deal.summary == "First edit"


def test_publication_cannot_be_changed_through_the_api(editor_api, nvidia, samsung, source):
    response = editor_api.post(
        "/api/v1/deals/",
        payload(nvidia, samsung, source, publication="published"),
        format="json",
    )
    assert_error(response, 400, "publication")
    assert not Deal.objects.exists()


def assert_rejected_and_nothing_written(response, *fields):
    error = assert_error(response, 400, *fields)
    assert not Deal.objects.exists()
    assert not DealParty.objects.exists()
    return error


def test_supplier_that_is_also_buyer_is_rejected(editor_api, nvidia, source):
    response = editor_api.post("/api/v1/deals/", payload(nvidia, nvidia, source), format="json")
    error = assert_rejected_and_nothing_written(response, "parties")
    assert "both supplier and buyer" in " ".join(error["fields"]["parties"])


def test_negative_amount_is_rejected(editor_api, nvidia, samsung, source):
    data = payload(nvidia, samsung, source, amount="-5", currency="USD", disclosure="disclosed")
    assert_rejected_and_nothing_written(
        editor_api.post("/api/v1/deals/", data, format="json"), "amount"
    )


def test_undisclosed_value_with_an_amount_is_rejected(editor_api, nvidia, samsung, source):
    data = payload(nvidia, samsung, source, amount="100", currency="USD")
    error = assert_rejected_and_nothing_written(
        editor_api.post("/api/v1/deals/", data, format="json"), "amount"
    )
    assert "undisclosed" in " ".join(error["fields"]["amount"]).lower()


def test_unknown_currency_is_rejected(editor_api, nvidia, samsung, source):
    data = payload(nvidia, samsung, source, amount="100", currency="XYZ", disclosure="disclosed")
    assert_rejected_and_nothing_written(
        editor_api.post("/api/v1/deals/", data, format="json"), "currency"
    )


def test_huge_numbers_are_rejected(editor_api, nvidia, samsung, source):
    data = payload(
        nvidia,
        samsung,
        source,
        amount="1e30",
        currency="USD",
        disclosure="disclosed",
        quantity="123456789012345678901234567890",
    )
    assert_rejected_and_nothing_written(
        editor_api.post("/api/v1/deals/", data, format="json"), "amount", "quantity"
    )


def test_korean_text_is_kept_but_a_korean_slug_is_rejected(editor_api, nvidia, samsung, source):
    data = payload(nvidia, samsung, source, slug="엔비디아-삼성")
    assert_rejected_and_nothing_written(
        editor_api.post("/api/v1/deals/", data, format="json"), "slug"
    )


def test_every_bad_field_is_named_at_once(editor_api, nvidia, samsung, source):
    data = payload(
        nvidia,
        samsung,
        source,
        kind="handshake",
        quantity="-1",
        parties=[{"company": "no-such-company", "role": "supplier"}],
        events=[{"date": "2025-13-45", "status": "announced"}],
    )
    assert_rejected_and_nothing_written(
        editor_api.post("/api/v1/deals/", data, format="json"),
        "kind",
        "quantity",
        "parties.0.company",
        "events.0.date",
    )


def test_a_failure_after_the_row_is_saved_rolls_everything_back(editor_api, nvidia, source):
    """The party check runs after the deal row is saved; the row must go too."""
    data = payload(nvidia, nvidia, source)
    editor_api.post("/api/v1/deals/", data, format="json")
    assert not Deal.objects.exists()
    assert Company.objects.filter(slug="nvidia").exists()


def test_duplicate_slug_is_a_field_error(editor_api, nvidia, samsung, source, published_deal):
    data = payload(nvidia, samsung, source, slug=published_deal.slug)
    assert_error(editor_api.post("/api/v1/deals/", data, format="json"), 400, "slug")
    assert Deal.objects.count() == 1


def test_a_body_that_is_not_json_is_a_400(editor_api):
    response = editor_api.post("/api/v1/deals/", "{not json", content_type="application/json")
    assert_error(response, 400)
