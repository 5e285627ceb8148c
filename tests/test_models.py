"""The model rules: each one is a clear field-level error from `full_clean()`, and, where the
database can hold it, a named constraint that refuses the row when validation is bypassed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from deals.models import (
    AttendanceStatus,
    Company,
    DealMeeting,
    DealParty,
    DealStatus,
    Disclosure,
    ExchangeRate,
    Meeting,
    MeetingRole,
    PartyRole,
    Project,
    ProjectRole,
    Publication,
    Source,
)
from tests import factories

pytestmark = pytest.mark.django_db

SEOUL = dt.timezone(dt.timedelta(hours=9))


def field_errors(record, field: str) -> list[str]:
    """Run full_clean(), which must fail, and return the messages on the one field."""
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    errors = caught.value.message_dict
    assert field in errors, f"expected an error on {field!r}, got {errors!r}"
    return errors[field]


def assert_database_refuses(record, constraint: str) -> None:
    """Save without validation: the named constraint refuses it and no row is added."""
    model = type(record)
    before = model.objects.count()
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        record.save()
    message = str(caught.value)
    # SQLite names the columns of a failed unique index, not the index; PostgreSQL names it.
    sqlite_unique = connection.vendor == "sqlite" and "UNIQUE constraint failed" in message
    assert constraint in message or sqlite_unique, message
    assert model.objects.count() == before


# --- Parties ---------------------------------------------------------------------------------


def test_company_cannot_be_both_supplier_and_buyer_of_one_deal():
    deal = factories.DealFactory(title_ko="삼성전자 HBM 공급")
    samsung = factories.CompanyFactory(name="Samsung Electronics", name_ko="삼성전자")
    factories.DealPartyFactory(deal=deal, company=samsung, role=PartyRole.SUPPLIER)

    party = DealParty(deal=deal, company=samsung, role=PartyRole.BUYER)

    messages = field_errors(party, "role")
    assert "both supplier and buyer" in " ".join(messages)
    assert_database_refuses(party, "deals_dealparty_supplier_not_buyer")
    assert list(deal.parties.values_list("role", flat=True)) == [PartyRole.SUPPLIER]


def test_supplier_may_also_be_a_partner_in_the_same_deal():
    deal = factories.DealFactory()
    nvidia = factories.CompanyFactory(name="Nvidia", name_ko="엔비디아")
    factories.DealPartyFactory(deal=deal, company=nvidia, role=PartyRole.SUPPLIER)

    partner = DealParty(deal=deal, company=nvidia, role=PartyRole.PARTNER)
    partner.full_clean()
    partner.save()

    assert deal.parties.count() == 2


def test_supplier_of_one_deal_may_buy_in_another():
    sk_hynix = factories.CompanyFactory(name="SK hynix", name_ko="SK하이닉스")
    factories.DealPartyFactory(company=sk_hynix, role=PartyRole.SUPPLIER)

    other = DealParty(deal=factories.DealFactory(), company=sk_hynix, role=PartyRole.BUYER)
    other.full_clean()
    other.save()

    assert sk_hynix.deal_parties.count() == 2


def test_same_company_cannot_hold_the_same_role_twice():
    party = factories.DealPartyFactory(role=PartyRole.BUYER)

    twin = DealParty(deal=party.deal, company=party.company, role=PartyRole.BUYER)

    with pytest.raises(ValidationError):
        twin.full_clean()
    assert_database_refuses(twin, "deals_dealparty_")


# --- Money, quantities and capacities ------------------------------------------------------

MONEY_FACTORIES = [
    pytest.param(factories.DealFactory, id="deal"),
    pytest.param(factories.ProjectFactory, id="project"),
]


@pytest.mark.parametrize("factory", MONEY_FACTORIES)
@pytest.mark.parametrize(
    ("values", "field", "message", "constraint"),
    [
        pytest.param(
            {"amount": Decimal("-0.01"), "currency": "KRW", "disclosure": Disclosure.DISCLOSED},
            "amount",
            "cannot be negative",
            "amount_not_negative",
            id="negative-amount",
        ),
        pytest.param(
            {
                "amount": Decimal("7000000000000"),
                "currency": "",
                "disclosure": Disclosure.DISCLOSED,
            },
            "currency",
            "needs a currency",
            "amount_has_currency",
            id="amount-without-currency",
        ),
        pytest.param(
            {
                "amount": Decimal("5000000000"),
                "currency": "USD",
                "disclosure": Disclosure.UNDISCLOSED,
            },
            "amount",
            "undisclosed value has no amount",
            "undisclosed_has_no_amount",
            id="undisclosed-with-amount",
        ),
    ],
)
def test_money_rule_is_a_field_error_and_a_database_constraint(
    factory, values, field, message, constraint
):
    record = factory.build(**values)

    assert message in " ".join(field_errors(record, field))
    assert_database_refuses(record, f"deals_{record._meta.model_name}_{constraint}")


@pytest.mark.parametrize("factory", MONEY_FACTORIES)
@pytest.mark.parametrize("disclosure", [Disclosure.DISCLOSED, Disclosure.ESTIMATED])
def test_disclosed_or_estimated_value_needs_an_amount(factory, disclosure):
    record = factory.build(amount=None, currency="KRW", disclosure=disclosure)

    assert "needs an amount" in " ".join(field_errors(record, "amount"))


@pytest.mark.parametrize("factory", MONEY_FACTORIES)
def test_undisclosed_value_without_amount_is_valid(factory):
    record = factory.build(amount=None, currency="", disclosure=Disclosure.UNDISCLOSED)

    record.full_clean()
    record.save()

    assert type(record).objects.get(pk=record.pk).amount is None


@pytest.mark.parametrize("factory", MONEY_FACTORIES)
def test_zero_amount_is_not_negative(factory):
    record = factory.build(amount=Decimal("0"), currency="USD", disclosure=Disclosure.DISCLOSED)

    record.full_clean()


@pytest.mark.parametrize("factory", MONEY_FACTORIES)
@pytest.mark.parametrize("currency", ["XYZ", "krw", "Usd", "원", "KR", "US$"])
def test_currency_must_be_an_iso_4217_code(factory, currency):
    record = factory.build(
        amount=Decimal("1000000"), currency=currency, disclosure=Disclosure.DISCLOSED
    )

    assert "ISO 4217" in " ".join(field_errors(record, "currency"))


@pytest.mark.parametrize("currency", ["KRW", "USD", "JPY", "EUR", "TWD"])
def test_real_currency_codes_are_accepted(currency):
    deal = factories.DealFactory.build(
        amount=Decimal("1000000"), currency=currency, disclosure=Disclosure.ESTIMATED
    )

    deal.full_clean()


def test_deal_quantity_cannot_be_negative():
    deal = factories.DealFactory.build(quantity=Decimal("-260000"))

    assert "cannot be negative" in " ".join(field_errors(deal, "quantity"))
    assert_database_refuses(deal, "deals_deal_quantity_not_negative")


def test_deal_quantity_needs_a_unit():
    deal = factories.DealFactory.build(quantity=Decimal("50000"), quantity_unit="")

    assert "needs a unit" in " ".join(field_errors(deal, "quantity_unit"))
    assert_database_refuses(deal, "deals_deal_quantity_has_unit")


def test_deal_without_quantity_needs_no_unit():
    deal = factories.DealFactory.build(quantity=None, quantity_unit="")

    deal.full_clean()


@pytest.mark.parametrize("field", ["capacity_mw", "capacity_mw_target"])
def test_project_capacity_cannot_be_negative(field):
    project = factories.ProjectFactory.build(name_ko="울산 AI 데이터센터", **{field: Decimal("-1")})

    assert "cannot be negative" in " ".join(field_errors(project, field))
    assert_database_refuses(project, "deals_project_capacity_not_negative")


def test_project_gpu_count_cannot_be_negative():
    project = factories.ProjectFactory.build(gpu_count=-50000)

    field_errors(project, "gpu_count")
    before = Project.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        project.save()
    assert Project.objects.count() == before


def test_project_target_date_cannot_come_before_its_start():
    project = factories.ProjectFactory.build(
        start_date=dt.date(2027, 1, 1), target_date=dt.date(2026, 12, 31)
    )

    assert "cannot come before the start" in " ".join(field_errors(project, "target_date"))
    assert_database_refuses(project, "deals_project_target_after_start")


# --- Meetings --------------------------------------------------------------------------------


def test_meeting_cannot_end_before_it_starts():
    starts = dt.datetime(2025, 10, 30, 19, 30, tzinfo=SEOUL)
    meeting = factories.MeetingFactory.build(
        title_ko="깐부치킨 회동", starts_at=starts, ends_at=starts - dt.timedelta(minutes=1)
    )

    assert "cannot end before it starts" in " ".join(field_errors(meeting, "ends_at"))
    assert_database_refuses(meeting, "deals_meeting_ends_after_start")


def test_meeting_may_end_when_it_starts_or_have_no_end():
    starts = dt.datetime(2025, 10, 30, 19, 30, tzinfo=SEOUL)

    factories.MeetingFactory.build(starts_at=starts, ends_at=starts).full_clean()
    factories.MeetingFactory.build(starts_at=starts, ends_at=None).full_clean()


def test_meeting_cannot_be_part_of_itself_or_of_its_own_part():
    summit = factories.MeetingFactory(title="APEC CEO Summit", title_ko="APEC CEO 서밋")
    dinner = factories.MeetingFactory(title_ko="치맥 회동", parent=summit)

    summit.parent = summit
    assert "loop" in " ".join(field_errors(summit, "parent"))
    with pytest.raises(IntegrityError), transaction.atomic():
        summit.save()

    summit.parent = dinner
    field_errors(summit, "parent")
    assert Meeting.objects.get(pk=summit.pk).parent is None


# --- Sources ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://files.example.kr/report.pdf",
        "javascript:alert(document.cookie)",
        "news.example.kr/기사/2025/10/31",
        "mailto:desk@example.kr",
    ],
)
def test_source_url_must_be_http_or_https(url):
    source = factories.SourceFactory.build(url=url)

    assert field_errors(source, "url")
    assert_database_refuses(source, "deals_source_url_is_http")


@pytest.mark.parametrize(
    "url",
    ["https://news.example.kr/기사/2025/10/31?id=엔비디아", "http://www.mk.co.kr/news/11453120"],
)
def test_source_url_may_be_http_or_https_with_korean_path(url):
    source = factories.SourceFactory.build(url=url)

    source.full_clean()
    source.save()


def test_source_url_with_upper_case_scheme_is_accepted_on_every_database():
    source = factories.SourceFactory.build(url="HTTPS://News.Example.kr/Story")

    source.full_clean()
    source.save()

    assert Source.objects.get(pk=source.pk).url.startswith("https://")


def test_source_url_is_unique():
    first = factories.SourceFactory(url="https://www.yna.co.kr/view/AKR20251031")

    twin = factories.SourceFactory.build(url=first.url, title_ko="같은 기사")

    assert "already exists" in " ".join(field_errors(twin, "url"))
    assert_database_refuses(twin, "deals_source_unique_url")


def test_several_sources_may_have_no_url():
    for number in range(3):
        source = factories.SourceFactory.build(url="", title_ko=f"지면 기사 {number}")
        source.full_clean()
        source.save()

    assert Source.objects.filter(url="").count() == 3


# --- Names in either language ----------------------------------------------------------------

NAMED = [
    pytest.param(factories.CompanyFactory, "name", id="company"),
    pytest.param(factories.PersonFactory, "name", id="person"),
    pytest.param(factories.SourceFactory, "title", id="source"),
    pytest.param(factories.DealFactory, "title", id="deal"),
    pytest.param(factories.MeetingFactory, "title", id="meeting"),
    pytest.param(factories.ProjectFactory, "name", id="project"),
]


def build(factory, **values):
    """An unsaved record whose foreign keys point at saved rows."""
    if factory is factories.PersonFactory:
        values.setdefault("company", factories.CompanyFactory())
    return factory.build(**values)


@pytest.mark.parametrize(("factory", "field"), NAMED)
def test_name_in_english_only_is_enough(factory, field):
    record = build(factory, **{field: "Stargate Korea", f"{field}_ko": ""})

    record.full_clean()
    record.save()


@pytest.mark.parametrize(("factory", "field"), NAMED)
def test_name_in_korean_only_is_enough(factory, field):
    record = build(factory, **{field: "", f"{field}_ko": "스타게이트 코리아"})

    record.full_clean()
    record.save()


@pytest.mark.parametrize(("factory", "field"), NAMED)
def test_name_in_neither_language_is_refused(factory, field):
    record = build(factory, **{field: "", f"{field}_ko": ""})

    assert "English or in Korean" in " ".join(field_errors(record, field))
    assert_database_refuses(record, f"deals_{record._meta.model_name}_{field}_in_one_language")


# --- Company parents -------------------------------------------------------------------------


def test_company_cannot_be_its_own_parent():
    sk = factories.CompanyFactory(name="SK Group", name_ko="SK그룹")

    sk.parent = sk
    assert "loop" in " ".join(field_errors(sk, "parent"))
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        sk.save()
    assert "deals_company_not_own_parent" in str(caught.value)
    assert Company.objects.get(pk=sk.pk).parent is None


def test_company_parents_cannot_make_a_loop():
    sk = factories.CompanyFactory(name="SK Group", name_ko="SK그룹")
    hynix = factories.CompanyFactory(name="SK hynix", name_ko="SK하이닉스", parent=sk)

    sk.parent = hynix

    assert "loop" in " ".join(field_errors(sk, "parent"))


def test_company_parents_cannot_make_a_longer_loop():
    group = factories.CompanyFactory(name="Hyundai Motor Group", name_ko="현대자동차그룹")
    motor = factories.CompanyFactory(name_ko="현대자동차", parent=group)
    robots = factories.CompanyFactory(name="Boston Dynamics", parent=motor)

    group.parent = robots

    field_errors(group, "parent")


def test_company_chain_of_parents_without_loop_is_valid():
    sk = factories.CompanyFactory(name="SK Group", name_ko="SK그룹")
    telecom = factories.CompanyFactory.build(name="SK Telecom", name_ko="SK텔레콤", parent=sk)

    telecom.full_clean()
    telecom.save()

    assert list(sk.subsidiaries.all()) == [telecom]


# --- Publication -----------------------------------------------------------------------------

RECORDS = [
    pytest.param(factories.CompanyFactory, id="company"),
    pytest.param(factories.PersonFactory, id="person"),
    pytest.param(factories.SourceFactory, id="source"),
    pytest.param(factories.ExchangeRateFactory, id="exchange-rate"),
    pytest.param(factories.DealFactory, id="deal"),
    pytest.param(factories.MeetingFactory, id="meeting"),
    pytest.param(factories.ProjectFactory, id="project"),
]


@pytest.mark.parametrize("factory", RECORDS)
def test_published_record_needs_a_publication_time(factory):
    record = build(factory, publication=Publication.PUBLISHED, published_at=None)

    assert "publication time" in " ".join(field_errors(record, "published_at"))
    assert_database_refuses(record, f"deals_{record._meta.model_name}_published_has_date")


@pytest.mark.parametrize("factory", RECORDS)
def test_draft_needs_no_publication_time(factory):
    record = build(factory, publication=Publication.DRAFT, published_at=None)

    record.full_clean()


# --- Exchange rates --------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [Decimal("0"), Decimal("-1431.7")])
def test_exchange_rate_must_be_positive(rate):
    record = factories.ExchangeRateFactory.build(rate=rate)

    assert "greater than zero" in " ".join(field_errors(record, "rate"))
    assert_database_refuses(record, "deals_exchangerate_rate_positive")


def test_one_exchange_rate_per_currency_per_day():
    factories.ExchangeRateFactory(currency="KRW", date=dt.date(2025, 10, 29))

    twin = factories.ExchangeRateFactory.build(
        currency="KRW", date=dt.date(2025, 10, 29), rate=Decimal("1440")
    )

    assert "already a rate" in " ".join(field_errors(twin, "date"))
    assert_database_refuses(twin, "deals_exchangerate_one_rate_a_day")


def test_other_day_or_other_currency_may_have_its_own_rate():
    factories.ExchangeRateFactory(currency="KRW", date=dt.date(2025, 10, 29))

    factories.ExchangeRateFactory.build(currency="KRW", date=dt.date(2025, 10, 30)).full_clean()
    factories.ExchangeRateFactory.build(
        currency="JPY", date=dt.date(2025, 10, 29), rate=Decimal("152.8")
    ).full_clean()


def test_exchange_rate_currency_must_be_an_iso_code():
    record = factories.ExchangeRateFactory.build(currency="krw")

    field_errors(record, "currency")


# --- Reading in two languages ----------------------------------------------------------------


def test_localized_reads_korean_under_korean():
    samsung = factories.CompanyFactory.build(name="Samsung Electronics", name_ko="삼성전자")

    with translation.override("ko"):
        assert samsung.localized("name") == "삼성전자"
        assert str(samsung) == "삼성전자"
    with translation.override("en"):
        assert samsung.localized("name") == "Samsung Electronics"
        assert str(samsung) == "Samsung Electronics"


def test_localized_falls_back_to_english_when_korean_is_empty():
    company = factories.CompanyFactory.build(name="Boston Dynamics", name_ko="")

    with translation.override("ko"):
        assert company.localized("name") == "Boston Dynamics"


def test_localized_falls_back_to_korean_when_english_is_empty():
    ministry = factories.CompanyFactory.build(name="", name_ko="과학기술정보통신부")

    with translation.override("en"):
        assert ministry.localized("name") == "과학기술정보통신부"
        assert str(ministry) == "과학기술정보통신부"


def test_localized_reads_fields_other_than_names():
    deal = factories.DealFactory.build(product="Blackwell GPUs", product_ko="블랙웰 GPU")

    with translation.override("ko"):
        assert deal.localized("product") == "블랙웰 GPU"
    with translation.override("en"):
        assert deal.localized("product") == "Blackwell GPUs"


# --- How records read as text ----------------------------------------------------------------


def test_str_of_named_records_is_their_localized_name():
    with translation.override("ko"):
        assert str(factories.PersonFactory.build(name="Jensen Huang", name_ko="젠슨 황")) == (
            "젠슨 황"
        )
        assert str(factories.DealFactory.build(title="GPUs for Korea", title_ko="한국행 GPU")) == (
            "한국행 GPU"
        )
        assert str(factories.MeetingFactory.build(title="Chimaek", title_ko="치맥 회동")) == (
            "치맥 회동"
        )
        assert str(factories.ProjectFactory.build(name="Stargate", name_ko="스타게이트")) == (
            "스타게이트"
        )


def test_str_of_source_gives_publisher_date_and_title():
    source = factories.SourceFactory.build(
        publisher="Yonhap",
        publisher_ko="연합뉴스",
        published_on=dt.date(2025, 10, 31),
        title="Nvidia to supply 260,000 GPUs",
        title_ko="엔비디아, GPU 26만 장 공급",
    )

    with translation.override("ko"):
        assert str(source) == "연합뉴스, 2025-10-31: 엔비디아, GPU 26만 장 공급"
    with translation.override("en"):
        assert str(source) == "Yonhap, 2025-10-31: Nvidia to supply 260,000 GPUs"


def test_str_of_source_without_publisher_or_date_uses_its_url():
    source = factories.SourceFactory.build(
        publisher="",
        publisher_ko="",
        published_on=None,
        url="https://example.kr/a",
        title="A",
    )

    with translation.override("en"):
        assert str(source) == "https://example.kr/a: A"


def test_str_of_exchange_rate_drops_trailing_zeros():
    rate = factories.ExchangeRateFactory(
        currency="KRW", date=dt.date(2025, 10, 29), rate=Decimal("1431.700000")
    )

    assert str(ExchangeRate.objects.get(pk=rate.pk)) == "KRW 1431.7 / USD (2025-10-29)"


def test_str_of_links_names_both_ends():
    hynix = factories.CompanyFactory(name="SK hynix", name_ko="SK하이닉스")
    chey = factories.PersonFactory(name="Chey Tae-won", name_ko="최태원")
    dinner = factories.MeetingFactory(title="Chimaek dinner", title_ko="치맥 회동")
    deal = factories.DealFactory()

    with translation.override("en"):
        party = factories.DealPartyFactory(deal=deal, company=hynix, role=PartyRole.SUPPLIER)
        assert str(party) == "SK hynix (Supplier)"
        event = factories.DealEventFactory(
            deal=deal, date=dt.date(2025, 10, 31), status=DealStatus.ANNOUNCED
        )
        assert str(event) == "2025-10-31 Announced"
        link = DealMeeting.objects.create(deal=deal, meeting=dinner, role=MeetingRole.ANNOUNCED)
        assert str(link) == "Chimaek dinner (Announced)"
        attendance = factories.AttendanceFactory(
            meeting=dinner, person=chey, status=AttendanceStatus.ABSENT
        )
        assert str(attendance) == "Chey Tae-won (Expected but absent)"
        project_party = factories.ProjectPartyFactory(company=hynix, role=ProjectRole.OPERATOR)
        assert str(project_party) == "SK hynix (Operator)"
    with translation.override("ko"):
        assert str(party).startswith("SK하이닉스 (")


def test_deal_str_falls_back_to_korean_title():
    deal = factories.DealFactory.build(title="", title_ko="현대차그룹 GPU 5만 장")

    with translation.override("en"):
        assert str(deal) == "현대차그룹 GPU 5만 장"


def test_source_url_differing_only_in_scheme_case_is_a_duplicate():
    factories.SourceFactory(url="https://news.example.kr/엔비디아")

    twin = factories.SourceFactory.build(url="HTTPS://news.example.kr/엔비디아")

    assert "already exists" in " ".join(field_errors(twin, "url"))


@pytest.mark.parametrize(
    "factory", [factories.CompanyFactory, factories.MeetingFactory], ids=["company", "meeting"]
)
def test_parent_that_does_not_exist_is_a_field_error_not_a_crash(factory):
    record = factory.build(parent_id=987654321)

    assert field_errors(record, "parent")


# --- Figures over deals ----------------------------------------------------------------------


def test_gpus_by_buyer_counts_gpu_deals_for_each_published_buyer():
    from deals.models import Deal

    published = Publication.PUBLISHED
    samsung = factories.CompanyFactory(name="Samsung", name_ko="삼성전자", publication=published)
    sk = factories.CompanyFactory(name="SK", name_ko="SK그룹", publication=published)
    hidden = factories.CompanyFactory(name="Hidden buyer", publication=Publication.DRAFT)
    two_buyers = factories.make_deal(buyer=samsung, quantity=Decimal("50000"))
    DealParty.objects.create(deal=two_buyers, company=sk, role=PartyRole.BUYER)
    DealParty.objects.create(deal=two_buyers, company=hidden, role=PartyRole.BUYER)
    factories.make_deal(buyer=sk, quantity=Decimal("260000"), quantity_qualifier="more_than")
    factories.make_deal(buyer=samsung, quantity=Decimal("9000"), quantity_unit="servers")
    factories.make_deal(buyer=samsung, quantity=None, quantity_unit="")
    factories.make_deal(buyer=sk, quantity=Decimal("1"), publication=Publication.DRAFT)

    rows = list(Deal.objects.published().gpus_by_buyer(12))
    assert rows == [
        {"company": sk.pk, "gpus": Decimal("310000")},
        {"company": samsung.pk, "gpus": Decimal("50000")},
    ]
    assert list(Deal.objects.published().gpus_by_buyer(1)) == rows[:1]
    # A tie goes to the company made first, so that the chart is stable.
    assert list(Deal.objects.filter(pk=two_buyers.pk).gpus_by_buyer(12)) == [
        {"company": samsung.pk, "gpus": Decimal("50000")},
        {"company": sk.pk, "gpus": Decimal("50000")},
    ]


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("prefix", ["/", "/a&b's/"])
def test_slug_urls_escaped_gives_reverse_escaped_for_an_attribute(language, prefix):
    import html

    from django.urls import NoReverseMatch, reverse, set_script_prefix

    from deals.models.base import slug_urls

    set_script_prefix(prefix)
    try:
        with translation.override(language):
            expected = reverse("deals:company_detail", kwargs={"slug": "sk-hynix_2025"})
            plain = slug_urls("deals:company_detail")
            escaped = slug_urls("deals:company_detail", escaped=True)
            assert plain("sk-hynix_2025") == expected
            assert escaped("sk-hynix_2025") == html.escape(expected)
            for ugly in ("삼성", 'a&b"'):  # refused by the address, as reverse refuses them
                with pytest.raises(NoReverseMatch):
                    escaped(ugly)
    finally:
        set_script_prefix("/")
    assert prefix == "/" or "&amp;b&#x27;s/" in escaped("sk-hynix_2025")
