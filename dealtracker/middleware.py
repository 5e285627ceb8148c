"""Request-level plumbing: a request id on every request, and one log line per request with
its status, time and number of database queries."""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.db import connections

logger = logging.getLogger("dealtracker.request")

#: The id of the request being served, for log lines written anywhere during it.
current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")

# An id a load balancer or client sent is kept when it is short and plain; anything else is
# replaced, so a header cannot inject text into logs.
ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"


class QueryCounter:
    """Counts the queries run on every database connection while it is installed."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class RequestLogMiddleware:
    """Gives every request an id (the X-Request-ID header in and out) and logs one line for
    it: method, path, status, milliseconds, queries."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        # The benchmark reads each endpoint's query count from a header.
        self.count_header = settings.BENCH

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if ACCEPTED_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        counter = QueryCounter()
        started = time.perf_counter()
        try:
            with _count_queries(counter):
                response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response[HEADER] = request_id
        if self.count_header:
            response["X-Query-Count"] = str(counter.count)
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        logger.log(
            level,
            "%s %s %s %.1fms %dq",
            request.method,
            request.get_full_path()[:300],
            response.status_code,
            elapsed_ms,
            counter.count,
            extra={
                "request_id": request_id,
                "status": response.status_code,
                "duration_ms": round(elapsed_ms, 1),
                "queries": counter.count,
            },
        )
        return response


class _count_queries:  # noqa: N801 - used as a context manager, named like one
    """Installs the counter on every database alias of this thread for the request."""

    def __init__(self, counter: QueryCounter) -> None:
        self.wrappers = [connection.execute_wrapper(counter) for connection in connections.all()]

    def __enter__(self):
        for wrapper in self.wrappers:
            wrapper.__enter__()

    def __exit__(self, *exc):
        for wrapper in reversed(self.wrappers):
            wrapper.__exit__(*exc)
        return False


class RequestIdLogFilter(logging.Filter):
    """Adds the current request id to every log record, for the formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True


def _cache_seconds() -> int:
    from django.conf import settings

    return settings.PAGE_CACHE_SECONDS


class AnonymousPageCacheMiddleware:
    """Serves anonymous GETs of public pages from the shared cache (Redis in production).

    Keyed by the content generation (deals/cache.py), the language and the full path, so any
    committed edit makes the next request fresh. Signed-in users, the admin, the API (cached in
    its views, after throttling), health checks and responses that set cookies are never cached.
    """

    SKIP_PREFIXES = ("/api/", "/healthz", "/readyz", "/i18n/", "/static/")
    #: Names the shape of an entry (status, headers, body): change it with that shape (see
    #: deals.api.caching.KEY_PREFIX).
    KEY_PREFIX = "page-v2"

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.skip = (*self.SKIP_PREFIXES, "/" + settings.ADMIN_URL)

    def __call__(self, request):
        if not self._cacheable_request(request):
            return self.get_response(request)
        from django.http import HttpResponse

        from deals.cache import cache_key, read_fresh, store_fresh

        key = cache_key(
            self.KEY_PREFIX,
            request.method,
            request.get_full_path(),
            getattr(request, "LANGUAGE_CODE", ""),
        )
        generation, stored = read_fresh(key, near=True)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self._cacheable_response(response):
            headers = [
                (k, v)
                for k, v in response.items()
                if k.lower() not in ("set-cookie", "x-request-id")
            ]
            store_fresh(
                key, generation, (response.status_code, headers, response.content), _cache_seconds()
            )
            response["X-Cache"] = "miss"
        return response

    def _cacheable_request(self, request) -> bool:
        return (
            _cache_seconds() > 0
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(self.skip)
            and not request.user.is_authenticated
            and "HTTP_AUTHORIZATION" not in request.META
        )

    @staticmethod
    def _cacheable_response(response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )


class EditorLanguageMiddleware:
    """Speaks the editor's language in the admin.

    Public pages take their language from the address (/ko/...). The admin has one address for
    both languages, and LocaleMiddleware gives every unprefixed address the default language;
    here the admin follows the language the editor chose (the language cookie set by the
    switcher in the admin header) or, failing that, the browser's Accept-Language.
    """

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        from django.utils import translation

        if request.path_info.startswith(self.prefix):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", language)
            return response
        return self.get_response(request)
