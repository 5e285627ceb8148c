"""Template helpers for the public pages: records in the reader's language, and numbers,
money and dates formatted for it (see `deals.formatting`)."""

from __future__ import annotations

from django import template
from django.urls import translate_url as django_translate_url
from django.utils.translation import get_language

from .. import formatting

register = template.Library()


@register.filter
def tr(record, field: str) -> str:
    """A record's field in the reader's language, falling back to the other: `deal|tr:"title"`."""
    if record is None:
        return ""
    return record.localized(field)


@register.filter
def fdate(value, precision: str = "day") -> str:
    """A date as precise as it is known: `event.date|fdate:event.date_precision`."""
    return formatting.format_date(value, precision or "day")


@register.filter
def number(value) -> str:
    """A count with separators; large ones in 만/억 in Korean (26만), words in English."""
    if value is None or value == "":
        return ""
    if get_language() and get_language().startswith("ko"):
        return formatting.korean_number(value)
    if value >= 10**6:
        return formatting.english_number(value)
    return formatting.format_number(value)


@register.filter
def usd(value) -> str:
    """A dollar amount: "USD 3 billion" / "30억 달러"."""
    return formatting.format_money(value, "USD")


@register.simple_tag
def money(amount, currency) -> str:
    return formatting.format_money(amount, currency)


@register.filter
def quantity(record) -> str:
    """A deal's quantity with unit and certainty: "up to 50,000 GPUs" / "GPU 최대 5만 개"."""
    return formatting.format_quantity(
        record.quantity, record.quantity_unit, record.quantity_qualifier
    )


@register.filter
def gpus(record) -> str:
    """A project's GPU count with its certainty."""
    return formatting.format_quantity(record.gpu_count, "gpus", record.gpu_count_qualifier)


@register.simple_tag
def value_of(record, krw_rate=None) -> str:
    """A deal's value or a project's budget as certain as it is, with an equivalent."""
    return formatting.deal_value(record, krw_rate=krw_rate or None)


@register.filter
def local_time(meeting) -> str:
    """When a meeting starts, in its own time zone: "Oct 30, 2025, 19:30 KST"."""
    return formatting.format_datetime(meeting.starts_at, meeting.local_tz, meeting.time_known)


@register.filter
def local_date(meeting) -> str:
    return formatting.format_date(meeting.starts_at.astimezone(meeting.local_tz).date())


@register.filter
def with_role(parties, role: str) -> list:
    """The parties (of a deal or project) that have the role."""
    return [p for p in parties if p.role == role]


@register.filter
def public(record):
    """The record when it is published, else None, for links to related records."""
    if record is not None and getattr(record, "is_published", False):
        return record
    return None


@register.simple_tag(takes_context=True)
def translated_url(context, language: str) -> str:
    """This page's address in another language, query string kept, for the switcher.

    Falls back to that language's home page where the page cannot be translated (a 404).
    """
    request = context.get("request")
    if request is None:
        return "/" if language == "en" else f"/{language}/"
    url = request.get_full_path()
    translated = django_translate_url(url, language)
    if translated == url and language != get_language():
        return "/" if language == "en" else f"/{language}/"
    return translated


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The page's own address without filters, keeping only the page number."""
    request = context.get("request")
    if request is None:
        return ""
    url = request.build_absolute_uri(request.path)
    page = request.GET.get("page")
    if page and page.isdigit() and page != "1":
        url += f"?page={page}"
    return url


@register.simple_tag(takes_context=True)
def absolute(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


@register.filter
def local_end(meeting) -> str:
    """When a meeting ends, as a clock time in its own time zone (or nothing)."""
    if not meeting.ends_at or not meeting.time_known:
        return ""
    return meeting.ends_at.astimezone(meeting.local_tz).strftime("%H:%M")
