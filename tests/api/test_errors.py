"""One JSON error shape everywhere, and never an HTML page or a stack trace."""

import pytest
from django.db import IntegrityError
from rest_framework.throttling import SimpleRateThrottle

from deals.api import views
from tests.api.helpers import assert_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/", "/api/v2/deals/", "/api/v1/nothing/", "/api/v1/deals/a/b/c/", "/api/v1/deals"]
)
def test_unknown_api_addresses_get_a_json_404(api, path):
    error = assert_error(api.get(path), 404)
    assert error["code"] == "not_found"


def test_unknown_slug_is_a_json_404(api):
    assert_error(api.get("/api/v1/deals/no-such-deal/"), 404)


def test_slug_with_characters_no_slug_has_is_a_json_404(api):
    assert_error(api.get("/api/v1/deals/%ED%95%9C%EA%B8%80/"), 404)


def test_method_not_allowed_is_a_json_405(api, editor_api):
    assert_error(api.delete("/api/v1/deals/"), 405)
    assert_error(editor_api.put("/api/v1/deals/", {}, format="json"), 405)


def test_unsupported_media_type_is_a_json_415(editor_api):
    response = editor_api.post(
        "/api/v1/deals/", "slug=x", content_type="application/x-www-form-urlencoded"
    )
    assert_error(response, 415)


def test_wrong_token_is_a_json_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_error(api.get("/api/v1/deals/"), 401)


def test_anonymous_reads_are_throttled_with_retry_after(api, monkeypatch, throttle_clock):
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {**SimpleRateThrottle.THROTTLE_RATES, "anon": "3/minute"},
    )
    for _ in range(3):
        assert api.get("/api/v1/sources/").status_code == 200
    response = api.get("/api/v1/sources/")
    error = assert_error(response, 429)
    assert error["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_signed_in_editors_are_not_held_to_the_anonymous_rate(
    editor_api, monkeypatch, throttle_clock
):
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {**SimpleRateThrottle.THROTTLE_RATES, "anon": "1/minute"},
    )
    for _ in range(3):
        assert editor_api.get("/api/v1/sources/").status_code == 200


def test_a_database_conflict_is_a_json_409(editor_api, monkeypatch, published_deal):
    def clash(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(views.serializers.services, "deal_update", clash)
    response = editor_api.patch(
        f"/api/v1/deals/{published_deal.slug}/", {"summary": "x"}, format="json"
    )
    error = assert_error(response, 409)
    assert "duplicate key" not in error["message"]  # no database internals leak out


def test_an_unexpected_crash_is_a_json_500_without_a_trace(api, monkeypatch, published_deal):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    # Both ways of reading a deal (PostgreSQL's JSON and the serializers) ask for the context.
    monkeypatch.setattr(views.DealViewSet, "get_serializer_context", boom)
    response = api.get(f"/api/v1/deals/{published_deal.slug}/")
    error = assert_error(response, 500)
    assert "secret" not in response.content.decode()
    assert error["code"] == "server_error"


def test_a_crash_outside_the_view_is_a_json_500_with_the_request_id(api, monkeypatch):
    from dealtracker.middleware import AnonymousPageCacheMiddleware

    def boom(self, request):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(AnonymousPageCacheMiddleware, "_cacheable_request", boom)
    api.raise_request_exception = False
    response = api.get("/api/v1/deals/", HTTP_X_REQUEST_ID="reader-report-0042")
    error = assert_error(response, 500)
    assert error["request_id"] == "reader-report-0042"
    assert "secret" not in response.content.decode()
