"""Observable: cheap health checks, one log line per request with its id, status, time and
query count, and the request id on error pages."""

import logging

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import override_settings
from django.urls import path

from dealtracker.urls import urlpatterns as project_urls


def _explode(request):
    raise RuntimeError("boom: a bug in a view")


urlpatterns = [path("explode/", _explode), *project_urls]
handler500 = "dealtracker.views.server_error"


def test_healthz_answers_without_the_database(client):
    # No django_db mark: any database access in the view would raise and fail this test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.fixture
def replicas_closed_after():
    """/readyz opens the replica alias's own connection (a mirror of the test database here),
    which persistent connections keep open; left open, it stopped pytest-django from dropping
    the test database at the end of the run."""
    yield
    for alias in connections:
        if alias != DEFAULT_DB_ALIAS:
            connections[alias].close()


@pytest.mark.django_db(databases="__all__")
@pytest.mark.usefixtures("replicas_closed_after")
def test_readyz_checks_database_and_cache(client, settings):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    # Every configured database is checked, replicas too (tests run with a mirror replica).
    assert set(body["checks"]) == {f"database:{alias}" for alias in settings.DATABASES} | {"cache"}
    assert body["checks"]["database:default"] == "ok"
    assert body["checks"]["cache"] == "ok"


@pytest.mark.django_db(databases="__all__")
@pytest.mark.usefixtures("replicas_closed_after")
def test_readyz_is_503_when_the_cache_is_down(client):
    broken = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    # Django's test signals rebuild the cache handlers when CACHES changes.
    with override_settings(CACHES=broken):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "failed"


@pytest.mark.django_db
def test_one_log_line_per_request_with_id_status_and_queries(client, caplog):
    with caplog.at_level(logging.INFO, logger="dealtracker.request"):
        response = client.get("/api/v1/deals/", HTTP_X_REQUEST_ID="req-2025-10-31-abc")
    lines = [r for r in caplog.records if r.name == "dealtracker.request"]
    assert len(lines) == 1
    record = lines[0]
    assert record.request_id == "req-2025-10-31-abc"
    assert record.status == response.status_code == 200
    assert record.queries >= 1
    assert record.duration_ms >= 0
    assert response["X-Request-ID"] == "req-2025-10-31-abc"


@pytest.mark.parametrize("junk", ["short", "has space in it", "x" * 65, "줄바꿈\nINJECTED"])
def test_an_unsafe_incoming_request_id_is_replaced(client, junk):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=junk)
    assert response["X-Request-ID"] != junk
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_error_shows_the_request_id_and_no_trace(client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR):
        response = client.get("/explode/", HTTP_X_REQUEST_ID="trace-me-12345")
    assert response.status_code == 500
    body = response.content.decode()
    assert "trace-me-12345" in body
    assert "boom" not in body and "Traceback" not in body
    assert any("boom" in (r.exc_text or str(r.exc_info)) for r in caplog.records if r.exc_info)
