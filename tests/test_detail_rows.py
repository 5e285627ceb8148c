"""A deal's page (deals/detail_rows.py): the prepared statement on PostgreSQL and the ORM's
`for_detail()` elsewhere give the same records, loaded and joined the same way, and the same
page, with drafts around the deal, Korean-only names, awkward text, missing values and
meetings whose local day is not the UTC one."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from deals import services
from deals.detail_rows import (
    company_page_lists,
    published_company_for_page,
    published_deal_for_page,
)
from deals.models import (
    DatePrecision,
    Deal,
    DealEvent,
    DealStatus,
    Disclosure,
    MeetingRole,
    PartyRole,
    ProjectRole,
    Publication,
)
from tests import factories

pytestmark = pytest.mark.django_db

PUBLISHED, DRAFT = Publication.PUBLISHED, Publication.DRAFT
ON_POSTGRESQL = connection.vendor == "postgresql"
AWKWARD = "<b>따옴표\" & 'apostrophe'</b>\t줄\n바꿈 🚀"
UTC = dt.UTC


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def crowded():
    """A published deal with every part its page shows, drafts among each, and a neighbour
    whose parts must not leak into it."""
    factories.ExchangeRateFactory(
        currency="KRW",
        date=dt.date(2025, 10, 1),
        rate=Decimal("1400.500000"),
        publication=PUBLISHED,
    )
    nvidia = factories.CompanyFactory(publication=PUBLISHED, name="Nvidia", name_ko="엔비디아")
    samsung = factories.CompanyFactory(publication=PUBLISHED, name="", name_ko="삼성전자")
    hidden = factories.CompanyFactory(
        publication=DRAFT, name="Secret Buyer", name_ko="비공개 구매자"
    )
    korea = factories.CompanyFactory(publication=PUBLISHED, name=AWKWARD, name_ko="대한민국 정부")
    project = factories.ProjectFactory(publication=PUBLISHED, name="", name_ko="울산 AI 데이터센터")
    dated = factories.SourceFactory(
        publication=PUBLISHED,
        title="Older report",
        title_ko="",
        publisher="B Daily",
        publisher_ko="비일보",
        published_on=dt.date(2025, 10, 29),
    )
    same_day = factories.SourceFactory(
        publication=PUBLISHED,
        title=AWKWARD,
        title_ko="같은 날 보도",
        publisher="A Daily",
        publisher_ko="",
        published_on=dt.date(2025, 10, 29),
        published_on_precision=DatePrecision.MONTH,
    )
    undated = factories.SourceFactory(
        publication=PUBLISHED,
        url="",
        title="Undated note",
        title_ko="날짜 없는 자료",
        published_on=None,
        language="en",
    )
    unpublished = factories.SourceFactory(
        publication=DRAFT, title="Embargoed scoop", title_ko="엠바고 기사"
    )
    seoul = factories.MeetingFactory(
        publication=PUBLISHED,
        title="",
        title_ko="경주 만찬",
        timezone="Asia/Seoul",
        # 23:30 UTC is the next morning in Seoul: the page shows the local day
        starts_at=dt.datetime(2025, 10, 29, 23, 30, 15, 123456, tzinfo=UTC),
    )
    valley = factories.MeetingFactory(
        publication=PUBLISHED,
        title="Santa Clara call",
        title_ko="산타클라라 통화",
        timezone="America/Los_Angeles",
        starts_at=dt.datetime(2025, 9, 2, 3, 0, tzinfo=UTC),
    )
    secret = factories.MeetingFactory(
        publication=DRAFT, title="Secret dinner", title_ko="비밀 만찬"
    )

    deal = factories.make_deal(
        supplier=nvidia,
        buyer=samsung,
        title="",
        title_ko="엔비디아 GPU 26만 장 공급",
        summary=AWKWARD + "\n\n둘째 문단",
        summary_ko="",
        project=project,
        amount=Decimal("3500000000000"),
        currency="KRW",
        disclosure=Disclosure.DISCLOSED,
        amount_note="reported, not confirmed",
        amount_note_ko="보도 기준",
        events=((dt.date(2025, 10, 31), DealStatus.SIGNED),),
    )
    services.deal_update(
        deal=deal,
        fields={},
        parts=services.DealParts(
            parties=[
                services.PartySpec(company=nvidia, role=PartyRole.SUPPLIER, note=AWKWARD),
                services.PartySpec(company=samsung, role=PartyRole.BUYER, note_ko="주요 구매자"),
                services.PartySpec(company=hidden, role=PartyRole.BUYER, note="must not show"),
                services.PartySpec(company=korea, role=PartyRole.GOVERNMENT),
            ],
            events=[
                services.EventSpec(
                    date=dt.date(2025, 10, 31),
                    status=DealStatus.SIGNED,
                    source=dated,
                    note_ko="서명",
                ),
                services.EventSpec(
                    date=dt.date(2025, 9, 1),
                    status=DealStatus.RUMORED,
                    date_precision=DatePrecision.MONTH,
                    source=unpublished,
                    note=AWKWARD,
                ),
                services.EventSpec(
                    date=dt.date(2025, 10, 29), status=DealStatus.ANNOUNCED, source=same_day
                ),
            ],
            meetings=[
                services.MeetingLinkSpec(meeting=seoul, role=MeetingRole.ANNOUNCED),
                services.MeetingLinkSpec(meeting=secret, role=MeetingRole.SIGNED),
                services.MeetingLinkSpec(meeting=valley),
            ],
            sources=[dated, same_day, undated, unpublished],
        ),
    )
    # A step whose source was never recorded (as imported data can have), on the same day as
    # another: steps of a day keep the order they were entered in.
    DealEvent.objects.create(
        deal=deal,
        date=dt.date(2025, 10, 29),
        status=DealStatus.ANNOUNCED,
        source=None,
        note="no source",
    )
    neighbour = factories.make_deal(
        supplier=samsung, buyer=nvidia, title="Neighbour", title_ko="이웃 거래"
    )
    services.deal_update(
        deal=neighbour,
        fields={},
        parts=services.DealParts(meetings=[services.MeetingLinkSpec(meeting=seoul)]),
    )
    return Deal.objects.get(pk=deal.pk)


def snapshot(instance, depth: int = 2):
    """An instance as the page can read it: its class, its loaded columns and which are
    deferred, and (to `depth`) the related instances already joined to it."""
    if instance is None:
        return None
    loaded = {f.attname for f in instance._meta.concrete_fields} - instance.get_deferred_fields()
    related = {}
    if depth:
        for name, other in sorted(instance._state.fields_cache.items()):
            related[name] = snapshot(other, depth - 1) if name != "deal" else other.pk
    return (
        type(instance).__name__,
        {n: getattr(instance, n) for n in sorted(loaded)},
        sorted(instance.get_deferred_fields()),
        related,
    )


DEAL_LISTS = ("public_parties", "timeline", "public_meeting_links", "public_sources")
COMPANY_LISTS = ("public_subsidiaries", "public_project_parties", "public_sources")


def page_records(record, lists=DEAL_LISTS) -> dict:
    return {
        "record": snapshot(record),
        **{name: [snapshot(r) for r in getattr(record, name)] for name in lists},
    }


def test_both_ways_give_the_same_records(crowded, both_ways):
    fast, orm = both_ways(published_deal_for_page, crowded.slug)
    assert fast is not orm
    assert page_records(fast) == page_records(orm)
    # ...and the records are the right ones, not merely the same ones.
    records = page_records(fast)
    assert [p.company.name_ko for p in fast.public_parties] == [
        "삼성전자",
        "대한민국 정부",
        "엔비디아",  # by role: buyer, government, supplier
    ]
    assert [p.note for p in fast.public_parties][-1] == AWKWARD
    assert [(e.date, e.note) for e in fast.timeline] == [
        (dt.date(2025, 9, 1), AWKWARD),
        (dt.date(2025, 10, 29), ""),
        (dt.date(2025, 10, 29), "no source"),
        (dt.date(2025, 10, 31), ""),
    ]
    assert fast.timeline[2].source is None
    assert fast.timeline[0].source.publication == DRAFT  # the template hides it
    assert [link.meeting.title for link in fast.public_meeting_links] == ["Santa Clara call", ""]
    assert fast.public_meeting_links[1].meeting.starts_at == dt.datetime(
        2025, 10, 29, 23, 30, 15, 123456, tzinfo=UTC
    )
    # Newest first, same day by publisher; an undated source where the database puts a
    # missing date in a descending order (PostgreSQL first, SQLite last).
    titles = [s.title for s in fast.public_sources]
    dated = [t for t in titles if t != "Undated note"]
    assert dated == [AWKWARD, "Older report"]
    assert titles.index("Undated note") == (0 if ON_POSTGRESQL else 2)
    shown = str({k: v for k, v in records.items() if k != "timeline"})  # a step keeps its source
    assert "Embargoed scoop" not in shown and "Secret" not in shown and "must not" not in shown
    assert fast.project.name_ko == "울산 AI 데이터센터"
    assert fast.usd_rate.date == dt.date(2025, 10, 1) and fast.usd_amount is not None
    assert fast.public_parties[0].deal is fast  # joined back, as prefetching does


def test_a_deal_with_nothing_around_it(both_ways):
    bare = factories.DealFactory(
        publication=PUBLISHED, title="", title_ko="빈 거래", summary="", project=None
    )
    fast, orm = both_ways(published_deal_for_page, bare.slug)
    assert page_records(fast) == page_records(orm)
    assert fast.project is None and fast.usd_rate is None
    assert fast.public_parties == fast.timeline == fast.public_meeting_links == []
    assert fast.public_sources == []


@pytest.mark.parametrize("slug", ["no-such-deal", "없는-거래", "' OR 1=1 --", "x" * 500, ""])
def test_no_deal_is_none_either_way(crowded, both_ways, slug):
    assert both_ways(published_deal_for_page, slug) == (None, None)


def test_a_draft_deal_is_not_read(crowded, both_ways):
    Deal.objects.filter(pk=crowded.pk).update(publication=DRAFT)
    assert both_ways(published_deal_for_page, crowded.slug) == (None, None)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_page_is_the_same_either_way(client, crowded, both_ways, language):
    address = (
        f"/{language}/deals/{crowded.slug}/" if language == "ko" else (crowded.get_absolute_url())
    )
    with translation.override(language):
        fast, orm = both_ways(client.get, address)
    assert fast.status_code == orm.status_code == 200
    assert fast.content == orm.content
    html = fast.content.decode()
    # (English falls back to the Korean name where there is no English one.)
    shown = ["엔비디아 GPU 26만 장 공급", "울산 AI 데이터센터", "주요 구매자", "경주 만찬"]
    shown += (
        ["대한민국 정부", "날짜 없는 자료"]
        if language == "ko"
        else [
            "&lt;b&gt;따옴표",
            "Undated note",
            "Santa Clara call",
        ]
    )
    for text in shown:
        assert text in html
    for hidden in (
        "Secret Buyer",
        "비공개 구매자",
        "must not show",
        "Embargoed",
        "엠바고",
        "Secret dinner",
        "비밀 만찬",
        "<b>따옴표",
    ):
        assert hidden not in html
    # The Seoul dinner at 23:30 UTC on the 29th is on the 30th in Seoul.
    assert ("2025년 10월 30일" if language == "ko" else "Oct 30, 2025") in html


def test_a_missing_or_draft_deal_is_404_either_way(client, crowded, settings):
    Deal.objects.filter(pk=crowded.pk).update(publication=DRAFT)
    for prepared in (True, False):
        settings.PREPARED_STATEMENTS = prepared
        assert client.get(crowded.get_absolute_url()).status_code == 404
        assert client.get("/deals/no-such-deal/").status_code == 404


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the prepared statement is PostgreSQL's")
def test_one_statement_reads_the_deal_and_all_its_parts(crowded, settings):
    with CaptureQueriesContext(connection) as captured:
        deal = published_deal_for_page(crowded.slug)
        page_records(deal)  # nothing left to load
        [p.company.name for p in deal.public_parties]
        [e.source and e.source.title for e in deal.timeline]
        [link.meeting.title for link in deal.public_meeting_links]
    assert [q["sql"].split(" (")[0] for q in captured.captured_queries] == [
        "EXECUTE dealtracker_deal_page"
    ]
    settings.PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as captured:
        published_deal_for_page(crowded.slug)
    assert len(captured.captured_queries) == 5
    assert not any(q["sql"].startswith("EXECUTE") for q in captured.captured_queries)


# --- A company's page ------------------------------------------------------------------------


@pytest.fixture
def group():
    """A published company inside a group, with subsidiaries, projects and sources, drafts
    among each."""
    parent = factories.CompanyFactory(publication=PUBLISHED, name="", name_ko="삼성그룹")
    company = factories.CompanyFactory(
        publication=PUBLISHED,
        name="Samsung Electronics",
        name_ko="삼성전자",
        parent=parent,
        description=AWKWARD,
        description_ko="",
        website="https://www.samsung.com/",
    )
    for name, name_ko, publication in (
        ("Zeta Foundry", "", PUBLISHED),
        ("", "삼성 AI 연구소", PUBLISHED),
        ("Secret Lab", "비밀 연구소", DRAFT),
    ):
        factories.CompanyFactory(
            publication=publication, name=name, name_ko=name_ko, parent=company
        )
    ulsan = factories.ProjectFactory(
        publication=PUBLISHED, name="", name_ko="울산 AI 데이터센터", capacity_mw=Decimal("103.50")
    )
    stargate = factories.ProjectFactory(
        publication=PUBLISHED, name="Stargate", name_ko="스타게이트"
    )
    hidden = factories.ProjectFactory(
        publication=DRAFT, name="Hidden campus", name_ko="숨은 캠퍼스"
    )
    for project, role in (
        (ulsan, ProjectRole.LEAD),
        (stargate, ProjectRole.LEAD),
        (hidden, ProjectRole.LEAD),
    ):
        factories.ProjectPartyFactory(project=project, company=company, role=role, note_ko="주관사")
    company.sources.add(
        factories.SourceFactory(publication=PUBLISHED, title="Group report", title_ko=""),
        factories.SourceFactory(publication=PUBLISHED, published_on=None, url=""),
        factories.SourceFactory(publication=DRAFT, title="Embargoed scoop"),
    )
    return company


def test_a_company_is_the_same_records_either_way(group, both_ways):
    fast, orm = both_ways(published_company_for_page, group.slug)
    assert page_records(fast, COMPANY_LISTS) == page_records(orm, COMPANY_LISTS)
    assert fast.parent.name_ko == "삼성그룹" and fast.description == AWKWARD
    assert [str(c) for c in fast.public_subsidiaries] == ["삼성 AI 연구소", "Zeta Foundry"]
    assert fast.public_subsidiaries[0].parent is fast
    assert [p.project.name_ko for p in fast.public_project_parties] == [
        "울산 AI 데이터센터",
        "스타게이트",  # by English name, the empty one first
    ]
    assert fast.public_project_parties[0].project.capacity_mw == Decimal("103.50")
    assert fast.public_project_parties[0].company is fast
    assert len(fast.public_sources) == 2
    assert "Embargoed" not in str(page_records(fast, COMPANY_LISTS))


def test_a_company_alone_is_the_same_either_way(both_ways):
    alone = factories.CompanyFactory(
        publication=PUBLISHED,
        name="",
        name_ko="독립 회사",
        parent=factories.CompanyFactory(publication=DRAFT),
    )
    fast, orm = both_ways(published_company_for_page, alone.slug)
    assert page_records(fast, COMPANY_LISTS) == page_records(orm, COMPANY_LISTS)
    assert fast.parent.publication == DRAFT  # read, and hidden by the template
    assert fast.public_subsidiaries == fast.public_project_parties == fast.public_sources == []


def test_a_missing_or_draft_company_is_none_either_way(group, both_ways):
    assert both_ways(published_company_for_page, group.parent.slug)[0] is not None
    group.__class__.objects.filter(pk=group.pk).update(publication=DRAFT)
    for slug in (group.slug, "없는-회사", "' OR 1=1 --"):
        assert both_ways(published_company_for_page, slug) == (None, None)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_company_page_is_the_same_either_way(client, group, both_ways, language):
    factories.make_deal(supplier=group, title="", title_ko="삼성 HBM 공급")
    address = group.get_absolute_url()
    if language == "ko":
        address = "/ko" + address
    with translation.override(language):
        fast, orm = both_ways(client.get, address)
    assert fast.status_code == orm.status_code == 200
    assert fast.content == orm.content
    html = fast.content.decode()
    for text in ("삼성그룹", "삼성 AI 연구소", "울산 AI 데이터센터", "삼성 HBM 공급"):
        assert text in html
    for text in (
        "Secret Lab",
        "비밀 연구소",
        "Hidden campus",
        "숨은 캠퍼스",
        "Embargoed",
        "<b>따옴표",
    ):
        assert text not in html


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the prepared statement is PostgreSQL's")
def test_one_statement_reads_the_company_and_its_parts(group, settings):
    with CaptureQueriesContext(connection) as captured:
        company = published_company_for_page(group.slug)
        page_records(company, COMPANY_LISTS)
        [p.project.name for p in company.public_project_parties]
        str(company.parent)
    assert [q["sql"].split(" (")[0] for q in captured.captured_queries] == [
        "EXECUTE dealtracker_company_page"
    ]


@pytest.fixture
def busy(group):
    """The group's company in deals in every role, some in two roles at once, drafts and
    undated deals among them, and people: more than a page of each."""
    other = factories.CompanyFactory(publication=PUBLISHED)
    made = []
    for n in range(7):
        made.append(
            factories.make_deal(
                supplier=group,
                buyer=other,
                title=f"공급 {n}",
                announced_on=dt.date(2025, 1, 1) + dt.timedelta(days=n),
            )
        )
    for n in range(3):
        made.append(
            factories.make_deal(
                supplier=other,
                buyer=group,
                title=f"Bought {n}",
                announced_on=None if n == 0 else dt.date(2024, 5, n),
            )
        )
    invested = factories.make_deal(supplier=other, title="투자", announced_on=dt.date(2025, 3, 1))
    both = factories.make_deal(supplier=group, title="Both", announced_on=dt.date(2025, 3, 2))
    for deal, role in ((invested, PartyRole.INVESTOR), (both, PartyRole.GOVERNMENT)):
        services.deal_update(
            deal=deal,
            fields={},
            parts=services.DealParts(
                parties=[
                    *(
                        services.PartySpec(company=p.company, role=p.role)
                        for p in deal.parties.all()
                    ),
                    services.PartySpec(company=group, role=role),
                ]
            ),
        )
    factories.make_deal(supplier=group, title="Draft", publication=DRAFT)
    for n, (name, name_ko) in enumerate([("Zed", ""), ("", "이재용"), ("Ann", "앤"), ("Ann", "")]):
        factories.PersonFactory(
            publication=PUBLISHED,
            company=group,
            name=name,
            name_ko=name_ko,
            title=AWKWARD if n == 0 else "",
            title_ko="회장" if n == 1 else "",
        )
    factories.PersonFactory(publication=DRAFT, company=group, name="Secret person")
    return group


LISTS = [
    ((PartyRole.SUPPLIER,), ()),
    ((PartyRole.BUYER,), ()),
    (
        (PartyRole.PARTNER, PartyRole.INVESTOR, PartyRole.GOVERNMENT),
        (PartyRole.SUPPLIER, PartyRole.BUYER),
    ),
]


@pytest.mark.parametrize("deals", [1, 4, 25])
@pytest.mark.parametrize("skipped", [None, 1])
def test_a_company_pages_lists_are_the_same_either_way(busy, both_ways, deals, skipped):
    lists = [None if n == skipped else wanted for n, wanted in enumerate(LISTS)]
    fast, orm = both_ways(lambda: company_page_lists(busy, lists, deals=deals, people=3))
    (fast_ids, fast_people), (orm_ids, orm_people) = fast, orm
    assert fast_ids == orm_ids
    assert [snapshot(p) for p in fast_people] == [snapshot(p) for p in orm_people]
    assert len(fast_people) == 3 and "Secret person" not in str([p.name for p in fast_people])
    supplier_ids, buyer_ids, other_ids = fast_ids
    assert len(supplier_ids) == min(deals, 8)
    assert buyer_ids == ([] if skipped == 1 else orm_ids[1]) and len(other_ids) == 1
    assert Deal.objects.get(pk=other_ids[0]).title == "투자"  # not "Both": a supplier there
    if deals == 25 and skipped is None:
        newest_first = Deal.objects.filter(pk__in=buyer_ids).order_by("-announced_on", "-id")
        assert buyer_ids == list(newest_first.values_list("id", flat=True))
        assert len(buyer_ids) == 3


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the one statement is PostgreSQL's")
def test_a_company_pages_lists_are_one_query(busy):
    with CaptureQueriesContext(connection) as captured:
        company_page_lists(busy, LISTS, deals=25, people=101)
        company_page_lists(busy, [None, None, None], deals=25, people=101)
    assert len(captured.captured_queries) == 2
