"""Anonymous API reads from the shared cache, after authentication and throttling.

The page cache (dealtracker.middleware.AnonymousPageCacheMiddleware) skips /api/: a middleware
runs before DRF's throttles, so cached answers would never count against a client's rate. Here
the lookup happens in the view's `initial()`, after DRF has authenticated the request, checked
its permissions and counted it against the throttles; only then does a hit skip the database.

Entries are stamped with the content generation (deals/cache.py), so any committed edit makes
the next request fresh. Signed-in clients (session or token) are never served from, or stored
in, it.
"""

from __future__ import annotations

from rest_framework.response import Response

from deals.cache import cache_key, page_cache_seconds, read_fresh, store_fresh

CACHED_ACTIONS = ("list", "retrieve")
#: The entries' key prefix. It names the shape of what is stored (body, content type,
#: Last-Modified, ETag): change it with that shape, so that servers of a new release never
#: read what an older one stored in the same Redis during a rolling deploy, nor the reverse.
KEY_PREFIX = "api-v2"


class _CachedAnswer(Exception):  # noqa: N818 - a control-flow signal, not an error
    def __init__(self, response: Response) -> None:
        self.response = response


class AnonymousReadCacheMixin:
    """For viewsets: anonymous GET/HEAD of `list` and `retrieve` answered from the cache.

    Put it before the mixin that renders and adds ETag/Last-Modified (ConditionalGetMixin), so a
    hit still gets its validators and answers 304 to a client that is up to date.
    """

    _read_cache_key: str | None = None
    _read_generation: int = 0

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttles
        self._read_cache_key = None
        if not self._read_cacheable(request):
            return
        key = cache_key(KEY_PREFIX, request.method, request.get_full_path(),
                        getattr(request, "LANGUAGE_CODE", ""))
        generation, stored = read_fresh(key)
        if stored is None:
            self._read_cache_key, self._read_generation = key, generation
            return
        content, content_type, last_modified, etag = stored
        response = Response(status=200)
        # Setting the content marks the response rendered: nothing is serialized again.
        response.content = content
        response["Content-Type"] = content_type
        response["ETag"] = etag  # kept with the body: not hashed again (ConditionalGetMixin)
        response["X-Cache"] = "hit"
        self.last_modified = last_modified
        raise _CachedAnswer(response)

    def handle_exception(self, exc):
        if isinstance(exc, _CachedAnswer):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = self._read_cache_key
        if key is not None and response.status_code == 200 and not response.streaming:
            store_fresh(
                key,
                self._read_generation,
                (response.content, response["Content-Type"], getattr(self, "last_modified", None),
                 response.get("ETag")),
                page_cache_seconds(),
            )
            response["X-Cache"] = "miss"
        return response

    def _read_cacheable(self, request) -> bool:
        user = getattr(request, "user", None)
        return (
            page_cache_seconds() > 0
            and request.method in ("GET", "HEAD")
            and getattr(self, "action", None) in CACHED_ACTIONS
            and not (user and user.is_authenticated)
            and "HTTP_AUTHORIZATION" not in request.META
        )
