"""Deals written as JSON by PostgreSQL (deals/api/pg_json.py) are the serializers' bytes.

tests/api/test_fast_representation.py compares every API answer about its varied deals with
DRF's field-by-field answer; on PostgreSQL those answers come from here. This module checks
that they really do (the prepared statement runs, and nothing else loads the deals), adds the
values that only matter to SQL (control characters, U+2028, backslashes, microseconds, old
and daylight-saving offsets), and covers the statement's life: prepared once per connection,
kept across a rolled-back transaction, prepared again on a new connection, and refused (the
serializers answer instead) when a serializer field has no SQL equivalent or the setting is
off.
"""

import datetime as dt
import json
import logging
import zoneinfo
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework import serializers as drf_serializers
from rest_framework.test import APIRequestFactory

from deals import services
from deals.api import fast, pg_json
from deals.api import serializers as api_serializers
from deals.api.serializers import SLUG_MARK, DealSerializer, OffsetDateTimeField
from deals.models import Deal, DealStatus, MeetingRole, Publication
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL writes the JSON only on PostgreSQL; elsewhere the serializers do "
        "(tests/api/test_fast_representation.py covers that path everywhere)",
    ),
]

PUBLISHED = Publication.PUBLISHED
UGLY = '따옴표 " 역슬래시 \\ 탭\t줄\n바꿈\r\x01\x1f\x7f 줄 구분\u2028 문단\u2029 🚀 </script>'


@pytest.fixture(autouse=True)
def no_api_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def ugly(db):
    """Deals whose every text field holds what JSON must escape, and awkward moments."""
    company = factories.CompanyFactory(publication=PUBLISHED, name=UGLY, name_ko=UGLY, country="")
    summer_1987 = factories.MeetingFactory(
        publication=PUBLISHED,
        title=UGLY,
        title_ko="서머타임 회동",
        starts_at=dt.datetime(1987, 7, 1, 3, 4, 5, 678901, tzinfo=dt.UTC),  # Seoul: +10:00
    )
    half_hour = factories.MeetingFactory(
        publication=PUBLISHED,
        title="Half-hour offset",
        title_ko="30분 시차",
        starts_at=dt.datetime(1955, 3, 1, 0, 0, 0, 1, tzinfo=dt.UTC),  # Seoul: +08:30
    )
    deal = factories.make_deal(
        supplier=company,
        title=UGLY,
        title_ko=UGLY,
        summary=UGLY,
        summary_ko="",
        product="\\",
        product_ko='"',
        amount=Decimal("0.01"),
        currency="KRW",
        disclosure="disclosed",
        amount_note=UGLY,
        quantity=Decimal("99999999.99"),
    )
    services.deal_update(
        deal=deal,
        fields={},
        parts=services.DealParts(
            meetings=[
                services.MeetingLinkSpec(meeting=summer_1987, role=MeetingRole.SIGNED),
                services.MeetingLinkSpec(meeting=half_hour),
            ],
            events=[
                services.EventSpec(
                    date=dt.date(1, 1, 1), status=DealStatus.RUMORED, note=UGLY, note_ko=UGLY
                )
            ],
        ),
    )
    # A slug no page address can hold (an old import's): the page link is null, both ways.
    project = factories.ProjectFactory(publication=PUBLISHED, name="", name_ko="울산 AI 센터")
    type(project).objects.filter(pk=project.pk).update(slug="울산-ai-센터")
    # Microseconds in the record's own times, as auto_now leaves them, and none at all.
    Deal.objects.filter(pk=deal.pk).update(
        project=project,
        published_at=dt.datetime(2025, 10, 31, 1, 2, 3, tzinfo=dt.UTC),
        updated_at=dt.datetime(2025, 10, 31, 1, 2, 3, 4, tzinfo=dt.UTC),
    )
    return Deal.objects.get(pk=deal.pk)


def executed(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].startswith("EXECUTE")]


def get_both(client, url, monkeypatch):
    """The answer PostgreSQL writes, and the serializers' answer to the same request."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        written = client.get(url)
    monkeypatch.setattr(DealSerializer, "fast_representation", False)
    cache.clear()
    with CaptureQueriesContext(connection) as reference_queries:
        reference = client.get(url)
    monkeypatch.setattr(DealSerializer, "fast_representation", True)
    assert not executed(reference_queries)
    return written, reference, captured


def test_ugly_text_and_odd_moments_are_the_serializers_bytes(ugly, api, editor_api, monkeypatch):
    for client in (api, editor_api):
        for url in (f"/api/v1/deals/{ugly.slug}/", "/api/v1/deals/?page_size=500"):
            written, reference, captured = get_both(client, url, monkeypatch)
            assert written.status_code == reference.status_code == 200
            assert executed(captured), "the deals were not written by PostgreSQL"
            assert written.content == reference.content
            assert written["ETag"] == reference["ETag"]
            assert written["Last-Modified"] == reference["Last-Modified"]
    body = api.get(f"/api/v1/deals/{ugly.slug}/")
    text = body.content.decode()
    assert "\\u2028" in text and "\u2028" not in text  # as DRF escapes it
    deal = body.json()
    assert deal["title"] == UGLY and deal["parties"][1]["name"] == UGLY
    assert deal["meetings"][0]["starts_at"] == "1955-03-01T08:30:00.000001+08:30"
    assert deal["meetings"][1]["starts_at"] == "1987-07-01T13:04:05.678901+10:00"
    assert deal["updated_at"] == "2025-10-31T10:02:03.000004+09:00"
    assert deal["published_at"] == "2025-10-31T10:02:03+09:00"
    assert deal["events"][0]["date"] == "0001-01-01"
    assert deal["amount"] == "0.01" and deal["quantity"] == "99999999.99"
    assert deal["project"]["html_url"] is None
    assert deal["project"]["api_url"] == "http://localhost/api/v1/projects/울산-ai-센터/"


def test_a_list_is_two_queries_and_a_deal_one(ugly, api):
    factories.make_deal(title="두 번째 거래")
    # The first request on this connection may prepare the statement; later ones only run it.
    api.get("/api/v1/deals/"), api.get(f"/api/v1/deals/{ugly.slug}/")
    cache.clear()
    with CaptureQueriesContext(connection) as listed:
        assert api.get("/api/v1/deals/").status_code == 200
    with CaptureQueriesContext(connection) as one:
        assert api.get(f"/api/v1/deals/{ugly.slug}/").status_code == 200
    # The page's ids and cursor fields (two range queries when the dated deals do not fill
    # it, deals/keyset.py), the table's latest change (kept in the cache outside the tests),
    # and the one statement that writes the deals: no query loads their relations.
    sql = [q["sql"] for q in listed.captured_queries]
    assert len(executed(listed)) == 1
    others = [q for q in sql if not q.startswith("EXECUTE")]
    assert len(others) == 3, others
    assert all('FROM "deals_deal"' in q and "JOIN" not in q for q in others), others
    assert [q["sql"] for q in one.captured_queries] == executed(one)


def test_the_reader_sees_what_the_serializers_let_them(ugly, api, editor_api):
    draft = factories.make_deal(publication=Publication.DRAFT, title_ko="초안")
    assert api.get(f"/api/v1/deals/{draft.slug}/").status_code == 404
    assert editor_api.get(f"/api/v1/deals/{draft.slug}/").json()["title_ko"] == "초안"
    slugs = {d["slug"] for d in api.get("/api/v1/deals/?page_size=500").json()["results"]}
    assert ugly.slug in slugs and draft.slug not in slugs
    assert api.get("/api/v1/deals/no-such-deal/").status_code == 404


def test_the_statement_is_prepared_once_per_connection_and_outlives_a_rollback(ugly, api):
    assert api.get(f"/api/v1/deals/{ugly.slug}/").status_code == 200
    prepared = connection.connection.dealtracker_prepared
    assert "dealtracker_deal_json_slug" in prepared
    try:
        with transaction.atomic():
            assert api.get("/api/v1/deals/").status_code == 200
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert "dealtracker_deal_json_ids" in connection.connection.dealtracker_prepared
    with connection.cursor() as cursor:
        # (Other tests on this connection may have prepared the deal tables' statement too.)
        cursor.execute(
            "SELECT name FROM pg_prepared_statements WHERE name LIKE 'dealtracker_deal_json%'"
        )
        assert {name for (name,) in cursor.fetchall()} == {
            "dealtracker_deal_json_ids",
            "dealtracker_deal_json_slug",
        }
    assert api.get("/api/v1/deals/").status_code == 200  # run again after the rollback


def test_a_new_connection_prepares_it_again(ugly, api):
    assert api.get(f"/api/v1/deals/{ugly.slug}/").status_code == 200
    # A server-side drop of every prepared statement, as on a new connection.
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    del connection.connection.dealtracker_prepared
    assert api.get(f"/api/v1/deals/{ugly.slug}/").json()["slug"] == ugly.slug


def test_with_the_setting_off_the_serializers_answer(ugly, api, settings):
    settings.PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as captured:
        listed = api.get("/api/v1/deals/")
        one = api.get(f"/api/v1/deals/{ugly.slug}/")
    assert listed.status_code == one.status_code == 200
    assert one.json()["title"] == UGLY
    assert not executed(captured)


def test_a_field_without_sql_makes_the_serializers_answer(ugly, api, monkeypatch, caplog):
    """A new field on a serializer that this module cannot write stops the statement from
    being built; the API still answers, with the new field, through the serializers."""

    class Shouting(drf_serializers.Field):
        def to_representation(self, value):
            return value.upper()

    fields = dict(api_serializers.DealPartySerializer._declared_fields)
    monkeypatch.setattr(
        api_serializers.DealPartySerializer,
        "_declared_fields",
        {**fields, "shout": Shouting(source="company.name_ko")},
    )
    monkeypatch.setattr(
        api_serializers.DealPartySerializer.Meta,
        "fields",
        [*api_serializers.DealPartySerializer.Meta.fields, "shout"],
    )
    monkeypatch.setattr(pg_json, "_statements", {})
    monkeypatch.setattr(pg_json, "_refusals", set())
    for which in ("ids", "slug"):
        with pytest.raises(pg_json.Unsupported, match="Shouting"):
            pg_json.statement(which)
    monkeypatch.setattr(fast, "_plans", {})  # fast.py's plans, made again with the new field
    monkeypatch.setattr(pg_json, "deal_select", None)  # the refusal is kept, not built again
    with (
        caplog.at_level(logging.WARNING, logger="deals.api.pg_json"),
        CaptureQueriesContext(connection) as captured,
    ):
        answer = api.get(f"/api/v1/deals/{ugly.slug}/")
        assert api.get("/api/v1/deals/").status_code == 200
    assert answer.status_code == 200
    assert answer.json()["parties"][0]["shout"]
    assert not executed(captured)
    # Said once, so that someone notices the API got slower, and not on every request.
    warnings = [r.getMessage() for r in caplog.records if r.name == "deals.api.pg_json"]
    assert len(warnings) == 1 and "Shouting" in warnings[0]


def test_every_readable_field_is_written(ugly):
    """The statement names each serializer's fields, in the serializers' order."""
    sql = pg_json.statement("ids").sql
    written = (
        DealSerializer,
        api_serializers.DealPartySerializer,
        api_serializers.DealEventSerializer,
        api_serializers.DealMeetingSerializer,
        api_serializers.SourceRefSerializer,
        api_serializers.ProjectRefSerializer,
        api_serializers.RateRefSerializer,
    )
    for serializer_class in written:
        names = [f.field_name for f in serializer_class()._readable_fields]
        places = [
            sql.find(f"'{'{' if i == 0 else ','}{json.dumps(n)}:'") for i, n in enumerate(names)
        ]
        assert -1 not in places, (serializer_class.__name__, names, places)


# --- The value functions, against Python over many values -------------------------------------


def sql_values(expression: str, column_type: str, values: list) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {expression.replace('%', '%%')} FROM unnest(%s::{column_type}[]) "
            "WITH ORDINALITY AS t(v, n) ORDER BY n",
            [values],
        )
        return [row[0] for row in cursor.fetchall()]


def test_text_is_escaped_as_python_json_escapes_it():
    # Every code point up to U+3100 (controls, Latin, symbols, U+2028/9, Hangul letters),
    # Hangul syllables, an emoji; PostgreSQL text cannot hold NUL.
    chars = [chr(c) for c in range(1, 0x3100)] + ["가", "힣", "🚀", "𝄞"]
    values = ["".join(chars[i : i + 64]) for i in range(0, len(chars), 64)] + ["", None]
    written = sql_values(pg_json.as_text("v"), "text", values)
    expected = [json.dumps(v, ensure_ascii=False) for v in values]
    assert written == expected


def test_moments_are_written_as_the_api_writes_them():
    field = OffsetDateTimeField()
    moments = [
        dt.datetime(1800, 1, 1, tzinfo=dt.UTC),  # local mean time: +08:27:52, so UTC
        dt.datetime(1908, 4, 1, 3, 0, tzinfo=dt.UTC),
        dt.datetime(1912, 1, 1, 0, 0, 0, 5, tzinfo=dt.UTC),
        dt.datetime(1955, 6, 1, 12, 30, tzinfo=dt.UTC),
        dt.datetime(1987, 5, 10, 17, 0, tzinfo=dt.UTC),
        dt.datetime(1988, 10, 9, 16, 59, 59, 999999, tzinfo=dt.UTC),
        dt.datetime(2025, 10, 29, 1, 0, tzinfo=dt.UTC),
        dt.datetime(9999, 12, 31, 14, 59, 59, tzinfo=dt.UTC),
    ]
    zones = (
        "Asia/Seoul",
        "UTC",
        "America/St_Johns",
        "Asia/Kathmandu",
        "Europe/Dublin",
        "America/New_York",
    )
    for zone in zones:
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            expected = [json.dumps(field.to_representation(m)) for m in moments] + ["null"]
        written = sql_values(
            pg_json.as_datetime("v", pg_json.literal(zone)), "timestamptz", [*moments, None]
        )
        assert written == expected, zone


def test_dates_and_decimals_are_written_as_drf_writes_them():
    dates = [dt.date(1, 1, 1), dt.date(999, 12, 31), dt.date(2025, 10, 31), None]
    assert sql_values(pg_json.as_date("v"), "date", dates) == [
        json.dumps(drf_serializers.DateField().to_representation(d)) if d else "null" for d in dates
    ]
    field = drf_serializers.DecimalField(max_digits=20, decimal_places=2)
    amounts = [
        Decimal("0"),
        Decimal("0.5"),
        Decimal("-12.30"),
        Decimal("260000"),
        Decimal("999999999999999999.99"),
        None,
    ]
    assert sql_values(pg_json.as_decimal("v"), "numeric(20, 2)", amounts) == [
        json.dumps(field.to_representation(a)) if a is not None else "null" for a in amounts
    ]


def test_links_follow_the_host_the_scheme_and_the_language(ugly, api, settings):
    """The link templates are kept between requests, per origin and language: a request from
    another host or over HTTPS gets its own, and so does a page address in Korean."""
    settings.ALLOWED_HOSTS = ["localhost", "data.example.kr"]
    url = f"/api/v1/deals/{ugly.slug}/"
    plain = api.get(url).json()
    other = api.get(url, HTTP_HOST="data.example.kr", secure=True).json()
    assert plain["api_url"] == f"http://localhost/api/v1/deals/{ugly.slug}/"
    assert plain["html_url"] == f"http://localhost/deals/{ugly.slug}/"
    assert other["api_url"] == f"https://data.example.kr/api/v1/deals/{ugly.slug}/"
    assert other["parties"][0]["api_url"].startswith("https://data.example.kr/api/v1/companies/")
    assert other["meetings"][0]["html_url"].startswith("https://data.example.kr/meetings/")
    assert api.get(url, secure=True).json()["api_url"].startswith("https://localhost/")
    assert api.get(url).json() == plain  # and back again

    request = APIRequestFactory().get(url, HTTP_HOST="localhost")
    english = pg_json.link_templates({"request": request})
    with translation.override("ko"):
        korean = pg_json.link_templates({"request": request})
    assert english["html:deals.Deal"] == f"http://localhost/deals/{SLUG_MARK}/"
    assert korean["html:deals.Deal"] == f"http://localhost/ko/deals/{SLUG_MARK}/"
    assert korean["api:deal"] == english["api:deal"]


def test_the_export_writes_deals_a_chunk_at_a_time_in_id_order(ugly, api, monkeypatch):
    from deals.api import views

    made = [factories.make_deal(title_ko=f"내보내기 {n}") for n in range(4)]
    factories.make_deal(publication=Publication.DRAFT, title_ko="내보내지 않는 초안")
    monkeypatch.setattr(views, "EXPORT_CHUNK", 2)
    url = "/api/v1/export/?type=deals"
    with CaptureQueriesContext(connection) as captured:
        written = api.get(url)
        assert written.status_code == 200, written.content
        content = b"".join(written.streaming_content)
    statements = executed(captured)  # before the next request empties the query log
    monkeypatch.setattr(DealSerializer, "fast_representation", False)
    reference = api.get(url)
    assert content == b"".join(reference.streaming_content)
    # One record a line, split at "\n" only (str.splitlines would also split at U+2028).
    lines = [json.loads(line) for line in content.decode().split("\n") if line]
    published = Deal.objects.filter(publication=PUBLISHED).order_by("id")
    assert [line["data"]["slug"] for line in lines] == [d.slug for d in published]
    assert {d.slug for d in made} | {ugly.slug} <= {line["data"]["slug"] for line in lines}
    assert len(statements) == 3  # five deals, two a chunk
