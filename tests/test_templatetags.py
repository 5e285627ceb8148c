"""deals/templatetags/deals_tags.py: the tags that render in Python what used to be template
loops (filter options, deal table rows) must give the same HTML the loops gave, escaped."""

# ruff: noqa: E501 - the reference template keeps its lines as the template had them

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.http import QueryDict
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from deals import models
from deals.templatetags.deals_tags import (
    checkboxes,
    choice_labels,
    deal_rows,
    link_items,
    network_rows,
    options,
)
from deals.views.base import KeysetPage
from tests.factories import (
    CompanyFactory,
    DealPartyFactory,
    MeetingFactory,
    PersonFactory,
    SourceFactory,
    make_deal,
)

# The loop `_deal_table.html` had before `deal_rows`: the reference the tag must match.
REFERENCE_ROWS = Template(
    """{% load i18n deals_tags %}
{% translate "Deal" as l_deal %}{% translate "Supplier" as l_supplier %}{% translate "Buyer" as l_buyer %}{% translate "Quantity" as l_quantity %}{% translate "Value" as l_value %}{% translate "Status" as l_status %}{% translate "Announced" as l_announced %}
{% for deal in deals %}
<tr>
  <th scope="row" data-label="{{ l_deal }}"><a href="{{ deal.get_absolute_url }}">{{ deal|tr:"title" }}</a>
    {% if deal.product or deal.product_ko %}<span class="sub">{{ deal|tr:"product" }}</span>{% endif %}</th>
  <td data-label="{{ l_supplier }}">{% for p in deal.public_parties|with_role:"supplier" %}<a href="{{ p.company.get_absolute_url }}">{{ p.company }}</a>{% if not forloop.last %}, {% endif %}{% empty %}<span class="muted">—</span>{% endfor %}</td>
  <td data-label="{{ l_buyer }}">{% for p in deal.public_parties|with_role:"buyer" %}<a href="{{ p.company.get_absolute_url }}">{{ p.company }}</a>{% if not forloop.last %}, {% endif %}{% empty %}<span class="muted">—</span>{% endfor %}</td>
  <td data-label="{{ l_quantity }}">{{ deal|quantity|default:"—" }}</td>
  <td data-label="{{ l_value }}">{% value_of deal %}</td>
  <td data-label="{{ l_status }}">{% if deal.status %}<span class="status status-{{ deal.status }}">{{ deal.get_status_display }}</span>{% endif %}</td>
  <td data-label="{{ l_announced }}">{{ deal.announced_on|fdate|default:"—" }}</td>
</tr>
{% empty %}
<tr><td colspan="7">{% translate "No deals match." %}</td></tr>
{% endfor %}"""
)


def _same_html(one: str, other: str) -> None:
    assert parse_html(one) == parse_html(other), f"\n{one}\n!=\n{other}"


@pytest.fixture
def varied_deals(db):
    """Deals that exercise every cell: ugly and Korean-only text, an undisclosed value, a
    hidden party, two suppliers, no quantity, no announcement date, a won amount."""
    hidden = CompanyFactory(name="Draft <Co>", publication=models.Publication.DRAFT)
    second = CompanyFactory(name='A & "B" <i>', name_ko="에이 & 비")
    made = [
        make_deal(
            title='<script>alert("x")</script> & co',
            title_ko="",
            product="",
            product_ko="",
            quantity=Decimal("260000"),
            quantity_unit="gpus",
            quantity_qualifier="more_than",
            amount=None,
            disclosure="undisclosed",
        ),
        make_deal(
            title="",
            title_ko="엔비디아, 삼성에 블랙웰 5만 개",
            quantity=None,
            amount=Decimal("1500000000000"),
            currency="KRW",
            disclosure="disclosed",
            events=((dt.date(2025, 10, 29), models.DealStatus.REPORTED),),
        ),
    ]
    DealPartyFactory(deal=made[0], company=second, role=models.PartyRole.SUPPLIER)
    DealPartyFactory(deal=made[1], company=hidden, role=models.PartyRole.BUYER)
    return list(models.Deal.objects.filter(pk__in=[d.pk for d in made]).for_table())


@pytest.mark.parametrize("language", ["en", "ko"])
def test_deal_rows_match_the_template_loop_they_replace(varied_deals, language):
    with translation.override(language):
        expected = REFERENCE_ROWS.render(Context({"deals": varied_deals}))
        got = deal_rows(varied_deals)
    _same_html(got, expected)
    assert "<script>" not in got and "&lt;script&gt;" in got
    assert "Draft &lt;Co&gt;" not in got  # an unpublished party stays hidden


def test_deal_rows_escape_a_heading_once(varied_deals, monkeypatch):
    # A translated heading with markup in it is escaped as the template loop escaped it:
    # once (the labels were escaped again as each row was written).
    from deals.templatetags import deals_tags

    monkeypatch.setattr(deals_tags, "gettext", lambda text: f"{text} & <b>")
    deals_tags._escaped_labels.cache_clear()  # kept per language: forget the real ones
    try:
        got = deal_rows(varied_deals)
    finally:
        deals_tags._escaped_labels.cache_clear()
    assert 'data-label="Deal &amp; &lt;b&gt;"' in got
    assert "&amp;amp;" not in got and "&amp;lt;" not in got


@pytest.mark.parametrize("language", ["en", "ko"])
def test_kept_labels_follow_the_language(language):
    # Forgetting them with the catalogs is kept_per_language's (tests/test_i18n.py).
    from deals.templatetags import deals_tags

    with translation.override(language):
        labels = deals_tags._escaped_labels(deals_tags.PAGINATION_WORDS, language)
        assert labels == tuple(escape(translation.gettext(w)) for w in deals_tags.PAGINATION_WORDS)
    assert ("이전" in labels[0]) == (language == "ko")


# The loop the graph page's network table had before `network_rows`.
REFERENCE_NETWORK_ROWS = Template(
    """{% load i18n deals_tags %}
      {% for deal in deals %}{% for s in deal.public_parties|with_role:"supplier" %}{% for b in deal.public_parties|with_role:"buyer" %}
        <tr>
          <td data-label="{% translate "Supplier" %}"><a href="{{ s.company.get_absolute_url }}">{{ s.company }}</a></td>
          <td data-label="{% translate "Buyer" %}"><a href="{{ b.company.get_absolute_url }}">{{ b.company }}</a></td>
          <td data-label="{% translate "Deal" %}"><a href="{{ deal.get_absolute_url }}">{{ deal }}</a></td>
          <td data-label="{% translate "Status" %}">{% include "deals/_status.html" with status=deal.status label=deal.get_status_display %}</td>
          <td data-label="{% translate "Quantity" %}">{{ deal|quantity|default:"—" }}</td>
        </tr>
      {% endfor %}{% endfor %}{% endfor %}"""
)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_network_rows_match_the_template_loop_they_replace(varied_deals, language):
    # A deal with no public buyer draws no line, and so has no row.
    lone = make_deal(title="Lone <supplier>", title_ko="단독 공급")
    lone.parties.filter(role=models.PartyRole.BUYER).delete()
    # A second public supplier: a line, and a row, from each supplier to the buyer.
    DealPartyFactory(
        deal=varied_deals[0],
        role=models.PartyRole.SUPPLIER,
        company=CompanyFactory(
            name="Second <b>", name_ko="둘째 공급사", publication=models.Publication.PUBLISHED
        ),
    )
    deals = list(
        models.Deal.objects.filter(pk__in=[d.pk for d in varied_deals] + [lone.pk]).for_network()
    )
    with translation.override(language):
        expected = REFERENCE_NETWORK_ROWS.render(Context({"deals": deals}))
        got = network_rows(deals)
    _same_html(got, expected)
    assert got.count("<tr>") == 3
    assert ("Second &lt;b&gt;" if language == "en" else "둘째 공급사") in got
    assert "<script>" not in got and "&lt;script&gt;" in got
    assert "Draft &lt;Co&gt;" not in got and "Lone" not in got


def test_deal_rows_of_nothing_say_so_in_the_readers_language(db):
    with translation.override("ko"):
        got = deal_rows([])
        expected = REFERENCE_ROWS.render(Context({"deals": []}))
    _same_html(got, expected)
    assert "거래" in got or "없" in got


def test_choice_labels_follow_the_language():
    en = choice_labels(models.Deal, "status", "en")
    with translation.override("ko"):
        ko = choice_labels(models.Deal, "status", "ko")
    assert en["signed"] == "Signed"
    assert ko["signed"] != "Signed" and ko["signed"]
    assert set(en) == set(ko) == set(models.DealStatus.values)


def test_options_escape_and_mark_the_selected_value():
    choices = [("", "Any"), ("a&b", "<b>Bold</b>"), ("kr", "대한민국"), ("x", 'say "hi"')]
    got = options(choices, "kr")
    _same_html(
        got,
        '<option value="a&amp;b">&lt;b&gt;Bold&lt;/b&gt;</option>'
        '<option value="kr" selected>대한민국</option>'
        '<option value="x">say &quot;hi&quot;</option>',
    )


def test_options_mark_every_value_of_a_multiple_choice_and_match_whole_values():
    choices = [("mou", "MOU"), ("mou_extended", "MOU, extended"), ("loi", "LOI")]
    got = options(choices, ["mou_extended", "loi"])
    # "mou" is part of "mou_extended" but was not chosen.
    assert '<option value="mou">' in got
    assert '<option value="mou_extended" selected>' in got
    assert '<option value="loi" selected>' in got


def test_options_from_a_tuple_are_kept_per_process_and_give_the_same_html():
    pairs = (("KR", "대한민국"), ("US", "미국 <US>"))
    first = options(pairs, "US")
    again = options(pairs, "KR")
    assert first == options(list(pairs), "US")
    assert again == options(list(pairs), "KR")
    assert '<option value="US" selected>미국 &lt;US&gt;</option>' in first
    assert 'value="US" selected' not in again
    # The same tuple again, kept by identity: nothing, an unknown value, both, then one.
    for selected, marked in ((None, 0), ("", 0), ("XX", 0), (["KR", "US"], 2), ("KR", 1)):
        got = options(pairs, selected)
        assert got == options(list(pairs), selected)
        assert got.count(" selected>") == marked
    assert options(pairs, None) == (
        '<option value="KR">대한민국</option><option value="US">미국 &lt;US&gt;</option>'
    )


def test_options_with_lazy_labels_follow_each_requests_language():
    choices = list(models.DealKind.choices)  # lazily translated labels, as a form field holds
    with translation.override("ko"):
        korean = options(choices, models.DealKind.choices[0][0])
        korean_again = options(choices, None)
    with translation.override("en"):
        english = options(choices, None)
    for _value, label in choices:
        with translation.override("ko"):
            assert f">{escape(str(label))}</option>" in korean_again
        with translation.override("en"):
            assert f">{escape(str(label))}</option>" in english
    assert korean != english and korean.count(" selected>") == 1
    assert "selected" not in korean_again


def test_options_of_a_filtersets_choice_field_are_kept_per_language_and_stay_right():
    from deals.filters import DealFilterSet

    def render(language, query):
        with translation.override(language):
            form = DealFilterSet(QueryDict(query)).form
            field = form["kind"]
            return options(field.field.choices, field.value()), checkboxes(
                "status", form["status"].field.choices, form["status"].value()
            )

    english, english_boxes = render("en", "kind=mou&status=signed&status=rumored")
    korean, korean_boxes = render("ko", "kind=mou")
    english_again, _boxes = render("en", "")
    for value, label in models.DealKind.choices:
        with translation.override("ko"):
            assert f'value="{value}"' in korean and f">{escape(str(label))}</option>" in korean
        with translation.override("en"):
            assert f">{escape(str(label))}</option>" in english_again
    assert '<option value="mou" selected>' in english and '<option value="mou" selected>' in korean
    assert "selected" not in english_again and 'value=""' not in english
    assert english_boxes.count(" checked") == 2 and 'value="signed" checked' in english_boxes
    assert " checked" not in korean_boxes and "서명" in korean_boxes
    # The same text as the choices given as plain (value, label) lists.
    with translation.override("ko"):
        as_lists = [(v, str(label)) for v, label in models.DealKind.choices]
        assert korean == options(as_lists, "mou")


CHECKBOXES_REFERENCE = Template(
    """{% with chosen=selected %}{% for value, label in choices %}
      <label><input type="checkbox" name="status" value="{{ value }}"{% if value in chosen %} checked{% endif %}> {{ label }}</label>
      {% endfor %}{% endwith %}"""
)
CHECKBOXES = Template('{% load deals_tags %}{% checkboxes "status" choices selected %}')


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize(
    "selected", [None, [], ["signed"], ["signed", "mou"], ["<script>", "sign"], "signed"]
)
@pytest.mark.parametrize(
    "choices",
    [list(models.DealStatus.choices), [("a&b", "<b>굵게</b>"), ("x", 'say "hi"')]],
    ids=["statuses", "ugly"],
)
def test_checkboxes_match_the_template_loop_they_replace(choices, selected, language):
    values = {"choices": choices, "selected": selected}
    with translation.override(language):
        expected = CHECKBOXES_REFERENCE.render(Context(values))
        got = CHECKBOXES.render(Context(values))
    _same_html(got, expected)
    assert "<script>" not in got and "<b>" not in got


def test_options_offer_records_by_address_name(db):
    company = CompanyFactory(slug="sk-hynix", name="SK hynix", name_ko="SK하이닉스")
    with translation.override("ko"):
        got = options([company], "sk-hynix")
    assert got == '<option value="sk-hynix" selected>SK하이닉스</option>'


# The loops `company_detail.html` had before `link_items`: the references the tag must match.
REFERENCE_LINKS = {
    "meetings": Template(
        '{% load deals_tags %}{% for meeting in records %}<li><a href="{{ meeting.get_absolute_url }}">{{ meeting }}</a> · {{ meeting|local_date }}</li>{% endfor %}'
    ),
    "people": Template(
        '{% load deals_tags %}{% for person in records %}<li><a href="{{ person.get_absolute_url }}">{{ person }}</a>{% if person.title or person.title_ko %} · <span class="muted">{{ person|tr:"title" }}</span>{% endif %}</li>{% endfor %}'
    ),
    "companies": Template(
        '{% for partner in records %}<a href="{{ partner.get_absolute_url }}">{{ partner }}</a>{% if not forloop.last %}, {% endif %}{% endfor %}'
    ),
}


@pytest.fixture
def linked_records(db):
    """Records with ugly and one-language names, a person without a title, and a meeting
    whose day in Seoul is not its day in UTC."""
    return {
        "meetings": [
            MeetingFactory(title='<b>"APEC" & CEO</b>', title_ko="에이펙 CEO 서밋"),
            MeetingFactory(
                title="",
                title_ko="경주 만찬",
                timezone="Asia/Seoul",
                starts_at=dt.datetime(2025, 10, 30, 16, 0, tzinfo=dt.UTC),
            ),
        ],
        "people": [
            PersonFactory(
                name="Jensen Huang", name_ko="젠슨 황", title="CEO <founder>", title_ko=""
            ),
            PersonFactory(name="", name_ko="이재용", title="", title_ko=""),
            PersonFactory(name="A & B", name_ko="", title="", title_ko="회장"),
        ],
        "companies": [
            CompanyFactory(name='Nvidia "<script>"', name_ko="엔비디아"),
            CompanyFactory(name="SK hynix", name_ko=""),
        ],
    }


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize(
    ("kind", "viewname", "options"),
    [
        ("meetings", "deals:meeting_detail", {"note": "date"}),
        ("people", "deals:person_detail", {"note": "title"}),
        ("companies", "deals:company_detail", {"inline": True}),
    ],
)
def test_link_items_match_the_template_loops_they_replace(
    linked_records, language, kind, viewname, options
):
    records = linked_records[kind]
    with translation.override(language):
        expected = REFERENCE_LINKS[kind].render(Context({"records": records}))
        got = link_items(records, viewname, **options)
    _same_html(got, expected)
    assert "<script>" not in got and "<b>" not in got
    assert link_items([], viewname, **options) == ""


def test_a_meetings_local_date_is_its_day_where_it_was_held(linked_records):
    from deals.templatetags.deals_tags import local_date

    dinner = linked_records["meetings"][1]  # 16:00 UTC on Oct 30 is Oct 31 in Seoul
    for _ in range(2):  # the second read is the kept one
        assert local_date(dinner, "en") == "Oct 31, 2025"
        assert local_date(dinner, "ko") == "2025년 10월 31일"
        with translation.override("ko"):
            assert local_date(dinner) == "2025년 10월 31일"
    dinner.timezone = "UTC"
    assert local_date(dinner, "en") == "Oct 30, 2025"


def test_html_format_gives_format_htmls_html():
    """The tags' `html_format` is Django's `format_html` made cheaper: the same escaping of
    plain, safe, lazy, numeric and empty values."""
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from deals.templatetags.deals_tags import html_format

    values = [
        "<script>alert('삼성')</script> & \"quotes\"",
        mark_safe("<b>이미 안전</b>"),
        gettext_lazy("Deals"),
        mark_safe(gettext_lazy("Deals")),
        260000,
        Decimal("0.01"),
        None,
        "",
        "🚀\u2028",
        dt.date(2025, 10, 31),
    ]
    template_text = '<a href="{}" title="{}">{}</a>'
    for language in ("en", "ko"):
        with translation.override(language):
            for first in values:
                for second in values:
                    made = html_format(template_text, first, second, first)
                    assert made == format_html(template_text, first, second, first)
                    assert type(made).__name__ == "SafeString"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "삼성전자",
        "SK hynix Inc.",
        "&",
        "<",
        ">",
        '"',
        "'",
        "a&b",
        "<삼성>",
        'AT&T\'s "GPU"',
        "&amp; already",
        "끝에 '",
        "\u2028\x00",
        "🚀 < 🚀",
    ],
)
def test_escape_text_gives_what_html_escape_gives(text):
    from html import escape as python_escape

    from deals.templatetags.deals_tags import escape_text, html_escape

    assert escape_text(text) == python_escape(text)
    assert html_escape(text) == escape(text)

    class Subclass(str):  # a str that is not safe HTML still gets escaped
        pass

    assert html_escape(Subclass(text)) == escape(text)
    assert html_escape(mark_safe(text)) == text


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/ko/",
        "/deals/",
        "/ko/deals/?q=%EC%82%BC%EC%84%B1&status=signed&status=announced",
        "/deals/?q=삼성 전자&page=2",
        "/deals/nvidia-samsung/?utm_source=x",
        "/ko/companies/co_1/",
        "/deals/no-such-deal/",
        "/nothing-here/",
        "/ko/nothing-here/?q=1",
        "/deals/%ED%95%9C%EA%B8%80/",
    ],
)
def test_translated_url_gives_what_djangos_translate_url_gives(rf, path):
    """The switcher's links come from the request's own view and arguments, reversed once
    per language; each must be the address Django's `translate_url` finds for the path (or
    the other language's home page where it finds none)."""
    from django.urls import Resolver404, resolve, translate_url
    from django.utils.encoding import iri_to_uri

    from deals.templatetags.deals_tags import translated_url

    request = rf.get(iri_to_uri(path))
    language = "ko" if path.startswith("/ko/") else "en"
    with translation.override(language):
        try:
            request.resolver_match = resolve(request.path_info)
        except Resolver404:
            request.resolver_match = None
        for other in ("en", "ko"):
            expected = translate_url(request.get_full_path(), other)
            if expected == request.get_full_path() and other != language:
                expected = "/" if other == "en" else f"/{other}/"
            assert translated_url({"request": request}, other) == expected, other


def choice_fields():
    from django.apps import apps

    for model in apps.get_app_config("deals").get_models():
        for field in model._meta.concrete_fields:
            if field.choices and not field.name.startswith("history_"):
                yield model, field


@pytest.mark.parametrize("language", ["en", "ko"])
def test_label_gives_get_display_for_every_choice_of_every_model(language):
    from deals.templatetags.deals_tags import label

    fields = list(choice_fields())
    assert len(fields) > 10
    with translation.override(language):
        for model, field in fields:
            record = model()
            values = [value for value, _label in field.flatchoices]
            for value in [*values, "no-such-choice", ""]:
                setattr(record, field.attname, value)
                expected = getattr(record, f"get_{field.name}_display")()
                assert label(record, field.name) == expected, (model, field.name, value)
        if language == "ko":
            assert label(models.Deal(status="signed"), "status") == "서명"


def test_label_of_a_table_row_uses_its_own_method():
    from deals.templatetags.deals_tags import label

    class Row:
        def get_status_display(self):
            return "서명"

    assert label(Row(), "status") == "서명"


@pytest.mark.parametrize(
    "value",
    [
        dt.date(2025, 10, 29),
        dt.date(1, 1, 1),
        dt.datetime(2025, 10, 29, 23, 30, tzinfo=dt.UTC),  # already the 30th in Seoul
        dt.datetime(2025, 10, 29, 14, 59, tzinfo=dt.UTC),
        dt.datetime(2025, 10, 29, 15, 0, tzinfo=dt.UTC),
        dt.datetime(2025, 10, 29, 23, 30),  # naive
        None,
        "",
        "2025-10-29",
    ],
)
def test_isodate_gives_what_the_date_filter_gives(value):
    """In a template, as the pages use it: there an aware date-time reaches `date` already in
    the current time zone."""
    from django.utils import timezone

    ours = Template("{% load deals_tags %}{{ value|isodate }}")
    djangos = Template("{{ value|date:'Y-m-d' }}")
    for zone in ("Asia/Seoul", "UTC", "America/Los_Angeles"):
        with timezone.override(zone):
            context = Context({"value": value})
            assert ours.render(context) == djangos.render(context), zone


# --- pagination -------------------------------------------------------------------------------

# `_pagination.html` as it was before the `pagination` tag: the reference the tag must match.
REFERENCE_PAGINATION = Template(
    """{% load i18n %}{% if is_paginated %}
<nav class="pagination" aria-label="{% translate "Pages" %}">
  <ul>
  {% if page_obj.number is None %}
    <li><a href="?{{ filter_query }}">« {% translate "First page" %}</a></li>
    {% if page_obj.previous_cursor %}
    <li><a rel="prev" href="?{% if filter_query %}{{ filter_query }}&amp;{% endif %}cursor={{ page_obj.previous_cursor|urlencode }}">← {% translate "Previous" %}</a></li>
    {% endif %}
    {% if page_obj.next_cursor %}
    <li><a rel="next" href="?{% if filter_query %}{{ filter_query }}&amp;{% endif %}cursor={{ page_obj.next_cursor|urlencode }}">{% translate "Next" %} →</a></li>
    {% endif %}
  {% else %}
    {% if page_obj.has_previous %}
    <li><a rel="prev" href="?{% if filter_query %}{{ filter_query }}&amp;{% endif %}page={{ page_obj.previous_page_number }}">← {% translate "Previous" %}</a></li>
    {% endif %}
    {% for number in page_obj.paginator.get_elided_page_range %}
      {% if number == page_obj.number %}
      <li><span aria-current="page">{{ number }}</span></li>
      {% elif number == page_obj.paginator.ELLIPSIS %}
      <li><span>…</span></li>
      {% else %}
      <li><a href="?{% if filter_query %}{{ filter_query }}&amp;{% endif %}page={{ number }}">{{ number }}</a></li>
      {% endif %}
    {% endfor %}
    {% if page_obj.has_next %}
    <li><a rel="next" href="?{% if filter_query %}{{ filter_query }}&amp;{% endif %}page={{ page_obj.next_page_number }}">{% translate "Next" %} →</a></li>
    {% elif page_obj.next_cursor %}
    <li><a rel="next" href="?{% if filter_query %}{{ filter_query }}&amp;{% endif %}cursor={{ page_obj.next_cursor|urlencode }}">{% translate "Next" %} →</a></li>
    {% endif %}
  {% endif %}
  </ul>
  {% if page_obj.paginator.is_capped and page_obj.number and not page_obj.next_cursor %}<p class="note">{% blocktranslate with cap=page_obj.paginator.cap %}Showing the first {{ cap }} results; narrow the filters to see the rest.{% endblocktranslate %}</p>{% endif %}
</nav>
{% endif %}"""
)
PAGINATION = Template("{% load deals_tags %}{% pagination %}")


class CountedPaginator(Paginator):
    """CappedPaginator's figures without its query: `cap` rows at most are counted."""

    cap = 1000

    @property
    def is_capped(self) -> bool:
        return self.count >= self.cap


def numbered(rows: int, number: int, next_cursor=None):
    page = CountedPaginator(range(rows), 25).page(number)
    page.next_cursor = next_cursor
    return page


# Cursors as keyset.encode writes them (URL-safe base64 with padding), and an ugly one.
CURSOR = "eyJwIjpbZmFsc2UsIjIwMTctMDEtMjciLDg0OTg0XSwiYiI6MH0="
UGLY_CURSOR = 'a+b/c=d&e"<f>삼성'
# The pages where the template and the tag agree: the template asked for the page range around
# page 1 whatever the page (`get_elided_page_range` without the number), so on page 20 of 40 it
# offered 1 2 3 4 … 39 40 and no link near the reader's page. See the test after this one.
PAGES = {
    "first of two": numbered(30, 1),
    "last of two": numbered(30, 2),
    "first of many": numbered(1000, 1),
    "by cursor, both ways": KeysetPage([], None, next_cursor=CURSOR, previous_cursor=UGLY_CURSOR),
    "by cursor, at the end": KeysetPage([], None, next_cursor=None, previous_cursor=CURSOR),
    "by cursor, nothing either way": KeysetPage([], None, next_cursor=None, previous_cursor=None),
}
QUERIES = [
    "",
    "supplier=nvidia",
    "q=%EC%82%BC%EC%84%B1&status=signed&status=mou",
    "q=<b>\"&x='삼성'",
]


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("which", list(PAGES))
def test_pagination_matches_the_template_it_replaces(which, query, language):
    page = PAGES[which]
    if page.paginator is None:
        page.paginator = CountedPaginator(range(1000), 25)
    values = {"is_paginated": True, "page_obj": page, "filter_query": query}
    with translation.override(language):
        expected = REFERENCE_PAGINATION.render(Context(values))
        got = PAGINATION.render(Context(values))
    _same_html(got, expected)
    assert "<script" not in got and "<b>" not in got


def test_pagination_of_one_page_is_nothing():
    page = numbered(10, 1)
    values = {"is_paginated": False, "page_obj": page, "filter_query": "q=x"}
    assert PAGINATION.render(Context(values)) == ""
    assert PAGINATION.render(Context({})) == ""


def test_pagination_speaks_korean_and_escapes_the_query():
    values = {"is_paginated": True, "page_obj": numbered(1000, 40), "filter_query": 'q="<x>"'}
    with translation.override("ko"):
        got = PAGINATION.render(Context(values))
    assert "이전" in got and "처음 1000건만 보여 줍니다" in got
    assert 'href="?q=&quot;&lt;x&gt;&quot;&amp;page=39"' in got


def page_links(html: str) -> list[str]:
    """The page numbers offered, the reader's own in brackets, gaps as …."""
    found = re.findall(r'<span aria-current="page">(\d+)</span>|>(\d+|…)</(?:a|span)>', html)
    return [f"[{current}]" if current else other for current, other in found]


def test_pagination_offers_the_pages_around_the_readers_page():
    values = {"is_paginated": True, "page_obj": numbered(1000, 20), "filter_query": "kind=order"}
    got = PAGINATION.render(Context(values))
    assert page_links(got) == [
        "1",
        "2",
        "…",
        "17",
        "18",
        "19",
        "[20]",
        "21",
        "22",
        "23",
        "…",
        "39",
        "40",
    ]
    assert 'rel="prev" href="?kind=order&amp;page=19"' in got
    assert 'rel="next" href="?kind=order&amp;page=21"' in got


def test_the_last_numbered_page_goes_on_by_cursor():
    values = {
        "is_paginated": True,
        "page_obj": numbered(1000, 40, next_cursor=CURSOR),
        "filter_query": "",
    }
    got = PAGINATION.render(Context(values))
    assert page_links(got) == ["1", "2", "…", "37", "38", "39", "[40]"]
    assert f'rel="next" href="?cursor={CURSOR.replace("=", "%3D")}"' in got
    assert "Showing the first" not in got  # the list goes on
    values["page_obj"] = numbered(1000, 40)
    assert "Showing the first 1000 results" in PAGINATION.render(Context(values))


# --- a record's parties, timeline and sources -----------------------------------------------------

# The loops deal_detail.html, _sources.html and _source.html had before the tags: the reference.
_REFERENCE_SOURCE = """{% if source.url %}<a href="{{ source.url }}" rel="noopener" hreflang="{{ source.language }}">{{ source|tr:"title" }}</a>{% else %}{{ source|tr:"title" }}{% endif %}{% if source.publisher or source.publisher_ko %}, <span class="publisher">{{ source|tr:"publisher" }}</span>{% endif %}{% if source.published_on %}, <time datetime="{{ source.published_on|isodate }}">{{ source.published_on|fdate:source.published_on_precision }}</time>{% endif %}"""
REFERENCE_RECORD = {
    "timeline": Template(
        """{% load i18n deals_tags %}{% translate "Source:" as l_source %}{% translate "No public source for this step yet." as l_no_source %}
    {% for event in events %}
      <li id="event-{{ event.pk }}">
        <time datetime="{{ event.date|isodate }}">{{ event.date|fdate:event.date_precision }}</time>
        {% if event.status %}<span class="status status-{{ event.status }}">{{ event|label:"status" }}</span>{% endif %}
        {% if event.note or event.note_ko %}<p>{{ event|tr:"note" }}</p>{% endif %}
        {% with source=event.source|public %}{% if source %}<p class="event-source">{{ l_source }} """
        + _REFERENCE_SOURCE
        + """</p>{% else %}<p class="event-source muted">{{ l_no_source }}</p>{% endif %}{% endwith %}
      </li>
    {% empty %}
      <li>{% translate "No steps recorded yet." %}</li>
    {% endfor %}"""
    ),
    "sources": Template(
        """{% load deals_tags %}{% for source in sources %}
    <li id="source-{{ source.slug }}">"""
        + _REFERENCE_SOURCE
        + """</li>
  {% endfor %}"""
    ),
    "parties": Template(
        """{% load deals_tags %}{% for p in parties %}<a href="{{ p.company.get_absolute_url }}">{{ p.company }}</a>{% if p.note or p.note_ko %} <span class="sub">({{ p|tr:"note" }})</span>{% endif %}{% if not forloop.last %}, {% endif %}{% endfor %}"""
    ),
    "facts": Template(
        """{% load deals_tags %}{% for p in parties %}<div><dt>{{ p|label:"role" }}</dt><dd><a href="{{ p.company.get_absolute_url }}">{{ p.company }}</a>{% if p.note or p.note_ko %} <span class="sub">({{ p|tr:"note" }})</span>{% endif %}</dd></div>{% endfor %}"""
    ),
    "names": Template(
        """{% for p in parties %}{{ p.company }}{% if not forloop.last %}, {% endif %}{% endfor %}"""
    ),
}
RECORD_TAGS = {
    "timeline": ("events", Template("{% load deals_tags %}{% timeline_items events %}")),
    "sources": ("sources", Template("{% load deals_tags %}{% source_items sources %}")),
    "parties": ("parties", Template("{% load deals_tags %}{% party_links parties %}")),
    "facts": ("parties", Template("{% load deals_tags %}{% party_facts parties %}")),
    "names": ("parties", Template("{% load deals_tags %}{% party_names parties %}")),
}


@pytest.fixture
def deal_record(db):
    """A deal read as its page reads it, with steps that have a linked source, a source without
    an address, an unpublished source and none; sources dated to the month and the quarter;
    ugly, one-language and Korean-only text; parties with and without notes in three roles."""
    published = models.Publication.PUBLISHED
    linked = SourceFactory(
        publication=published,
        title='"Deal" <b>signed</b> & co',
        title_ko="",
        url="https://news.example.kr/a?x=1&y=<2>",
        publisher="",
        publisher_ko="예시일보",
        language="ko",
        published_on=dt.date(2025, 10, 1),
        published_on_precision="month",
    )
    offline = SourceFactory(
        publication=published,
        title="",
        title_ko="정부 보도자료 <원문>",
        url="",
        publisher="Gov & Co",
        publisher_ko="",
        published_on=dt.date(2025, 7, 2),
        published_on_precision="quarter",
    )
    undated = SourceFactory(publication=published, published_on=None)
    draft = SourceFactory(publication=models.Publication.DRAFT, title="Secret <draft>")
    deal = make_deal(title="엔비디아 & 삼성")
    models.DealEvent.objects.bulk_create(
        [
            models.DealEvent(
                deal=deal,
                date=dt.date(2025, 10, 31),
                status=models.DealStatus.SIGNED,
                note='<script>alert("x")</script>',
                note_ko="",
                source=linked,
            ),
            models.DealEvent(
                deal=deal,
                date=dt.date(2025, 10, 1),
                date_precision="month",
                status=models.DealStatus.REPORTED,
                note="",
                note_ko="보도됨",
                source=offline,
            ),
            models.DealEvent(
                deal=deal,
                date=dt.date(2025, 7, 1),
                date_precision="quarter",
                status=models.DealStatus.RUMORED,
                source=draft,
            ),
            models.DealEvent(
                deal=deal,
                date=dt.date(2025, 1, 1),
                date_precision="year",
                status=models.DealStatus.RUMORED,
                source=None,
            ),
        ]
    )
    deal.sources.add(linked, offline, undated, draft)
    company = CompanyFactory(publication=published, name='A & "B" <i>', name_ko="")
    DealPartyFactory(
        deal=deal, company=company, role=models.PartyRole.INVESTOR, note="<b>50%</b>", note_ko=""
    )
    DealPartyFactory(
        deal=deal,
        company=CompanyFactory(publication=published, name="", name_ko="정부"),
        role=models.PartyRole.GOVERNMENT,
        note="",
        note_ko="주관",
    )
    DealPartyFactory(
        deal=deal,
        company=CompanyFactory(publication=published),
        note="2nd",
        role=models.PartyRole.SUPPLIER,
    )
    return models.Deal.objects.published().for_detail().get(pk=deal.pk)


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("which", list(RECORD_TAGS))
def test_record_tags_match_the_template_loops_they_replace(deal_record, which, language):
    name, tag = RECORD_TAGS[which]
    values = {
        "events": deal_record.timeline,
        "sources": deal_record.public_sources,
        "parties": deal_record.public_parties,
    }
    with translation.override(language):
        expected = REFERENCE_RECORD[which].render(Context({name: values[name]}))
        got = tag.render(Context({name: values[name]}))
        empty = tag.render(Context({name: []}))
        expected_empty = REFERENCE_RECORD[which].render(Context({name: []}))
    _same_html(got, expected)
    _same_html(empty, expected_empty)
    assert "<script>" not in got and "<b>" not in got and "<i>" not in got
    assert "Secret" not in got or which != "timeline"  # an unpublished source is not cited


def test_record_tags_cite_what_is_public_in_the_readers_language(deal_record):
    with translation.override("ko"):
        timeline = RECORD_TAGS["timeline"][1].render(Context({"events": deal_record.timeline}))
    assert timeline.count('class="event-source muted"') == 2  # the draft source and none
    assert "2025년 10월" in timeline and "2025년 3분기" in timeline and "2025년" in timeline
    assert "보도됨" in timeline and "정부 보도자료 &lt;원문&gt;" in timeline
    assert 'href="https://news.example.kr/a?x=1&amp;y=&lt;2&gt;"' in timeline
    with translation.override("en"):
        parties = RECORD_TAGS["facts"][1].render(Context({"parties": deal_record.public_parties}))
    assert "A &amp; &quot;B&quot; &lt;i&gt;" in parties and "(&lt;b&gt;50%&lt;/b&gt;)" in parties
    assert "정부" in parties  # a Korean-only name in English


# --- the frame of every page: navigation, "last updated", descriptions ---------------------------

REFERENCE_UPDATED = Template(
    """{% load i18n tz deals_tags %}<p class="record-updated muted">{% with date=record.updated_at|localtime|fdate %}{% blocktranslate %}Last updated {{ date }}{% endblocktranslate %}{% endwith %} · <a href="{% url changes record.slug %}">{% translate "Change log" %}</a></p>"""
)
UPDATED = Template("{% load deals_tags %}{% last_updated record changes %}")


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("zone", ["Asia/Seoul", "UTC", "America/Los_Angeles"])
def test_last_updated_matches_the_template_it_replaces(db, language, zone):
    company = CompanyFactory(slug="samsung-electronics")
    deal = make_deal(title="<b>삼성</b>")
    # 16:30 UTC is the next day in Seoul and the same day in Los Angeles.
    for record in (company, deal):
        type(record).objects.filter(pk=record.pk).update(
            updated_at=dt.datetime(2025, 10, 30, 16, 30, tzinfo=dt.UTC)
        )
        record.refresh_from_db()
    from django.utils import timezone

    cases = ((company, "deals:company_changes"), (deal, "deals:deal_changes"))
    with translation.override(language), timezone.override(zone):
        for record, changes in cases:
            values = {"record": record, "changes": changes}
            expected = REFERENCE_UPDATED.render(Context(values))
            got = UPDATED.render(Context(values))
            assert got == expected
    assert ("31" if zone == "Asia/Seoul" else "30") in got


REFERENCE_NAV = Template(
    """{% load i18n %}{% url 'deals:deal_list' as u %}<li><a href="{{ u }}"{% if request.path == u %} aria-current="page"{% endif %}>{% translate "Deals" %}</a></li>
          {% url 'deals:company_list' as u %}<li><a href="{{ u }}"{% if request.path == u %} aria-current="page"{% endif %}>{% translate "Companies" %}</a></li>
          {% url 'deals:meeting_list' as u %}<li><a href="{{ u }}"{% if request.path == u %} aria-current="page"{% endif %}>{% translate "Meetings" %}</a></li>
          {% url 'deals:project_list' as u %}<li><a href="{{ u }}"{% if request.path == u %} aria-current="page"{% endif %}>{% translate "Projects" %}</a></li>
          {% url 'deals:person_list' as u %}<li><a href="{{ u }}"{% if request.path == u %} aria-current="page"{% endif %}>{% translate "People" %}</a></li>
          {% url 'deals:source_list' as u %}<li><a href="{{ u }}"{% if request.path == u %} aria-current="page"{% endif %}>{% translate "Sources" %}</a></li>
          {% url 'deals:graph' as u %}<li><a href="{{ u }}"{% if request.path == u %} aria-current="page"{% endif %}>{% translate "Network" %}</a></li>"""
)
NAV = Template("{% load deals_tags %}{% main_nav %}")


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("path", ["/deals/", "/ko/companies/", "/graph/", "/deals/x/", "/"])
def test_main_nav_matches_the_template_it_replaces(rf, language, path):
    request = rf.get(path)
    with translation.override(language):
        expected = REFERENCE_NAV.render(Context({"request": request}))
        got = NAV.render(Context({"request": request}))
    assert got == expected
    assert got.count("aria-current") == expected.count("aria-current") <= 1
    with translation.override(language):
        assert NAV.render(Context({})) == REFERENCE_NAV.render(Context({}))  # no request


@pytest.mark.parametrize(
    "text",
    [
        "",
        "짧은 요약",
        "a" * 200,
        "a" * 201,
        "삼" * 250,
        "<b>bold</b> & " * 30,
        # Hangul in decomposed form (as some keyboards send it): NFC-normalised as truncatechars does.
        "\u1109\u1161\u11b7\u1109\u1165\u11bc" * 10,
        "e\u0301" * 150,
    ],
)
@pytest.mark.parametrize("length", [1, 160, 200, 0, -1])
def test_shorten_gives_what_truncatechars_gives(text, length):
    for value in (text, mark_safe(text)):
        expected = Template("{{ v|truncatechars:n }}").render(Context({"v": value, "n": length}))
        got = Template("{% load deals_tags %}{{ v|shorten:n }}").render(
            Context({"v": value, "n": length})
        )
        assert got == expected
