"""The public pages: published records only, both languages, filters, search, escaping, errors,
and a fixed number of queries however many rows a page lists."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from deals import models
from deals.views import overview
from tests import factories

from .conftest import DRAFT_WORDS, PUBLISHED

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "deals:home",
    "deals:deal_list",
    "deals:company_list",
    "deals:meeting_list",
    "deals:project_list",
    "deals:person_list",
    "deals:source_list",
    "deals:graph",
]


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def text(response) -> str:
    return response.content.decode()


def assert_no_drafts(body: str):
    for word in DRAFT_WORDS:
        assert word not in body, word


# --- Every page, both languages, no drafts -----------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_show_published_records_and_never_drafts(client, story, name, lang):
    response = client.get(url(name, lang))
    assert response.status_code == 200
    body = text(response)
    assert f'<html lang="{lang}">' in body
    assert_no_drafts(body)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_detail_pages_show_published_records_and_never_drafts(client, story, lang):
    for record in (story.deal, story.nvidia, story.meeting, story.project, story.person):
        with translation.override(lang):
            address = record.get_absolute_url()
        response = client.get(address)
        assert response.status_code == 200, address
        assert_no_drafts(text(response))


@pytest.mark.parametrize(
    ("name", "attr"),
    [
        ("deals:deal_detail", "draft_deal"),
        ("deals:company_detail", "draft_company"),
        ("deals:meeting_detail", "draft_meeting"),
        ("deals:project_detail", "draft_project"),
        ("deals:person_detail", "draft_person"),
        ("deals:company_feed", "draft_company"),
    ],
)
def test_draft_detail_pages_are_not_found(client, story, name, attr):
    response = client.get(url(name, slug=getattr(story, attr).slug))
    assert response.status_code == 404


def test_in_review_and_unpublished_records_are_hidden_too(client, story):
    models.Deal.objects.filter(pk=story.deal.pk).update(publication="in_review")
    models.Company.objects.filter(pk=story.hynix.pk).update(publication="unpublished")
    assert client.get(story.deal.get_absolute_url()).status_code == 404
    assert client.get(story.hynix.get_absolute_url()).status_code == 404
    body = text(client.get(url("deals:deal_list")))
    assert story.deal.title not in body
    assert 'href="/companies/sk-hynix/"' not in body


def test_deal_page_in_english(client, story):
    body = text(client.get(story.deal.get_absolute_url()))
    assert "Nvidia to supply 50,000 GPUs to Samsung" in body
    assert "up to 50,000 GPUs" in body
    assert "value undisclosed" in body
    assert "Oct 31, 2025" in body
    # The timeline with the source of each step.
    assert "Reported" in body and "Announced" in body
    assert story.source.url in body
    assert 'href="/companies/nvidia/"' in body
    assert "The chimaek dinner" in body
    assert "Samsung AI Megafactory" in body


def test_deal_page_in_korean(client, story):
    body = text(client.get(url("deals:deal_detail", "ko", slug=story.deal.slug)))
    assert "엔비디아, 삼성전자에 GPU 5만 장 공급" in body
    assert "GPU 최대 5만 장" in body
    assert "금액 비공개" in body
    assert "2025년 10월 31일" in body
    assert "공급사" in body and "구매사" in body
    assert 'href="/ko/companies/nvidia/"' in body


def test_value_shows_its_won_equivalent_at_the_days_rate(client, story):
    body = text(client.get(story.hbm_deal.get_absolute_url()))
    assert "about USD 3 billion (≈ KRW 4.2 trillion at the rate of 2025-09-01)" in body
    body = text(client.get(url("deals:deal_detail", "ko", slug=story.hbm_deal.slug)))
    assert "약 30억 달러 (2025-09-01 환율 기준 약 4조 2,000억 원)" in body


def test_record_falls_back_to_the_other_language(client, story):
    models.Deal.objects.filter(pk=story.deal.pk).update(title_ko="")
    body = text(client.get(url("deals:deal_detail", "ko", slug=story.deal.slug)))
    assert "Nvidia to supply 50,000 GPUs to Samsung" in body


def test_language_switcher_keeps_the_reader_on_the_same_page(client, story):
    body = text(client.get(story.deal.get_absolute_url() + "?x=1"))
    assert f'href="/ko/deals/{story.deal.slug}/?x=1"' in body
    body = text(client.get(url("deals:deal_detail", "ko", slug=story.deal.slug)))
    assert f'href="/deals/{story.deal.slug}/"' in body
    assert 'hreflang="ko"' in body


def test_pages_carry_canonical_and_open_graph_tags(client, story):
    body = text(client.get(story.deal.get_absolute_url() + "?utm_source=x"))
    assert f'<link rel="canonical" href="http://testserver/deals/{story.deal.slug}/">' in body
    assert '<meta property="og:title" content="Nvidia to supply 50,000 GPUs to Samsung">' in body
    assert 'property="og:type" content="article"' in body


def test_pages_have_no_inline_script_or_style(client, story):
    for name in LIST_PAGES:
        body = text(client.get(url(name)))
        assert "<style" not in body
        assert " style=" not in body
        for chunk in body.split("<script")[1:]:
            head = chunk.split(">", 1)[0]
            assert "src=" in head or 'type="application/json"' in head, name


# --- Home, company, meeting, project, person -----------------------------------------------


def test_home_totals_count_only_published_deals(client, story):
    response = client.get(url("deals:home"))
    totals = response.context["totals"]
    assert totals["deals"] == 2
    assert totals["gpus"] == Decimal("50000")
    assert totals["usd"] == Decimal("3000000000")
    assert "USD 3 billion" in text(response)


def test_company_page_lists_deals_by_role_with_totals(client, story):
    response = client.get(story.nvidia.get_absolute_url())
    assert [d.slug for d in response.context["deals_as_supplier"]] == [story.deal.slug]
    assert [d.slug for d in response.context["deals_as_buyer"]] == [story.hbm_deal.slug]
    company = response.context["company"]
    assert company.deals_as_supplier == 1
    assert company.gpus_supplied == Decimal("50000")
    body = text(response)
    assert "Jensen Huang" in body
    assert "The chimaek dinner" in body  # attended by its people
    assert f'href="/companies/{story.nvidia.slug}/feed/"' in body
    assert {c.slug for c in response.context["partners"]} == {"samsung-electronics", "sk-hynix"}


def test_company_page_shows_its_most_recent_deals_and_links_to_the_rest(client, story, monkeypatch):
    """A company in thousands of deals gets a page of each list, its totals over all of them,
    and links to the deal list filtered by it; its partners are those it shares most deals
    with, and the page says how many more there are."""
    from deals.views import directory

    monkeypatch.setattr(directory, "DEALS_SHOWN", 1)
    monkeypatch.setattr(directory, "PARTNERS_SHOWN", 1)
    later = factories.make_deal(
        supplier=story.nvidia,
        buyer=story.samsung,
        title="Later deal",
        events=((dt.date(2025, 12, 1), models.DealStatus.ANNOUNCED),),
    )
    response = client.get(story.nvidia.get_absolute_url())
    assert [d.slug for d in response.context["deals_as_supplier"]] == [later.slug]
    assert response.context["company"].deals_as_supplier == 2
    body = text(response)
    assert "The 1 most recent of 2." in body
    assert 'href="/deals/?supplier=nvidia"' in body
    # Samsung shares two deals with Nvidia, SK hynix one.
    assert [c.slug for c in response.context["partners"]] == ["samsung-electronics"]
    assert "and 1 more" in body


def test_company_page_shows_a_page_of_its_people_and_links_to_the_rest(client, story, monkeypatch):
    from deals.views import directory

    monkeypatch.setattr(directory, "RELATED_LIMIT", 2)
    company = factories.CompanyFactory(slug="busy-co", publication=models.Publication.PUBLISHED)
    for name, name_ko in (("Ahn", "안<b>"), ("Baek", "백"), ("Cho", "조")):
        factories.PersonFactory(
            company=company, name=name, name_ko=name_ko, publication=models.Publication.PUBLISHED
        )
    factories.PersonFactory(
        company=company, name="Aaron Draft", publication=models.Publication.DRAFT
    )
    response = client.get(url("deals:company_detail", "ko", slug="busy-co"))
    assert [p.name for p in response.context["people"]] == ["Ahn", "Baek"]
    body = text(response)
    assert "안&lt;b&gt;" in body and "조" not in body and "Aaron" not in body
    assert 'href="/ko/people/?company=busy-co"' in body
    assert "인물 목록에서 이 기업의 인물 모두 보기" in body
    # With room for everyone, no link.
    monkeypatch.setattr(directory, "RELATED_LIMIT", 3)
    body = text(client.get(url("deals:company_detail", "ko", slug="busy-co")))
    assert "조" in body and "/ko/people/?company=busy-co" not in body


def test_company_page_shows_parent_and_subsidiaries(client, story):
    models.Company.objects.filter(pk=story.hynix.pk).update(parent=story.samsung)
    body = text(client.get(story.samsung.get_absolute_url()))
    assert 'href="/companies/sk-hynix/"' in body
    body = text(client.get(story.hynix.get_absolute_url()))
    assert "Parent company" in body


def test_meeting_page_shows_local_time_attendance_and_deals(client, story):
    factories.AttendanceFactory(
        meeting=story.meeting,
        status=models.AttendanceStatus.ABSENT,
        person=factories.PersonFactory(name="Absent Boss", publication=PUBLISHED),
    )
    body = text(client.get(story.meeting.get_absolute_url()))
    assert "Oct 30, 2025, 19:30 KST" in body
    assert "Kkanbu Chicken" in body
    assert "Jensen Huang" in body
    assert "Absent Boss" in body and "Expected but absent" in body
    assert story.deal.title in body
    body = text(client.get(url("deals:meeting_detail", "ko", slug=story.meeting.slug)))
    assert "2025년 10월 30일 19:30 (KST)" in body
    assert "깐부치킨" in body


def test_project_page_shows_participants_and_deals(client, story):
    body = text(client.get(story.project.get_absolute_url()))
    assert "Samsung Electronics" in body
    assert story.deal.title in body
    assert "more than 50,000 GPUs" in body


def test_person_page_shows_meetings(client, story):
    body = text(client.get(story.person.get_absolute_url()))
    assert "Chief executive" in body
    assert "The chimaek dinner" in body


def test_source_list_shows_published_sources(client, story):
    body = text(client.get(url("deals:source_list")))
    assert story.source.title in body
    assert f'id="source-{story.source.slug}"' in body


# --- Filters, sorting, pagination ------------------------------------------------------------


def deal_slugs(client, query="", lang="en"):
    response = client.get(url("deals:deal_list", lang) + query)
    assert response.status_code == 200
    return [d.slug for d in response.context["page_obj"].object_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["nvidia-samsung-blackwell", "hynix-nvidia-hbm"]),
        ("?status=announced", ["nvidia-samsung-blackwell"]),
        ("?status=announced&status=signed", ["nvidia-samsung-blackwell", "hynix-nvidia-hbm"]),
        ("?product_category=hbm", ["hynix-nvidia-hbm"]),
        ("?kind=supply_contract", ["nvidia-samsung-blackwell", "hynix-nvidia-hbm"]),
        ("?company=nvidia", ["nvidia-samsung-blackwell", "hynix-nvidia-hbm"]),
        ("?supplier=nvidia", ["nvidia-samsung-blackwell"]),
        ("?buyer=nvidia", ["hynix-nvidia-hbm"]),
        ("?country=us", ["nvidia-samsung-blackwell", "hynix-nvidia-hbm"]),
        ("?announced_after=2025-10-01", ["nvidia-samsung-blackwell"]),
        ("?announced_before=2025-10-01", ["hynix-nvidia-hbm"]),
        ("?disclosed=true", ["hynix-nvidia-hbm"]),
        ("?disclosed=false", ["nvidia-samsung-blackwell"]),
        ("?q=삼성", ["nvidia-samsung-blackwell"]),
        ("?q=hyni", ["hynix-nvidia-hbm"]),
        ("?ordering=announced_on", ["hynix-nvidia-hbm", "nvidia-samsung-blackwell"]),
        ("?ordering=-usd_amount", ["hynix-nvidia-hbm", "nvidia-samsung-blackwell"]),
    ],
)
def test_deal_list_filters(client, story, query, expected):
    assert deal_slugs(client, query) == expected


def test_deal_list_filters_work_in_korean_and_keep_state_in_the_form(client, story):
    assert deal_slugs(client, "?supplier=nvidia&status=announced", "ko") == [story.deal.slug]
    body = text(client.get(url("deals:deal_list", "ko") + "?supplier=nvidia&status=announced"))
    assert '<option value="nvidia" selected>' in body
    assert 'value="announced" checked' in body
    assert 'value="signed">' in body and 'value="signed" checked' not in body
    both = text(client.get(url("deals:deal_list", "ko") + "?status=announced&status=signed"))
    assert 'value="announced" checked' in both and 'value="signed" checked' in both
    assert 'value="rumored">' in both
    # The CSV link carries the same filters.
    assert "/ko/deals.csv?supplier=nvidia&amp;status=announced" in body


def test_a_bad_filter_value_is_reported_and_the_rest_still_apply(client, story):
    response = client.get(url("deals:deal_list") + "?announced_after=not-a-date&supplier=nvidia")
    assert response.status_code == 200
    assert [d.slug for d in response.context["page_obj"].object_list] == [story.deal.slug]
    assert "form-errors" in text(response)


def test_draft_company_filter_shows_no_draft_deal(client, story):
    assert deal_slugs(client, "?buyer=secret-buyer") == []


def test_company_list_filters_by_kind_and_role(client, story):
    response = client.get(url("deals:company_list") + "?kind=memory_maker")
    assert {c.slug for c in response.context["page_obj"].object_list} == {
        "samsung-electronics",
        "sk-hynix",
    }
    response = client.get(url("deals:company_list") + "?role=buyer")
    assert {c.slug for c in response.context["page_obj"].object_list} == {
        "samsung-electronics",
        "nvidia",
    }


def test_pagination_keeps_filters_and_page_in_the_url(client, story):
    for n in range(30):
        factories.make_deal(
            supplier=story.nvidia,
            buyer=story.samsung,
            title=f"Extra deal {n}",
            title_ko=f"추가 거래 {n}",
        )
    response = client.get(url("deals:deal_list") + "?supplier=nvidia")
    assert response.context["page_obj"].paginator.count == 31
    assert len(response.context["page_obj"].object_list) == 25
    assert "?supplier=nvidia&amp;page=2" in text(response)
    response = client.get(url("deals:deal_list") + "?supplier=nvidia&page=2")
    assert len(response.context["page_obj"].object_list) == 6
    assert '<span aria-current="page">2</span>' in text(response)
    assert 'rel="prev" href="?supplier=nvidia&amp;page=1"' in text(response)


def test_meeting_and_project_lists_filter(client, story):
    response = client.get(url("deals:meeting_list") + "?q=치맥")
    assert [m.slug for m in response.context["page_obj"].object_list] == ["chimaek-dinner"]
    response = client.get(url("deals:project_list") + "?q=메가")
    assert [p.slug for p in response.context["page_obj"].object_list] == [story.project.slug]
    response = client.get(url("deals:person_list") + "?q=젠슨")
    assert [p.slug for p in response.context["page_obj"].object_list] == ["jensen-huang"]


# --- Search ------------------------------------------------------------------------------


def found(client, query, lang="en"):
    response = client.get(url("deals:search", lang), {"q": query})
    assert response.status_code == 200
    return {
        group["kind"]: [row.slug for row in group["rows"]] for group in response.context["groups"]
    }, text(response)


def test_search_finds_two_syllable_korean_words(client, story):
    groups, body = found(client, "삼성")
    assert groups["companies"] == ["samsung-electronics"]
    assert story.deal.slug in groups["deals"]
    assert story.project.slug in groups["projects"]
    groups, _ = found(client, "엔비", "ko")
    assert groups["companies"] == ["nvidia"]
    assert "엔비디아, 삼성전자에 GPU 5만 장 공급" in _


def test_search_finds_partial_english(client, story):
    groups, _body = found(client, "hyni")
    assert groups["companies"] == ["sk-hynix"]
    assert groups["deals"] == ["hynix-nvidia-hbm"]
    groups, _body = found(client, "JENSEN")
    assert groups["people"] == ["jensen-huang"]


def test_search_never_finds_drafts(client, story):
    for word in ("Secret", "비밀", "secret-deal"):
        groups, body = found(client, word)
        assert all(rows == [] for rows in groups.values()), word
        # The query itself is echoed back (in the title and the box); nothing else may match.
        assert_no_drafts(body.replace(word, ""))


def test_empty_search_shows_the_form_only(client, story):
    response = client.get(url("deals:search"))
    assert response.status_code == 200
    assert response.context["groups"] == []


# --- Escaping ---------------------------------------------------------------------------------


def test_record_text_is_escaped_everywhere(client, story):
    evil = "<script>alert(1)</script>"
    models.Company.objects.filter(pk=story.samsung.pk).update(name=evil, name_ko=evil)
    models.Deal.objects.filter(pk=story.deal.pk).update(title=evil, summary=evil)
    pages = [
        url("deals:home"),
        url("deals:deal_list"),
        story.deal.get_absolute_url(),
        story.samsung.get_absolute_url(),
        url("deals:company_list"),
        url("deals:graph"),
        url("deals:search") + "?q=" + "script",
        url("deals:deal_list", "ko"),
    ]
    for page in pages:
        body = text(client.get(page))
        assert evil not in body, page
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escaped in text(client.get(story.deal.get_absolute_url()))
    # The search box echoes the query escaped.
    body = text(client.get(url("deals:search"), {"q": evil}))
    assert evil not in body


# --- Graph -------------------------------------------------------------------------------------


def test_graph_data_has_published_companies_and_deals_only(client, story):
    response = client.get(url("deals:graph_data"))
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    labels = {n["label"] for n in data["nodes"]}
    assert labels == {"NVIDIA", "Samsung Electronics", "SK hynix"}
    edge = next(e for e in data["edges"] if e["url"] == story.deal.get_absolute_url())
    assert edge["source"] == f"c{story.nvidia.pk}"
    assert edge["target"] == f"c{story.samsung.pk}"
    assert edge["status"] == "announced"
    assert edge["gpus"] == 50000
    assert "Secret" not in response.content.decode()


def test_graph_data_in_korean_and_filtered(client, story):
    body = client.get(url("deals:graph_data", "ko") + "?product_category=hbm").content
    data = json.loads(body)
    # UTF-8 Korean, not \u escapes, and no spaces after the separators.
    assert body == json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    assert "엔비디아".encode() in body
    assert {n["label"] for n in data["nodes"]} == {"엔비디아", "SK하이닉스"}
    assert data["nodes"][0]["url"].startswith("/ko/companies/")
    data = json.loads(client.get(url("deals:graph_data") + "?announced_after=2025-10-01").content)
    assert [e["url"] for e in data["edges"]] == [story.deal.get_absolute_url()]
    data = json.loads(client.get(url("deals:graph_data") + "?around=sk-hynix").content)
    assert len(data["edges"]) == 1
    assert client.get(url("deals:graph_data") + "?around=secret-buyer").status_code == 404


def test_graph_data_draws_the_most_recent_deals_and_says_when_more_match(
    client, story, monkeypatch
):
    monkeypatch.setattr(overview, "NETWORK_DRAWN", 1)
    older = factories.make_deal(
        supplier=story.samsung,
        buyer=story.hynix,
        title="Samsung buys HBM test kits",
        title_ko="삼성전자, SK하이닉스 HBM 시험 장비 구매",
        events=((dt.date(2024, 1, 5), models.DealStatus.RUMORED),),
    )

    def drawn(query=""):
        response = client.get(url("deals:graph_data") + query)
        assert response.status_code == 200
        data = json.loads(response.content)
        return [e["url"] for e in data["edges"]], data["limit"], data["more"], data["max_limit"]

    # At first only the most recent deal; the JSON says others match and how far it can go.
    assert drawn() == ([story.deal.get_absolute_url()], 1, True, 2000)
    assert drawn("?limit=2") == (
        [story.deal.get_absolute_url(), story.hbm_deal.get_absolute_url()],
        2,
        True,
        2000,
    )
    urls, limit, more, _ = drawn("?limit=2000")
    assert set(urls) == {
        story.deal.get_absolute_url(),
        story.hbm_deal.get_absolute_url(),
        older.get_absolute_url(),
    }
    assert (limit, more) == (2000, False)
    # The filters and a company's neighbourhood narrow first; the limit applies to what is left.
    assert drawn("?limit=1&product_category=hbm") == (
        [story.hbm_deal.get_absolute_url()],
        1,
        False,
        2000,
    )
    assert drawn("?around=sk-hynix") == ([story.hbm_deal.get_absolute_url()], 1, True, 2000)
    assert drawn("?around=sk-hynix&limit=5")[2] is False
    assert "Secret" not in client.get(url("deals:graph_data") + "?limit=2000").content.decode()


@pytest.mark.parametrize(
    "value", ["0", "-3", "2001", "9" * 40, "1.5", "1e3", "abc", "\x00", "삼백", "0x10"]
)
def test_graph_data_refuses_a_limit_it_cannot_draw(client, story, value):
    for language in ("en", "ko"):
        response = client.get(url("deals:graph_data", language), {"limit": value})
        assert response.status_code == 400, (value, language)
        assert response["Content-Type"] == "application/json"
        [message] = json.loads(response.content)["limit"]
        if language == "ko":
            assert any("\uac00" <= char <= "\ud7a3" for char in message), message
        else:
            assert message.startswith(("Enter a whole number", "Ensure this value")), message


def test_graph_page_has_tables_charts_and_timeline_without_javascript(client, story):
    response = client.get(url("deals:graph"))
    body = text(response)
    assert 'data-url="/graph/data.json"' in body
    assert [b["label"] for b in response.context["gpu_bars"]] == ["Samsung Electronics"]
    assert [b["value"] for b in response.context["month_bars"]] == [1, 1]
    kinds = {row["kind"] for row in response.context["timeline"]}
    assert kinds == {"event", "meeting"}
    assert "The chimaek dinner" in body
    body = text(client.get(url("deals:graph") + "?product_category=hbm"))
    assert "Samsung Electronics</a></th>" not in body  # not a GPU buyer in HBM deals


def test_graph_page_draws_the_recent_deals_and_charts_every_deal(client, story, monkeypatch):
    monkeypatch.setattr(overview, "NETWORK_DRAWN", 1)
    older = factories.make_deal(
        supplier=story.nvidia,
        buyer=story.hynix,
        title="Nvidia ships GPUs to SK hynix",
        title_ko="엔비디아, SK하이닉스에 GPU 공급",
        quantity=Decimal("7000"),
        events=((dt.date(2024, 3, 2), models.DealStatus.SIGNED),),
    )
    response = client.get(url("deals:graph", "ko"))
    body = text(response)
    # Drawn, listed and on the timeline: the most recent deal only.
    assert [d.pk for d in response.context["deals"]] == [story.deal.pk]
    assert older.title_ko not in body and story.deal.title_ko in body
    assert {
        row["item"].deal_id for row in response.context["timeline"] if row["kind"] == "event"
    } == {story.deal.pk}
    # Charted: the NETWORK_LIMIT most recent matching deals, drawn or not.
    assert [b["label"] for b in response.context["gpu_bars"]] == ["삼성전자", "SK하이닉스"]
    assert [b["value"] for b in response.context["month_bars"]] == [1, 1, 1]
    monkeypatch.setattr(overview, "NETWORK_LIMIT", 2)
    response = client.get(url("deals:graph"))
    assert [b["label"] for b in response.context["gpu_bars"]] == ["Samsung Electronics"]
    assert [b["label"] for b in response.context["month_bars"]] == ["Sep 2025", "Oct 2025"]
    assert "Both charts count the 2 most recent deals" in text(response)
    monkeypatch.setattr(overview, "NETWORK_LIMIT", 2000)
    # A link draws twice as many, keeping the filters; the drawing's form carries the size.
    assert "가장 최근 거래만 그렸습니다." in body
    assert 'href="?product_category=gpu&amp;limit=2"' in text(
        client.get(url("deals:graph", "ko") + "?product_category=gpu")
    )
    response = client.get(url("deals:graph") + "?limit=2")
    assert [d.pk for d in response.context["deals"]] == [story.deal.pk, story.hbm_deal.pk]
    assert '<input type="hidden" name="limit" value="2">' in text(response)
    response = client.get(url("deals:graph") + "?limit=3")
    assert response.context["more"] is False and "Draw more deals" not in text(response)
    # The month chart shows the latest months only.
    monkeypatch.setattr(overview, "MONTHS_CHARTED", 2)
    months = client.get(url("deals:graph")).context["month_bars"]
    assert [b["label"] for b in months] == ["Sep 2025", "Oct 2025"]


def test_graph_page_charts_are_kept_per_filters_that_cannot_be_confused(client, story):
    """The charts are kept until the next edit under their filters; a value holding "&" and
    "=" must not name the same entry as two filters."""
    from django.core.cache import cache

    cache.clear()
    with override_settings(DATA_CACHE_SECONDS=300):
        two = client.get(
            url("deals:graph"), {"announced_after": "2020-01-01", "product_category": "hbm"}
        )
        one = client.get(url("deals:graph"), {"announced_after": "2020-01-01&product_category=hbm"})
    cache.clear()
    assert two.context["gpu_bars"] == []  # the HBM deal counts no GPUs
    # An announced_after that is not a date is left out: every deal is charted.
    assert [b["label"] for b in one.context["gpu_bars"]] == ["Samsung Electronics"]


@pytest.mark.parametrize("value", ["0", "2001", "abc", "\x00", "삼백"])
def test_graph_page_with_a_limit_it_cannot_draw_says_so_and_draws_the_default(client, story, value):
    response = client.get(url("deals:graph", "ko"), {"limit": value})
    assert response.status_code == 200
    assert response.context["limit"] == overview.NETWORK_DRAWN
    body = text(response)
    assert "이해할 수 없는 필터는 빼고 보여 줍니다:" in body
    with translation.override("ko"):  # the field's message, as the page showed it
        [message] = [str(error) for error in response.context["limit_errors"]]
    assert message in body and any("\uac00" <= char <= "\ud7a3" for char in message)


# --- Errors, sitemap, robots -----------------------------------------------------------------


def test_not_found_page_is_friendly_in_both_languages(client, story):
    response = client.get("/deals/no-such-deal/")
    assert response.status_code == 404
    body = text(response)
    assert "Page not found" in body
    assert 'href="/deals/"' in body
    response = client.get("/ko/deals/no-such-deal/")
    assert response.status_code == 404
    assert "페이지를 찾을 수 없습니다" in text(response)


def test_server_error_page_needs_no_database_or_context(django_assert_num_queries):
    with django_assert_num_queries(0):
        body = render_to_string("500.html")
    assert "Something went wrong" in body
    assert "오류가 발생했습니다" in body


def test_sitemap_lists_published_pages_in_both_languages(client, story):
    response = client.get(url("deals:sitemap"))
    assert response.status_code == 200
    body = text(response)
    assert f"http://testserver/deals/{story.deal.slug}/" in body
    assert f"http://testserver/ko/deals/{story.deal.slug}/" in body
    assert 'hreflang="ko"' in body
    assert "http://testserver/companies/nvidia/" in body
    assert_no_drafts(body)


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in text(response)


# --- Query counts ----------------------------------------------------------------------------


def grow(story, n: int):
    """Give every page `n` rows to list: deals, companies, meetings, people, sources."""
    for i in range(n):
        buyer = factories.CompanyFactory(publication=PUBLISHED, name=f"Buyer {i}")
        deal = factories.make_deal(
            supplier=story.nvidia,
            buyer=buyer,
            project=story.project,
            title=f"Grown deal {i}",
            title_ko=f"추가 거래 {i}",
            events=(
                (dt.date(2025, 9, 1), models.DealStatus.REPORTED),
                (dt.date(2025, 10, 1 + i % 28), models.DealStatus.ANNOUNCED),
            ),
        )
        person = factories.PersonFactory(company=buyer, publication=PUBLISHED)
        meeting = factories.MeetingFactory(publication=PUBLISHED, parent=story.meeting)
        factories.AttendanceFactory(meeting=story.meeting, person=person)
        factories.AttendanceFactory(meeting=meeting, person=story.person)
        models.DealMeeting.objects.create(deal=deal, meeting=story.meeting)
        factories.ProjectPartyFactory(project=story.project, company=buyer)
        story.nvidia.sources.add(deal.sources.get())
        story.samsung.sources.add(deal.sources.get())
        factories.ProjectFactory(publication=PUBLISHED)
        buyer.parent = story.samsung
        buyer.save()


PAGES = {
    "home": lambda s: url("deals:home"),
    "deal_list": lambda s: url("deals:deal_list"),
    "deal_list_filtered": lambda s: url("deals:deal_list") + "?supplier=nvidia&status=announced",
    "company_list": lambda s: url("deals:company_list"),
    "meeting_list": lambda s: url("deals:meeting_list"),
    "project_list": lambda s: url("deals:project_list"),
    "person_list": lambda s: url("deals:person_list"),
    "source_list": lambda s: url("deals:source_list"),
    "search": lambda s: url("deals:search") + "?q=e",
    "graph": lambda s: url("deals:graph"),
    "graph_data": lambda s: url("deals:graph_data"),
    "deal_detail": lambda s: s.deal.get_absolute_url(),
    "company_detail": lambda s: s.nvidia.get_absolute_url(),
    "company_detail_parent": lambda s: s.samsung.get_absolute_url(),
    "meeting_detail": lambda s: s.meeting.get_absolute_url(),
    "project_detail": lambda s: s.project.get_absolute_url(),
    "person_detail": lambda s: s.person.get_absolute_url(),
    "feed": lambda s: url("deals:feed"),
    "company_feed": lambda s: url("deals:company_feed", slug=s.nvidia.slug),
    "csv": lambda s: url("deals:deals_csv"),
    "sitemap": lambda s: url("deals:sitemap"),
    "korean_deal_list": lambda s: url("deals:deal_list", "ko"),
}


#: No public page may run more queries than this, whatever it lists.
MAX_QUERIES = 15


def test_every_page_runs_a_fixed_number_of_queries(client, story, django_assert_max_num_queries):
    """Each page with 1 row and with 50 rows of everything it lists: the same count, under the
    bound. (All pages in one test, so the 50 rows are built once.)"""
    counts = {}
    for rows in (1, 49):  # 1 row, then 50
        grow(story, rows)
        for page, address in PAGES.items():
            with django_assert_max_num_queries(MAX_QUERIES) as captured:
                response = client.get(address(story))
            assert response.status_code == 200, page
            counts.setdefault(page, []).append(len(captured.captured_queries))
    growing = {page: c for page, c in counts.items() if c[0] != c[1]}
    assert not growing, f"query count grows with the rows: {growing}"


def test_lists_sort_by_the_readers_choice(client, story):
    response = client.get(url("deals:company_list") + "?ordering=name_ko")
    names = [c.name_ko for c in response.context["page_obj"].object_list]
    assert names == sorted(names)
    assert '<option value="name_ko" selected>' in text(response)
    factories.MeetingFactory(
        slug="later-meeting",
        publication=PUBLISHED,
        starts_at=dt.datetime(2025, 11, 5, 1, 0, tzinfo=dt.UTC),
    )
    slugs = lambda q: [  # noqa: E731
        m.slug for m in client.get(url("deals:meeting_list") + q).context["page_obj"].object_list
    ]
    assert slugs("") == ["later-meeting", "chimaek-dinner"]
    assert slugs("?ordering=starts_at") == ["chimaek-dinner", "later-meeting"]


def test_company_list_filters_by_country(client, story):
    response = client.get(url("deals:company_list", "ko") + "?country=us")
    assert [c.slug for c in response.context["page_obj"].object_list] == ["nvidia"]
    assert '<option value="US" selected>' in text(response)


def test_company_list_offers_the_countries_of_published_companies_only(client, story):
    factories.CompanyFactory(name="Draft Co", country="JP", publication=models.Publication.DRAFT)
    factories.CompanyFactory(
        name="Kiwi Chips",
        name_ko="키위칩스",
        country="NZ",
        publication=models.Publication.PUBLISHED,
    )
    body = text(client.get(url("deals:company_list", "ko") + "?country=nz%00<x>"))
    assert '<option value="JP"' not in body
    assert '<option value="NZ">' in body and '<option value="US">' in body
    assert "<x>" not in body


def test_language_switcher_on_a_missing_page(client, story):
    # An address that matches a page keeps its twin; one that matches nothing leads home.
    body = text(client.get("/ko/deals/no-such-deal/"))
    assert 'href="/deals/no-such-deal/" lang="en"' in body
    body = text(client.get("/ko/nothing-here/"))
    assert 'href="/" lang="en"' in body
    body = text(client.get("/nothing-here/"))
    assert 'href="/ko/" lang="ko"' in body
