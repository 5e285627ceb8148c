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
        self.get_response = get_response

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
