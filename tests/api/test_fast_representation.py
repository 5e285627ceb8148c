"""The fast read path for deals (deals/api/fast.py) answers exactly what DRF's fields answer.

Every deal of varied data (the demo story, plus deals with Korean-only text, undisclosed and
converted values, missing project, rate, sources and events, draft companies, sources,
meetings, projects and rates, a meeting before 1908 whose offset is not whole minutes) is
represented both ways, and the two must be the same bytes: serializer by serializer, and through
the API (list pages, every detail, `?as_of=`, the export), anonymously and as an editor (who
sees drafts), in English and in Korean. Any field that differs fails the test. On PostgreSQL the
API's deal lists and records are written by the database itself (deals/api/pg_json.py), so
there the API comparisons check that path against DRF's; tests/api/test_pg_json.py checks it
was taken.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory

from deals import services
from deals.api import fast
from deals.api.serializers import DealSerializer
from deals.api.views import deal_queryset
from deals.models import (
    DatePrecision,
    Deal,
    DealKind,
    DealStatus,
    Disclosure,
    MeetingRole,
    PartyRole,
    Publication,
    Qualifier,
    QuantityUnit,
)
from tests import factories

pytestmark = pytest.mark.django_db

PUBLISHED = Publication.PUBLISHED
DRAFT = Publication.DRAFT


@pytest.fixture(autouse=True)
def no_api_cache(settings):
    # The second (reference) request must be built, not read back from the first's answer.
    settings.PAGE_CACHE_SECONDS = 0


def published(factory, **fields):
    return factory(publication=PUBLISHED, **fields)


@pytest.fixture
def varied(db):
    """The demo story plus deals that take every branch of the representation."""
    call_command("load_story", verbosity=0)

    seoul = published(
        factories.CompanyFactory, name="", name_ko="서울반도체", country="KR", slug="seoul-semi"
    )
    nowhere = published(
        factories.CompanyFactory,
        name='Stateless <b>&</b> "Co"',
        name_ko="",
        country="",
        slug="Stateless_Co-2",
    )
    hidden_company = factories.CompanyFactory(name="Secret buyer", name_ko="비공개 구매자")
    old_meeting = published(
        factories.MeetingFactory,
        title="",
        title_ko="1900년 회동",
        starts_at=dt.datetime(1900, 1, 1, 3, 0, tzinfo=dt.UTC),  # Seoul then: +08:27:52
    )
    utc_meeting = published(
        factories.MeetingFactory, starts_at=dt.datetime(2025, 10, 31, 0, 0, tzinfo=dt.UTC)
    )
    hidden_meeting = factories.MeetingFactory(title="Closed dinner", title_ko="비공개 만찬")
    project = published(factories.ProjectFactory, name="", name_ko="한국 AI 데이터센터")
    hidden_project = factories.ProjectFactory(name="Unannounced campus")
    rate = published(
        factories.ExchangeRateFactory,
        currency="KRW",
        date=dt.date(2025, 10, 27),
        rate=Decimal("1431.700000"),
    )
    hidden_rate = factories.ExchangeRateFactory(
        currency="JPY", date=dt.date(2025, 10, 27), rate=Decimal("152.125000")
    )
    hidden_source = factories.SourceFactory(title="Leaked memo", title_ko="유출 문건")
    undated_source = published(
        factories.SourceFactory, published_on=None, title="", title_ko="날짜 없는 보도"
    )

    korean = factories.make_deal(
        supplier=seoul,
        buyer=nowhere,
        title="",
        title_ko="서울반도체 칩 공급 🚀",
        summary="",
        summary_ko='줄 바꿈\n그리고 "따옴표" <태그>',
        product="",
        product_ko="전력 반도체",
        quantity=Decimal("12.50"),
        quantity_unit=QuantityUnit.WAFERS_PER_MONTH,
        quantity_qualifier=Qualifier.ABOUT,
        amount=Decimal("1500000000000"),
        currency="KRW",
        disclosure=Disclosure.DISCLOSED,
        amount_note_ko="약 1.5조 원",
        project=project,
        events=(
            (dt.date(2025, 9, 1), DealStatus.RUMORED),
            (dt.date(2025, 10, 31), DealStatus.SIGNED),
        ),
    )
    services.deal_update(
        deal=korean,
        fields={},
        parts=services.DealParts(
            meetings=[
                services.MeetingLinkSpec(meeting=old_meeting, role=MeetingRole.SIGNED),
                services.MeetingLinkSpec(meeting=utc_meeting, role=MeetingRole.ANNOUNCED),
                services.MeetingLinkSpec(meeting=hidden_meeting),
            ],
        ),
    )
    Deal.objects.filter(pk=korean.pk).update(usd_rate=rate)

    # Everything optional missing: no quantity, no value, no project, no timeline, no sources.
    bare = services.deal_create(
        fields={
            "slug": "bare-partnership",
            "title": "A bare partnership",
            "title_ko": "",
            "kind": DealKind.PARTNERSHIP,
            "publication": DRAFT,
            "disclosure": Disclosure.UNDISCLOSED,
            "quantity": None,
        },
        parts=services.DealParts(
            parties=[
                services.PartySpec(
                    company=seoul, role=PartyRole.PARTNER, note="노트", note_ko="메모"
                ),
            ]
        ),
    )

    # Published as an older import left it, past today's publish checks.
    Deal.objects.filter(pk=bare.pk).update(publication=PUBLISHED, published_at=timezone.now())

    # Drafts around a published deal: readers see none of them, editors all.
    with_drafts = factories.make_deal(
        buyer=hidden_company,
        title="Deal with draft relations",
        project=hidden_project,
        quantity=None,
        quantity_unit="",
    )
    services.deal_update(
        deal=with_drafts,
        fields={},
        parts=services.DealParts(
            events=[
                services.EventSpec(
                    date=dt.date(2025, 10, 1),
                    status=DealStatus.REPORTED,
                    source=hidden_source,
                    date_precision=DatePrecision.MONTH,
                ),
                services.EventSpec(
                    date=dt.date(2025, 10, 2),
                    status=DealStatus.ANNOUNCED,
                    note="No source",
                    note_ko="출처 없음",
                ),
            ],
            meetings=[services.MeetingLinkSpec(meeting=hidden_meeting)],
            sources=[hidden_source, undated_source],
        ),
    )
    Deal.objects.filter(pk=with_drafts.pk).update(usd_rate=hidden_rate)

    # A draft deal: only editors see it at all.
    factories.make_deal(
        publication=DRAFT, title="Draft deal", title_ko="초안 거래", supplier=hidden_company
    )
    return Deal.objects.all()


def render(data) -> bytes:
    return JSONRenderer().render(data)


def both_ways(serializer_call):
    """The fast and the plain (DRF field by field) output of the same call."""
    made_fast = serializer_call({})
    made_plain = serializer_call({"plain": True})
    return render(made_fast), render(made_plain)


@pytest.fixture
def no_fallback(monkeypatch):
    """Fail if the fast path hands a row to DRF: the comparison must test the fast code."""

    def refuse(self, serializer_class, obj):
        raise AssertionError(f"fast path fell back to DRF for {serializer_class.__name__}")

    monkeypatch.setattr(fast.State, "plain", refuse)


@pytest.mark.parametrize("drafts", [False, True])
@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_deal_serializes_to_the_same_bytes_both_ways(varied, no_fallback, drafts, language):
    request = APIRequestFactory().get("/api/v1/deals/", HTTP_HOST="localhost")
    deals = list(deal_queryset(drafts=True).order_by("id"))
    assert len(deals) >= 12
    with translation.override(language):
        for deal in deals:
            fast_bytes, plain_bytes = both_ways(
                lambda extra, deal=deal: (
                    DealSerializer(
                        deal, context={"request": request, "drafts": drafts, **extra}
                    ).data
                )
            )
            assert fast_bytes == plain_bytes, deal.slug
        fast_bytes, plain_bytes = both_ways(
            lambda extra: (
                DealSerializer(
                    deals, many=True, context={"request": request, "drafts": drafts, **extra}
                ).data
            )
        )
        assert fast_bytes == plain_bytes
        # Without a request the links are paths; the templates must follow.
        fast_bytes, plain_bytes = both_ways(
            lambda extra: DealSerializer(deals, many=True, context={"drafts": drafts, **extra}).data
        )
        assert fast_bytes == plain_bytes


def test_the_varied_data_reaches_every_branch(varied, api, editor_api):
    """The comparison is only as good as the data: check it holds what it claims to."""
    anonymous = {d["slug"]: d for d in api.get("/api/v1/deals/?page_size=500").json()["results"]}
    editor = {
        d["slug"]: d for d in editor_api.get("/api/v1/deals/?page_size=500").json()["results"]
    }
    assert set(editor) - set(anonymous)  # a draft deal editors alone see
    slug = next(s for s, d in editor.items() if d["title"] == "Deal with draft relations")
    hidden, shown = anonymous[slug], editor[slug]
    assert hidden["project"] is None and shown["project"] is not None
    assert hidden["usd_rate"] is None and shown["usd_rate"] is not None
    assert len(hidden["parties"]) < len(shown["parties"])
    assert hidden["events"][0]["source"] is None and shown["events"][0]["source"] is not None
    assert not hidden["meetings"] and shown["meetings"]
    korean = next(d for d in anonymous.values() if d["title_ko"].startswith("서울반도체"))
    assert korean["meetings"][0]["starts_at"] == "1900-01-01T03:00:00Z"  # +08:27:52: UTC
    assert korean["meetings"][1]["starts_at"] == "2025-10-31T09:00:00+09:00"
    assert korean["quantity"] == "12.50" and korean["usd_rate"]["rate"] == "1431.700000"
    assert anonymous["bare-partnership"]["project"] is None
    assert anonymous["bare-partnership"]["quantity"] is None
    assert anonymous["bare-partnership"]["events"] == []


def get_both(client, url, monkeypatch, **headers):
    """One answer through the fast path and one through DRF's fields."""
    cache.clear()
    made_fast = client.get(url, **headers)
    monkeypatch.setattr(DealSerializer, "fast_representation", False)
    cache.clear()
    made_plain = client.get(url, **headers)
    monkeypatch.setattr(DealSerializer, "fast_representation", True)
    return made_fast, made_plain


def assert_same(made_fast, made_plain):
    assert made_fast.status_code == made_plain.status_code == 200
    content = b"".join(made_fast.streaming_content) if made_fast.streaming else made_fast.content
    reference = (
        b"".join(made_plain.streaming_content) if made_plain.streaming else made_plain.content
    )
    assert content == reference
    assert made_fast.get("ETag") == made_plain.get("ETag")


@pytest.mark.parametrize("reader", ["anonymous", "editor"])
@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_api_answers_the_same_bytes_both_ways(
    varied, api, editor_api, monkeypatch, no_fallback, reader, language
):
    client = api if reader == "anonymous" else editor_api
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    lists = [
        "/api/v1/deals/?page_size=500",
        "/api/v1/deals/?page_size=3",
        "/api/v1/deals/?q=" + "삼성",
        "/api/v1/deals/?ordering=title",
    ]
    for url in lists:
        assert_same(*get_both(client, url, monkeypatch, **headers))
    # Every page of a paged list, by its Next links.
    url = "/api/v1/deals/?page_size=4"
    while url:
        made_fast, made_plain = get_both(client, url, monkeypatch, **headers)
        assert_same(made_fast, made_plain)
        url = made_fast.json()["next"]
    seen = client.get("/api/v1/deals/?page_size=500", **headers).json()["results"]
    assert len(seen) == varied.filter(publication=PUBLISHED).count() + (reader == "editor")
    for deal in seen:
        assert_same(*get_both(client, f"/api/v1/deals/{deal['slug']}/", monkeypatch, **headers))


@pytest.mark.parametrize("reader", ["anonymous", "editor"])
def test_answers_as_of_a_moment_and_the_export_are_the_same_both_ways(
    varied, api, editor_api, monkeypatch, no_fallback, reader
):
    client = api if reader == "anonymous" else editor_api
    moment = timezone.localtime().isoformat()
    listed = get_both(
        client, "/api/v1/deals/?page_size=500&as_of=" + moment.replace("+", "%2B"), monkeypatch
    )
    assert_same(*listed)
    assert listed[0].json()["results"]
    for deal in listed[0].json()["results"]:
        url = f"/api/v1/deals/{deal['slug']}/?as_of=" + moment.replace("+", "%2B")
        assert_same(*get_both(client, url, monkeypatch))
    assert_same(*get_both(client, "/api/v1/export/?type=deals", monkeypatch))


def test_a_write_answers_the_same_bytes_both_ways(varied, editor_api, monkeypatch):
    deal = Deal.objects.get(slug="bare-partnership")
    answers = []
    for fast_on in (True, False):
        monkeypatch.setattr(DealSerializer, "fast_representation", fast_on)
        deal.refresh_from_db()
        answer = editor_api.patch(
            f"/api/v1/deals/{deal.slug}/",
            {"summary_ko": "요약", "version": deal.version},
            format="json",
        )
        assert answer.status_code == 200, answer.content
        answers.append(answer.json())
    fast_made, plain_made = answers
    for volatile in ("version", "updated_at"):
        fast_made.pop(volatile), plain_made.pop(volatile)
    assert fast_made == plain_made


def test_the_plans_follow_the_serializers_field_for_field():
    """A field added to a DRF serializer shows up in the plan, in the same place; a method
    field with no fast equivalent stops the plan from being built."""
    for serializer_class in fast.METHODS:
        expected = [f.field_name for f in serializer_class()._readable_fields]
        assert [step[0] for step in fast.plan(serializer_class).steps] == expected

    class WithNewMethod(DealSerializer):
        extra = DealSerializer._declared_fields["project"].__class__()

        class Meta(DealSerializer.Meta):
            fields = [*DealSerializer.Meta.fields, "extra"]

        def get_extra(self, obj):
            return None

    with pytest.raises(LookupError, match="extra"):
        fast.Plan(WithNewMethod, fast.METHODS[DealSerializer])


def test_a_difference_would_fail_the_comparison(varied, monkeypatch):
    """The comparison is not vacuous: a one-character change in one field is caught."""
    deal = Deal.objects.filter(publication=PUBLISHED).first()
    original = fast.offset_datetime
    monkeypatch.setattr(fast, "offset_datetime", lambda value, tz: original(value, tz) + " ")
    fast._plans.clear()
    try:
        fast_bytes, plain_bytes = both_ways(
            lambda extra: DealSerializer(deal, context={"drafts": False, **extra}).data
        )
    finally:
        fast._plans.clear()
    assert fast_bytes != plain_bytes
