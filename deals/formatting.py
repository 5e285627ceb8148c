"""Numbers, money, quantities and dates as a reader of each language expects them.

Korean counts large numbers in groups of four digits (만, 억, 조): 7조 원, 4조 2,800억 원,
GPU 26만 개.
English uses thousands, millions, billions: "KRW 7 trillion", "USD 3 billion", "260,000 GPUs".

Every function takes the language explicitly (default: the active one), so that tests and
feeds can ask for either. The number words and orders are formatting rules, kept here; the
phrases around them ("value undisclosed", "up to ...") are interface strings and go through
gettext, so they live in the Korean catalog with everything else.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .i18n import active_language, kept_per_language

EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: Korean group units, largest first: 10^12, 10^8, 10^4.
KO_UNITS = ((10**12, "조"), (10**8, "억"), (10**4, "만"))
#: English scale words, largest first.
EN_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"))

#: How Korean names a currency after a number. Others keep their ISO code.
KO_CURRENCY = {
    "KRW": "원",
    "USD": "달러",
    "JPY": "엔",
    "EUR": "유로",
    "CNY": "위안",
    "GBP": "파운드",
}

#: Korean noun and counter for each quantity unit: GPU 26만 개, 웨이퍼 월 10만 장.
KO_UNIT = {
    "gpus": ("GPU", "장"),  # the Korean press counts GPUs in 장, like boards
    "chips": ("칩", "개"),
    "wafers_per_month": ("웨이퍼 월", "장"),
    "servers": ("서버", "대"),
    "mw": ("", "MW"),
    "gb": ("", "GB"),
    "units": ("", "개"),
}
#: English unit words, singular and plural.
EN_UNIT = {
    "gpus": ("GPU", "GPUs"),
    "chips": ("chip", "chips"),
    "wafers_per_month": ("wafer per month", "wafers per month"),
    "servers": ("server", "servers"),
    "mw": ("MW", "MW"),
    "gb": ("GB", "GB"),
    "units": ("unit", "units"),
}


def _lang(lang: str | None) -> str:
    lang = lang or active_language() or "en"
    return "ko" if lang.startswith("ko") else "en"


def _dec(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _plain(value: Decimal, places: int = 2) -> str:
    """A decimal with thousands separators and at most `places` decimals, no trailing zeros."""
    quantum = Decimal(1).scaleb(-places)
    value = value.quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{value:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def round_significant(value, digits: int = 3) -> Decimal:
    """Round to a number of significant digits, for figures that are only approximate."""
    value = _dec(value)
    if value == 0:
        return value
    shift = digits - value.adjusted() - 1
    return value.scaleb(shift).quantize(Decimal(1), rounding=ROUND_HALF_UP).scaleb(-shift)


def format_number(value, lang: str | None = None) -> str:
    """A plain number with separators: 260,000 (both languages), 2.5."""
    if value is None:
        return ""
    return _plain(_dec(value))


def korean_number(value) -> str:
    """A number in Korean groups of four digits: 260000 → 26만, 4280000000000 → 4조 2,800억.

    Shows the two largest groups, so that big figures stay readable (1,234,567,890 → 12억
    3,457만); below 1만 the number is shown exactly.
    """
    value = _dec(value)
    if value < 10**4:
        return _plain(value)
    index = next(i for i, (size, _word) in enumerate(KO_UNITS) if value >= size)
    size, word = KO_UNITS[index]
    lead = value // size
    below = value - lead * size
    # The next group down: 억 under 조, 만 under 억, ones under 만.
    next_size, next_word = KO_UNITS[index + 1] if index + 1 < len(KO_UNITS) else (1, "")
    second = (below / next_size).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if second >= 10**4:  # 2조 9,999.6억 rounds up to 3조
        lead, second = lead + 1, Decimal(0)
    text = f"{lead:,}{word}"
    return text + (f" {second:,}{next_word}" if second else "")


def english_number(value) -> str:
    """A number in English scale words: 3000000000 → 3 billion, 4278000000000 → 4.28 trillion."""
    value = _dec(value)
    for size, word in EN_SCALES:
        if value >= size:
            return f"{_plain(value / size)} {word}"
    return _plain(value)


def format_money(amount, currency: str, lang: str | None = None) -> str:
    """An amount of money: "KRW 7 trillion" / "7조 원", "USD 3 billion" / "30억 달러"."""
    if amount is None:
        return ""
    amount = _dec(amount)
    currency = (currency or "").upper()
    if _lang(lang) == "ko":
        number = korean_number(amount)
        word = KO_CURRENCY.get(currency, f" {currency}" if currency else "")
        # 7조 원 has a space after a group word; 5,000원 does not.
        if word and not word.startswith(" ") and number[-1] in "조억만":
            return f"{number} {word}"
        return f"{number}{word}"
    number = english_number(amount)
    return f"{currency} {number}" if currency else number


def qualify(text: str, qualifier: str | None, lang: str | None = None) -> str:
    """Put a figure in the words of its certainty: "up to 50,000 GPUs", "최대 30억 달러"."""
    if not text or not qualifier or qualifier == "exact":
        return text
    pattern = _words(_lang(lang)).get(qualifier)
    return pattern % {"figure": text} if pattern else text


@kept_per_language(maxsize=8)
def _words(lang: str) -> dict[str, str]:
    """The phrases figures are put in, in `lang`, looked up once per process and language: a
    table of deals formats a value or two a row, and each gettext call looks up the active
    language and walks the catalogs and their fallbacks again."""
    with translation.override(lang):
        return {
            "about": pgettext("figure", "about %(figure)s"),
            "up_to": pgettext("figure", "up to %(figure)s"),
            "at_least": pgettext("figure", "at least %(figure)s"),
            "more_than": pgettext("figure", "more than %(figure)s"),
            "undisclosed": _("value undisclosed"),
            "estimate": _("%(value)s (estimate)"),
            "converted at": _("(≈ %(converted)s at the rate of %(date)s)"),
            "converted": _("(≈ %(converted)s)"),
        }


def format_quantity(
    quantity, unit: str, qualifier: str | None = None, lang: str | None = None
) -> str:
    """A quantity with its unit and certainty: "up to 50,000 GPUs" / "GPU 최대 5만 개"."""
    if quantity is None:
        return ""
    quantity = _dec(quantity)
    if _lang(lang) == "ko":
        noun, counter = KO_UNIT.get(unit, ("", ""))
        number = korean_number(quantity)
        # 5만 개 and 100 MW take a space; 12,345개 does not.
        spaced = counter.isascii() or number[-1] in "만억조"
        sep = " " if counter and spaced else ""
        figure = qualify(f"{number}{sep}{counter}", qualifier, "ko")
        return f"{noun} {figure}" if noun else figure
    singular, plural = EN_UNIT.get(unit, ("", ""))
    word = singular if quantity == 1 else plural
    figure = f"{_plain(quantity)} {word}".strip()
    return qualify(figure, qualifier, "en")


def format_date(value: dt.date | None, precision: str = "day", lang: str | None = None) -> str:
    """A date as precise as it is known: "Oct 31, 2025" / "2025년 10월 31일", "Oct 2025"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    quarter = (value.month - 1) // 3 + 1
    if _lang(lang) == "ko":
        if precision == "year":
            return f"{value.year}년"
        if precision == "quarter":
            return f"{value.year}년 {quarter}분기"
        if precision == "month":
            return f"{value.year}년 {value.month}월"
        return f"{value.year}년 {value.month}월 {value.day}일"
    if precision == "year":
        return str(value.year)
    if precision == "quarter":
        return f"Q{quarter} {value.year}"
    if precision == "month":
        return f"{EN_MONTHS[value.month - 1]} {value.year}"
    return f"{EN_MONTHS[value.month - 1]} {value.day}, {value.year}"


def format_datetime(
    value: dt.datetime | None, tz=None, time_known: bool = True, lang: str | None = None
) -> str:
    """A moment in the place's own time zone: "Oct 30, 2025, 19:30 KST" / "2025년 10월 30일
    19:30 (KST)". Only the day when the time is not known."""
    if value is None:
        return ""
    if tz is not None:
        value = value.astimezone(tz)
    day = format_date(value.date(), "day", lang)
    if not time_known:
        return day
    zone = value.tzname() or ""
    if _lang(lang) == "ko":
        return f"{day} {value:%H:%M}" + (f" ({zone})" if zone else "")
    return f"{day}, {value:%H:%M}" + (f" {zone}" if zone else "")


def format_value(
    *,
    amount,
    currency: str,
    disclosure: str,
    qualifier: str | None = None,
    equivalent=None,
    equivalent_currency: str = "",
    rate_date: dt.date | None = None,
    lang: str | None = None,
) -> str:
    """A deal's value exactly as certain as it is.

    "value undisclosed"; "about USD 3 billion (≈ KRW 4.28 trillion at the rate of 2025-10-31)";
    "약 30억 달러 (2025-10-31 환율 기준 약 4조 2,800억 원)". The equivalent is rounded to three
    significant digits, since a converted figure is never exact.
    """
    lang = _lang(lang)
    words = _words(lang)
    if disclosure == "undisclosed" or amount is None:
        return words["undisclosed"]
    text = qualify(format_money(amount, currency, lang), qualifier, lang)
    if disclosure == "estimated":
        text = words["estimate"] % {"value": text}
    if equivalent is not None and equivalent_currency and equivalent_currency != currency:
        converted = format_money(round_significant(equivalent), equivalent_currency, lang)
        if rate_date:
            text += " " + words["converted at"] % {
                "converted": converted,
                "date": rate_date.isoformat(),
            }
        else:
            text += " " + words["converted"] % {"converted": converted}
    return text


def deal_value(deal, krw_rate=None, lang: str | None = None) -> str:
    """The value of a deal or the budget of a project (any `Money` record), with an equivalent.

    A non-USD amount shows its USD equivalent from the record's own `usd_rate`. A USD amount
    shows its KRW equivalent when the caller passes the KRW `ExchangeRate` of the day.
    """
    equivalent, eq_currency, rate_date = None, "", None
    if deal.amount is not None and deal.currency and deal.currency != "USD":
        if deal.usd_amount is not None:
            equivalent, eq_currency = deal.usd_amount, "USD"
            rate = deal.usd_rate if deal.usd_rate_id else None
            rate_date = rate.date if rate else None
    elif deal.amount is not None and deal.currency == "USD" and krw_rate is not None:
        equivalent, eq_currency, rate_date = deal.amount * krw_rate.rate, "KRW", krw_rate.date
    return format_value(
        amount=deal.amount,
        currency=deal.currency,
        disclosure=deal.disclosure,
        qualifier=deal.amount_qualifier,
        equivalent=equivalent,
        equivalent_currency=eq_currency,
        rate_date=rate_date,
        lang=lang,
    )
