"""Numbers, money, quantities and dates as each language's reader expects them."""

import datetime as dt
import zoneinfo
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from deals import formatting as f

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (9999, "9,999"),
        (10000, "1만"),
        (12345, "1만 2,345"),
        (50000, "5만"),
        (260000, "26만"),
        (100_000_000, "1억"),
        (1_234_567_890, "12억 3,457만"),
        (3_000_000_000, "30억"),
        (7 * 10**12, "7조"),
        (4_280_000_000_000, "4조 2,800억"),
        (4_278_000_000_000, "4조 2,780억"),
        # Rounding the second group up to a whole first group.
        (2_999_960_000_000, "3조"),
        (Decimal("50000.00"), "5만"),
    ],
)
def test_korean_number_groups_by_four_digits(value, expected):
    assert f.korean_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (950, "950"),
        (260000, "260,000"),
        (1_000_000, "1 million"),
        (250_000_000, "250 million"),
        (3_000_000_000, "3 billion"),
        (2_500_000_000, "2.5 billion"),
        (7 * 10**12, "7 trillion"),
        (4_278_000_000_000, "4.28 trillion"),
    ],
)
def test_english_number_uses_scale_words(value, expected):
    assert f.english_number(value) == expected


@pytest.mark.parametrize(
    ("amount", "currency", "lang", "expected"),
    [
        (7 * 10**12, "KRW", "ko", "7조 원"),
        (4_280_000_000_000, "KRW", "ko", "4조 2,800억 원"),
        (5000, "KRW", "ko", "5,000원"),
        (30_000_000, "KRW", "ko", "3,000만 원"),
        (3_000_000_000, "USD", "ko", "30억 달러"),
        (1500, "USD", "ko", "1,500달러"),
        (2_000_000_000, "EUR", "ko", "20억 유로"),
        (2_000_000_000, "SGD", "ko", "20억 SGD"),
        (7 * 10**12, "KRW", "en", "KRW 7 trillion"),
        (3_000_000_000, "USD", "en", "USD 3 billion"),
        (4_280_000_000_000, "KRW", "en", "KRW 4.28 trillion"),
        (12_500, "USD", "en", "USD 12,500"),
        (Decimal("0.50"), "USD", "en", "USD 0.5"),
    ],
)
def test_money_per_language(amount, currency, lang, expected):
    assert f.format_money(amount, currency, lang) == expected


def test_money_of_nothing_is_empty():
    assert f.format_money(None, "USD", "en") == ""


@pytest.mark.parametrize(
    ("quantity", "unit", "qualifier", "lang", "expected"),
    [
        (50000, "gpus", "up_to", "en", "up to 50,000 GPUs"),
        (50000, "gpus", "up_to", "ko", "GPU 최대 5만 장"),
        (260000, "gpus", "exact", "en", "260,000 GPUs"),
        (260000, "gpus", "exact", "ko", "GPU 26만 장"),
        (60000, "gpus", "about", "en", "about 60,000 GPUs"),
        (60000, "gpus", "about", "ko", "GPU 약 6만 장"),
        (50000, "gpus", "more_than", "en", "more than 50,000 GPUs"),
        (50000, "gpus", "more_than", "ko", "GPU 5만 장 이상"),
        (50000, "gpus", "at_least", "ko", "GPU 최소 5만 장"),
        (1, "gpus", "exact", "en", "1 GPU"),
        (1, "servers", "exact", "en", "1 server"),
        (300, "servers", "exact", "ko", "서버 300대"),
        (100, "mw", "about", "en", "about 100 MW"),
        (100, "mw", "about", "ko", "약 100 MW"),
        (Decimal("12.5"), "gb", "exact", "en", "12.5 GB"),
        (100000, "wafers_per_month", "exact", "ko", "웨이퍼 월 10만 장"),
    ],
)
def test_quantity_carries_its_certainty(quantity, unit, qualifier, lang, expected):
    assert f.format_quantity(quantity, unit, qualifier, lang) == expected


def test_quantity_unknown_is_empty():
    assert f.format_quantity(None, "gpus", "up_to", "en") == ""


@pytest.mark.parametrize(
    ("precision", "en", "ko"),
    [
        ("day", "Oct 31, 2025", "2025년 10월 31일"),
        ("month", "Oct 2025", "2025년 10월"),
        ("quarter", "Q4 2025", "2025년 4분기"),
        ("year", "2025", "2025년"),
    ],
)
def test_date_as_precise_as_it_is_known(precision, en, ko):
    day = dt.date(2025, 10, 31)
    assert f.format_date(day, precision, "en") == en
    assert f.format_date(day, precision, "ko") == ko


def test_date_of_nothing_is_empty():
    assert f.format_date(None, "day", "ko") == ""


def test_datetime_is_shown_in_the_meetings_time_zone():
    moment = dt.datetime(2025, 10, 30, 10, 30, tzinfo=dt.UTC)
    assert f.format_datetime(moment, SEOUL, True, "en") == "Oct 30, 2025, 19:30 KST"
    assert f.format_datetime(moment, SEOUL, True, "ko") == "2025년 10월 30일 19:30 (KST)"
    # Only the day when the sources gave no time.
    assert f.format_datetime(moment, SEOUL, False, "en") == "Oct 30, 2025"


def test_datetime_crossing_midnight_takes_the_local_day():
    moment = dt.datetime(2025, 10, 30, 16, 0, tzinfo=dt.UTC)  # 01:00 on the 31st in Seoul
    assert f.format_datetime(moment, SEOUL, True, "ko").startswith("2025년 10월 31일")


def test_undisclosed_value_says_so_in_each_language():
    kwargs = {"amount": None, "currency": "", "disclosure": "undisclosed"}
    assert f.format_value(**kwargs, lang="en") == "value undisclosed"
    assert f.format_value(**kwargs, lang="ko") == "금액 비공개"


def test_value_with_its_equivalent_and_rate_date():
    kwargs = {
        "amount": Decimal("3000000000"),
        "currency": "USD",
        "disclosure": "disclosed",
        "qualifier": "about",
        "equivalent": Decimal("3000000000") * Decimal("1426"),
        "equivalent_currency": "KRW",
        "rate_date": dt.date(2025, 10, 31),
    }
    assert f.format_value(**kwargs, lang="en") == (
        "about USD 3 billion (≈ KRW 4.28 trillion at the rate of 2025-10-31)"
    )
    assert f.format_value(**kwargs, lang="ko") == (
        "약 30억 달러 (2025-10-31 환율 기준 약 4조 2,800억 원)"
    )


def test_estimated_value_is_marked():
    kwargs = {"amount": 7 * 10**12, "currency": "KRW", "disclosure": "estimated"}
    assert f.format_value(**kwargs, lang="en") == "KRW 7 trillion (estimate)"
    assert f.format_value(**kwargs, lang="ko") == "7조 원 (추정)"


def test_round_significant_keeps_three_digits():
    assert f.round_significant(Decimal("4278000000000")) == Decimal("4.28E+12")
    assert f.round_significant(0) == 0


def _record(**fields):
    base = {
        "amount": None,
        "currency": "",
        "disclosure": "undisclosed",
        "amount_qualifier": "exact",
        "usd_amount": None,
        "usd_rate_id": None,
        "usd_rate": None,
    }
    base.update(fields)
    return SimpleNamespace(**base)


def test_deal_value_in_won_shows_dollars_at_the_deals_own_rate():
    rate = SimpleNamespace(date=dt.date(2025, 10, 29), rate=Decimal("1431.7"))
    deal = _record(
        amount=Decimal("7000000000000"),
        currency="KRW",
        disclosure="disclosed",
        usd_amount=Decimal("4889292449.53"),
        usd_rate_id=1,
        usd_rate=rate,
    )
    assert f.deal_value(deal, lang="en") == (
        "KRW 7 trillion (≈ USD 4.89 billion at the rate of 2025-10-29)"
    )
    assert f.deal_value(deal, lang="ko") == "7조 원 (2025-10-29 환율 기준 약 48억 9,000만 달러)"


def test_deal_value_in_dollars_shows_won_when_given_a_rate():
    deal = _record(
        amount=Decimal("3000000000"),
        currency="USD",
        disclosure="disclosed",
        amount_qualifier="about",
        usd_amount=Decimal("3000000000"),
    )
    krw = SimpleNamespace(date=dt.date(2025, 10, 31), rate=Decimal("1426"))
    assert f.deal_value(deal, krw_rate=krw, lang="en") == (
        "about USD 3 billion (≈ KRW 4.28 trillion at the rate of 2025-10-31)"
    )
    # Without a rate, no equivalent rather than a made-up one.
    assert f.deal_value(deal, lang="en") == "about USD 3 billion"


def test_deal_value_undisclosed():
    assert f.deal_value(_record(), lang="ko") == "금액 비공개"


def test_language_defaults_to_the_active_one():
    with translation.override("ko"):
        assert f.format_date(dt.date(2025, 10, 31)) == "2025년 10월 31일"
        assert f.format_money(7 * 10**12, "KRW") == "7조 원"
    with translation.override("en"):
        assert f.format_money(7 * 10**12, "KRW") == "KRW 7 trillion"
