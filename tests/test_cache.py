"""The page and API caches: on for these tests (Redis at REDIS_URL when set, otherwise local
memory), and never showing a reader anything older than the last committed edit."""

import datetime as dt
import time
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date
from rest_framework.test import APIClient

from deals import editorial, models, services
from deals.api.access import AnonScopedRateThrottle
from deals.cache import (
    HELD,
    NearCache,
    ReusingRedisCache,
    bump_content_generation,
    cache_key,
    cached_for_generation,
    count_and_read_fresh,
    count_in_window,
    near_cache,
    read_fresh,
    store_fresh,
)
from tests import factories

pytestmark = pytest.mark.django_db

CACHE_ON = override_settings(PAGE_CACHE_SECONDS=300, DATA_CACHE_SECONDS=300)


@pytest.fixture(autouse=True)
def cache_on():
    cache.clear()
    with CACHE_ON:
        yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient(HTTP_HOST="localhost")


@pytest.fixture
def deal(db):
    return factories.make_deal(title="Nvidia supplies Blackwell GPUs", title_ko="블랙웰 공급")


def addresses(deal) -> dict[str, str]:
    return {
        "deal page": deal.get_absolute_url(),
        "deal list": "/deals/",
        "API list": "/api/v1/deals/",
        "API detail": f"/api/v1/deals/{deal.slug}/",
        "Atom feed": "/feed/",
    }


def body(response) -> str:
    return response.content.decode()


def get_all(client, api, deal) -> dict:
    return {
        name: (api if name.startswith("API") else client).get(address)
        for name, address in addresses(deal).items()
    }


def record_cache_calls(monkeypatch) -> list[str]:
    """The names of the cache's methods called from now on, outer calls only (local memory's
    get_many calls get, for one)."""
    calls, depth = [], [0]

    def recorded(name, original):
        def call(*args, **kwargs):
            if not depth[0]:
                calls.append(name)
            depth[0] += 1
            try:
                return original(*args, **kwargs)
            finally:
                depth[0] -= 1

        return call

    names = ("get", "get_many", "set", "add", "incr", "incr_expiring", "count_and_read")
    for name in names:
        if hasattr(cache, name):
            monkeypatch.setattr(cache, name, recorded(name, getattr(cache, name)))
    return calls


def test_anonymous_pages_and_api_answers_come_from_the_cache(client, api, deal):
    first = get_all(client, api, deal)
    second = get_all(client, api, deal)
    for name in addresses(deal):
        assert first[name].status_code == 200, name
        assert first[name]["X-Cache"] == "miss", name
        assert second[name]["X-Cache"] == "hit", name
        assert second[name].content == first[name].content, name


def test_a_service_change_shows_at_the_very_next_request(
    client, api, deal, django_capture_on_commit_callbacks
):
    get_all(client, api, deal)
    get_all(client, api, deal)  # every address now cached
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_update(deal=deal, fields={"title": "Nvidia ships GB300 racks"})
    after = get_all(client, api, deal)
    for name, response in after.items():
        assert response["X-Cache"] == "miss", name
        assert "Nvidia ships GB300 racks" in body(response), name
        assert "Nvidia supplies Blackwell GPUs" not in body(response), name


def test_a_recorded_event_shows_at_once(client, api, deal, django_capture_on_commit_callbacks):
    get_all(client, api, deal)
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_record_event(
            deal=deal, date=dt.date(2025, 11, 20), status=models.DealStatus.SIGNED
        )
    assert '"status":"signed"' in body(api.get(f"/api/v1/deals/{deal.slug}/")).replace(" ", "")
    assert "Signed" in body(client.get("/feed/"))


def test_publishing_a_deal_shows_it_everywhere_at_once(
    client, api, deal, desk_editor, django_capture_on_commit_callbacks
):
    draft = factories.make_deal(
        title="Samsung orders HBM4 tooling",
        title_ko="삼성 HBM4 장비 주문",
        publication=models.Publication.DRAFT,
    )
    before = get_all(client, api, deal)
    assert client.get(draft.get_absolute_url()).status_code == 404
    for response in before.values():
        assert "Samsung orders HBM4 tooling" not in body(response)
    with django_capture_on_commit_callbacks(execute=True):
        editorial.record_publish(record=draft, by=desk_editor)
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert api.get(f"/api/v1/deals/{draft.slug}/").status_code == 200
    for name in ("deal list", "API list", "Atom feed"):
        response = get_all(client, api, deal)[name]
        assert "Samsung orders HBM4 tooling" in body(response), name


def test_unpublishing_takes_a_deal_off_at_once(
    client, api, deal, desk_editor, django_capture_on_commit_callbacks
):
    get_all(client, api, deal)
    with django_capture_on_commit_callbacks(execute=True):
        editorial.record_unpublish(record=deal, by=desk_editor)
    assert client.get(deal.get_absolute_url()).status_code == 404
    assert api.get(f"/api/v1/deals/{deal.slug}/").status_code == 404
    assert "Nvidia supplies Blackwell GPUs" not in body(client.get("/deals/"))
    assert "Nvidia supplies Blackwell GPUs" not in body(api.get("/api/v1/deals/"))


def test_cached_api_answers_still_count_against_the_throttle(
    api, deal, monkeypatch, throttle_clock
):
    monkeypatch.setattr(
        AnonScopedRateThrottle,
        "THROTTLE_RATES",
        {**AnonScopedRateThrottle.THROTTLE_RATES, "anon": "3/minute"},
    )
    statuses = [api.get("/api/v1/deals/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_cached_api_answers_keep_their_validators(api, deal):
    first = api.get("/api/v1/deals/")
    second = api.get("/api/v1/deals/")
    assert second["X-Cache"] == "hit"
    assert second["ETag"] == first["ETag"]
    assert second["Last-Modified"] == first["Last-Modified"]
    assert api.get("/api/v1/deals/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_cached_api_answer_carries_the_headers_of_the_first(api, deal):
    korean_search = "/api/v1/deals/?q=" + quote("블랙웰")
    for address in ("/api/v1/deals/", f"/api/v1/deals/{deal.slug}/", korean_search):
        first = api.get(address, HTTP_ACCEPT_LANGUAGE="ko")
        second = api.get(address, HTTP_ACCEPT_LANGUAGE="ko")
        assert deal.slug.encode() in first.content, address
        assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit"), address
        assert second.content == first.content, address
        per_request = {"X-Cache", "X-Request-ID"}
        assert {k: v for k, v in second.items() if k not in per_request} == {
            k: v for k, v in first.items() if k not in per_request
        }, address


def test_a_cached_api_answer_costs_no_query_and_one_cache_round_trip(
    api, deal, monkeypatch, throttle_clock
):
    address = f"/api/v1/deals/{deal.slug}/"
    api.get(address)
    calls = record_cache_calls(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(address)
    assert response["X-Cache"] == "hit"
    assert len(queries) == 0
    if hasattr(cache, "count_and_read"):  # Redis (REDIS_URL, as in CI)
        assert calls == ["count_and_read"]
    else:  # local memory: the throttle's counter, then the entry
        assert calls == ["add", "incr", "get_many"]


def test_an_api_miss_counts_once_against_the_throttle(api, deal, monkeypatch, throttle_clock):
    monkeypatch.setattr(
        AnonScopedRateThrottle,
        "THROTTLE_RATES",
        {**AnonScopedRateThrottle.THROTTLE_RATES, "anon": "2/minute"},
    )
    first, second, third = (api.get("/api/v1/deals/", {"q": "엔비디아"}) for _ in range(3))
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert third.status_code == 429
    assert third["Retry-After"] == "40"
    assert third.json()["error"]["code"] == "throttled"


def test_an_unusual_accept_header_never_meets_the_cache(api, deal):
    plain = api.get("/api/v1/deals/")
    assert plain["X-Cache"] == "miss"
    # JSONRenderer reads `indent` from Accept: that body must not be served to others...
    indented = api.get("/api/v1/deals/", HTTP_ACCEPT="application/json; indent=4")
    assert indented.status_code == 200
    assert "X-Cache" not in indented
    assert b'\n    "' in indented.content
    assert api.get("/api/v1/deals/")["X-Cache"] == "hit"
    assert b"\n" not in api.get("/api/v1/deals/").content
    # ... and a client that takes no JSON gets DRF's 406, not the stored answer.
    refused = api.get("/api/v1/deals/", HTTP_ACCEPT="text/html")
    assert refused.status_code == 406
    for accept in ("*/*", "application/json", "application/json, text/plain, */*"):
        assert api.get("/api/v1/deals/", HTTP_ACCEPT=accept)["X-Cache"] == "hit", accept


@pytest.mark.parametrize(
    ("accept", "plain"),
    [
        ("", True),
        ("*/*", True),
        ("application/json", True),
        ("application/*", True),
        ("text/plain, application/json", True),
        ("application/json; indent=2", False),
        ("application/json;q=0.9, */*;q=0.1", False),
        ("text/html", False),
        ("application/xml, text/csv", False),
        ("application/jsonx", False),
    ],
)
def test_which_accept_headers_get_the_stored_json(accept, plain):
    from deals.api.caching import plain_json_accepted

    assert plain_json_accepted(accept) is plain


def test_signed_in_editors_never_get_cached_pages(client, api, deal, editor):
    get_all(client, api, deal)
    get_all(client, api, deal)  # cached for anonymous readers
    client.force_login(editor)
    for address in ("/deals/", deal.get_absolute_url(), "/feed/"):
        response = client.get(address)
        assert response.status_code == 200
        assert "X-Cache" not in response, address
    # What editors see is not stored for anonymous readers either.
    response = client.get("/deals/?status=announced")
    assert "X-Cache" not in response
    client.logout()
    assert client.get("/deals/?status=announced")["X-Cache"] == "miss"


def test_token_clients_never_get_cached_api_answers(api, deal, editor_api):
    api.get("/api/v1/deals/")
    assert api.get("/api/v1/deals/")["X-Cache"] == "hit"
    response = editor_api.get("/api/v1/deals/")
    assert response.status_code == 200
    assert "X-Cache" not in response


def test_a_draft_seen_by_an_editor_never_reaches_the_cache(api, editor_api):
    draft = factories.make_deal(title="Secret order", publication=models.Publication.DRAFT)
    assert "Secret order" in body(editor_api.get("/api/v1/deals/"))
    assert "Secret order" not in body(api.get("/api/v1/deals/"))
    assert api.get(f"/api/v1/deals/{draft.slug}/").status_code == 404


@pytest.fixture
def editor_api(editor):
    from rest_framework.authtoken.models import Token

    token, _created = Token.objects.get_or_create(user=editor)
    client = APIClient(HTTP_HOST="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_home_and_company_totals_follow_the_next_edit(
    client, deal, django_capture_on_commit_callbacks
):
    supplier = deal.parties.get(role=models.PartyRole.SUPPLIER).company
    with override_settings(PAGE_CACHE_SECONDS=0):  # the figures' own cache only
        home = client.get("/")
        assert home.context["totals"]["deals"] == 1
        assert client.get(supplier.get_absolute_url()).context["company"].deals_as_supplier == 1
        with django_capture_on_commit_callbacks(execute=True):
            factories.make_deal(supplier=supplier)
        assert client.get("/").context["totals"]["deals"] == 2
        page = client.get(supplier.get_absolute_url())
        assert page.context["company"].deals_as_supplier == 2
        assert len(page.context["deals_as_supplier"]) == 2


def test_an_entry_stored_for_an_older_generation_is_never_served():
    key = cache_key("test", "/deals/?q=삼성", "ko")
    generation, stored = read_fresh(key)
    assert stored is None
    store_fresh(key, generation, "before", 60)
    assert read_fresh(key) == (generation, "before")

    # Built from what was read before an edit, stored after it: stale at once.
    bump_content_generation()
    store_fresh(key, generation, "built before the edit", 60)
    newer, stored = read_fresh(key)
    assert (newer, stored) == (generation + 1, None)
    store_fresh(key, newer, "after", 60)
    assert read_fresh(key) == (newer, "after")
    # Another key (language) is another entry.
    assert read_fresh(cache_key("test", "/deals/?q=삼성", "en"))[1] is None


def test_a_cached_page_costs_one_cache_round_trip(client, deal, monkeypatch):
    client.get("/deals/")
    calls = record_cache_calls(monkeypatch)
    response = client.get("/deals/")
    assert response["X-Cache"] == "hit"
    assert calls == (["count_and_read"] if hasattr(cache, "count_and_read") else ["get_many"])


def test_a_near_copy_stays_until_an_edit_or_a_flush_and_redis_sends_it_once(monkeypatch):
    if not hasattr(cache, "count_and_read"):
        pytest.skip("the near cache needs Redis (REDIS_URL), as in CI")
    monkeypatch.setattr(settings, "NEAR_CACHE_MB", 1)
    near = near_cache()
    near.clear()
    key = cache_key("test", "/api/v1/deals/?q=삼성", "ko")
    generation = read_fresh(key)[0]
    body = ("본문 " * 5000).encode()
    store_fresh(key, generation, body, 60)
    sent = []
    reading = cache.count_and_read

    def count_and_read(*args, **kwargs):
        answer = reading(*args, **kwargs)
        sent.append(answer[2] is not HELD)
        return answer

    monkeypatch.setattr(cache, "count_and_read", count_and_read)
    assert [read_fresh(key, near=True) for _ in range(3)] == [(generation, body)] * 3
    assert sent == [True, False, False]  # the entry crossed the network once
    assert read_fresh(key) == (generation, body)  # not asked for the near copy: sent again
    assert sent[-1] is True
    # A copy lives no longer than the entry in Redis (PAGE_CACHE_SECONDS)...
    cache.delete(key)
    assert read_fresh(key, near=True) == (generation, None)
    store_fresh(key, generation, body, 60)
    assert read_fresh(key, near=True) == (generation, body)
    # ... an edit makes it stale at once...
    bump_content_generation()
    assert read_fresh(key, near=True) == (generation + 1, None)
    store_fresh(key, generation + 1, b"after", 60)
    assert read_fresh(key, near=True) == (generation + 1, b"after")
    # ... and so does a flush: the generation starts again where no copy was made.
    cache.clear()
    restarted, value = read_fresh(key, near=True)
    assert value is None
    assert restarted not in (generation, generation + 1)


def test_the_near_cache_keeps_what_was_read_last_within_its_size():
    near = NearCache(max_bytes=100)
    near.put("a", 1, "A", 40)
    near.put("b", 1, "B", 40)
    assert near.get("a") == (1, "A")  # now the most recent
    near.put("c", 1, "C", 40)  # over 100 bytes: the least recently read goes
    assert (near.get("a"), near.get("b"), near.get("c")) == ((1, "A"), None, (1, "C"))
    near.put("a", 2, "A2", 10)  # replaced, not added
    assert near.size == 50
    near.put("huge", 1, "H", 101)  # larger than the whole cache: not kept, nothing dropped
    assert near.get("huge") is None and near.size == 50


@pytest.fixture
def cache_down(monkeypatch):
    """The shared cache unreachable (nothing listens on port 1), as in a Redis outage."""
    from deals import cache as shared

    unreachable = ReusingRedisCache("redis://127.0.0.1:1/0", {})
    monkeypatch.setattr(shared, "cache", unreachable)
    return unreachable


def test_readers_are_answered_without_the_cache_when_it_is_down(
    client,
    api,
    deal,
    cache_down,
    monkeypatch,
    throttle_clock,
    caplog,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(
        AnonScopedRateThrottle,
        "THROTTLE_RATES",
        {**AnonScopedRateThrottle.THROTTLE_RATES, "anon": "1/minute"},
    )
    for _ in range(2):  # nothing kept, nothing counted: every answer is built afresh
        answers = get_all(client, api, deal)
        for name, response in answers.items():
            assert response.status_code == 200, name
            assert "X-Cache" not in response or response["X-Cache"] == "miss", name
    assert "블랙웰 공급" in body(client.get("/ko" + deal.get_absolute_url()))
    # An edit still commits, and says it could not refresh the cache.
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_update(deal=deal, fields={"title": "Nvidia supplies 260,000 GPUs"})
    assert "260,000 GPUs" in body(client.get("/deals/"))
    assert any("could not refresh the cache" in r.getMessage() for r in caplog.records)
    assert any("without the cache" in r.getMessage() for r in caplog.records)


def test_window_counters_count_and_expire():
    key = "test-window:198.51.100.7"
    assert [count_in_window(key, 1) for _ in range(3)] == [1, 2, 3]
    assert count_in_window(key + ":other", 1) == 1
    time.sleep(1.2)
    assert count_in_window(key, 1) == 1  # a new window starts from zero


def test_counting_and_reading_together_match_doing_them_apart():
    key = cache_key("test", "/api/v1/deals/?q=삼성", "ko")
    windows = [("test-window:a", 60), ("test-window:b", 60)]
    generation = read_fresh(key)[0]
    assert count_and_read_fresh(windows, key) == ([1, 1], generation, None)
    store_fresh(key, generation, {"본문": b"\x00\xff"}, 60)
    assert count_and_read_fresh(windows[:1], key) == ([2], generation, {"본문": b"\x00\xff"})
    assert count_and_read_fresh([], key) == ([], generation, {"본문": b"\x00\xff"})
    assert count_in_window("test-window:b", 60) == 2
    bump_content_generation()
    assert count_and_read_fresh(windows, key) == ([3, 3], generation + 1, None)


def test_throttled_clients_wait_for_the_next_window(api, deal, monkeypatch, throttle_clock):
    monkeypatch.setattr(
        AnonScopedRateThrottle,
        "THROTTLE_RATES",
        {**AnonScopedRateThrottle.THROTTLE_RATES, "anon": "2/minute"},
    )
    assert [api.get("/api/v1/deals/").status_code for _ in range(3)] == [200, 200, 429]
    throttle_clock.now += 30
    refused = api.get("/api/v1/deals/")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "10"  # 20 s into the minute, then 30 s later
    throttle_clock.now += 10  # the next minute
    assert [api.get("/api/v1/deals/").status_code for _ in range(3)] == [200, 200, 429]
    # Another client has its own count.
    assert api.get("/api/v1/deals/", REMOTE_ADDR="203.0.113.9").status_code == 200


def test_list_counts_are_kept_until_the_next_edit(client, deal, django_capture_on_commit_callbacks):
    def count(address):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
        counted = any("COUNT(" in query["sql"] for query in queries.captured_queries)
        return response.context["page_obj"].paginator.count, counted

    with override_settings(PAGE_CACHE_SECONDS=0):  # the figures' own cache only
        assert count("/deals/?q=블랙웰") == (1, True)
        assert count("/deals/?q=블랙웰") == (1, False)  # the next reader reuses it
        assert count("/ko/deals/?q=블랙웰") == (1, False)  # the same count in Korean
        assert count("/deals/?q=블랙웰&status=rumored") == (0, True)  # another filter
        with django_capture_on_commit_callbacks(execute=True):
            factories.make_deal(title="More Blackwell", title_ko="블랙웰 추가 공급")
        assert count("/deals/?q=블랙웰") == (2, True)


def test_an_api_lists_last_modified_follows_any_edit_to_the_table(
    api, deal, django_capture_on_commit_callbacks
):
    with override_settings(PAGE_CACHE_SECONDS=0):  # the figures' own cache only
        first = api.get("/api/v1/deals/?page_size=1")
        with CaptureQueriesContext(connection) as queries:
            again = api.get("/api/v1/deals/?page_size=1")
        assert again["Last-Modified"] == first["Last-Modified"]
        assert not any("MAX(" in q["sql"] for q in queries.captured_queries)
        later = dt.datetime(2031, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
        with django_capture_on_commit_callbacks(execute=True):
            draft = factories.make_deal(title="미공개 초안", publication=models.Publication.DRAFT)
            models.Deal.objects.filter(pk=draft.pk).update(updated_at=later)
        # A draft no reader sees, yet the list's validators move: it may have left the list.
        assert api.get("/api/v1/deals/?page_size=1")["Last-Modified"] == http_date(
            later.timestamp()
        )


@pytest.mark.parametrize(
    "deals",
    [
        lambda: models.Deal.objects.none(),
        lambda: models.Deal.objects.filter(pk__in=[]),
        lambda: models.Deal.objects.published().search("블랙웰"),
    ],
    ids=["none", "empty in", "search"],
)
def test_a_kept_count_matches_a_fresh_one(deal, deals):
    from deals.views.base import CappedPaginator

    fresh = deals().order_by().count()
    assert CappedPaginator(deals().order_by("-id"), 25).count == fresh  # counted, kept
    assert CappedPaginator(deals().order_by("-id"), 25).count == fresh  # read back


def test_figures_are_shared_by_a_workers_requests_until_the_next_edit(monkeypatch):
    monkeypatch.setattr(settings, "NEAR_CACHE_MB", 1)
    computed = []

    def compute():
        computed.append(1)
        return {"거래": [len(computed)], "partners": ["엔비디아", "삼성"]}

    first = cached_for_generation("test-figures", ("co-1", "ko"), compute)
    again = cached_for_generation("test-figures", ("co-1", "ko"), compute)
    assert again is first and len(computed) == 1  # one copy, not unpickled for each request
    assert cached_for_generation("test-figures", ("co-2", "ko"), compute) is not first
    # An edit makes the copy stale at once...
    bump_content_generation()
    fresh = cached_for_generation("test-figures", ("co-1", "ko"), compute)
    assert fresh is not first and fresh["거래"] == [3]
    assert cached_for_generation("test-figures", ("co-1", "ko"), compute) is fresh
    # ... and so does a flush of the shared cache.
    cache.clear()
    assert cached_for_generation("test-figures", ("co-1", "ko"), compute)["거래"] == [4]


def test_without_the_near_cache_each_request_gets_its_own_figures(monkeypatch):
    monkeypatch.setattr(settings, "NEAR_CACHE_MB", 0)
    first = cached_for_generation("test-figures", ("co-1",), lambda: ["회사"])
    again = cached_for_generation("test-figures", ("co-1",), lambda: ["바뀜"])
    assert again == first == ["회사"] and again is not first


def test_a_near_copy_with_a_time_limit_is_dropped_when_it_runs_out(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr("deals.cache.time.monotonic", lambda: now[0])
    near = NearCache(max_bytes=100)
    near.put("a", 1, "A", 40, seconds=60)
    near.put("b", 1, "B", 40)  # no limit: Redis says when it is stale
    now[0] += 59
    assert near.get("a") == (1, "A")
    now[0] += 1
    assert near.get("a") is None and near.size == 40
    assert near.get("b") == (1, "B")


def test_a_local_memory_cache_keeps_near_copies_no_longer_than_asked(monkeypatch):
    if hasattr(cache, "count_and_read"):
        pytest.skip("Redis compares generations itself; this is the local-memory path")
    monkeypatch.setattr(settings, "NEAR_CACHE_MB", 1)
    near_cache(any_cache=True).clear()
    now = [1000.0]
    monkeypatch.setattr("deals.cache.time.monotonic", lambda: now[0])
    key = cache_key("test", "figures", "삼성")
    generation = read_fresh(key)[0]
    store_fresh(key, generation, ["값"], 60)
    copy = read_fresh(key, near=True, keep=30)[1]
    assert read_fresh(key, near=True, keep=30)[1] is copy
    assert read_fresh(key, near=True)[1] is not copy  # not asked with a time limit: unpickled
    now[0] += 30
    later = read_fresh(key, near=True, keep=30)[1]
    assert later == ["값"] and later is not copy  # read from the cache again
    cache.delete(key)
    assert read_fresh(key, near=True, keep=30)[1] is later  # within its 30 s, the copy stays
