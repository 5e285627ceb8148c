"""The bulk export: every published record, as JSON lines, streamed."""

import pytest
from django.http import StreamingHttpResponse
from rest_framework.throttling import SimpleRateThrottle

from deals.models import Publication
from tests import factories
from tests.api.helpers import RESOURCES, build_draft, export_lines

pytestmark = pytest.mark.django_db


def test_export_streams_every_published_record_as_json_lines(api):
    made = {resource: build() for resource, build in RESOURCES.items()}
    response = api.get("/api/v1/export/")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("application/x-ndjson")
    lines = export_lines(response)
    for resource, record in made.items():
        assert {"type": resource, "slug": record.slug} in [
            {"type": line["type"], "slug": line["data"]["slug"]} for line in lines
        ]
    deal_line = next(line for line in lines if line["type"] == "deals")
    assert deal_line["data"]["parties"] and deal_line["data"]["events"]
    # Referenced records come before the records that refer to them.
    order = [line["type"] for line in lines]
    assert order.index("sources") < order.index("companies") < order.index("deals")


def test_export_leaves_out_drafts(api):
    drafts = [build_draft(resource) for resource in RESOURCES]
    exported = {line["data"]["slug"] for line in export_lines(api.get("/api/v1/export/"))}
    assert not exported & {d.slug for d in drafts}


def test_export_can_be_limited_by_type_and_time(api, published_deal):
    lines = export_lines(api.get("/api/v1/export/", {"type": ["deals", "companies"]}))
    assert {line["type"] for line in lines} == {"deals", "companies"}
    assert export_lines(api.get("/api/v1/export/", {"updated_since": "2999-01-01"})) == []
    response = api.get("/api/v1/export/", {"type": "everything"})
    assert response.status_code == 400
    assert "type" in response.json()["error"]["fields"]


def test_export_keeps_korean_text_readable(api, published_deal):
    body = b"".join(api.get("/api/v1/export/", {"type": "deals"}).streaming_content)
    assert "엔비디아 블랙웰 공급".encode() in body


def test_export_reads_in_chunks_with_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    for _ in range(3):
        factories.make_deal()
    with django_assert_max_num_queries(30) as few:
        export_lines(api.get("/api/v1/export/"))
    for _ in range(40):
        factories.make_deal()
    with django_assert_max_num_queries(len(few.captured_queries)):
        export_lines(api.get("/api/v1/export/"))


def test_export_answers_304_while_nothing_changed(api, published_deal):
    etag = api.get("/api/v1/export/")["ETag"]
    assert api.get("/api/v1/export/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    published_deal.title = "Renamed"
    published_deal.publication = Publication.PUBLISHED
    published_deal.save()
    assert api.get("/api/v1/export/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_anonymous_export_has_its_own_throttle(api, monkeypatch, throttle_clock, published_deal):
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "anon-export": "2/hour"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    assert api.get("/api/v1/export/").status_code == 200
    assert api.get("/api/v1/export/").status_code == 200
    response = api.get("/api/v1/export/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "throttled"
    # Reading the lists is a different scope, still open.
    assert api.get("/api/v1/deals/").status_code == 200
