"""Anonymous API reads from the shared cache, counted against the throttles first.

The page cache (dealtracker.middleware.AnonymousPageCacheMiddleware) skips /api/: there, an
answer would be served before DRF's throttles ever saw the request. Here the viewset's
`dispatch` answers an anonymous GET/HEAD of `list` or `retrieve` itself, before DRF wraps the
request: in one cache round trip it counts the request against the view's throttles (the same
counters DRF's `check_throttles` adds to, which then skips them for this request) and reads
the entry; on a hit it answers the stored body and headers, or 304 to a client that is up to
date. Everything else (a miss, a throttled client, a signed-in one, an unusual Accept) goes
through DRF as usual, and a miss's 200 is stored on the way out (`finalize_response`, after
the validators are added).

Entries are stamped with the content generation (deals/cache.py), so any committed edit makes
the next request fresh. Signed-in clients (session or token) are never served from, or stored
in, it.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import get_conditional_response

from deals.cache import cache_key, count_and_read_fresh, page_cache_seconds, store_fresh

CACHED_ACTIONS = ("list", "retrieve")
#: The entries' key prefix. It names the shape of what is stored (body, headers, ETag,
#: Last-Modified): change it with that shape, so that servers of a new release never read what
#: an older one stored in the same Redis during a rolling deploy, nor the reverse.
KEY_PREFIX = "api-v3"
#: Headers of an answer that belong to one request, not to the stored answer.
NOT_STORED = frozenset({"set-cookie", "x-request-id", "x-cache"})
#: Accept values that all get the plain JSON an entry holds (JSONRenderer reads media-type
#: parameters such as `indent`, and anything else is DRF's to negotiate).
JSON_MEDIA_RANGES = frozenset({"*/*", "application/*", "application/json"})
#: Set on the Django request once the fast path has counted it against the throttles.
COUNTED = "_dealtracker_throttles_counted"


def plain_json_accepted(accept: str) -> bool:
    """Whether DRF would answer this Accept header with the plain JSON the cache holds."""
    if not accept:
        return True
    ranges = [item.strip() for item in accept.split(",")]
    return not any(";" in item for item in ranges) and any(
        item in JSON_MEDIA_RANGES for item in ranges
    )


class AnonymousReadCacheMixin:
    """For viewsets: anonymous GET/HEAD of `list` and `retrieve` answered from the cache.

    Put it before the mixin that adds ETag/Last-Modified (ConditionalGetMixin), so that what is
    stored carries them.
    """

    _read_cache_key: str | None = None
    _read_generation: int = 0

    def dispatch(self, request, *args, **kwargs):
        self._read_cache_key = None
        if self._read_cacheable(request):
            answer = self._cached_answer(request)
            if answer is not None:
                return answer
        return super().dispatch(request, *args, **kwargs)

    def _cached_answer(self, request) -> HttpResponse | None:
        """The stored answer, after counting the request against the throttles; None when it
        must go through DRF (not stored yet or stale, or throttled: DRF answers 429)."""
        key = cache_key(
            KEY_PREFIX,
            request.method,
            request.get_full_path(),
            getattr(request, "LANGUAGE_CODE", ""),
        )
        throttles = [
            (throttle, throttle.window(request, self)) for throttle in self.get_throttles()
        ]
        throttles = [(throttle, window) for throttle, window in throttles if window is not None]
        counts, generation, stored = count_and_read_fresh(
            [window for _throttle, window in throttles], key, near=True
        )
        if not all(
            throttle.allows(count)
            for (throttle, _window), count in zip(throttles, counts, strict=True)
        ):
            return None  # DRF counts it again (one more over the limit) and answers 429
        setattr(request, COUNTED, True)
        if stored is None:
            self._read_cache_key, self._read_generation = key, generation
            return None
        content, headers, etag, last_modified = stored
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        response["X-Cache"] = "hit"
        return get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )

    def check_throttles(self, request):
        if getattr(request._request, COUNTED, False):
            return  # counted on the way in (_cached_answer)
        super().check_throttles(request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = self._read_cache_key
        if key is not None and response.status_code == 200 and not response.streaming:
            headers = [
                (name, value) for name, value in response.items() if name.lower() not in NOT_STORED
            ]
            stamp = getattr(self, "last_modified", None)
            stored = (
                response.content,
                headers,
                response.get("ETag"),
                int(stamp.timestamp()) if stamp is not None else None,
            )
            store_fresh(key, self._read_generation, stored, page_cache_seconds())
            response["X-Cache"] = "miss"
        return response

    def _read_cacheable(self, request) -> bool:
        """`request` is Django's: DRF has not wrapped it yet."""
        user = getattr(request, "user", None)
        return (
            page_cache_seconds() > 0
            and request.method in ("GET", "HEAD")
            and self.action_map.get(request.method.lower()) in CACHED_ACTIONS
            and not (user and user.is_authenticated)
            and "HTTP_AUTHORIZATION" not in request.META
            and plain_json_accepted(request.META.get("HTTP_ACCEPT", ""))
        )
